extension JUnitReport.Suite {
    /// One testcase per threshold (k6's convention: the expression is the name): a failed
    /// threshold is a `<failure>`, one that could not be evaluated an `<error>` (its details
    /// point at the column).
    public static func thresholds(_ results: [ThresholdResult], name: String = "thresholds") -> Self {
        thresholds(
            results.map {
                ($0.expression, $0.status, $0.error?.summary ?? $0.message, $0.error?.description ?? $0.message)
            },
            name: name)
    }

    /// The same for the thresholds a report keeps.
    public static func thresholds(_ records: [ThresholdRecord], name: String = "thresholds") -> Self {
        thresholds(records.map { ($0.expression, $0.status, $0.message, $0.message) }, name: name)
    }

    private static func thresholds(
        _ rows: [(expression: String, status: ThresholdResult.Status, message: String, details: String)], name: String
    ) -> Self {
        Self(
            name: name,
            cases: rows.map { r in
                let outcome: JUnitReport.TestCase.Outcome =
                    switch r.status {
                    case .passed: .passed
                    case .failed: .failed(message: r.message, details: r.details)
                    case .error: .error(message: r.message, details: r.details)
                    }
                return JUnitReport.TestCase(
                    classname: "stampede.\(name)", name: r.expression, outcome: outcome,
                    output: r.status == .passed ? r.message : nil
                )
            }
        )
    }

    /// One testcase per baseline metric: a regression is a `<failure>`, a missing value an
    /// `<error>`; passes and improvements carry the change in `<system-out>`.
    public static func baseline(_ rows: [BaselineComparison.Row], name: String = "baseline") -> Self {
        Self(
            name: name,
            cases: rows.map { row in
                let outcome: JUnitReport.TestCase.Outcome =
                    switch row.verdict {
                    case .pass, .improved: .passed
                    case .regressed: .failed(message: row.message, details: row.message)
                    case .error: .error(message: row.message, details: row.message)
                    }
                let passed = row.verdict == .pass || row.verdict == .improved
                return JUnitReport.TestCase(
                    classname: "stampede.\(name)", name: row.metric, outcome: outcome,
                    output: passed ? row.message : nil
                )
            }
        )
    }
}
