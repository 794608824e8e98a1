import Foundation

/// JSON form of a fit, as `stampede usl FILE.csv` prints it. Absent values (no peak when κ = 0)
/// are written as explicit `null`, so a reader sees the key and knows it was considered.
///
/// ```json
/// {"lambda": 995.65, "sigma": 0.0267, "kappa": 0.000769, "peakConcurrency": 35.57,
///  "peakConcurrencyWhole": 35, "maxThroughput": 12341.7, "throughputCeiling": null,
///  "rSquared": 0.9996, "sumOfSquaredResiduals": ..., "iterations": 9, "points": 32,
///  "residuals": [{"n": 1, "measured": 955.16, "fitted": 995.65, "residual": -40.49}, ...]}
/// ```
extension USLFit: Codable {
    enum CodingKeys: String, CodingKey {
        case lambda, sigma, kappa, peakConcurrency, peakConcurrencyWhole, maxThroughput, throughputCeiling
        case rSquared, sumOfSquaredResiduals, iterations, points, residuals
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lambda, forKey: .lambda)
        try c.encode(sigma, forKey: .sigma)
        try c.encode(kappa, forKey: .kappa)
        try c.encode(model.peakConcurrency, forKey: .peakConcurrency)
        try c.encode(model.peakConcurrencyWhole, forKey: .peakConcurrencyWhole)
        try c.encode(model.maxThroughput, forKey: .maxThroughput)
        try c.encode(model.throughputCeiling, forKey: .throughputCeiling)
        try c.encode(rSquared, forKey: .rSquared)
        try c.encode(sumOfSquaredResiduals, forKey: .sumOfSquaredResiduals)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(residuals.count, forKey: .points)
        try c.encode(residuals, forKey: .residuals)
    }

    /// Reads a fit back; the derived fields (peak, X_max, ceiling) are recomputed from λ, σ, κ.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = USLModel(
            lambda: try c.decode(Double.self, forKey: .lambda),
            sigma: try c.decode(Double.self, forKey: .sigma),
            kappa: try c.decode(Double.self, forKey: .kappa)
        )
        rSquared = try c.decodeIfPresent(Double.self, forKey: .rSquared)
        sumOfSquaredResiduals = try c.decode(Double.self, forKey: .sumOfSquaredResiduals)
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? 0
        residuals = try c.decode([Residual].self, forKey: .residuals)
    }
}

extension USLFit {
    /// Pretty-printed JSON with sorted keys, as `stampede usl` prints it.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses CSV text (see `USLCSV`) and fits it: what `stampede usl FILE.csv` does. Throws a
    /// `USLCSV.ParseError` (with the line) or a `USLFitError`.
    public init(csv text: String) throws {
        try self.init(points: USLCSV.parse(text))
    }
}
