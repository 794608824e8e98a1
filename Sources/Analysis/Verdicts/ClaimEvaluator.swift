import Foundation

/// Decides each claim's verdict from the phases' metrics. Pure: no I/O.
///
/// A claim is a threshold with a kind: its `PHASE.METRIC` is the gauge `phase.METRIC[phase=PHASE]`
/// of the report's metric namespace (``ReportMetricSource``), measured and compared by the
/// threshold engine (``Threshold``); the kind (bug / fix) turns "holds" into a verdict. What only
/// claims add: a phase that did not complete, was saturated or could not measure the metric makes
/// the claim `inconclusive`, and a target may be relative to another phase's metric.
public enum ClaimEvaluator {
    public static func evaluate(_ claims: [ClaimSpec], phases: [PhaseResult]) -> [ClaimResult] {
        let source = ReportMetricSource(phases: phases, specs: [])
        return claims.map { evaluate($0, phases: phases, source: source) }
    }

    public static func evaluate(_ claim: ClaimSpec, phases: [PhaseResult]) -> ClaimResult {
        evaluate(claim, phases: phases, source: ReportMetricSource(phases: phases, specs: []))
    }

    static func evaluate(_ claim: ClaimSpec, phases: [PhaseResult], source: ReportMetricSource) -> ClaimResult {
        let measured = lookup(claim.metric, phases: phases, source: source)
        guard case .value(let value) = measured else {
            return ClaimResult(
                claim: claim, measured: measured.partial, verdict: .inconclusive, reason: measured.reason ?? "")
        }
        var target = claim.target
        let interval = interval(of: claim.metric, phases: phases)
        var targetInterval: ConfidenceInterval?
        if let reference = claim.targetMetric {
            let other = lookup(reference, phases: phases, source: source)
            guard case .value(let base) = other else {
                return ClaimResult(
                    claim: claim, measured: value, verdict: .inconclusive, reason: "target: \(other.reason ?? "")")
            }
            target = claim.target * base
            targetInterval = self.interval(of: reference, phases: phases)
        }
        let metric = claim.phaseAndMetric?.metric ?? claim.metric
        let threshold = gauge(claim.metric, relation: claim.relation, bound: target)
        guard let threshold, case let result = threshold.evaluate(against: source), result.status != .error else {
            return ClaimResult(
                claim: claim, measured: value, verdict: .inconclusive, reason: "\(metric) cannot be compared")
        }
        var holds = result.status == .passed
        let shown = "\(format(value))\(interval.map { " \(bracket($0))" } ?? "")"
        let targetShown = "\(format(target))\(targetInterval.map { " \(bracket($0, times: claim.target))" } ?? "")"
        // Whether a counted event happened at all (`lock_timeouts > 0`, `<= 0`) is observed, not
        // estimated: 32 timeouts in the window prove "> 0" whatever another window would count.
        let existence =
            claim.targetMetric == nil && target == 0 && [.greater, .lessOrEqual].contains(claim.relation)
            && PhaseMetric(rawValue: metric).map { BatchMeans.replicated[$0] == .total } == true
        let noise =
            existence
            ? .pointOnly
            : decide(
                claim.relation, value: value, interval: interval, target: target, targetInterval: targetInterval,
                factor: claim.target)
        var note = ""
        switch noise {
        case .decided(let h, let difference):
            holds = h
            if let difference { note = "; the difference's 95 % interval is \(bracket(difference))" }
        case .withinNoise(let difference):
            var r = ClaimResult(
                claim: claim, measured: value, threshold: target, verdict: .inconclusive,
                reason:
                    "within noise: \(metric) \(shown) against \(claim.relation.rawValue) \(targetShown)"
                    + (claim.targetMetric == nil ? "" : " (\(claim.targetText))")
                    + (difference.map { "; the difference's 95 % interval \(bracket($0)) includes 0" }
                        ?? "; the 95 % interval includes the target"))
            r.interval = interval
            r.targetInterval = targetInterval
            return r
        case .pointOnly: break
        }
        let comparison =
            "\(metric) \(shown) \(holds ? "" : "not ")\(claim.relation.rawValue) \(targetShown)"
            + (claim.targetMetric == nil ? "" : " (\(claim.targetText))") + note
        let (verdict, reason): (Verdict, String) =
            switch (claim.kind, holds) {
            case (.bug, true): (.reproduced, comparison)
            case (.bug, false): (.notReproduced, comparison)
            case (.fix, true): (.fixed, "\(comparison) under the fix")
            case (.fix, false): (.reproduced, "\(comparison): the problem persists under the fix")
            }
        var r = ClaimResult(claim: claim, measured: value, threshold: target, verdict: verdict, reason: reason)
        r.interval = interval
        r.targetInterval = targetInterval
        return r
    }

    enum NoiseDecision: Equatable {
        /// Measured once (or an equality): the point comparison decides.
        case pointOnly
        /// The interval clears the target on one side.
        case decided(holds: Bool, difference: ConfidenceInterval?)
        case withinNoise(difference: ConfidenceInterval?)
    }

    /// Whether the 95 % interval of `value − target` lies wholly on one side of 0 (Welch when
    /// both sides have intervals). Equalities are left to the point comparison: `== 0` on a count
    /// is exact.
    static func decide(
        _ relation: Relation, value: Double, interval: ConfidenceInterval?, target: Double,
        targetInterval: ConfidenceInterval?, factor: Double
    ) -> NoiseDecision {
        guard [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(relation),
            interval != nil || targetInterval != nil
        else { return .pointOnly }
        let lo: Double, hi: Double
        var difference: ConfidenceInterval?
        switch (interval, targetInterval) {
        case (let a?, let b?):
            let d = ConfidenceInterval.difference(a, minus: b, factor: factor)
            (lo, hi) = (d.low, d.high)
            difference = d
        case (let a?, nil): (lo, hi) = (a.low - target, a.high - target)
        case (nil, let b?):
            let t = [factor * b.low, factor * b.high]
            (lo, hi) = (value - t.max()!, value - t.min()!)
        case (nil, nil): return .pointOnly
        }
        let clears: (holds: Bool, fails: Bool) =
            switch relation {
            case .greater: (lo > 0, hi <= 0)
            case .greaterOrEqual: (lo >= 0, hi < 0)
            case .less: (hi < 0, lo >= 0)
            default: (hi <= 0, lo > 0)
            }
        if clears.holds { return .decided(holds: true, difference: difference) }
        if clears.fails { return .decided(holds: false, difference: difference) }
        return .withinNoise(difference: difference)
    }

    /// `[low, high]`, scaled by a target's factor.
    static func bracket(_ i: ConfidenceInterval, times k: Double = 1) -> String {
        let a = [i.low * k, i.high * k]
        return "[\(format(a.min()!)), \(format(a.max()!))]"
    }

    /// The 95 % interval of `PHASE.METRIC`, when its phase measured one.
    static func interval(of reference: String, phases: [PhaseResult]) -> ConfidenceInterval? {
        guard let (phaseName, metric) = ClaimSpec.split(reference) else { return nil }
        return SweepLookup.find(phaseName, in: phases)?.intervals?[metric]
    }

    /// `PHASE.METRIC` (or `PHASE.CLIENTS.METRIC`) as a threshold on its gauge, the bound given in
    /// the metric's catalog unit; nil when the reference is not of that form or not catalogued.
    static func gauge(_ reference: String, relation: Relation, bound: Double) -> Threshold? {
        guard let (name, unit) = metricName(reference) else { return nil }
        return Threshold(
            expression: "\(name) \(relation.rawValue) \(format(bound))", metric: name, aggregation: .value,
            aggregationIsExplicit: false, comparison: relation, bound: Quantity(bound * unit.scale, unit.dimension),
            boundText: format(bound))
    }

    /// The threshold-namespace name of `PHASE.METRIC` and the metric's unit.
    static func metricName(_ reference: String) -> (MetricName, MetricUnit)? {
        guard let (phase, metric) = ClaimSpec.split(reference), let definition = MetricCatalog.definition(ofKey: metric)
        else {
            return nil
        }
        var labels = ["phase": phase]
        var name = metric
        if let dot = metric.firstIndex(of: ".") {
            labels["clients"] = String(metric[..<dot])
            name = String(metric[metric.index(after: dot)...])
        }
        return (MetricName("phase.\(name)", labels: labels), definition.unit)
    }

    enum Lookup {
        case value(Double)
        /// No usable value; `partial` is what was measured anyway (for the report).
        case missing(reason: String, partial: Double?)

        var reason: String? { if case .missing(let r, _) = self { r } else { nil } }
        var partial: Double? {
            switch self {
            case .value(let v): v
            case .missing(_, let p): p
            }
        }
    }

    /// `PHASE.METRIC` measured by the threshold engine (in the catalog's unit), or why it cannot
    /// support a verdict.
    static func lookup(_ reference: String, phases: [PhaseResult], source: ReportMetricSource) -> Lookup {
        guard let (phaseName, metric) = ClaimSpec.split(reference) else {
            return .missing(reason: "metric '\(reference)' is not PHASE.METRIC", partial: nil)
        }
        guard let phase = SweepLookup.find(phaseName, in: phases) else {
            return .missing(reason: "phase \(phaseName) did not run", partial: nil)
        }
        let raw = phase.metrics[metric]
        if !phase.complete {
            return .missing(reason: "phase \(phaseName) did not complete: \(phase.error ?? "stopped")", partial: raw)
        }
        if let problem = phase.validity.first {
            return .missing(reason: "phase \(phaseName): \(problem)", partial: raw)
        }
        let notMeasured = "\(metric) was not measured in phase \(phaseName)"
        guard let (name, unit) = metricName(reference),
            let quantity = try? Threshold(
                expression: name.description, metric: name, aggregation: .value, aggregationIsExplicit: false,
                comparison: .greaterOrEqual, bound: Quantity(0, unit.dimension), boundText: "0"
            ).measure(in: source), quantity.value.isFinite
        else {
            let why = phase.notMeasured?[metric].map { "\(notMeasured): \($0)" } ?? notMeasured
            return .missing(reason: why, partial: nil)
        }
        return .value(raw ?? quantity.value / unit.scale)
    }

    /// Three significant figures, no exponent for everyday magnitudes.
    public static func format(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e12 { return String(Int(v)) }
        let magnitude = abs(v)
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
        var s = String(format: "%.\(decimals)f", v)
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }
}
