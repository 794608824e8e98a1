import ArgumentParser
import Foundation

@main
struct Stampede: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stampede",
        abstract: "Reproduce, measure and gate the capacity problems of a streaming agent API.",
        discussion: """
            Start with `stampede services up` (embedded Redis and PostgreSQL), `stampede serve` (the \
            reference server) and `stampede load` (the load generator). Every subcommand has --help.
            """,
        subcommands: [
            Run.self, List.self, Show.self, Report.self, GateCommand.self, Baseline.self, Plan.self, Serve.self,
            Services.self, Load.self, Merge.self, Search.self, Simulate.self, ProxyCommand.self, USL.self, Guard.self,
        ]
    )

    /// As ArgumentParser's, except that `stampede run NAME --help` also lists NAME's parameters.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let scenario = ScenarioHelp.scenario(forHelpIn: arguments) {
            print(Run.helpMessage(for: Run.self, columns: nil))
            print(ScenarioHelp.parameters(of: scenario), terminator: "")
            return
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
