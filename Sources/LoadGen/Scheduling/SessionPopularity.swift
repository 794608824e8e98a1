import Foundation

/// Which session of a pool of `count` a request goes to: uniformly (every session as hot as the
/// others), or Zipf(`exponent`): session `k` (from 0) drawn with probability proportional to
/// `1 / (k + 1)^exponent`, as popularity in production traffic often falls off. Drawn by inverse
/// transform over a precomputed cumulative table (binary search: O(log count) per draw).
public struct SessionPopularity: Sendable {
    public let count: Int
    /// Cumulative probabilities, last = 1; empty for uniform draws.
    private let cumulative: [Double]

    public init(count: Int, zipf exponent: Double?) {
        self.count = max(1, count)
        guard let s = exponent, s > 0, self.count > 1 else {
            cumulative = []
            return
        }
        var weights = (1...self.count).map { 1 / pow(Double($0), s) }
        let total = weights.reduce(0, +)
        var running = 0.0
        for i in weights.indices {
            running += weights[i] / total
            weights[i] = running
        }
        weights[weights.count - 1] = 1
        cumulative = weights
    }

    /// The probability of session `k` (tests and reports).
    public func probability(_ k: Int) -> Double {
        guard !cumulative.isEmpty else { return 1 / Double(count) }
        return cumulative[k] - (k == 0 ? 0 : cumulative[k - 1])
    }

    public func draw(using rng: inout some RandomNumberGenerator) -> Int {
        guard !cumulative.isEmpty else { return Int.random(in: 0..<count, using: &rng) }
        let u = Double.random(in: 0..<1, using: &rng)
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
