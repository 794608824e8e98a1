import Backends
import Foundation
import ServerConfig
import Synchronization
import Testing

@testable import Server

/// The FIFO lock (`--lock-strategy fair`) against a real Redis: arrival order, hand-off by
/// wake-up rather than polling, crashed holders and waiters, and the fencing token.
@Suite(.serialized) struct FairLockTests {
    private static func fairServer(
        _ configure: @escaping (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        try await TestServer.start {
            $0.lockStrategy = .fair
            $0.lockTimeout = .seconds(20)
            // A poll this slow cannot explain a quick hand-off: only the wake-up can.
            $0.lockMaxDelay = .seconds(5)
            $0.pollInterruptPerEvent = false
            configure(&$0)
        }
    }

    private static func queueLength(_ server: TestServer, _ key: String) async throws -> Int {
        try await server.state.cache.command(["LLEN", "fairlock:\(key):queue"]).intValue ?? -1
    }

    @Test func waitersGetTheLockInArrivalOrderEachWokenByTheRelease() async throws {
        let server = try await Self.fairServer()
        defer { Task { await server.stop() } }
        let fair = try #require(server.state.sessions.fair)
        let key = "session_lock:fifo-\(UUID().uuidString)"
        let poll = server.state.configuration.lockMaxDelay
        let holder = fair.wakeups.newWaiterID()
        _ = try await fair.acquire(
            key, session: "s", waiter: holder, ttl: .seconds(30), poll: poll, timeout: .seconds(5)
        ) {}
        let order = AcquisitionOrder()
        let waiters = 6
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<waiters {
                group.addTask {
                    let me = fair.wakeups.newWaiterID()
                    _ = try await fair.acquire(
                        key, session: "s", waiter: me, ttl: .seconds(30), poll: poll, timeout: .seconds(20)
                    ) {}
                    order.append(i)
                    try await Task.sleep(for: .milliseconds(20))
                    let r = try await fair.release(key, waiter: me, ttl: .seconds(30))
                    #expect(r.held)
                }
                // The next one arrives only once this one is queued.
                var queued = 0
                for _ in 0..<200 where queued < i + 1 {
                    queued = try await Self.queueLength(server, key)
                    if queued < i + 1 { try await Task.sleep(for: .milliseconds(5)) }
                }
                #expect(queued == i + 1)
            }
            let released = ContinuousClock.now
            let r = try await fair.release(key, waiter: holder, ttl: .seconds(30))
            #expect(r.held && r.handedOn)
            for try await _ in group {}
            // Six hand-offs of a 20 ms hold: far below one 5 s poll.
            #expect(released.duration(to: .now) < .seconds(3))
        }
        #expect(order.values == Array(0..<waiters))
        #expect(try await Self.queueLength(server, key) == 0)
    }

    @Test func aCrashedHolderOrWaiterDoesNotWedgeTheQueue() async throws {
        let server = try await Self.fairServer { $0.lockMaxDelay = .milliseconds(100) }
        defer { Task { await server.stop() } }
        let fair = try #require(server.state.sessions.fair)
        let key = "session_lock:crash-\(UUID().uuidString)"
        // A holder that died: its owner key lives 400 ms and nobody will release it.
        _ = try await server.state.cache.command(["SET", "fairlock:\(key):owner", "gone|holder", "PX", "400"])
        // A waiter that died ahead of us: queued, but its heartbeat is gone.
        _ = try await server.state.cache.command(["RPUSH", "fairlock:\(key):queue", "gone|waiter"])
        let started = ContinuousClock.now
        let me = fair.wakeups.newWaiterID()
        let token = try await fair.acquire(
            key, session: "s", waiter: me, ttl: .seconds(30), poll: .milliseconds(100), timeout: .seconds(5)
        ) {}
        let waited = started.duration(to: .now)
        #expect(token > 0)
        #expect(waited >= .milliseconds(350) && waited < .seconds(2))
        #expect(try await Self.queueLength(server, key) == 0)
        _ = try await fair.release(key, waiter: me, ttl: .seconds(30))
    }

    @Test func aWaiterThatTimesOutLeavesTheQueue() async throws {
        let server = try await Self.fairServer { $0.lockMaxDelay = .milliseconds(100) }
        defer { Task { await server.stop() } }
        let fair = try #require(server.state.sessions.fair)
        let key = "session_lock:timeout-\(UUID().uuidString)"
        _ = try await server.state.cache.command(["SET", "fairlock:\(key):owner", "someone|else", "PX", "30000"])
        await #expect(throws: LockTimeoutError.self) {
            _ = try await fair.acquire(
                key, session: "s", waiter: fair.wakeups.newWaiterID(), ttl: .seconds(30), poll: .milliseconds(100),
                timeout: .milliseconds(300)
            ) {}
        }
        #expect(try await Self.queueLength(server, key) == 0)
        // The foreign holder keeps its lock.
        let owner = try await server.state.cache.command(["GET", "fairlock:\(key):owner"])
        #expect(owner.stringValue == "someone|else")
    }

    @Test func tokensKeepGrowingWhenRedisLosesTheCounter() async throws {
        let server = try await Self.fairServer()
        defer { Task { await server.stop() } }
        let fair = try #require(server.state.sessions.fair)
        let key = "session_lock:fence-\(UUID().uuidString)"
        var tokens: [Int64] = []
        for round in 0..<3 {
            if round == 2 { _ = try await server.state.cache.command(["DEL", "fairlock:\(key):fence"]) }
            let me = fair.wakeups.newWaiterID()
            tokens.append(
                try await fair.acquire(
                    key, session: "s", waiter: me, ttl: .seconds(30), poll: .seconds(1), timeout: .seconds(5)
                ) {})
            _ = try await fair.release(key, waiter: me, ttl: .seconds(30))
        }
        #expect(tokens[0] < tokens[1] && tokens[1] < tokens[2])
    }

    /// Kleppmann's case: a holder slower than its TTL loses the lock, a later holder writes, and
    /// the slow one's write is refused by the token instead of overwriting the later turn.
    @Test func aHolderPastItsTTLCannotOverwriteALaterHoldersWrite() async throws {
        let slow = try await Self.fairServer {
            $0.lockTTL = .seconds(1)
            $0.lockHold = .milliseconds(1800)
            $0.lockMaxDelay = .milliseconds(100)
        }
        let quick = try await Self.fairServer {
            $0.lockTTL = .seconds(1)
            $0.lockMaxDelay = .milliseconds(100)
        }
        defer {
            Task {
                await slow.stop()
                await quick.stop()
            }
        }
        let (_, events) = try await quick.client.stream(#"{"prompt":"start"}"#)
        let id = try #require(events.first?.json?["session_id"] as? String)
        let before = try #require(
            try await quick.client.request("GET", "/api/v1/sessions/\(id)").json?["total_turns"] as? Int)
        let stale = Task {
            try await slow.state.sessions.update(id: id, status: "completed", addTurns: 100, cost: nil, held: nil)
        }
        try await Task.sleep(for: .milliseconds(1300))  // the slow holder's 1 s lock has expired
        let later = try await quick.state.sessions.update(
            id: id, status: "completed", addTurns: 1, cost: nil, held: nil)
        #expect(later?.totalTurns == before + 1)
        await #expect(throws: FencedWriteError.self) { _ = try await stale.value }
        #expect(slow.state.metrics.lockFencedWrites.value == 1)
        let after = try await quick.state.sessions.get(id: id)
        #expect(after?.totalTurns == before + 1)
    }
}

private final class AcquisitionOrder: Sendable {
    private let order = Mutex<[Int]>([])
    func append(_ i: Int) { order.withLock { $0.append(i) } }
    var values: [Int] { order.withLock { $0 } }
}
