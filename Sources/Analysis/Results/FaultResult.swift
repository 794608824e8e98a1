import Foundation
import LoadGen

/// One fault as it happened in a phase, and what it did to the load: errors while it lasted and
/// after, and the time until throughput was back (``FaultRecovery``).
public struct FaultResult: Sendable, Codable, Equatable {
    /// ``FaultSpec/description``: `pause-instance instance 0 for 4s`.
    public var fault: String
    public var action: FaultSpec.Action
    public var target: String
    /// Seconds from the load's start when it hit, and when it ended (the process resumed, the
    /// service answered again, the link came back); nil end: it never ended (a kill for good).
    public var atSeconds: Double
    public var endedSeconds: Double?
    /// Why the fault could not be applied (nothing else is then measured).
    public var error: String?
    /// Mean good work per second before the fault (events received, plus successful requests of
    /// `mode: http` groups), the lowest second while it lasted, and the ≥ 90 % bar.
    public var preFaultPerSecond: Double?
    public var lowestPerSecond: Double?
    /// Client errors while the fault lasted, and from its end until throughput was back (or the window's end).
    public var errorsDuring: Int = 0
    public var errorsAfter: Int = 0
    /// Seconds from the fault's end until throughput was back to ≥ 90 % of its pre-fault mean for
    /// two seconds running (1 s resolution); nil when it did not recover or was not measured (see `recovery`).
    public var recoverySeconds: Double?
    /// Whether throughput came back; nil: not measured (see `recovery`).
    public var recovered: Bool?
    /// In words: `recovered 1 s after the fault ended`, `did not recover before the load ended`, `not measured: ...`.
    public var recovery: String
    /// The end of the window the effects below cover, `[at, observedUntil)`: two seconds past the
    /// recovery, or the next fault, or the load's end.
    public var observedUntilSeconds: Double?
    /// What the fault did to streams in that window; nil: the phase had no SSE clients.
    public var streams: StreamEffects?
    /// Client errors by kind in the window, and SSE `error` events as `event:<code or error>`
    /// (upstream reports a failed session create inside a 200 stream).
    public var errorsByKind: [String: Int]?
    /// Server-side error counters' increase in the window, summed over instances
    /// (``FaultEffects/serverErrorSeries``; a counter reset by a restart counts from 0).
    public var serverErrors: [String: Int]?

    /// `8.0 s`, and the end the same way or `never`, as the reports show them.
    public var atText: String { String(format: "%.1f s", atSeconds) }
    public var endedText: String { endedSeconds.map { String(format: "%.1f s", $0) } ?? "never" }

    /// The window's effects in one line, as the reports show them: `until 14 s: streams 3 broken,
    /// 3 resumed, 0 lost, 0 events missing; client reset 3, event:Session creation failed 12;
    /// server session_update_errors +30`; `not measured` without a window.
    public var effectsText: String {
        guard let until = observedUntilSeconds else { return "not measured" }
        var parts = [streams.map { "streams \($0.description)" } ?? "no streams"]
        func list(_ d: [String: Int], sign: String = "") -> String {
            d.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \(sign)\($0.value)" }
                .joined(separator: ", ")
        }
        if let kinds = errorsByKind, !kinds.isEmpty { parts.append("client " + list(kinds)) }
        if let server = serverErrors {
            parts.append(server.isEmpty ? "no server errors" : "server " + list(server, sign: "+"))
        }
        return String(format: "until %.0f s: ", until) + parts.joined(separator: "; ")
    }

    public init(fault: FaultSpec, atSeconds: Double, endedSeconds: Double?, error: String? = nil) {
        self.fault = fault.description
        action = fault.action
        target = fault.target
        self.atSeconds = atSeconds
        self.endedSeconds = endedSeconds
        self.error = error
        recovery = error.map { "not measured: the fault could not be applied (\($0))" } ?? "not measured"
    }

}

/// How fast the load came back from a fault, from per-second series of good work and errors
/// (index `t` covers the load's second [t, t+1)).
public enum FaultRecovery {
    /// The share of the pre-fault mean that counts as recovered.
    public static let bar = 0.9
    /// Seconds of the pre-fault window, at most.
    public static let window = 10

    /// Fills `result`'s measured fields. `since`: the earliest second the pre-fault mean may use
    /// (the warm-up's end, or the end of the previous fault); `until`: the second the recovery
    /// search stops at (the next fault, or the load's end).
    public static func assess(
        _ result: inout FaultResult, goodWork: [Double], errors: [Int], since: Double, until: Double,
        untilWhat: String = "the load ended"
    ) {
        guard result.error == nil else { return }
        let at = result.atSeconds
        let first = max(Int(since.rounded(.up)), Int(at.rounded(.down)) - window)
        let last = min(Int(at.rounded(.down)), goodWork.count)  // exclusive
        guard last - first >= 2 else {
            result.recovery = "not measured: less than 2 s of steady load before the fault"
            return
        }
        let pre = goodWork[first..<last].reduce(0, +) / Double(last - first)
        guard pre > 0 else {
            result.recovery = "not measured: no work was done in the \(last - first) s before the fault"
            return
        }
        result.preFaultPerSecond = pre
        let stop = min(Int(until.rounded(.up)), goodWork.count, errors.count)
        let atSecond = Int(at.rounded(.down))
        result.observedUntilSeconds = Double(stop)
        guard let end = result.endedSeconds else {
            result.errorsDuring = sum(errors, atSecond, stop)
            result.lowestPerSecond = goodWork[min(atSecond, stop)..<stop].min()
            result.recovered = false
            result.recovery = "did not recover: the fault never ended"
            return
        }
        let endSecond = Int(end.rounded(.up))
        result.errorsDuring = sum(errors, atSecond, min(endSecond, stop))
        result.lowestPerSecond = goodWork[min(atSecond, stop)..<max(min(atSecond, stop), min(endSecond, stop))].min()
        let target = bar * pre
        var s = endSecond
        while s < stop {
            let holds = goodWork[s] >= target && (s + 1 >= stop || goodWork[s + 1] >= target)
            if holds {
                result.recoverySeconds = max(0, Double(s) - end)
                result.recovered = true
                result.observedUntilSeconds = Double(min(s + 2, stop))
                result.errorsAfter = sum(errors, endSecond, s)
                result.recovery =
                    "recovered \(Int(result.recoverySeconds!.rounded(.up))) s after the fault ended (≥ 90 % of \(Int(pre.rounded()))/s)"
                return
            }
            s += 1
        }
        result.errorsAfter = sum(errors, endSecond, stop)
        if endSecond < stop { result.recovered = false }
        result.recovery =
            endSecond >= stop
            ? "not measured: the fault ended after the load"
            : "did not recover: below 90 % of \(Int(pre.rounded()))/s in the \(stop - endSecond) s until \(untilWhat)"
    }

    /// A phase's fault metrics (`faults_applied`, `faults_not_recovered`, `recovery_max_s` over
    /// those that recovered) and what weakens them (faults that could not be applied).
    public static func summary(_ faults: [FaultResult]) -> (metrics: [PhaseMetric: Double], validity: [String]) {
        let applied = faults.filter { $0.error == nil }
        var m: [PhaseMetric: Double] = [
            .faultsApplied: Double(applied.count),
            .faultsNotRecovered: Double(applied.filter { $0.recovered == false }.count),
        ]
        if let longest = applied.compactMap(\.recoverySeconds).max() { m[.recoveryMaxS] = longest }
        let failed = faults.count - applied.count
        return (
            m, failed > 0 ? ["\(failed) planned fault(s) could not be applied: \(faults.compactMap(\.error)[0])"] : []
        )
    }

    private static func sum(_ xs: [Int], _ from: Int, _ to: Int) -> Int {
        guard from < to, from < xs.count else { return 0 }
        return xs[from..<min(to, xs.count)].reduce(0, +)
    }
}

/// The load's good work and client errors per second, summed over every load run of a phase:
/// events received for streams, successful responses for `mode: http` runs.
public struct LoadTimeline: Sendable, Equatable {
    public var goodWork: [Double] = []
    public var errors: [Int] = []
    /// Per second: streams broken, resumed and lost, events missing, errors by kind (SSE runs).
    public var streams: [StreamEffects] = []
    public var errorKinds: [[String: Int]] = []
    /// Whether any run was a stream load (else stream effects are not measured).
    public var hasStreams = false

    public init() {}

    /// Adds one run's per-second series.
    public mutating func add(_ series: [SecondSample], streams: Bool) {
        for s in series {
            while goodWork.count <= s.t {
                goodWork.append(0)
                errors.append(0)
                self.streams.append(StreamEffects())
                errorKinds.append([:])
            }
            goodWork[s.t] += Double(streams ? s.events : max(0, s.completed - s.errors))
            errors[s.t] += s.errors
            self.streams[s.t].add(
                StreamEffects(broken: s.broken, resumed: s.resumed, lost: s.lost, eventsMissing: s.missing))
            if let kinds = s.errorKinds { errorKinds[s.t].merge(kinds, uniquingKeysWith: +) }
        }
        hasStreams = hasStreams || streams
    }

    /// Fills a fault's stream effects and errors by kind over `[at, observedUntil)`.
    func describe(_ result: inout FaultResult) {
        guard result.error == nil, let until = result.observedUntilSeconds else { return }
        let from = Int(result.atSeconds.rounded(.down))
        let to = min(Int(until), streams.count)
        guard from < to else { return }
        var kinds: [String: Int] = [:]
        for k in errorKinds[from..<to] { kinds.merge(k, uniquingKeysWith: +) }
        result.errorsByKind = kinds
        if hasStreams { result.streams = streams[from..<to].reduce(into: StreamEffects()) { $0.add($1) } }
    }

    /// `faults` (as applied, in time order) with their recovery assessed: each one's pre-fault
    /// window starts after the warm-up and after the end of the fault before it, and its recovery
    /// search stops at the next fault or the load's end.
    public func assess(_ faults: [FaultResult], warmup: Double, loadSeconds: Double) -> [FaultResult] {
        let ordered = faults.sorted { $0.atSeconds < $1.atSeconds }
        return ordered.enumerated().map { i, f in
            var r = f
            let previousEnd = ordered[..<i].map { $0.endedSeconds ?? loadSeconds }.max() ?? 0
            let next = ordered[(i + 1)...].first.map(\.atSeconds).flatMap { $0 < loadSeconds ? $0 : nil }
            FaultRecovery.assess(
                &r, goodWork: goodWork, errors: errors, since: max(warmup, previousEnd), until: next ?? loadSeconds,
                untilWhat: next == nil ? "the load ended" : "the next fault")
            describe(&r)
            return r
        }
    }
}
