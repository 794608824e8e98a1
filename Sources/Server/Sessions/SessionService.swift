import Atomics
import Backends
import Foundation
import ServerConfig

/// Sessions as upstream's SessionService: created on `init`, read cache-first, and updated at the
/// end of every stream under the configured lock strategy (the read-modify-write SCALE-001 is about).
public final class SessionService: Sendable {
    let cache: RedisCache
    let database: ConnectionPool<PostgresConnection>
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    /// The FIFO lock, under the fair strategy only.
    let fair: FairLock?
    let lockLog: LockLog
    private let seeds = ManagedAtomic<UInt64>(0)

    init(
        cache: RedisCache, database: ConnectionPool<PostgresConnection>, configuration: ServerConfiguration,
        metrics: ServerMetrics, wakeups: LockWakeups?, lockLog: LockLog
    ) {
        self.cache = cache
        self.lockLog = lockLog
        fair = wakeups.map { FairLock(cache: cache, wakeups: $0) }
        self.database = database
        self.configuration = configuration
        self.metrics = metrics
        seeds.store(configuration.agent.seed &* 0x9E37_79B9, ordering: .relaxed)
    }

    /// Runs `body` on `held` if given (on the blocking executor), else on a pooled connection.
    func onDatabase<T: Sendable>(
        _ held: PostgresConnection?, _ body: @escaping @Sendable (PostgresConnection) throws -> T
    )
        async throws -> T
    {
        metrics.dbStatements.inc()
        do {
            if let held { return try await database.executor.run { try body(held) } }
            return try await database.withConnection(body)
        } catch {
            metrics.dbErrors.inc()
            throw error
        }
    }

    /// INSERT + cache write. With a held connection, leaves it "idle in transaction" as upstream does.
    func create(
        id: String, model: String, ownerHash: String?, parent: String? = nil, held: PostgresConnection?
    ) async throws
        -> SessionRecord
    {
        let record = try await onDatabase(held) { c in
            let r = try SessionRepository.insert(c, id: id, model: model, ownerHash: ownerHash, parent: parent)
            if held != nil { try SessionRepository.refreshLeavingTransactionOpen(c, id: id) }
            return r
        }
        try await cache.cacheSession(record)
        metrics.sessionsCreated.inc()
        return record
    }

    /// Cache first, then PostgreSQL (re-caching on a miss).
    func get(id: String) async throws -> SessionRecord? {
        if let cached = try await cache.cachedSession(id) { return cached }
        guard let (record, _) = try await onDatabase(nil, { try SessionRepository.get($0, id: id) }) else { return nil }
        try await cache.cacheSession(record)
        return record
    }

    /// The end-of-stream update: status, cost, and `total_turns += addTurns`, as a read-modify-write
    /// protected by the configured strategy. Returns nil if the session does not exist.
    func update(
        id: String, status: String, addTurns: Int, cost: Double?, held: PostgresConnection?
    ) async throws
        -> SessionRecord?
    {
        do {
            let r: SessionRecord?
            if configuration.lockStrategy == .optimistic {
                r = try await updateOptimistically(id: id, status: status, addTurns: addTurns, cost: cost, held: held)
            } else {
                r = try await withSessionLock(id) { fence in
                    self.metrics.sessionUpdatesInProgress.inc()
                    defer { self.metrics.sessionUpdatesInProgress.dec() }
                    guard let current = try await self.get(id: id) else { return nil }
                    if self.configuration.lockHold > .zero { try await Task.sleep(for: self.configuration.lockHold) }
                    let turns = current.totalTurns + addTurns
                    let updated = try await self.onDatabase(held) {
                        try SessionRepository.update(
                            $0, id: id, status: status, totalTurns: turns, totalCost: cost, expectedVersion: nil,
                            fence: fence)
                    }
                    if updated == nil, fence != nil {
                        self.metrics.lockFencedWrites.inc()
                        throw FencedWriteError(sessionID: id)
                    }
                    if let updated { try await self.cache.cacheSession(updated) }
                    return updated
                }
            }
            metrics.sessionUpdates.inc()
            if r != nil { metrics.sessionTurnsWritten.add(addTurns) }
            return r
        } catch {
            metrics.sessionUpdateErrors.inc()
            throw error
        }
    }

    private func updateOptimistically(
        id: String, status: String, addTurns: Int, cost: Double?, held: PostgresConnection?
    )
        async throws -> SessionRecord?
    {
        var backoff = nextBackoff()
        let started = ContinuousClock.now
        metrics.sessionUpdatesInProgress.inc()
        defer { metrics.sessionUpdatesInProgress.dec() }
        while true {
            metrics.lockAttempts.inc()
            guard let (current, version) = try await onDatabase(held, { try SessionRepository.get($0, id: id) }) else {
                return nil
            }
            if configuration.lockHold > .zero { try await Task.sleep(for: configuration.lockHold) }
            let turns = current.totalTurns + addTurns
            if let updated = try await onDatabase(
                held,
                {
                    try SessionRepository.update(
                        $0, id: id, status: status, totalTurns: turns, totalCost: cost, expectedVersion: version)
                })
            {
                metrics.lockAcquired.inc()
                metrics.recordLockWait(seconds: started.duration(to: .now).seconds)
                try await cache.cacheSession(updated)
                return updated
            }
            metrics.optimisticConflicts.inc()
            if started.duration(to: .now) >= configuration.lockTimeout {
                metrics.lockTimeouts.inc()
                throw LockTimeoutError(sessionID: id)
            }
            try await Task.sleep(for: backoff.nextDelay())
        }
    }

    /// Upstream's `_with_session_lock`: `SET NX EX` retried with the strategy's delays until the
    /// timeout (checked after each failed attempt), compare-and-delete release in all cases. Under
    /// the fair strategy, the FIFO lock instead, whose fencing token `body` gets (nil otherwise).
    func withSessionLock<T: Sendable>(
        _ id: String, _ body: @Sendable (FairLock.Fence?) async throws -> T
    ) async throws -> T {
        let key = "session_lock:\(id)"
        let started = ContinuousClock.now
        let arrived = LockLog.now()
        func gaveUp() { lockLog.append(.init(session: id, arrived: arrived, acquired: nil, ended: LockLog.now())) }
        let fence: FairLock.Fence?
        let release: @Sendable () async throws -> Bool
        if let fair {
            let waiter = fair.wakeups.newWaiterID()
            let ttl = configuration.lockTTL
            do {
                fence = try await fair.acquire(
                    key, session: id, waiter: waiter, ttl: ttl, poll: configuration.lockMaxDelay,
                    timeout: configuration.lockTimeout,
                    onAttempt: {
                        metrics.lockAttempts.inc()
                        metrics.lockCommands.inc()
                    })
            } catch {
                if error is LockTimeoutError { metrics.lockTimeouts.inc() }
                gaveUp()
                throw error
            }
            release = { [metrics] in
                metrics.lockCommands.inc()
                let r = try await fair.release(key, waiter: waiter, ttl: ttl)
                if r.handedOn { metrics.lockHandoffs.inc() }
                return r.held
            }
        } else {
            let value = UUID().uuidString.lowercased()
            let ttl = Int(configuration.lockTTL.seconds.rounded(.up))
            var backoff = nextBackoff()
            do {
                while true {
                    metrics.lockAttempts.inc()
                    metrics.lockCommands.inc()
                    if try await cache.acquireLock(key, value: value, ttlSeconds: ttl) { break }
                    if started.duration(to: .now) >= configuration.lockTimeout {
                        metrics.lockTimeouts.inc()
                        throw LockTimeoutError(sessionID: id)
                    }
                    try await Task.sleep(for: backoff.nextDelay())
                }
            } catch {
                gaveUp()
                throw error
            }
            fence = nil
            release = { [cache, metrics] in
                metrics.lockCommands.inc()
                return try await cache.releaseLock(key, value: value)
            }
        }
        let acquired = ContinuousClock.now
        let acquiredAt = LockLog.now()
        metrics.lockAcquired.inc()
        metrics.recordLockWait(seconds: started.duration(to: acquired).seconds)
        let result: Result<T, any Error>
        do { result = .success(try await body(fence)) } catch { result = .failure(error) }
        metrics.recordLockHold(seconds: acquired.duration(to: .now).seconds)
        do {
            if try await !release() { metrics.lockReleaseFailures.inc() }
        } catch {
            metrics.lockReleaseFailures.inc()  // logged and not re-raised, as upstream
        }
        lockLog.append(.init(session: id, arrived: arrived, acquired: acquiredAt, ended: LockLog.now()))
        return try result.get()
    }

    func list(
        ownerHash: String, filters: SessionRepository.Filters, page: Int, pageSize: Int
    ) async throws
        -> (records: [SessionRecord], total: Int)
    {
        try await onDatabase(nil) {
            try SessionRepository.list($0, ownerHash: ownerHash, filters: filters, page: page, pageSize: pageSize)
        }
    }

    private func nextBackoff() -> Backoff {
        Backoff(
            strategy: configuration.lockStrategy, initial: configuration.lockInitialDelay,
            cap: configuration.lockMaxDelay,
            seed: seeds.wrappingIncrementThenLoad(by: 0x9E37_79B9_7F4A_7C15, ordering: .relaxed))
    }
}

/// The fair lock's token check refused the write: a later holder already wrote (this holder's lock
/// expired while it was paused or slow).
public struct FencedWriteError: Error, CustomStringConvertible {
    public var sessionID: String
    public var description: String {
        "Session \(sessionID) was not written: the lock expired and a later holder wrote first (fencing token)"
    }
}

/// The lock could not be acquired before the timeout (upstream's `TimeoutError`).
public struct LockTimeoutError: Error, CustomStringConvertible {
    public var sessionID: String
    public var description: String { "Could not acquire lock for session \(sessionID)" }
}
