import Analysis
import ArgumentParser
import Orchestration

/// `stampede guard`: the watcher ``OrphanGuard`` starts; not for people.
struct Guard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "Clean up after a stampede process that died (started by `run` and `services up`).",
        shouldDisplay: false)

    @Option(help: "The process to watch.") var parent: Int32
    @Option(help: "Its record of child processes and temporary directories.") var state: String

    func run() throws {
        OrphanGuard.watch(parent: parent, stateFile: state)
    }
}
