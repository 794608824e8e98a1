import Foundation

/// Decides each claim's verdict from the phases' metrics. Pure: no I/O.
public enum ClaimEvaluator {
    public static func evaluate(_ claims: [ClaimSpec], phases: [PhaseResult]) -> [ClaimResult] {
        claims.map { evaluate($0, phases: phases) }
    }

    public static func evaluate(_ claim: ClaimSpec, phases: [PhaseResult]) -> ClaimResult {
        let measured = lookup(claim.metric, phases: phases)
        guard case .value(let value) = measured else {
            return ClaimResult(claim: claim, measured: measured.partial, verdict: .inconclusive, reason: measured.reason ?? "")
        }
        var threshold = claim.target
        if let reference = claim.targetMetric {
            let other = lookup(reference, phases: phases)
            guard case .value(let base) = other else {
                return ClaimResult(claim: claim, measured: value, verdict: .inconclusive, reason: "target: \(other.reason ?? "")")
            }
            threshold = claim.target * base
        }
        let metric = claim.phaseAndMetric?.metric ?? claim.metric
        let holds = claim.relation.holds(value, threshold)
        let comparison = "\(metric) \(format(value)) \(holds ? "" : "not ")\(claim.relation.rawValue) \(format(threshold))"
            + (claim.targetMetric == nil ? "" : " (\(claim.targetText))")
        let (verdict, reason): (Verdict, String) =
            switch (claim.kind, holds) {
            case (.bug, true): (.reproduced, comparison)
            case (.bug, false): (.notReproduced, comparison)
            case (.fix, true): (.fixed, "\(comparison) under the fix")
            case (.fix, false): (.reproduced, "\(comparison): the problem persists under the fix")
            }
        return ClaimResult(claim: claim, measured: value, threshold: threshold, verdict: verdict, reason: reason)
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

    /// `PHASE.METRIC` in the phases, or why it cannot support a verdict.
    static func lookup(_ reference: String, phases: [PhaseResult]) -> Lookup {
        guard let (phaseName, metric) = ClaimSpec.split(reference) else {
            return .missing(reason: "metric '\(reference)' is not PHASE.METRIC", partial: nil)
        }
        guard let phase = SweepLookup.find(phaseName, in: phases) else {
            return .missing(reason: "phase \(phaseName) did not run", partial: nil)
        }
        let value = phase.metrics[metric]
        if !phase.complete { return .missing(reason: "phase \(phaseName) did not complete: \(phase.error ?? "stopped")", partial: value) }
        if let problem = phase.validity.first { return .missing(reason: "phase \(phaseName): \(problem)", partial: value) }
        guard let value, value.isFinite else { return .missing(reason: "\(metric) was not measured in phase \(phaseName)", partial: nil) }
        return .value(value)
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
