import Analysis
import Testing

@Suite struct BaselineAnalysisTests {
    typealias Verdict = BaselineComparison.Verdict

    func verdict(
        _ direction: MetricDirection, _ base: Double, _ now: Double, tolerance: String = "10%"
    ) throws -> Verdict {
        let comparison = BaselineComparison(
            rules: [.init("m", direction)], tolerance: try Tolerance(parsing: tolerance))
        return comparison.compare(baseline: ["m": base], current: ["m": now])[0].verdict
    }

    @Test(arguments: [
        // lower is better (latency)
        (MetricDirection.lowerIsBetter, 100.0, 100.0, Verdict.pass),
        (.lowerIsBetter, 100, 109, .pass),
        (.lowerIsBetter, 100, 110, .pass),  // exactly at the tolerance
        (.lowerIsBetter, 100, 110.5, .regressed),
        (.lowerIsBetter, 100, 91, .pass),
        (.lowerIsBetter, 100, 90, .pass),
        (.lowerIsBetter, 100, 89, .improved),
        (.lowerIsBetter, 0.3, 0.33, .pass),  // 10 % despite binary rounding
        // higher is better (throughput)
        (.higherIsBetter, 100, 100, .pass),
        (.higherIsBetter, 100, 90, .pass),
        (.higherIsBetter, 100, 89, .regressed),
        (.higherIsBetter, 100, 111, .improved),
        (.higherIsBetter, 100, 110, .pass),
        // baseline 0: any move the wrong way is a regression
        (.lowerIsBetter, 0, 0, .pass),
        (.lowerIsBetter, 0, 1, .regressed),
        (.lowerIsBetter, 0, -1, .improved),
        (.higherIsBetter, 0, 1, .improved),
        (.higherIsBetter, 0, -1, .regressed),
        // negative baselines use |baseline|
        (.higherIsBetter, -100, -120, .regressed),
        (.higherIsBetter, -100, -80, .improved),
    ])
    func directionsAndTolerance(direction: MetricDirection, base: Double, now: Double, expected: Verdict) throws {
        #expect(try verdict(direction, base, now) == expected)
    }

    @Test func zeroToleranceMakesAnyWrongMoveARegression() throws {
        #expect(try verdict(.lowerIsBetter, 100, 100.01, tolerance: "0%") == .regressed)
        #expect(try verdict(.lowerIsBetter, 100, 100, tolerance: "0%") == .pass)
        #expect(try verdict(.higherIsBetter, 100, 100.01, tolerance: "0%") == .improved)
    }

    @Test func perRuleToleranceOverridesTheDefault() {
        let comparison = BaselineComparison(
            rules: [.init("p99", .lowerIsBetter, tolerance: Tolerance(fraction: 0.5)), .init("rps", .higherIsBetter)],
            tolerance: Tolerance(fraction: 0.1)
        )
        let rows = comparison.compare(baseline: ["p99": 100, "rps": 1000], current: ["p99": 140, "rps": 850])
        #expect(rows.map(\.verdict) == [.pass, .regressed])
        #expect(rows[0].tolerance == Tolerance(fraction: 0.5))
        #expect(rows[1].change == -0.15)
        #expect(rows[1].message == "rps: 1000 → 850 (-15%), higher is better, tolerance 10%: regressed")
    }

    @Test func missingOrNonFiniteValuesAreErrorsNotPasses() {
        let comparison = BaselineComparison(rules: [
            .init("a", .lowerIsBetter), .init("b", .lowerIsBetter), .init("c", .lowerIsBetter),
            .init("d", .higherIsBetter),
        ])
        let rows = comparison.compare(
            baseline: ["a": 1, "c": .nan, "d": 5], current: ["b": 1, "c": 1, "d": .infinity])
        #expect(rows.map(\.verdict) == [.error, .error, .error, .error])
        #expect(rows[0].message.contains("this run has no value"))
        #expect(rows[1].message.contains("baseline has no value"))
        #expect(rows[1].message.contains("stampede baseline update"))
        #expect(rows[2].message.contains("not a finite number"))
        #expect(rows[3].message.contains("not a finite number"))
        #expect(rows.allSatisfy { $0.change == nil })
    }

    @Test func onlyTheRulesAreCompared() {
        let rows = BaselineComparison(rules: [.init("a", .lowerIsBetter)])
            .compare(baseline: ["a": 1, "z": 1], current: ["a": 1, "z": 100])
        #expect(rows.count == 1 && rows[0].metric == "a")
    }

    @Test(arguments: [("10%", 0.1), ("2.5 %", 0.025), ("0%", 0), (" 150% ", 1.5)])
    func toleranceParsesPercentages(text: String, fraction: Double) throws {
        #expect(try Tolerance(parsing: text).fraction == fraction)
    }

    @Test(arguments: ["10", "0.1", "-5%", "%", "ten%", ""])
    func toleranceRefusesAnythingButAPercentage(text: String) {
        #expect(throws: Tolerance.ParseError.self) { try Tolerance(parsing: text) }
        #expect((try? Tolerance(parsing: text)) == nil)
        #expect(Tolerance.ParseError(text: text).description.contains("--tolerance 10%"))
    }

    @Test func tableShowsMetricBaselineNowChangeAndVerdict() {
        let rows = BaselineComparison(rules: [
            .init("rps", .higherIsBetter), .init("p99", .lowerIsBetter), .init("rss", .lowerIsBetter),
        ]).compare(baseline: ["rps": 1000, "p99": 0.2], current: ["rps": 850, "p99": 0.1, "rss": 5])
        #expect(
            BaselineComparison.table(rows) == """
                metric  baseline  now  change  verdict
                rps     1000      850  -15%    REGRESSED
                p99     0.2       0.1  -50%    improved
                rss     -         5    -       ERROR

                """)
    }
}
