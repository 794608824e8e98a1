/// One thing wrong with a scenario: where (field path, YAML line) and what is expected.
public struct ScenarioProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "line \($0): " } ?? ""
        return "\(location)\(path.isEmpty ? "(top level)" : path): \(message)"
    }
}

/// A scenario that cannot run, with every problem found (not only the first).
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// The file or built-in name.
    public var source: String
    public var problems: [ScenarioProblem]

    public init(source: String, problems: [ScenarioProblem]) {
        self.source = source
        self.problems = problems
    }

    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "scenario \(source): \(count)\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
