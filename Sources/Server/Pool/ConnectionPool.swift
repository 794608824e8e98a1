import ServerConfig
import Synchronization

/// A bounded pool of blocking connections (hiredis or libpq). Checkouts are async and never block
/// a thread; the connections' calls run on a `BlockingExecutor`.
public final class ConnectionPool<Connection: AnyObject & Sendable>: Sendable {
    public let name: String
    public let configuration: PoolConfiguration
    let executor: BlockingExecutor
    private let factory: @Sendable () throws -> Connection
    private let isBroken: @Sendable (Connection) -> Bool
    private let state: Mutex<PoolStateMachine<Connection, CheckedContinuation<Connection, any Error>>>

    public init(
        name: String,
        configuration: PoolConfiguration,
        executor: BlockingExecutor,
        isBroken: @escaping @Sendable (Connection) -> Bool,
        factory: @escaping @Sendable () throws -> Connection
    ) {
        self.name = name
        self.configuration = configuration
        self.executor = executor
        self.factory = factory
        self.isBroken = isBroken
        state = Mutex(PoolStateMachine(name: name, configuration: configuration))
    }

    public var statistics: PoolStatistics { state.withLock { $0.statistics } }

    /// Takes a connection; the caller must `release` it on every path.
    public func checkout() async throws -> Connection {
        let started = ContinuousClock.now
        let waitID = Mutex<Int?>(nil)
        let connection = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Connection, any Error>) in
                let action = state.withLock { $0.checkout(enqueue: { cont }) }
                switch action {
                case .use(let c):
                    cont.resume(returning: c)
                case .open:
                    open(for: cont)
                case .fail(let e):
                    cont.resume(throwing: e)
                case .wait(let id):
                    waitID.withLock { $0 = id }
                    if case .wait(let timeout) = configuration.whenExhausted {
                        Task { [weak self] in
                            try? await Task.sleep(for: timeout)
                            guard let self, let (w, e) = self.state.withLock({ $0.timeout(id: id) }) else { return }
                            w.resume(throwing: e)
                        }
                    }
                }
            }
        } onCancel: {
            if let id = waitID.withLock({ $0 }), let w = state.withLock({ $0.cancel(id: id) }) {
                w.resume(throwing: CancellationError())
            }
        }
        if waitID.withLock({ $0 }) != nil {
            let seconds = started.duration(to: .now).seconds
            state.withLock { $0.recordWait(seconds: seconds) }
        }
        return connection
    }

    /// Returns a connection; a broken one is closed and replaced for the next waiter.
    public func release(_ connection: Connection) {
        let action = state.withLock { $0.release(connection, broken: isBroken(connection)) }
        switch action {
        case .none, .close:
            break  // dropping the last reference closes the C handle
        case .handOver(let c, let w):
            w.resume(returning: c)
        case .closeAndOpenFor(_, let w):
            open(for: w)
        }
    }

    /// Checks out a connection, runs `body` with it on the blocking executor, and returns it.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let c = try await checkout()
        defer { release(c) }
        return try await executor.run { try body(c) }
    }

    public func shutdown() {
        let (_, waiters) = state.withLock { $0.shutDown() }
        for w in waiters { w.resume(throwing: PoolError.shutDown(pool: name)) }
    }

    private func open(for cont: CheckedContinuation<Connection, any Error>) {
        let factory = self.factory
        Task {
            do {
                let c = try await executor.run(factory)
                state.withLock { $0.opened() }
                cont.resume(returning: c)
            } catch {
                state.withLock { $0.openFailed() }
                cont.resume(throwing: error)
            }
        }
    }
}
