import Analysis
import Foundation

/// The parameters of one scenario, for `stampede show NAME` and `stampede run NAME --help`.
enum ScenarioHelp {
    static func parameters(of s: Scenario) -> String {
        var out = "parameters of \(s.name) (override with stampede run \(s.name) --set NAME=VALUE):\n"
        if s.parameters.isEmpty { out += "  (none)\n" }
        for key in s.parameters.keys.sorted() { out += "  \(key) = \(s.parameters[key]!)\n" }
        if let thresholds = s.thresholds, !thresholds.isEmpty {
            out += "thresholds (checked by --gate):\n" + thresholds.map { "  \($0)\n" }.joined()
        }
        return out
    }

    /// For `run NAME ... --help`: the scenario named after `run`, if the arguments ask for help
    /// and name a built-in or a readable scenario file; nil otherwise (plain `run --help`).
    static func scenario(forHelpIn arguments: [String]) -> Scenario? {
        guard arguments.first == "run", arguments.contains(where: { $0 == "--help" || $0 == "-h" }) else { return nil }
        guard let name = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) else { return nil }
        if let builtin = try? BuiltinCatalog.scenario(named: name) { return builtin }
        if FileManager.default.fileExists(atPath: name) { return try? ScenarioLoader.load(file: name) }
        return nil
    }
}
