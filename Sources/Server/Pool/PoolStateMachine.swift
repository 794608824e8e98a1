import DequeModule
import ServerConfig

/// The bookkeeping of a connection pool with QueuePool semantics (`size` kept, `overflow` extra,
/// fail fast or wait), as a pure state machine: each event returns the action the I/O shell
/// must take. No clocks, sockets or locks here; `ConnectionPool` executes the actions.
struct PoolStateMachine<Connection, Waiter> {
    enum CheckoutAction {
        case use(Connection)
        /// Open a new connection for this caller (the slot is already counted as in use).
        case open
        /// Enqueued; the caller waits with this id until `release` hands it a connection or `timeout`.
        case wait(id: Int)
        case fail(PoolError)
    }

    enum ReleaseAction {
        case none
        case close(Connection)
        /// Give this connection to a waiter.
        case handOver(Connection, to: Waiter)
        /// The returned connection was broken: close it and open a new one for the waiter.
        case closeAndOpenFor(Connection, Waiter)
    }

    let name: String
    let configuration: PoolConfiguration
    private(set) var idle: [Connection] = []
    private(set) var inUse = 0
    private var waiters: Deque<(id: Int, waiter: Waiter)> = []
    private var nextWaiterID = 0
    private(set) var isShutDown = false
    private(set) var statistics = PoolStatistics()

    init(name: String, configuration: PoolConfiguration) {
        self.name = name
        self.configuration = configuration
    }

    /// A caller asks for a connection. `enqueue` is only called when the caller must wait.
    mutating func checkout(enqueue: () -> Waiter) -> CheckoutAction {
        if isShutDown { return .fail(.shutDown(pool: name)) }
        statistics.checkouts += 1
        if let c = idle.popLast() {
            inUse += 1
            updateGauges()
            return .use(c)
        }
        if inUse < configuration.maxConnections {
            inUse += 1
            updateGauges()
            return .open
        }
        switch configuration.whenExhausted {
        case .failFast:
            statistics.exhaustionErrors += 1
            return .fail(.exhausted(pool: name, limit: configuration.maxConnections))
        case .wait:
            nextWaiterID += 1
            waiters.append((nextWaiterID, enqueue()))
            updateGauges()
            return .wait(id: nextWaiterID)
        }
    }

    /// A waiter was served after waiting `seconds`.
    mutating func recordWait(seconds: Double) {
        statistics.recordWait(seconds)
    }

    /// Opening a connection for a caller failed: its slot is free again.
    mutating func openFailed() {
        inUse -= 1
        statistics.connectErrors += 1
        updateGauges()
    }

    mutating func opened() {
        statistics.opened += 1
    }

    /// A caller returns a connection (broken ones are closed, never reused).
    mutating func release(_ connection: Connection, broken: Bool) -> ReleaseAction {
        if !waiters.isEmpty {
            let next = waiters.removeFirst()
            updateGauges()
            if broken {
                statistics.closed += 1
                return .closeAndOpenFor(connection, next.waiter)
            }
            return .handOver(connection, to: next.waiter)
        }
        inUse -= 1
        defer { updateGauges() }
        if broken || isShutDown || idle.count >= configuration.size {
            statistics.closed += 1
            return .close(connection)
        }
        idle.append(connection)
        return .none
    }

    /// A waiter's timeout fired: if it is still waiting, it fails now.
    mutating func timeout(id: Int) -> (Waiter, PoolError)? {
        guard let i = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        let w = waiters.remove(at: i)
        statistics.timeouts += 1
        updateGauges()
        guard case .wait(let timeout) = configuration.whenExhausted else { return nil }
        return (
            w.waiter,
            .timedOut(pool: name, size: configuration.size, overflow: configuration.overflow, timeout: timeout)
        )
    }

    /// A waiter gave up (task cancelled).
    mutating func cancel(id: Int) -> Waiter? {
        guard let i = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        let w = waiters.remove(at: i)
        updateGauges()
        return w.waiter
    }

    /// Stop: returns the idle connections to close and the waiters to fail.
    mutating func shutDown() -> (idle: [Connection], waiters: [Waiter]) {
        isShutDown = true
        let result = (idle, waiters.map(\.waiter))
        statistics.closed += idle.count
        idle = []
        waiters = []
        updateGauges()
        return result
    }

    private mutating func updateGauges() {
        statistics.inUse = inUse
        statistics.idle = idle.count
        statistics.waiting = waiters.count
        statistics.peakInUse = max(statistics.peakInUse, inUse)
    }
}
