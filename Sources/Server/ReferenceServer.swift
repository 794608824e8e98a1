import Backends
import Hummingbird
import Logging
import NIOCore
import ServerConfig
import ServiceLifecycle
import SystemSupport

/// The reference server: builds the Hummingbird application for a configuration.
public enum ReferenceServer {
    /// Applies the process-level settings (soft fd limit) and validates the configuration.
    public static func prepareProcess(_ configuration: ServerConfiguration) throws {
        let problems = configuration.validate()
        if !problems.isEmpty { throw ConfigurationError(problems.joined(separator: "\n")) }
        if let fds = configuration.maxFDs {
            try FileDescriptorLimit.setSoft(fds)
        } else {
            FileDescriptorLimit.raiseSoftToHard()
        }
    }

    /// The router with every route and middleware.
    public static func router(state: ServerState) -> Router<StampedeRequestContext> {
        let router = Router(context: StampedeRequestContext.self)
        router.add(
            middleware: ConnectionLimitMiddleware(limit: state.configuration.maxConnections, metrics: state.metrics))
        router.add(middleware: ServerErrorMiddleware(metrics: state.metrics))
        router.add(middleware: APIKeyMiddleware(apiKey: state.configuration.apiKey))
        QueryRoutes(state: state).register(on: router)
        SessionRoutes(state: state).register(on: router)
        HealthRoutes(state: state).register(on: router)
        MetricsRoute(state: state).register(on: router)
        LockLogRoute(state: state).register(on: router)
        return router
    }

    /// The services of one server, in ServiceGroup order: the HTTP application, then the clocks
    /// (stream housekeeping and the agent clock). A ServiceGroup shuts services down in reverse
    /// order, so on SIGTERM the clocks go first and end every open stream with `done`; the HTTP
    /// server, which waits for in-flight responses, then stops at once instead of after the runs.
    /// `onServerRunning` receives the bound port (useful with port 0).
    public static func services(
        state: ServerState, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> [any Service] {
        let configuration = state.configuration
        let metrics = state.metrics
        var app = Application(
            responder: RequestTaskResponder(inner: router(state: state).buildResponder()) {
                $0.uri.path == QueryRoutes.streamPath
            },
            server: .http1(configuration: .init(additionalChannelHandlers: [SSEConnectionHandler()])),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "stampede-reference",
                backlog: 4096),
            onServerRunning: { channel in
                // First in the pipeline: NIO's AcceptBackoffHandler swallows accept errors after backing off.
                try? await channel.pipeline.addHandler(AcceptErrorCounter(metrics: metrics), position: .first).get()
                await onServerRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger)
        let s = state
        // Like upstream, the server starts even when a dependency is down: the schema is created
        // as soon as PostgreSQL answers, and /health reports what is failing meanwhile.
        app.beforeServerStarts {
            do {
                try await s.migrate()
            } catch {
                logger.warning("PostgreSQL schema not created yet (\(error)); retrying every 2 s")
                Task {
                    while (try? await s.migrate()) == nil {
                        try? await Task.sleep(for: .seconds(2))
                        if s.isShutDown { return }
                    }
                }
            }
        }
        return [app, StreamHousekeeping(state: state)]
    }
}

/// The one clock for all streams (pings, deadlines, resume windows); on graceful shutdown it ends
/// every open stream with `done` and releases the pools.
struct StreamHousekeeping: Service {
    let state: ServerState

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await state.streams.runHousekeeping() }
                group.addTask { await state.clock.run() }
            }
        }
        state.streams.endAll()
    }
}
