import Analysis
import Foundation
import SystemSupport

/// Samples every server of a fleet (`/proc/PID` and `/metrics`) and this process at a fixed rate,
/// on its own thread so blocking reads never hold a Swift concurrency thread. Every tick also
/// checks that the servers and the watched services (Redis, PostgreSQL) are still alive, and
/// records when one is found dead.
public final class Sampler: @unchecked Sendable {
    public struct Target: Sendable {
        public var instance: Int
        /// The server's process on this machine; nil for an external target (no `/proc` to read).
        public var pid: Int32?
        public var host: String = "127.0.0.1"
        public var port: Int
        /// Where its Prometheus text is; nil: it exposes none.
        public var metricsPath: String? = "/metrics"

        public init(
            instance: Int, pid: Int32?, host: String = "127.0.0.1", port: Int, metricsPath: String? = "/metrics"
        ) {
            self.instance = instance
            self.pid = pid
            self.host = host
            self.port = port
            self.metricsPath = metricsPath
        }
    }

    /// A process that must stay up for the whole phase.
    public struct Watched: Sendable, Equatable {
        public var pid: Int32
        public var name: String
        public init(pid: Int32, name: String) {
            self.pid = pid
            self.name = name
        }
    }

    /// A watched process found dead (gone or a zombie), `seconds` after the sampling began.
    public struct Death: Sendable, Equatable, CustomStringConvertible {
        public var process: Watched
        public var seconds: Double
        public var description: String {
            "\(process.name) (pid \(process.pid)) died \(String(format: "%.1f", seconds)) s into the phase"
        }
    }

    private var targets: [Target]
    private var watched: [Watched]
    /// Processes a planned fault stops or replaces: their exit is no death.
    private var planned: Set<Int32> = []
    private var died: [Death] = []
    private let interval: Double
    private let lock = NSLock()
    /// One copy of each series name, shared by every sample's dictionary (under `lock`).
    private var seriesNames: [String: String] = [:]
    private var samples: [Sample] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)
    private var start = Date()
    private let backends: BackendProbe?

    /// With `redisURL` and `databaseURL`, each sample also reads Redis INFO and pg_stat_activity.
    /// `services` are watched for deaths beside the targets' processes.
    public init(
        targets: [Target], hz: Double, redisURL: String? = nil, databaseURL: String? = nil, services: [Watched] = []
    ) {
        self.targets = targets
        self.watched =
            targets.compactMap { t in t.pid.map { Watched(pid: $0, name: "server \(t.instance)") } } + services
        if let redisURL, let databaseURL {
            backends = BackendProbe(redisURL: redisURL, databaseURL: databaseURL)
        } else {
            backends = nil
        }
        self.interval = 1 / max(hz, 0.1)
    }

    public func begin() {
        start = Date()
        let thread = Thread { [self] in
            var next = Date()
            while lock.withLock({ running }) {
                let sample = takeSample()
                let dead = checkAlive(at: sample.t)
                lock.withLock {
                    samples.append(sample)
                    died += dead
                }
                next = next.addingTimeInterval(interval)
                let wait = next.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) } else { next = Date() }
            }
            done.signal()
        }
        thread.name = "stampede-sampler"
        thread.start()
    }

    /// The watched processes found dead so far, in the order they were found; `recheck` looks
    /// once more first (after the sampling ended, e.g. after the lost-update check).
    public func deaths(recheck: Bool = false) -> [Death] {
        if recheck {
            let dead = checkAlive(at: Date().timeIntervalSince(start))
            lock.withLock { died += dead }
        }
        return lock.withLock { died }
    }

    /// Watched processes newly found dead at `t`.
    private func checkAlive(at t: Double) -> [Death] {
        let (known, watching) = lock.withLock {
            (Set(died.map(\.process.pid)).union(planned), watched)
        }
        return watching.filter { !known.contains($0.pid) && ProcessStats.identity(pid: $0.pid)?.isRunning != true }
            .map { Death(process: $0, seconds: t) }
    }

    /// A planned fault is about to end `pid` (a kill, a restart): its exit is not a death.
    public func expectExit(of pid: Int32) {
        lock.withLock { _ = planned.insert(pid) }
    }

    /// `old` was replaced by `new` (a restarted instance or service): watch and sample the new one.
    public func replace(_ old: Int32, with new: Int32) {
        lock.withLock {
            planned.insert(old)
            for i in watched.indices where watched[i].pid == old { watched[i].pid = new }
            for i in targets.indices where targets[i].pid == old { targets[i].pid = new }
        }
    }

    /// Stops the thread and returns every sample taken. When the last sample missed a server's
    /// `/metrics` (a server out of file descriptors or at its connection cap cannot answer while
    /// the load holds it), one closing sample is taken once the load has let go, retried for up to
    /// `settle` seconds, so the counters' final values are still read.
    public func end(settle: Double = 10) -> [Sample] {
        lock.withLock { running = false }
        done.wait()
        var taken = lock.withLock { samples }
        // An instance a planned fault killed for good answers no more.
        let gone = lock.withLock {
            Set(targets.filter { $0.pid.map(planned.contains) ?? false || $0.metricsPath == nil }.map(\.instance))
        }
        func missing(_ s: Sample) -> Bool { s.servers.contains { $0.metrics.isEmpty && !gone.contains($0.instance) } }
        guard let last = taken.last, missing(last) else { return taken }
        let deadline = Date().addingTimeInterval(settle)
        repeat {
            let closing = takeSample(timeout: 2)
            if !missing(closing) {
                taken.append(closing)
                break
            }
            Thread.sleep(forTimeInterval: 0.25)
        } while Date() < deadline
        return taken
    }

    /// `metrics` with keys that share the storage of the first scrape's: a scrape has ~150
    /// series, each name a heap string of its own, so a 30-minute run at 2 Hz kept ~20 KB per
    /// instance per sample (the run's RSS grew 300 MiB/h) where the values take ~1 KB.
    func interned(_ metrics: [String: Double]) -> [String: Double] {
        lock.withLock {
            var out = [String: Double](minimumCapacity: metrics.count)
            for (name, value) in metrics {
                if let shared = seriesNames[name] {
                    out[shared] = value
                } else {
                    seriesNames[name] = name
                    out[name] = value
                }
            }
            return out
        }
    }

    func takeSample(timeout: Double = 1) -> Sample {
        let t = Date().timeIntervalSince(start)
        let servers = lock.withLock { targets }.map { target -> Sample.Server in
            let stats = target.pid.flatMap { ProcessStats.read(pid: $0) }
            let text =
                target.metricsPath.flatMap {
                    HTTPProbe.request(host: target.host, port: target.port, path: $0, timeout: timeout)
                        .flatMap { $0.status == 200 ? $0.body : nil }
                } ?? ""
            return Sample.Server(
                instance: target.instance, rssBytes: stats?.rssBytes ?? 0, openFDs: stats?.openFDs ?? 0,
                threads: stats?.threads ?? 0,
                cpuSeconds: stats?.cpuSeconds ?? 0, metrics: interned(PrometheusText.parse(text)))
        }
        let me = ProcessStats.read()
        var sample = Sample(
            t: t, servers: servers, generatorRSSBytes: me?.rssBytes ?? 0, generatorCPUSeconds: me?.cpuSeconds ?? 0,
            machineBusySeconds: Self.machineBusySeconds())
        sample.backends = backends?.read()
        return sample
    }

    /// Busy CPU seconds of the whole machine (user+nice+system+irq+softirq+steal) from /proc/stat.
    static func machineBusySeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first
        else { return nil }
        let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard f.count >= 8 else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / ticks
    }
}
