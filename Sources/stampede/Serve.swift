import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Orchestration
import Server
import ServerConfig
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the reference server: the agent API under test, on real Redis and PostgreSQL.",
        discussion: """
            A profile picks the behaviour; any knob below overrides it. Environment variables \
            (upstream names) apply when the flag is absent. Durations: 250ms, 5s, 2m. The same knobs, \
            without the dashes, are what a scenario group's `flags:` may set (docs/reference-server.md).

            Knobs (defaults per profile: documented | upstream | recommended):
            \(ServerKnobs.helpText)

            Example: stampede services up &  then
              stampede serve --port 8080 --profile documented --redis-url redis://127.0.0.1:6379/0 \\
                --database-url postgresql://stampede@127.0.0.1:5432/stampede
            """)

    @Option(help: "documented, upstream or recommended.") var profile: ServerProfile = .upstream
    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp("Knobs: --NAME VALUE or --NAME=VALUE (listed above).", valueName: "knob"))
    var knobs: [String] = []

    /// The command line's knobs, in order, as settings.
    static func settings(fromArguments args: [String]) throws -> [ServerSetting] {
        var out: [ServerSetting] = []
        var i = 0
        while i < args.count {
            let arg = args[i]
            guard arg.hasPrefix("--"), arg.count > 2 else {
                throw ValidationError(
                    "unexpected argument '\(arg)': knobs are --NAME VALUE (see stampede serve --help)")
            }
            var name = String(arg.dropFirst(2))
            var value: String
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            } else {
                guard i + 1 < args.count else { throw ValidationError("--\(name) needs a value") }
                i += 1
                value = args[i]
            }
            guard ServerKnobs.knob(named: name) != nil else {
                let closest = EditDistance.closest(to: name, in: ServerKnobs.all.map(\.name), limit: 1)
                throw ValidationError(
                    "unknown option --\(name)" + (closest.isEmpty ? "" : "; did you mean --\(closest[0])?")
                        + " (stampede serve --help lists the knobs)")
            }
            out.append(ServerSetting(name: name, value: value, source: .commandLine))
            i += 1
        }
        return out
    }

    /// Environment variables first (their knobs' upstream names), then the command line.
    func resolved(
        environment env: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> ResolvedServerConfiguration
    {
        let fromEnvironment = ServerKnobs.all.compactMap { knob -> ServerSetting? in
            guard let variable = knob.environment, let value = env[variable] else { return nil }
            return ServerSetting(name: knob.name, value: value, source: .environment(variable))
        }
        do {
            return try ServerKnobs.resolve(
                profile: profile, settings: fromEnvironment + (try Self.settings(fromArguments: knobs)))
        } catch let error as ServerConfigurationError {
            throw ValidationError(error.problems.map(\.commandLineDescription).joined(separator: "\n"))
        }
    }

    func validate() throws { _ = try resolved() }

    func run() async throws {
        let configuration = try resolved().configuration
        try ReferenceServer.prepareProcess(configuration)
        var logger = Logger(label: "stampede.serve")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        let state = try ServerState(configuration: configuration, logger: logger)
        let services = ReferenceServer.services(state: state, logger: logger) { port in
            // One line on stdout that orchestrators wait for.
            print(
                "stampede serve: listening on http://\(configuration.host):\(port) profile=\(configuration.profile.rawValue)"
            )
            flushStandardOutput()
        }
        try await CommandLifecycle.run(services: services, logger: logger)
        await state.shutdown()
    }
}
