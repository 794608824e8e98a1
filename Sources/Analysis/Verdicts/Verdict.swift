/// The outcome of checking one claim.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// The problem the claim describes was observed.
    case reproduced
    /// It was not observed (the claim's relation did not hold on the problem's profile).
    case notReproduced = "not reproduced"
    /// Under the fix, the target was met.
    case fixed
    /// The measurement cannot decide (saturated generator, too few samples, phase failed, ...).
    case inconclusive
}

/// A claim with what was measured and the verdict, with a one-line reason.
public struct ClaimResult: Sendable, Codable, Equatable {
    public var id: String
    public var issue: String
    public var statement: String
    public var kind: ClaimSpec.Kind
    public var metric: String
    public var relation: Relation
    /// The claim's target as written (`250`, `1.5 × phase.metric`).
    public var target: String
    /// The number compared with (the target resolved), when known.
    public var threshold: Double?
    public var measured: Double?
    /// The measured metric's 95 % interval, when it had replicates.
    public var interval: ConfidenceInterval?
    /// The target's, when it is another phase's metric with replicates.
    public var targetInterval: ConfidenceInterval?
    public var verdict: Verdict
    public var reason: String

    public init(claim: ClaimSpec, measured: Double?, threshold: Double? = nil, verdict: Verdict, reason: String) {
        id = claim.id
        issue = claim.issue
        statement = claim.statement
        kind = claim.kind
        metric = claim.metric
        relation = claim.relation
        target = claim.targetText
        self.threshold = threshold
        self.measured = measured
        self.verdict = verdict
        self.reason = reason
    }
}
