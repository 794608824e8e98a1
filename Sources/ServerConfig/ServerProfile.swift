/// Which behaviour the reference server reproduces. See ARCHITECTURE.md, "The reference server".
public enum ServerProfile: String, Sendable, CaseIterable, Codable {
    /// What KNOWN_ISSUES.md describes: retry without jitter, unbounded SSE buffer, Redis pool of 50
    /// that fails fast, 4 workers x 500 connections.
    case documented
    /// The code at upstream commit 63b4d8f: ±10 % jitter, bounded queue of 100, Redis pool
    /// max(db_pool + overflow, 50), one PostgreSQL connection held per new-session stream.
    case upstream
    /// Our fix: the fair (FIFO, fenced) lock, bounded queue with a slow-consumer deadline and resume, pools
    /// that wait with a timeout, connections held per statement only.
    case recommended
}

/// How `update_session` serialises concurrent updates of one session.
public enum LockStrategy: String, Sendable, CaseIterable, Codable {
    /// `SET NX EX` lock; retry delays 10 ms doubling to 500 ms, no jitter (the documented bug).
    case exponential
    /// The same with ±10 % jitter on every delay (upstream).
    case exponentialJitter = "exponential-jitter"
    /// Delay uniform in [0, min(cap, base·2^n)] (AWS "full jitter").
    case fullJitter = "full-jitter"
    /// Delay uniform in [base, min(cap, 3·previous)] (AWS "decorrelated jitter").
    case decorrelatedJitter = "decorrelated-jitter"
    /// FIFO on Redis: waiters queue in arrival order, the releaser hands the lock to the next one
    /// and wakes it (pub/sub; polls every max delay when a wake-up is lost); each grant carries a
    /// fencing token the session write checks.
    case fair
    /// No Redis lock: a PostgreSQL version counter, `UPDATE ... WHERE version = $v`, retried on conflict.
    case optimistic
}

/// How SSE events travel from the simulated agent to the client's socket.
public enum SSEDelivery: String, Sendable, CaseIterable, Codable {
    /// The agent never waits: events pile up in memory while the client is slow (PERF-004).
    case unbounded
    /// A queue of `sseQueue` events; the agent waits when it is full (upstream's asyncio.Queue(100)).
    case bounded
}

/// What a new run does when every agent slot is busy.
public enum AgentSlotPolicy: String, Sendable, CaseIterable, Codable {
    case queue
    case reject
}
