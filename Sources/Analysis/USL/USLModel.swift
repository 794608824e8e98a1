/// The Universal Scalability Law, X(N) = λN / (1 + σ(N−1) + κN(N−1)).
///
/// - `lambda` (λ): throughput of one unit, X(1).
/// - `sigma` (σ, 0 ≤ σ ≤ 1): contention, the serialised fraction.
/// - `kappa` (κ ≥ 0): coherency, the pairwise crosstalk that makes throughput fall past the peak.
public struct USLModel: Sendable, Codable, Equatable {
    public var lambda: Double
    public var sigma: Double
    public var kappa: Double

    public init(lambda: Double, sigma: Double, kappa: Double) {
        self.lambda = lambda
        self.sigma = sigma
        self.kappa = kappa
    }

    /// X(N).
    public func throughput(at n: Double) -> Double {
        lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))
    }

    /// N* = √((1−σ)/κ), the concurrency of peak throughput; nil when κ = 0 (throughput never
    /// falls, so there is no peak) or σ ≥ 1 (throughput never rises).
    public var peakConcurrency: Double? {
        guard kappa > 0, sigma < 1 else { return nil }
        return ((1 - sigma) / kappa).squareRoot()
    }

    /// ⌊N*⌋ (at least 1): the largest whole concurrency not past the peak, as Gunther and
    /// Schwartz report it (the Cisco example: N* = 35.57, reported as 35). Capacity planning
    /// must never size past it.
    public var peakConcurrencyWhole: Int? {
        peakConcurrency.map { Swift.max(1, Int($0.rounded(.down))) }
    }

    /// X_max = X(⌊N*⌋), the best throughput reachable at a whole concurrency; nil without a peak.
    public var maxThroughput: Double? {
        peakConcurrencyWhole.map { throughput(at: Double($0)) }
    }

    /// The asymptote λ/σ that throughput approaches when κ = 0 (Amdahl's law); nil otherwise or
    /// when σ = 0 (linear scaling, no limit).
    public var throughputCeiling: Double? {
        guard kappa == 0, sigma > 0 else { return nil }
        return lambda / sigma
    }

    /// ∂X/∂(λ, σ, κ) at N, for the least-squares fit.
    func gradient(at n: Double) -> [Double] {
        let d = 1 + sigma * (n - 1) + kappa * n * (n - 1)
        let x = lambda * n / d
        return [n / d, -x * (n - 1) / d, -x * n * (n - 1) / d]
    }
}
