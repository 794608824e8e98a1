extension JUnitReport.Suite {
    /// One testcase per threshold (k6's convention: the expression is the name): a failed
    /// threshold is a `<failure>`, one that could not be evaluated an `<error>`.
    public static func thresholds(_ results: [ThresholdResult], name: String = "thresholds") -> Self {
        Self(
            name: name,
            cases: results.map { r in
                let outcome: JUnitReport.TestCase.Outcome =
                    switch r.status {
                    case .passed: .passed
                    case .failed: .failed(message: r.message, details: r.message)
                    case .error: .error(message: r.error?.summary ?? r.message, details: r.error?.description ?? r.message)
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
                    classname: "stampede.\(name)", name: row.metric, outcome: outcome, output: passed ? row.message : nil
                )
            }
        )
    }
}
