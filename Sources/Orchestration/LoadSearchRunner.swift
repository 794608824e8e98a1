import Analysis
import Foundation
import LoadGen

/// Runs the steps an ``SLOSearch`` asks for against a target: each step is one load run of
/// `load` streams (the template's request, mix and ramp), `stepSeconds` long once every stream is
/// open (ramp time + step), judged by the criteria. A step is stopped early when the target is
/// over-saturated: more than 10 % of the requests failed after 3 s, or, with every stream open,
/// the events delivered per stream per second fell below half of what the step's first 3 s of
/// full load delivered (latency growing over the step).
public struct LoadSearchRunner: Sendable {
    /// What a step's load is.
    public enum Mode: Sendable {
        /// `load` concurrent SSE streams, judged by the template's SLO (goodput).
        case streams
        /// An open-model request load of `load` arrivals per second, each request good when it
        /// completed within `latency` of its intended start (`<=` when `inclusive`); arrivals
        /// dropped at `maxInFlight` and failed requests count as missed.
        case rate(latency: Duration, inclusive: Bool, maxInFlight: Int)
    }

    public var mode: Mode = .streams
    public var template: LoadConfiguration
    public var stepSeconds: Double
    public var criteria: SLOSearch.Criteria
    public var cancellation: RunCancellation
    public var log: @Sendable (String) -> Void

    public init(
        template: LoadConfiguration, stepSeconds: Double, criteria: SLOSearch.Criteria, mode: Mode = .streams,
        cancellation: RunCancellation = RunCancellation(), log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.mode = mode
        self.template = template
        self.stepSeconds = stepSeconds
        self.criteria = criteria
        self.cancellation = cancellation
        self.log = log
    }

    /// Runs steps until the search is over (or cancelled); returns it with every step recorded.
    public func run(_ search: SLOSearch) async throws -> SLOSearch {
        var search = search
        while let load = search.next, !cancellation.isCancelled {
            log("step \(search.steps.count + 1): \(load) \(search.unit)")
            let step = try await run(load: load)
            log(
                "step \(search.steps.count + 1): \(load) \(search.unit) \(step.passed ? "pass" : "fail"): \(step.reason)"
            )
            search.record(step)
        }
        return search
    }

    func run(load: Int) async throws -> SLOSearch.Step {
        if case .rate(let latency, let inclusive, let maxInFlight) = mode {
            return try await runRate(load: load, latency: latency, inclusive: inclusive, maxInFlight: maxInFlight)
        }
        var c = template
        c.clients = load
        let ramp = Double(load) / max(c.ramp, 0.001)
        c.duration = .milliseconds(Int64((ramp + stepSeconds) * 1000))
        let run = LoadRun(configuration: c)
        cancellation.register(run)
        defer { cancellation.unregister(run) }
        let saturation = OverSaturation(clients: load, rampSeconds: ramp)
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if saturation.observe(run.progress()) != nil {
                    run.stop()
                    return
                }
            }
        }
        defer { watcher.cancel() }
        let r = try await run.run()
        watcher.cancel()
        let started = max(r.counters.started, 1)
        let errorShare = Double(r.counters.failed) / Double(started)
        let early = saturation.reason
        let judged = criteria.judge(
            goodput: r.goodput?.share, streamsJudged: r.counters.sloStreams, errorShare: errorShare, stoppedEarly: early
        )
        func p99(_ m: LatencyMetric) -> Double? { r.latency[m.rawValue].map { Double($0.p99) / 1000 } }
        return SLOSearch.Step(
            load: load, passed: judged.passed, reason: judged.reason, seconds: r.elapsedSeconds,
            goodput: r.goodput?.share, goodPerSecond: r.goodput?.perSecond, streamsJudged: r.counters.sloStreams,
            errorShare: errorShare, firstContentP99Ms: p99(.timeToFirstContent), contentGapP99Ms: p99(.contentGap),
            completionP99Ms: p99(.streamCompletion), eventsPerSecond: r.rates.eventsPerSecond,
            stoppedEarly: early != nil)
    }
}

extension LoadSearchRunner {
    /// One open-model step: `load` arrivals per second for `stepSeconds`.
    func runRate(load: Int, latency: Duration, inclusive: Bool, maxInFlight: Int) async throws -> SLOSearch.Step {
        var c = template
        c.mode = .http
        c.slo = nil
        c.driver = .open(rate: .perSecond(Double(load)), maxInFlight: maxInFlight)
        c.duration = .milliseconds(Int64(stepSeconds * 1000))
        let run = LoadRun(configuration: c)
        cancellation.register(run)
        defer { cancellation.unregister(run) }
        let early = LockedReason()
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let p = run.progress()
                let arrivals = p.started + p.dropped
                guard p.elapsedSeconds >= 3, arrivals > 0 else { continue }
                let missed = Double(p.errors + p.dropped) / Double(arrivals)
                if missed > 0.1 {
                    early.set(
                        String(
                            format: "%.0f %% of %d arrivals failed or found every slot busy", missed * 100, arrivals))
                    run.stop()
                    return
                }
            }
        }
        defer { watcher.cancel() }
        let r = try await run.run()
        watcher.cancel()
        let arrivals = r.counters.started + r.counters.dropped
        let summary = r.latency[LatencyMetric.requestLatency.rawValue]
        let boundMicros =
            UInt64(latency.components.seconds) * 1_000_000 + UInt64(latency.components.attoseconds / 1_000_000_000_000)
        let good =
            summary?.buckets.reduce(UInt64(0)) { sum, b in
                b.count == 2 && (inclusive ? b[0] <= boundMicros : b[0] < boundMicros) ? sum + b[1] : sum
            } ?? 0
        let share: Double? = arrivals > 0 ? Double(good) / Double(arrivals) : nil
        let errorShare = arrivals > 0 ? Double(r.counters.failed + r.counters.dropped) / Double(arrivals) : 0
        let judged = criteria.judge(
            goodput: share, streamsJudged: arrivals, errorShare: errorShare, stoppedEarly: early.value)
        return SLOSearch.Step(
            load: load, passed: judged.passed, reason: judged.reason, seconds: r.elapsedSeconds, goodput: share,
            goodPerSecond: Double(good) / max(r.elapsedSeconds, 0.001), streamsJudged: arrivals, errorShare: errorShare,
            firstContentP99Ms: nil, contentGapP99Ms: nil, completionP99Ms: nil,
            eventsPerSecond: r.rates.requestsPerSecond, stoppedEarly: early.value != nil,
            requestP99Ms: summary.map { Double($0.p99) / 1000 })
    }
}

/// A reason set once from a watcher task.
final class LockedReason: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    var value: String? { lock.withLock { reason } }
    func set(_ r: String) { lock.withLock { if reason == nil { reason = r } } }
}

/// The over-saturation rule of a search step, fed the run's progress once a second.
final class OverSaturation: @unchecked Sendable {
    private let lock = NSLock()
    private let clients: Int
    private let rampSeconds: Double
    private var last: LoadProgress?
    /// Events per open stream per second in the first seconds with every stream open.
    private var baseline: [Double] = []
    private var recent: [Double] = []
    private var why: String?

    init(clients: Int, rampSeconds: Double) {
        self.clients = clients
        self.rampSeconds = rampSeconds
    }

    var reason: String? { lock.withLock { why } }

    /// Returns the reason the first time the step is found over-saturated.
    func observe(_ p: LoadProgress) -> String? {
        lock.withLock {
            defer { last = p }
            guard why == nil else { return nil }
            if p.elapsedSeconds >= 3, p.started > 0, Double(p.errors) / Double(p.started) > 0.1 {
                why = String(
                    format: "%.0f %% of %d requests failed", Double(p.errors) / Double(p.started) * 100, p.started)
                return why
            }
            guard let last, p.elapsedSeconds > rampSeconds, p.open >= clients * 9 / 10, p.open > 0 else { return nil }
            let seconds = max(p.elapsedSeconds - last.elapsedSeconds, 0.001)
            let rate = Double(p.events - last.events) / seconds / Double(p.open)
            if baseline.count < 3 {
                baseline.append(rate)
                return nil
            }
            recent = Array((recent + [rate]).suffix(3))
            let base = baseline.reduce(0, +) / Double(baseline.count)
            let now = recent.reduce(0, +) / Double(recent.count)
            if recent.count == 3, base > 0, now < base / 2 {
                why = String(
                    format: "delivery fell from %.2f to %.2f events/s per stream (latency growing over the step)", base,
                    now)
                return why
            }
            return nil
        }
    }
}
