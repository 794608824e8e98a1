import Analysis
import Foundation
import Hummingbird
import Logging
import Orchestration
import Server
import ServerConfig
import ServiceLifecycle
import StampedeTestSupport

/// A reference server running in this process on a free port, against the shared embedded services.
final class TestServer: @unchecked Sendable {
    let state: ServerState
    let port: Int
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    static func start(
        _ configure: (inout ServerConfiguration) -> Void = { _ in }, profile: ServerProfile = .upstream
    ) async throws
        -> TestServer
    {
        let services = try await SharedServices.get()
        var c = ServerConfiguration(profile: profile)
        c.port = 0
        c.redisURL = services.redisURL!
        c.databaseURL = services.databaseURL!
        c.agent.eventsPerRun = .fixed(3)
        c.agent.eventInterval = .milliseconds(5)
        c.ioThreads = 8
        configure(&c)
        return try await start(configuration: c)
    }

    static func start(configuration c: ServerConfiguration) async throws -> TestServer {
        var logger = Logger(label: "test-server")
        logger.logLevel = .error
        let state = try ServerState(configuration: c, logger: logger)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let services = ReferenceServer.services(state: state, logger: logger) { port in portContinuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await p in portStream {
            port = p
            break
        }
        return TestServer(state: state, port: port, task: task, group: group)
    }

    private init(state: ServerState, port: Int, task: Task<Void, any Error>, group: ServiceGroup) {
        self.state = state
        self.port = port
        self.task = task
        self.group = group
    }

    var client: TestClient { TestClient(port: port, apiKey: state.configuration.apiKey) }

    /// Graceful shutdown, as on SIGTERM.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        await state.shutdown()
    }
}
