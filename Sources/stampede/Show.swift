import Analysis
import ArgumentParser

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Print a built-in scenario: its parameters (override with `stampede run NAME --set k=v`) and its YAML.")

    @Argument(help: "A built-in scenario name (see `stampede list`).") var name: String

    func run() async throws {
        guard let entry = BuiltinCatalog.entry(named: name), let s = try BuiltinCatalog.scenario(named: name) else {
            throw ValidationError(
                "no built-in scenario '\(name)'; built-ins: \(BuiltinCatalog.entries.map(\.name).joined(separator: ", "))"
            )
        }
        print("\(s.name): \(s.summary)\n")
        print(ScenarioHelp.parameters(of: s), terminator: "")
        print("\nclaims:")
        for c in s.claims {
            print("  \(c.id) [\(c.issue), \(c.kind.rawValue)] \(c.metric) \(c.relation.rawValue) \(c.targetText)")
        }
        print("\n# scenario file (save, edit, `stampede run FILE.yaml`)\n\(entry.yaml)")
    }
}
