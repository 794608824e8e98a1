import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The one signal path of every long-running command (`run`, `services up`, `load`, `serve`): the
/// command's work runs as a `Service` in a `ServiceGroup` beside a ``TerminationSignalService``.
/// The first SIGINT or SIGTERM shuts the group down gracefully: the work is told to stop (with the
/// signal's name, so a report can say "interrupted by SIGINT") and the group ends when it returns.
public enum CommandLifecycle {
    /// Runs `body` until it returns; on a termination signal calls `stop` once and waits for `body`.
    public static func run<T: Sendable>(
        logger: Logger = Logger(label: "stampede"), onSignal stop: @escaping @Sendable (String) -> Void,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        // The signals are trapped before the work starts, so an early Ctrl-C still stops it cleanly.
        let signals = await TerminationSignalService()
        let work = WorkService(body: body, signal: signals.received, stop: stop)
        try await run(services: [work], signals: signals, logger: logger)
        return try work.result()
    }

    /// Runs long-lived services (a server) until a termination signal, then shuts them down gracefully.
    public static func run(services: [any Service], logger: Logger) async throws {
        try await run(services: services, signals: await TerminationSignalService(), logger: logger)
    }

    private static func run(services: [any Service], signals: TerminationSignalService, logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) }
                    + [.init(service: signals, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: logger))
        try await group.run()
    }
}

/// Returns at the first SIGINT or SIGTERM (remembering which), or when the group shuts down. The
/// signals are trapped from `init` on.
public final class TerminationSignalService: Service, Sendable {
    let received = SignalName()
    private let signals: UnixSignalsSequence

    public init() async { signals = await UnixSignalsSequence(trapping: .sigint, .sigterm) }

    public func run() async throws {
        for await signal in signals.cancelOnGracefulShutdown() {
            received.set(signal.description)
            return
        }
    }
}

/// The signal that ended a group, once known.
final class SignalName: @unchecked Sendable {
    private let lock = NSLock()
    private var name: String?

    func set(_ n: String) { lock.withLock { if name == nil { name = n } } }
    var value: String? { lock.withLock { name } }
}

/// A command's work as a service: runs the body, keeps its result, and tells it to stop on a
/// graceful shutdown.
final class WorkService<T: Sendable>: Service, @unchecked Sendable {
    private let body: @Sendable () async throws -> T
    private let signal: SignalName
    private let stop: @Sendable (String) -> Void
    private let lock = NSLock()
    private var outcome: Result<T, any Error>?

    init(body: @escaping @Sendable () async throws -> T, signal: SignalName, stop: @escaping @Sendable (String) -> Void)
    {
        self.body = body
        self.signal = signal
        self.stop = stop
    }

    func run() async throws {
        let signal = self.signal
        let stop = self.stop
        let r = await withGracefulShutdownHandler {
            do { return Result<T, any Error>.success(try await body()) } catch { return .failure(error) }
        } onGracefulShutdown: {
            stop(signal.value ?? "a graceful shutdown")
        }
        lock.withLock { outcome = r }
    }

    func result() throws -> T {
        guard let outcome = lock.withLock({ outcome }) else { throw CancellationError() }
        return try outcome.get()
    }
}
