import Analysis
import ArgumentParser
import Foundation
import Logging
import Orchestration
import ServiceLifecycle

struct Services: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage embedded Redis and PostgreSQL.",
        subcommands: [Up.self])

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start Redis and PostgreSQL on free loopback ports; print their URLs; run until interrupted.",
            discussion: """
                Prints two lines, REDIS_URL=... and DATABASE_URL=..., so a shell can `eval` them or a \
                script can read them. Ctrl-C (or SIGTERM) stops both and deletes their data directory.
                """)

        @Option(help: "PostgreSQL max_connections.") var postgresMaxConnections = 500

        func run() async throws {
            var config = EmbeddedServices.Configuration()
            config.postgresMaxConnections = postgresMaxConnections
            let services = try await EmbeddedServices.start(config)
            let orphanGuard = try? OrphanGuard(executable: Run.selfExecutable())
            orphanGuard?.record(.directory(services.directory))
            for pid in [services.redisPID, services.postgresPID].compactMap({ $0 }) {
                orphanGuard?.record(.process(pid: pid, name: "service"))
            }
            defer { withExtendedLifetime(orphanGuard) {} }
            print("REDIS_URL=\(services.redisURL ?? "")")
            print("DATABASE_URL=\(services.databaseURL ?? "")")
            flushStandardOutput()
            try await CommandLifecycle.run(services: [], logger: Logger(label: "stampede.services"))
            services.stop()
        }
    }
}

/// Flushes stdout so a parent process reading our output sees each line at once.
func flushStandardOutput() {
    FileHandle.standardOutput.synchronizeFile()
    fflush(nil)
}
