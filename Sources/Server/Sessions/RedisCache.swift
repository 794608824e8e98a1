import Backends
import Foundation

/// The Redis side of sessions, with upstream's keys and TTLs: the session cache, the owner index,
/// the lock, and the active/interrupted markers. Each command checks a connection out of the pool
/// on its own, as redis-py does, so pool pressure is as upstream's.
public struct RedisCache: Sendable {
    let pool: ConnectionPool<RedisConnection>
    let metrics: ServerMetrics
    let sessionTTL: Int
    let interruptTTL: Int

    static let releaseScript = """
        if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end
        """

    @discardableResult
    func command(_ args: [String]) async throws -> RedisReply {
        metrics.redisCommands.inc()
        do {
            let reply = try await pool.withConnection { try $0.command(args) }
            if case .error(let e) = reply { throw RedisError.reply(e) }
            return reply
        } catch {
            metrics.redisErrors.inc()
            throw error
        }
    }

    // MARK: session cache

    func cacheSession(_ s: SessionRecord) async throws {
        let json = String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
        try await command(["SETEX", "session:\(s.id)", String(sessionTTL), json])
        if let owner = s.ownerAPIKeyHash {
            try await command(["SADD", "session:owner:\(owner)", s.id])
            try await command(["EXPIRE", "session:owner:\(owner)", String(sessionTTL)])
        }
    }

    func cachedSession(_ id: String) async throws -> SessionRecord? {
        guard case .string(let bytes) = try await command(["GET", "session:\(id)"]) else { return nil }
        return try? JSONDecoder().decode(SessionRecord.self, from: Data(bytes))
    }

    // MARK: lock

    /// `SET lock:<key> <value> NX EX <ttl>`: true when acquired.
    func acquireLock(_ key: String, value: String, ttlSeconds: Int) async throws -> Bool {
        let r = try await command(["SET", "lock:\(key)", value, "NX", "EX", String(ttlSeconds)])
        return !r.isNull
    }

    /// Compare-and-delete through `EVAL` (the script text is sent every call, as upstream).
    func releaseLock(_ key: String, value: String) async throws -> Bool {
        let r = try await command(["EVAL", Self.releaseScript, "1", "lock:\(key)", value])
        return r.intValue == 1
    }

    // MARK: markers

    func markActive(_ id: String) async throws {
        try await command(["SETEX", "active_session:\(id)", String(sessionTTL), "true"])
    }

    func clearActive(_ id: String) async throws {
        try await command(["DEL", "active_session:\(id)"])
    }

    func isActive(_ id: String) async throws -> Bool {
        try await command(["EXISTS", "active_session:\(id)"]).intValue == 1
    }

    func isInterrupted(_ id: String) async throws -> Bool {
        try await command(["EXISTS", "interrupted:\(id)"]).intValue == 1
    }

    func markInterrupted(_ id: String) async throws {
        try await command(["SETEX", "interrupted:\(id)", String(interruptTTL), "true"])
    }

    func ping() async throws {
        try await command(["PING"])
    }
}
