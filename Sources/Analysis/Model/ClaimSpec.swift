import Foundation

/// A claim of the known-issues document, quoted, tied to one measured metric of one phase.
///
/// `kind: bug`: the relation describes the problem; it holds → `reproduced`, else `not reproduced`.
/// `kind: fix`: the relation describes the target under the fix; it holds → `fixed`, else
/// `reproduced` (the problem persists with the fix).
public struct ClaimSpec: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case bug, fix
    }

    public var id: String
    /// Known-issue id (`SCALE-001`, `PERF-004`, or `NEW` for a finding the document lacks).
    public var issue: String
    /// The statement, quoted from KNOWN_ISSUES.md.
    public var statement: String
    public var kind: Kind = .bug
    /// `PHASE.METRIC`, e.g. `lock-documented.lock_wait_p99_ms` (names in docs/report-schema.md).
    public var metric: String
    public var relation: Relation
    /// A number, or the factor applied to `targetMetric` when that is set.
    public var target: Double
    /// `PHASE.METRIC` the target is relative to (`target: 1.5 * lock-documented.updates_per_second`):
    /// compares a fix with the problem side by side.
    public var targetMetric: String?

    public init(
        id: String, issue: String, statement: String, kind: Kind = .bug, metric: String, relation: Relation,
        target: Double,
        targetMetric: String? = nil
    ) {
        self.id = id
        self.issue = issue
        self.statement = statement
        self.kind = kind
        self.metric = metric
        self.relation = relation
        self.target = target
        self.targetMetric = targetMetric
    }

    /// `500`, or `1.5 × phase.metric`.
    public var targetText: String {
        guard let targetMetric else { return ClaimEvaluator.format(target) }
        return target == 1 ? targetMetric : "\(ClaimEvaluator.format(target)) × \(targetMetric)"
    }

    /// Parses `500`, `phase.metric` or `1.5 * phase.metric` (`x` and `×` work too).
    public static func parseTarget(_ text: String) -> (factor: Double, metric: String?)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let v = Double(t), v.isFinite { return (v, nil) }
        for sep in ["*", "×", " x "] {
            if let r = t.range(of: sep) {
                guard let f = Double(t[..<r.lowerBound].trimmingCharacters(in: .whitespaces)) else { return nil }
                let m = t[r.upperBound...].trimmingCharacters(in: .whitespaces)
                return m.contains(".") && !m.contains(" ") ? (f, m) : nil
            }
        }
        return t.contains(".") && !t.contains(" ") && Double(t) == nil ? (1, t) : nil
    }

    /// The phase and metric names of `metric` (split at the first dot).
    public var phaseAndMetric: (phase: String, metric: String)? { Self.split(metric) }

    static func split(_ metric: String) -> (phase: String, metric: String)? {
        guard let dot = metric.firstIndex(of: ".") else { return nil }
        let phase = String(metric[..<dot])
        let name = String(metric[metric.index(after: dot)...])
        return phase.isEmpty || name.isEmpty ? nil : (phase, name)
    }
}

/// A comparison between a measured value and a target: the threshold language's operators
/// (`<`, `<=`, `>`, `>=`, `==`, `!=`), so claims and gates compare alike.
public typealias Relation = ComparisonOperator
