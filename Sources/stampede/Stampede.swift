import ArgumentParser

@main
struct Stampede: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stampede",
        abstract: "Reproduce, measure and gate the capacity problems of a streaming agent API.",
        discussion: """
            Start with `stampede services up` (embedded Redis and PostgreSQL), `stampede serve` (the \
            reference server) and `stampede load` (the load generator). Every subcommand has --help.
            """,
        subcommands: [Run.self, List.self, Show.self, Report.self, GateCommand.self, Baseline.self, Plan.self, Serve.self, Services.self, Load.self, USL.self]
    )
}
