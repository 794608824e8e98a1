/// A JUnit XML report (Jenkins junit-4 schema: `testsuites` › `testsuite` › `testcase` ›
/// `failure` | `error` | `skipped`), one testcase per threshold, baseline metric or claim.
/// Write it with `xml()`.
public struct JUnitReport: Sendable, Equatable {
    public struct Suite: Sendable, Equatable {
        public var name: String
        /// ISO 8601 start time, if known.
        public var timestamp: String?
        public var cases: [TestCase]

        public init(name: String, timestamp: String? = nil, cases: [TestCase] = []) {
            self.name = name
            self.timestamp = timestamp
            self.cases = cases
        }

        public var failures: Int { cases.count { if case .failed = $0.outcome { true } else { false } } }
        public var errors: Int { cases.count { if case .error = $0.outcome { true } else { false } } }
        public var skipped: Int { cases.count { if case .skipped = $0.outcome { true } else { false } } }
        /// Seconds, summed over the cases.
        public var time: Double { cases.reduce(0) { $0 + $1.time } }
    }

    public struct TestCase: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            case passed
            /// The check ran and its condition did not hold (`<failure>`).
            case failed(message: String, details: String)
            /// The check could not run (`<error>`).
            case error(message: String, details: String)
            case skipped(message: String)
        }

        /// GitLab shows this in its "Suite" column.
        public var classname: String
        public var name: String
        /// Seconds (never milliseconds: GitLab and Jenkins read seconds).
        public var time: Double
        public var outcome: Outcome
        /// Extra text for `<system-out>` (a measured value on a pass, for instance).
        public var output: String?

        public init(classname: String, name: String, time: Double = 0, outcome: Outcome, output: String? = nil) {
            self.classname = classname
            self.name = name
            self.time = time
            self.outcome = outcome
            self.output = output
        }
    }

    /// The name of the whole run (`stampede ci-smoke`).
    public var name: String
    public var suites: [Suite]

    public init(name: String, suites: [Suite] = []) {
        self.name = name
        self.suites = suites
    }

    public var tests: Int { suites.reduce(0) { $0 + $1.cases.count } }
    public var failures: Int { suites.reduce(0) { $0 + $1.failures } }
    public var errors: Int { suites.reduce(0) { $0 + $1.errors } }
    public var skipped: Int { suites.reduce(0) { $0 + $1.skipped } }
    public var time: Double { suites.reduce(0) { $0 + $1.time } }
}
