import Foundation

/// `stampede search`: the highest load that meets an SLO, as vLLM's `serve_sla` search and
/// GuideLLM's sweep look for it. Pure: the caller runs each step the search asks for and records
/// what it measured; the search brackets (doubling from the range's low end until a step fails
/// or the high end passes), then bisects between the highest passing and the lowest failing load
/// until they are within `precision` of each other.
public struct SLOSearch: Sendable {
    /// What one step measured, and whether it met the SLO.
    public struct Step: Sendable, Codable, Equatable {
        /// The load: concurrent streams, or arrivals per second (``SLOSearch/unit``).
        public var load: Int
        public var passed: Bool
        /// Why it passed or failed, in one sentence.
        public var reason: String
        public var seconds: Double
        /// Share of the streams that met every SLO term, and their rate.
        public var goodput: Double?
        public var goodPerSecond: Double?
        public var streamsJudged: Int
        /// Failed requests out of started ones.
        public var errorShare: Double
        public var firstContentP99Ms: Double?
        public var contentGapP99Ms: Double?
        public var completionP99Ms: Double?
        /// Open-model request load: the requests' latency p99 (from their intended start).
        public var requestP99Ms: Double?
        public var eventsPerSecond: Double
        /// The step was stopped before its end: the target was over-saturated.
        public var stoppedEarly: Bool

        public init(
            load: Int, passed: Bool, reason: String, seconds: Double, goodput: Double?, goodPerSecond: Double?,
            streamsJudged: Int, errorShare: Double, firstContentP99Ms: Double?, contentGapP99Ms: Double?,
            completionP99Ms: Double?, eventsPerSecond: Double, stoppedEarly: Bool, requestP99Ms: Double? = nil
        ) {
            self.requestP99Ms = requestP99Ms
            self.load = load
            self.passed = passed
            self.reason = reason
            self.seconds = seconds
            self.goodput = goodput
            self.goodPerSecond = goodPerSecond
            self.streamsJudged = streamsJudged
            self.errorShare = errorShare
            self.firstContentP99Ms = firstContentP99Ms
            self.contentGapP99Ms = contentGapP99Ms
            self.completionP99Ms = completionP99Ms
            self.eventsPerSecond = eventsPerSecond
            self.stoppedEarly = stoppedEarly
        }
    }

    /// How a step is judged.
    public struct Criteria: Sendable, Codable, Equatable {
        /// The SLO text (`ttfe<1s,gap.p99<500ms`).
        public var slo: String
        /// The least share of judged streams that must meet it. Default 0.95.
        public var minGoodput: Double
        /// The most failed requests a passing step may have. Default 0.01.
        public var maxErrorShare: Double
        /// The fewest streams a step must judge for its goodput to count. Default 10.
        public var minStreams: Int
        /// What a step judges: `streams`, or `requests` (open-model load).
        public var what: String = "streams"

        public init(
            slo: String, minGoodput: Double = 0.95, maxErrorShare: Double = 0.01, minStreams: Int = 10,
            what: String = "streams"
        ) {
            self.what = what
            self.slo = slo
            self.minGoodput = minGoodput
            self.maxErrorShare = maxErrorShare
            self.minStreams = minStreams
        }

        /// Whether a step with these figures meets the SLO, and why (`stoppedEarly`: over-saturated).
        public func judge(
            goodput: Double?, streamsJudged: Int, errorShare: Double, stoppedEarly: String?
        ) -> (passed: Bool, reason: String) {
            func pct(_ v: Double) -> String { String(format: "%.1f %%", v * 100) }
            if let stoppedEarly { return (false, "over-saturated, stopped early: \(stoppedEarly)") }
            if errorShare > maxErrorShare {
                return (false, "\(pct(errorShare)) of requests failed (at most \(pct(maxErrorShare)))")
            }
            guard let goodput, streamsJudged >= minStreams else {
                return (
                    false,
                    "not measured: \(streamsJudged) \(what) ended in the step, fewer than \(minStreams); lengthen --step"
                )
            }
            return goodput >= minGoodput
                ? (true, "\(pct(goodput)) of \(streamsJudged) \(what) met \(slo) (at least \(pct(minGoodput)))")
                : (false, "\(pct(goodput)) of \(streamsJudged) \(what) met \(slo) (needs \(pct(minGoodput)))")
        }
    }

    public var range: ClosedRange<Int>
    /// The load's unit in sentences: `streams`, or `requests/s`.
    public var unit: String = "streams"
    /// Stop when the highest pass and the lowest fail are within this share of the pass. Default 0.1.
    public var precision: Double
    public private(set) var steps: [Step] = []

    public init(range: ClosedRange<Int>, precision: Double = 0.1, unit: String = "streams") {
        self.unit = unit
        self.range = range
        self.precision = precision
    }

    public mutating func record(_ step: Step) { steps.append(step) }

    /// The highest load that passed.
    public var answer: Int? { steps.filter(\.passed).map(\.load).max() }

    /// The lowest load that failed above the answer.
    public var lowestFailure: Int? { steps.filter { !$0.passed && $0.load > (answer ?? Int.min) }.map(\.load).min() }

    /// The load of the next step, or nil when the search is over.
    public var next: Int? {
        guard !steps.isEmpty else { return range.lowerBound }
        guard let pass = answer else { return nil }  // the lowest load already misses the SLO
        guard let fail = lowestFailure else {
            if pass >= range.upperBound { return nil }  // the whole range meets it
            return min(max(pass * 2, pass + 1), range.upperBound)
        }
        if Double(fail - pass) <= max(1, Double(pass) * precision) { return nil }
        let mid = pass + (fail - pass) / 2
        return steps.contains { $0.load == mid } ? nil : mid
    }

    /// One line: the answer and what was measured there.
    public var answerLine: String {
        guard let pass = answer, let step = steps.last(where: { $0.load == pass && $0.passed }) else {
            return
                "no load in \(range.lowerBound)...\(range.upperBound) meets the SLO: even \(range.lowerBound) \(unit) fail (\(steps.first?.reason ?? "not run"))"
        }
        var line = "max_load \(pass) \(unit): \(step.reason)"
        if let fail = lowestFailure { line += "; \(fail) \(unit) fail" }
        if pass >= range.upperBound { line += "; the top of the range passed, so the capacity may be higher" }
        return line
    }
}
