import Foundation

/// A metric's 95 % confidence interval over replicates: the phase's measured window cut into
/// equal batches (batch means), or whole repeats of the phase.
public struct ConfidenceInterval: Sendable, Codable, Equatable {
    public enum Method: String, Sendable, Codable {
        /// The window cut into `replicates` consecutive batches, each measured alone.
        case batchMeans = "batch means"
        /// The phase run `replicates` times.
        case repeats
        /// Derived from other intervals (a ratio or difference of them).
        case derived
    }

    public var mean: Double
    public var low: Double
    public var high: Double
    /// The mean's standard error (before the bounds were clipped to the metric's range).
    public var standardError: Double
    public var replicates: Int
    public var method: Method

    public init(mean: Double, low: Double, high: Double, standardError: Double, replicates: Int, method: Method) {
        self.mean = mean
        self.low = low
        self.high = high
        self.standardError = standardError
        self.replicates = replicates
        self.method = method
    }

    /// Half the width before clipping: the standard error times Student's t.
    public var halfWidth: Double { standardError * Self.t975(degreesOfFreedom: Double(max(replicates - 1, 1))) }

    /// mean ± t(0.975, n−1) · s / √n over `values`; nil with fewer than 2 or a non-finite value.
    public static func of(_ values: [Double], method: Method, scale: Double = 1) -> ConfidenceInterval? {
        guard values.count >= 2, values.allSatisfy(\.isFinite) else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let se = (variance / n).squareRoot()
        let half = t975(degreesOfFreedom: n - 1) * se
        return ConfidenceInterval(
            mean: mean * scale, low: (mean - half) * scale, high: (mean + half) * scale, standardError: se * abs(scale),
            replicates: values.count, method: method)
    }

    /// Student's t at 0.975 (two-sided 95 %); degrees of freedom rounded down, ≥ 1.
    public static func t975(degreesOfFreedom df: Double) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        let k = Int(max(1, df.rounded(.down)))
        return k <= table.count ? table[k - 1] : (k <= 60 ? 2.000 : 1.960)
    }

    /// `a − factor·b` for independent estimates (Welch–Satterthwaite degrees of freedom).
    public static func difference(
        _ a: ConfidenceInterval, minus b: ConfidenceInterval, factor: Double
    )
        -> ConfidenceInterval
    {
        let sa = a.standardError, sb = b.standardError * abs(factor)
        let se = (sa * sa + sb * sb).squareRoot()
        let na = Double(a.replicates - 1), nb = Double(b.replicates - 1)
        let denominator = (na > 0 ? pow(sa, 4) / na : 0) + (nb > 0 ? pow(sb, 4) / nb : 0)
        let df = denominator > 0 ? pow(se, 4) / denominator : Double(min(a.replicates, b.replicates) - 1)
        let d = a.mean - factor * b.mean
        let half = t975(degreesOfFreedom: df) * se
        return ConfidenceInterval(
            mean: d, low: d - half, high: d + half, standardError: se, replicates: min(a.replicates, b.replicates),
            method: .derived)
    }

    /// `a / b` by the delta method (relative errors add in quadrature).
    public static func ratio(
        _ a: ConfidenceInterval, over b: ConfidenceInterval, times k: Double = 1
    )
        -> ConfidenceInterval?
    {
        guard a.mean != 0 || b.mean != 0, b.mean > 0 else { return nil }
        let r = a.mean / b.mean * k
        let relA = a.mean != 0 ? a.standardError / abs(a.mean) : 0
        let relB = b.standardError / b.mean
        let se = abs(r) * (relA * relA + relB * relB).squareRoot()
        let half = 1.96 * se
        return ConfidenceInterval(
            mean: r, low: r - half, high: r + half, standardError: se, replicates: min(a.replicates, b.replicates),
            method: .derived)
    }
}
