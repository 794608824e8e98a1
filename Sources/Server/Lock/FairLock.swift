import Backends
import Foundation
import ServerConfig

/// A FIFO lock on Redis (`--lock-strategy fair`). Waiters queue in arrival order in a list; the
/// releaser hands the lock straight to the first live waiter and publishes a wake-up on that
/// waiter's instance channel (``LockWakeups``), so nobody can overtake a waiter and the lock never
/// sits free while someone sleeps (except the wake-up's own latency). Every grant carries a
/// fencing token that the session write checks (``SessionRepository``), so a holder paused past
/// its TTL cannot overwrite what a later holder wrote.
///
/// Keys, for lock key `K` (`session_lock:<id>`): `fairlock:K:owner` (the holder's waiter id, with
/// the lock's TTL; a hand-off sets it with the short claim window, the waiter's claim extends it),
/// `fairlock:K:queue` (waiter ids, oldest first), `fairlock:K:alive:<waiter>` (a waiter's heartbeat,
/// refreshed at every poll: a crashed waiter's expires and it is skipped), `fairlock:K:fence` (the
/// last token). Tokens are `max(last + 1, Redis TIME in µs)`, so they keep growing across a Redis
/// restart that lost the counter.
struct FairLock: Sendable {
    let cache: RedisCache
    let wakeups: LockWakeups

    /// A grant: the token to write with.
    typealias Fence = Int64

    /// KEYS: owner, queue, fence, alive prefix. ARGV: waiter, ttl ms, alive ms, claim ms.
    /// Returns the token when the caller holds the lock, 0 when it waits (queued).
    static let acquireScript = """
        local owner, queue, fence, alive = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local me = ARGV[1]
        local function grant(who, ms)
          local t = redis.call('TIME')
          local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
          local f = tonumber(redis.call('GET', fence) or '0') + 1
          if f < now then f = now end
          redis.call('SET', fence, string.format('%d', f), 'EX', 86400)
          redis.call('SET', owner, who, 'PX', ms)
          return f
        end
        local holder = redis.call('GET', owner)
        if holder == me then
          redis.call('PEXPIRE', owner, ARGV[2])
          redis.call('DEL', alive .. me)
          return tonumber(redis.call('GET', fence))
        end
        redis.call('SET', alive .. me, '1', 'PX', ARGV[3])
        if not holder then
          local head = redis.call('LINDEX', queue, 0)
          while head and head ~= me and redis.call('EXISTS', alive .. head) == 0 do
            redis.call('LPOP', queue)
            head = redis.call('LINDEX', queue, 0)
          end
          if not head or head == me then
            if head then redis.call('LPOP', queue) end
            redis.call('DEL', alive .. me)
            return grant(me, ARGV[2])
          end
          redis.call('LPOP', queue)
          local f = grant(head, ARGV[4])
          redis.call('PUBLISH', string.match(head, '^(.*)|'), head .. ' ' .. string.format('%d', f))
        end
        if not redis.call('LPOS', queue, me) then redis.call('RPUSH', queue, me) end
        redis.call('PEXPIRE', queue, ARGV[2] + ARGV[3])
        return 0
        """

    /// KEYS: owner, queue, fence, alive prefix. ARGV: waiter, claim ms.
    /// Returns 0 when the caller did not hold the lock, 1 when released free, 2 when handed on.
    static let releaseScript = """
        local owner, queue, fence, alive = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        if redis.call('GET', owner) ~= ARGV[1] then return 0 end
        redis.call('DEL', owner)
        while true do
          local head = redis.call('LPOP', queue)
          if not head then return 1 end
          if redis.call('EXISTS', alive .. head) == 1 then
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local f = tonumber(redis.call('GET', fence) or '0') + 1
            if f < now then f = now end
            redis.call('SET', fence, string.format('%d', f), 'EX', 86400)
            redis.call('SET', owner, head, 'PX', ARGV[2])
            redis.call('PUBLISH', string.match(head, '^(.*)|'), head .. ' ' .. string.format('%d', f))
            return 2
          end
        end
        """

    /// KEYS: queue, alive key. ARGV: waiter. A waiter that gives up leaves the queue.
    static let leaveScript = """
        redis.call('LREM', KEYS[1], 0, ARGV[1])
        redis.call('DEL', KEYS[2])
        return 1
        """

    private static func keys(_ key: String) -> [String] {
        let base = "fairlock:\(key)"
        return ["\(base):owner", "\(base):queue", "\(base):fence", "\(base):alive:"]
    }

    /// The short window a waiter has to claim a hand-off before the lock falls free again.
    static func claimWindow(ttl: Duration) -> Duration { min(ttl, .seconds(1)) }

    /// How long a waiter's heartbeat lives: two polls and a margin.
    static func aliveWindow(poll: Duration) -> Duration { poll * 2 + .milliseconds(500) }

    /// Queues for `key` and returns the fencing token once the lock is held; throws
    /// ``LockTimeoutError`` after `timeout`. `poll` is the fallback when a wake-up is lost.
    func acquire(
        _ key: String, session: String, waiter: String, ttl: Duration, poll: Duration, timeout: Duration,
        onAttempt: () -> Void
    ) async throws -> Fence {
        let k = Self.keys(key)
        let args = [
            waiter, String(milliseconds(ttl)), String(milliseconds(Self.aliveWindow(poll: poll))),
            String(milliseconds(Self.claimWindow(ttl: ttl))),
        ]
        let started = ContinuousClock.now
        wakeups.expect(waiter)
        defer { wakeups.forget(waiter) }
        while true {
            onAttempt()
            let reply = try await cache.command(["EVAL", Self.acquireScript, "4"] + k + args)
            if let token = reply.intValue, token > 0 { return Fence(token) }
            let waited = started.duration(to: .now)
            if waited >= timeout {
                _ = try? await cache.command(["EVAL", Self.leaveScript, "2", k[1], k[3] + waiter, waiter])
                throw LockTimeoutError(sessionID: session)
            }
            await wakeups.wait(waiter, upTo: min(poll, timeout - waited))
        }
    }

    /// Releases `key` if `waiter` holds it, handing it to the next live waiter; false if it did not hold it.
    func release(_ key: String, waiter: String, ttl: Duration) async throws -> (held: Bool, handedOn: Bool) {
        let r = try await cache.command(
            ["EVAL", Self.releaseScript, "4"] + Self.keys(key)
                + [waiter, String(milliseconds(Self.claimWindow(ttl: ttl)))])
        return (r.intValue != 0, r.intValue == 2)
    }

    private func milliseconds(_ d: Duration) -> Int64 {
        max(1, Int64((d.seconds * 1000).rounded(.up)))
    }
}
