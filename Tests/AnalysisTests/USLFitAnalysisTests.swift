import Analysis
import Foundation
import Testing

/// Seeded generator so noisy synthetic data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal deviate (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

@Suite struct USLFitAnalysisTests {
    /// Cisco benchmark from Baron Schwartz's *Practical Scalability Analysis with the Universal
    /// Scalability Law* (as in usl4j's ModelTest.java; reference anchors §3).
    static let cisco: [USLPoint] = [
        (1, 955.16), (2, 1878.91), (3, 2688.01), (4, 3548.68), (5, 4315.54), (6, 5130.43), (7, 5931.37),
        (8, 6531.08), (9, 7219.8), (10, 7867.61), (11, 8278.71), (12, 8646.7), (13, 9047.84), (14, 9426.55),
        (15, 9645.37), (16, 9897.24), (17, 10097.6), (18, 10240.5), (19, 10532.39), (20, 10798.52),
        (21, 11151.43), (22, 11518.63), (23, 11806), (24, 12089.37), (25, 12075.41), (26, 12177.29),
        (27, 12211.41), (28, 12158.93), (29, 12155.27), (30, 12118.04), (31, 12140.4), (32, 12074.39),
    ].map { USLPoint(n: $0.0, throughput: $0.1) }

    func expectClose(_ actual: Double?, _ expected: Double, relative: Double, _ what: String) {
        guard let actual else {
            Issue.record("\(what) is nil, expected \(expected)")
            return
        }
        #expect(abs(actual - expected) <= abs(expected) * relative, "\(what) = \(actual), expected \(expected)")
    }

    @Test func ciscoMatchesThePublishedFitToOneTenthOfAPercent() throws {
        let fit = try USLFit(points: Self.cisco)
        expectClose(fit.sigma, 0.02671591, relative: 0.001, "σ")
        expectClose(fit.kappa, 7.690945e-4, relative: 0.001, "κ")
        expectClose(fit.lambda, 995.6486, relative: 0.001, "λ")
        #expect(fit.model.peakConcurrencyWhole == 35)
        expectClose(fit.peakConcurrency, 35.57, relative: 0.001, "N* (continuous)")
        expectClose(fit.maxThroughput, 12341, relative: 0.001, "X_max")
        // usl4j's tighter check (0.02 %) holds too.
        expectClose(fit.sigma, 0.02671591, relative: 0.0002, "σ")
        expectClose(fit.kappa, 7.690945e-4, relative: 0.0002, "κ")
        expectClose(fit.lambda, 995.6486, relative: 0.0002, "λ")
        expectClose(fit.maxThroughput, 12341, relative: 0.0002, "X_max")
        // √((1−σ)/κ) from the book's σ and κ (computed).
        expectClose(fit.peakConcurrency, 35.5730, relative: 0.0002, "N*")
        // R² of the book's parameters over these points (computed).
        expectClose(fit.rSquared, 0.9971511, relative: 1e-5, "R²")
        #expect(fit.residuals.count == 32)
        #expect(fit.residuals[0].n == 1 && fit.residuals[0].measured == 955.16)
        let r0 = fit.residuals[0]
        #expect(abs(r0.residual - (r0.measured - r0.fitted)) < 1e-9)
    }

    @Test func ciscoThroughputAtConcurrencyMatchesUsl4j() throws {
        let model = try USLFit(points: Self.cisco).model
        expectClose(model.throughput(at: 1), 995.648772003358, relative: 1e-4, "X(1)")
        expectClose(model.throughput(at: 20), 11063.633137626028, relative: 1e-4, "X(20)")
        expectClose(model.throughput(at: 35), 12341.7456205207, relative: 1e-4, "X(35)")
    }

    @Test(arguments: [
        (lambda: 100.0, sigma: 0.05, kappa: 0.002),
        (lambda: 2_500.0, sigma: 0.2, kappa: 0.0001),
        (lambda: 40.0, sigma: 0.01, kappa: 0.01),
    ])
    func noiselessSyntheticDataIsRecoveredExactly(lambda: Double, sigma: Double, kappa: Double) throws {
        let truth = USLModel(lambda: lambda, sigma: sigma, kappa: kappa)
        let points = (1...24).map { USLPoint(n: Double($0), throughput: truth.throughput(at: Double($0))) }
        let fit = try USLFit(points: points)
        expectClose(fit.lambda, lambda, relative: 1e-6, "λ")
        expectClose(fit.sigma, sigma, relative: 1e-6, "σ")
        expectClose(fit.kappa, kappa, relative: 1e-6, "κ")
        expectClose(fit.rSquared, 1, relative: 1e-9, "R²")
    }

    @Test(arguments: [UInt64(1), 42, 2024])
    func noisySyntheticDataIsRecoveredWithinTheNoise(seed: UInt64) throws {
        let truth = USLModel(lambda: 500, sigma: 0.04, kappa: 0.0008)
        var rng = SplitMix64(state: seed)
        // 1 % multiplicative noise, 3 repetitions at each of 1...40.
        let points = (1...40).flatMap { n in
            (0..<3).map { _ in
                USLPoint(n: Double(n), throughput: truth.throughput(at: Double(n)) * (1 + 0.01 * rng.gaussian()))
            }
        }
        let fit = try USLFit(points: points)
        expectClose(fit.lambda, 500, relative: 0.02, "λ")
        expectClose(fit.sigma, 0.04, relative: 0.15, "σ")
        expectClose(fit.kappa, 0.0008, relative: 0.15, "κ")
        expectClose(fit.peakConcurrency, truth.peakConcurrency!, relative: 0.05, "N*")
        expectClose(fit.maxThroughput, truth.maxThroughput!, relative: 0.02, "X_max")
        #expect((fit.rSquared ?? 0) > 0.99)
    }

    @Test func amdahlDataHitsTheKappaBoundAndHasNoPeak() throws {
        let truth = USLModel(lambda: 100, sigma: 0.1, kappa: 0)
        let points = (1...16).map { USLPoint(n: Double($0), throughput: truth.throughput(at: Double($0))) }
        let fit = try USLFit(points: points)
        #expect(fit.kappa >= 0 && fit.kappa < 1e-9)
        expectClose(fit.sigma, 0.1, relative: 1e-5, "σ")
        if fit.kappa == 0 {
            #expect(fit.peakConcurrency == nil)
            #expect(fit.maxThroughput == nil)
            expectClose(fit.model.throughputCeiling, 1000, relative: 1e-5, "λ/σ")
        }
    }

    @Test func superlinearDataIsClampedToNonNegativeSigmaAndKappa() throws {
        // Throughput grows faster than N: an unconstrained fit would want σ < 0.
        let points = (1...10).map { USLPoint(n: Double($0), throughput: 100 * pow(Double($0), 1.2)) }
        let fit = try USLFit(points: points)
        #expect(fit.sigma == 0)
        #expect(fit.kappa == 0)
        #expect(fit.peakConcurrency == nil)
    }

    @Test func flatDataGivesSigmaOneAndNoRSquared() throws {
        let points = (1...5).map { USLPoint(n: Double($0), throughput: 100) }
        let fit = try USLFit(points: points)
        #expect(abs(fit.sigma - 1) < 1e-6)
        #expect(fit.rSquared == nil)
    }

    @Test(arguments: [
        ([] as [USLPoint], USLFitError.Kind.tooFewPoints),
        ([USLPoint(n: 1, throughput: 10), USLPoint(n: 2, throughput: 19)], .tooFewPoints),
        ([1, 1, 2, 2].map { USLPoint(n: $0, throughput: 10 * $0) }, .tooFewDistinctConcurrencies),
        ([USLPoint(n: 0, throughput: 1), USLPoint(n: 2, throughput: 2), USLPoint(n: 3, throughput: 3)], .invalidPoint),
        (
            [USLPoint(n: 1, throughput: 10), USLPoint(n: 2, throughput: 0), USLPoint(n: 3, throughput: 30)],
            .invalidPoint
        ),
        (
            [USLPoint(n: 1, throughput: 10), USLPoint(n: 2, throughput: -5), USLPoint(n: 3, throughput: 30)],
            .invalidPoint
        ),
        (
            [USLPoint(n: 1, throughput: .nan), USLPoint(n: 2, throughput: 5), USLPoint(n: 3, throughput: 30)],
            .invalidPoint
        ),
    ])
    func degenerateInputIsAClearError(points: [USLPoint], kind: USLFitError.Kind) {
        do {
            _ = try USLFit(points: points)
            Issue.record("expected \(kind)")
        } catch let error as USLFitError {
            #expect(error.kind == kind)
            #expect(error.description.count > 30, "message too terse: \(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func jsonHasEveryFieldAndExplicitNullsAndRoundTrips() throws {
        let fit = try USLFit(points: Self.cisco)
        let data = try JSONEncoder().encode(fit)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in [
            "lambda", "sigma", "kappa", "peakConcurrency", "peakConcurrencyWhole", "maxThroughput", "rSquared",
            "sumOfSquaredResiduals", "residuals", "points",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["peakConcurrencyWhole"] as? Int == 35)
        #expect(object["throughputCeiling"] is NSNull)
        let decoded = try JSONDecoder().decode(USLFit.self, from: data)
        #expect(decoded.model == fit.model)
        #expect(decoded.residuals == fit.residuals)

        let amdahl = try USLFit(points: (1...8).map { USLPoint(n: Double($0), throughput: 10 * Double($0)) })
        let amdahlObject = try JSONSerialization.jsonObject(with: JSONEncoder().encode(amdahl)) as? [String: Any]
        #expect(amdahlObject?["peakConcurrency"] is NSNull)
        #expect(amdahlObject?["maxThroughput"] is NSNull)
    }
}
