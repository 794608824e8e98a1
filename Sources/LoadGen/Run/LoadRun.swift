import Synchronization
import SystemSupport

#if canImport(Glibc)
import Glibc
#endif

/// A load run: starts one engine thread per configured thread, waits for the duration (or
/// ``stop()``, or cancellation of the calling task), merges what the engines measured and returns
/// it. Usable from the CLI and in-process (scenarios, tests).
///
/// ```swift
/// let run = LoadRun(configuration: config)
/// let result = try await run.run()
/// ```
public final class LoadRun: Sendable {
    public let configuration: LoadConfiguration
    private let engines = Mutex<[EngineShared]>([])
    private let stopped = Atomic<Bool>(false)
    private let startedAt = Atomic<UInt64>(0)
    private let origin: LoadOrigin?

    /// `origin`: the instant the run's second 0 begins (and its duration counts from), shared by
    /// every run of a scenario phase and its fault timeline, or by the shards of a test
    /// (``LoadOrigin/at(unixSeconds:)``), so that their seconds line up; nil: when `run()` starts.
    /// `run()` waits for an origin in the future; from one in the past, clients and arrivals due
    /// already start at once (and the run ends at origin + duration).
    public init(configuration: LoadConfiguration, origin: LoadOrigin? = nil) {
        self.configuration = configuration
        self.origin = origin
    }

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Asks the engines to stop; `run()` then returns the results so far. Safe from any thread
    /// (a signal handler task, a test) and idempotent.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        for shared in engines.withLock({ $0 }) { shared.requestStop() }
    }

    /// Totals published by the engines a few times a second.
    public func progress() -> LoadProgress {
        var p = LoadProgress()
        let start = startedAt.load(ordering: .acquiring)
        if start > 0 { p.elapsedSeconds = Double(monotonicNanos() - start) / 1e9 }
        for s in engines.withLock({ $0 }) {
            p.open += s.open.load(ordering: .relaxed)
            p.started += s.started.load(ordering: .relaxed)
            p.succeeded += s.succeeded.load(ordering: .relaxed)
            p.events += s.events.load(ordering: .relaxed)
            p.bytes += s.bytes.load(ordering: .relaxed)
            p.errors += s.errors.load(ordering: .relaxed)
            p.dropped += s.dropped.load(ordering: .relaxed)
        }
        return p
    }

    /// Runs to the end. `onSecond` is called about once a second with the progress so far.
    public func run(onSecond: (@Sendable (LoadProgress) -> Void)? = nil) async throws -> LoadResult {
        try configuration.validate()
        let limits = ProcessSetup.ensure()
        if let origin {
            while !stopped.load(ordering: .acquiring), !Task.isCancelled, origin.nanoseconds > monotonicNanos() {
                let left = origin.nanoseconds - monotonicNanos()
                try? await Task.sleep(for: .nanoseconds(min(left, 100_000_000)))
            }
        }
        let statsAtStart = ProcessStats.read()
        let threads = min(
            configuration.threads,
            max(1, configuration.mode == .sse ? configuration.shard.share(of: configuration.clients) : 256))
        let runStart = min(origin?.nanoseconds ?? .max, monotonicNanos())
        let runEnd = runStart + configuration.duration.nanoseconds
        let wallStart = Self.unixNow() - Double(monotonicNanos() - runStart) / 1e9
        let profiles = configuration.mode == .sse ? configuration.mix.assignments(count: configuration.clients) : []

        var created: [Engine] = []
        for i in 0..<threads {
            guard
                let engine = Engine(
                    index: i, of: threads, configuration: configuration, profiles: profiles, runStart: runStart,
                    runEnd: runEnd)
            else { throw StartError(description: "could not create engine \(i): libcurl or epoll init failed") }
            created.append(engine)
        }
        let collector = EngineCollector(count: threads)
        engines.withLock { $0 = created.map(\.shared) }
        startedAt.store(runStart, ordering: .releasing)
        for (i, engine) in created.enumerated() {
            let box = UncheckedBox(engine)
            try ThreadLauncher.start {
                let metrics = box.value.run()
                collector.deliver(metrics, from: i)
            }
        }
        created.removeAll()
        if stopped.load(ordering: .acquiring) { stop() }

        var samples: [(open: Int, cpu: Double, rss: Int)] = []
        var lastCPU = statsAtStart?.cpuSeconds ?? 0
        var nextSample = runStart + 1_000_000_000
        await withTaskCancellationHandler {
            while !collector.isDone {
                try? await Task.sleep(for: .milliseconds(50))
                let now = monotonicNanos()
                if now >= nextSample {
                    nextSample += 1_000_000_000
                    let progress = self.progress()
                    if let stats = ProcessStats.read() {
                        samples.append((progress.open, (stats.cpuSeconds - lastCPU) * 100, stats.rssBytes))
                        lastCPU = stats.cpuSeconds
                    }
                    onSecond?(progress)
                }
            }
        } onCancel: {
            self.stop()
        }
        let merged = await collector.merged()
        let elapsed = Double(monotonicNanos() - runStart) / 1e9
        return LoadResult(
            configuration: configuration, metrics: merged, threads: threads, startedAt: wallStart,
            elapsed: elapsed,
            stoppedEarly: stopped.load(ordering: .acquiring) && elapsed < configuration.duration.secondsDouble,
            statsAtStart: statsAtStart, statsAtEnd: ProcessStats.read(), samples: samples, limits: limits,
            testStart: origin?.unixSeconds)
    }

    static func unixNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Moves a non-Sendable engine to the thread that will be its only user.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// An instant on the load generator's clock (CLOCK_MONOTONIC), to start runs from.
public struct LoadOrigin: Sendable, Equatable {
    let nanoseconds: UInt64
    /// The wall-clock instant it was made from (``at(unixSeconds:)``), to record in results.
    public private(set) var unixSeconds: Double? = nil

    public static func now() -> LoadOrigin { LoadOrigin(nanoseconds: monotonicNanos()) }

    /// The monotonic instant of a wall-clock time (Unix seconds), past or future: the common
    /// start of a test's shards (`--start-at`).
    public static func at(unixSeconds: Double) -> LoadOrigin {
        let now = monotonicNanos()
        let delta = (unixSeconds - LoadRun.unixNow()) * 1e9
        let ns = delta >= 0 ? now &+ UInt64(delta) : now - min(now, UInt64(-delta))
        return LoadOrigin(nanoseconds: ns, unixSeconds: unixSeconds)
    }
}
