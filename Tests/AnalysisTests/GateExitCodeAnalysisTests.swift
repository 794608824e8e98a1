import Analysis
import Testing

@Suite struct GateExitCodeAnalysisTests {
    static let source = InMemoryMetricSource(["errors": .ratio(hits: 1, total: 100)])

    static func rows(_ current: Double?) -> [BaselineComparison.Row] {
        BaselineComparison(rules: [.init("rps", .higherIsBetter)])
            .compare(baseline: ["rps": 100], current: current.map { ["rps": $0] } ?? [:])
    }

    @Test func theNumbersAreTheDocumentedOnes() {
        #expect(GateExitCode.passed.rawValue == 0)
        #expect(GateExitCode.failed.rawValue == 99)
        #expect(GateExitCode.error.rawValue == 104)
        #expect(Set(GateExitCode.allCases.map(\.rawValue)).count == 3)
    }

    @Test(arguments: [
        (["errors: rate < 0.05"], 100.0 as Double?, GateExitCode.passed),
        ([], 100, .passed),
        (["errors: rate < 0.05"], 150, .passed),  // an improvement passes
        (["errors: rate < 0.001"], 100, .failed),  // a failed threshold
        (["errors: rate < 0.05"], 50, .failed),  // a regression
        (["errors: rate < 0.001"], 50, .failed),
        (["errrors: rate < 0.05"], 100, .error),  // unknown metric
        (["errors: rate < 0.05", "errors: rate <"], 100, .error),  // malformed
        (["errors: rate < 0.001"], nil, .error),  // metric missing from the run: error outranks failure
        (["errors: rate < 0.001", "nope > 1"], 50, .error),
    ])
    func errorsOutrankFailuresWhichOutrankPasses(expressions: [String], current: Double?, expected: GateExitCode) {
        let results = Threshold.evaluate(expressions, against: Self.source)
        #expect(GateExitCode(thresholds: results, baseline: Self.rows(current)) == expected)
    }

    @Test func noChecksAtAllPass() {
        #expect(GateExitCode(thresholds: []) == .passed)
    }
}
