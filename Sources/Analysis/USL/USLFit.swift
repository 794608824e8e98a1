/// A Universal Scalability Law fit over measured (N, throughput) points: λ, σ, κ by nonlinear
/// least squares with σ ∈ [0, 1] and κ ≥ 0, the peak it predicts, and how well it fits.
///
/// `USLFit(points:)` runs a bounded Levenberg–Marquardt from several starts (one of them Gunther's
/// linearisation) and keeps the best. On the Cisco benchmark of *Practical Scalability Analysis*
/// it gives the book's σ = 0.02671591, κ = 7.690945e-4, λ = 995.6486, N* = 35.
public struct USLFit: Sendable, Equatable {
    /// One measured point with the model's value there.
    public struct Residual: Sendable, Codable, Equatable {
        public var n: Double
        public var measured: Double
        public var fitted: Double
        /// `measured − fitted`.
        public var residual: Double
    }

    public var model: USLModel
    public var residuals: [Residual]
    /// 1 − SS_res/SS_tot; nil when every measured throughput is the same (SS_tot = 0).
    public var rSquared: Double?
    /// Σ (measured − fitted)².
    public var sumOfSquaredResiduals: Double
    /// Solver iterations of the winning start.
    public var iterations: Int

    public var lambda: Double { model.lambda }
    public var sigma: Double { model.sigma }
    public var kappa: Double { model.kappa }
    /// N* = √((1−σ)/κ); nil when κ = 0 or σ = 1 (no peak).
    public var peakConcurrency: Double? { model.peakConcurrency }
    /// X_max = X(⌊N*⌋); nil without a peak.
    public var maxThroughput: Double? { model.maxThroughput }

    /// Fits the model. Throws a `USLFitError` for fewer than 3 points, fewer than 3 distinct
    /// concurrencies, N < 1, a throughput that is not positive, or a value that is not finite.
    public init(points: [USLPoint]) throws {
        try Self.validate(points)
        let lambda0 = Self.initialLambda(points)
        let linear = Self.linearisedStart(points, lambda: lambda0)
        let starts: [[Double]] = [
            [lambda0, linear.sigma, linear.kappa],
            [lambda0, 0.01, 1e-4],
            [lambda0, 0.1, 1e-3],
            [lambda0, 0.5, 1e-2],
            [lambda0, 0, 0],
        ]
        let solver = BoundedLeastSquares(lower: [0, 0, 0], upper: [.infinity, 1, .infinity])
        let residualsAndJacobian: BoundedLeastSquares.Model = { p in
            let model = USLModel(lambda: p[0], sigma: p[1], kappa: p[2])
            let r = points.map { model.throughput(at: $0.n) - $0.throughput }
            let j = points.map { model.gradient(at: $0.n) }
            return (r, j)
        }
        let best = starts.map { solver.minimise(from: $0, residualsAndJacobian) }
            .filter { $0.sumOfSquares.isFinite }
            .min { $0.sumOfSquares < $1.sumOfSquares }
        guard let best, best.parameters.allSatisfy(\.isFinite), best.parameters[0] > 0 else {
            throw USLFitError(
                .noConvergence,
                "The USL fit did not converge on these \(points.count) points; check that throughput is measured "
                    + "at steady state and that N is the concurrency that was varied."
            )
        }
        self.init(
            model: USLModel(lambda: best.parameters[0], sigma: best.parameters[1], kappa: best.parameters[2]),
            points: points, iterations: best.iterations)
    }

    /// The fit statistics of a given model over `points` (no fitting).
    public init(model: USLModel, points: [USLPoint], iterations: Int = 0) {
        self.model = model
        self.iterations = iterations
        residuals = points.map { p in
            let fitted = model.throughput(at: p.n)
            return Residual(n: p.n, measured: p.throughput, fitted: fitted, residual: p.throughput - fitted)
        }
        sumOfSquaredResiduals = residuals.reduce(0) { $0 + $1.residual * $1.residual }
        let mean = points.reduce(0) { $0 + $1.throughput } / Double(Swift.max(points.count, 1))
        let total = points.reduce(0) { $0 + ($1.throughput - mean) * ($1.throughput - mean) }
        rSquared = total > 0 ? 1 - sumOfSquaredResiduals / total : nil
    }

    static func validate(_ points: [USLPoint]) throws {
        guard points.count >= 3 else {
            throw USLFitError(
                .tooFewPoints,
                "A USL fit needs at least 3 measurements (it has 3 parameters); got \(points.count). "
                    + "Measure throughput at more concurrency levels (6 or more is better)."
            )
        }
        for (i, p) in points.enumerated() {
            guard p.n.isFinite, p.throughput.isFinite else {
                throw USLFitError(
                    .invalidPoint, "Point \(i + 1) (N = \(p.n), throughput = \(p.throughput)) is not a finite number.")
            }
            guard p.n >= 1 else {
                throw USLFitError(
                    .invalidPoint, "Point \(i + 1) has N = \(p.n); N is a concurrency and must be at least 1.")
            }
            guard p.throughput > 0 else {
                throw USLFitError(
                    .invalidPoint,
                    "Point \(i + 1) (N = \(p.n)) has throughput \(p.throughput); throughput must be positive. "
                        + "Drop failed runs from the sweep instead of recording 0."
                )
            }
        }
        let distinct = Set(points.map(\.n)).count
        guard distinct >= 3 else {
            throw USLFitError(
                .tooFewDistinctConcurrencies,
                "A USL fit needs at least 3 different values of N; got \(distinct). Repeated measurements at the "
                    + "same N cannot separate contention (σ) from coherency (κ)."
            )
        }
    }

    /// λ₀: throughput per unit at the smallest N.
    static func initialLambda(_ points: [USLPoint]) -> Double {
        let smallest = points.min { $0.n < $1.n }!
        let atSmallest = points.filter { $0.n == smallest.n }
        return atSmallest.reduce(0) { $0 + $1.throughput } / Double(atSmallest.count) / smallest.n
    }

    /// Gunther's linearisation with λ fixed: y = N/C(N) − 1 = κx² + (σ+κ)x with x = N − 1,
    /// fitted with no intercept and clamped into the bounds. Only a starting point.
    static func linearisedStart(_ points: [USLPoint], lambda: Double) -> (sigma: Double, kappa: Double) {
        var (s4, s3, s2, x2y, xy) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for p in points {
            let x = p.n - 1
            let y = p.n * lambda / p.throughput - 1
            s4 += x * x * x * x
            s3 += x * x * x
            s2 += x * x
            x2y += x * x * y
            xy += x * y
        }
        guard let ab = BoundedLeastSquares.solve([[s4, s3], [s3, s2]], [x2y, xy]) else { return (0.01, 1e-4) }
        let kappa = Swift.max(ab[0], 0)
        let sigma = Swift.min(Swift.max(ab[1] - kappa, 0), 1)
        return (sigma, kappa)
    }
}
