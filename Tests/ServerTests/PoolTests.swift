import Analysis
import Backends
import Foundation
import LoadGen
import Orchestration
import ServerConfig
import StampedeTestSupport
import Testing

@testable import Server

/// PERF-005 and the db-pool-hold quirk, on real Redis and PostgreSQL connections.
@Suite(.serialized) struct PoolTests {
    func redisPool(_ size: Int, _ mode: PoolConfiguration.WhenExhausted) async throws -> ConnectionPool<RedisConnection>
    {
        let services = try await SharedServices.get()
        let endpoint = try RedisEndpoint(url: services.redisURL!)
        return ConnectionPool(
            name: "redis", configuration: .init(size: size, whenExhausted: mode),
            executor: BlockingExecutor(threads: 4),
            isBroken: { $0.isBroken }, factory: { try RedisConnection(endpoint: endpoint, timeoutMilliseconds: 1000) })
    }

    @Test func failFastPoolRefusesAtOnceWithRedisPysMessage() async throws {
        let pool = try await redisPool(3, .failFast)
        let held = [try await pool.checkout(), try await pool.checkout(), try await pool.checkout()]
        let started = ContinuousClock.now
        do {
            _ = try await pool.checkout()
            Issue.record("the fourth checkout should fail")
        } catch let e as PoolError {
            #expect("\(e)".hasPrefix("Too many connections"))
        }
        #expect(started.duration(to: .now) < .milliseconds(100))
        #expect(pool.statistics.exhaustionErrors == 1 && pool.statistics.inUse == 3)
        held.forEach(pool.release)
        let again = try await pool.withConnection { try $0.command(["PING"]) }
        #expect(again == .status("PONG"))
        #expect(pool.statistics.opened == 3)  // connections are reused
    }

    @Test func waitingPoolHandsOverAReturnedConnectionOrTimesOut() async throws {
        let pool = try await redisPool(1, .wait(timeout: .milliseconds(300)))
        let c = try await pool.checkout()
        let waiter = Task { try await pool.checkout() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(pool.statistics.waiting == 1)
        pool.release(c)
        let got = try await waiter.value
        #expect(got === c)
        let started = ContinuousClock.now
        await #expect(throws: PoolError.self) { _ = try await pool.checkout() }
        let waited = started.duration(to: .now)
        #expect(waited >= .milliseconds(300) && waited < .seconds(2))
        #expect(pool.statistics.timeouts == 1 && pool.statistics.waits == 1)
        pool.release(got)
    }

    @Test func heldConnectionQuirkStarvesTheStreamAfterThePoolIsFull() async throws {
        let server = try await TestServer.start(
            { c in
                c.dbPoolSize = 2
                c.dbMaxOverflow = 0
                c.dbPoolTimeout = .milliseconds(500)
                c.agent.eventsPerRun = .fixed(100)
                c.agent.eventInterval = .milliseconds(20)
            }, profile: .upstream)
        defer { Task { await server.stop() } }
        let a = try await server.client.openStream(#"{"prompt":"a"}"#)
        let b = try await server.client.openStream(#"{"prompt":"b"}"#)
        for s in [a, b] {
            _ = try await onThread {
                s.read(until: { String(decoding: $0, as: UTF8.self).contains("event: message") }, timeout: 5)
            }
        }
        #expect(server.state.databasePool.statistics.inUse == 2)  // both held, "idle in transaction"
        let third = try await server.client.openStream(#"{"prompt":"c"}"#)
        let text = try await onThread {
            String(
                decoding: third.read(
                    until: { String(decoding: $0, as: UTF8.self).contains("Session creation failed") }, timeout: 5),
                as: UTF8.self)
        }
        #expect(text.contains("Session creation failed"))
        #expect(text.contains("QueuePool limit of size 2 overflow 0 reached"))
        #expect(server.state.metrics.sessionCreateErrors.value == 1)
        #expect(server.state.databasePool.statistics.timeouts == 1)
        for s in [a, b, third] { s.shutdownAndClose() }
    }

    @Test func withoutTheQuirkTheSamePoolServesEveryStream() async throws {
        let server = try await TestServer.start(
            { c in
                c.dbPoolSize = 2
                c.dbMaxOverflow = 0
                c.dbPoolTimeout = .milliseconds(500)
                c.holdDBConnectionPerStream = false
                c.agent.eventsPerRun = .fixed(10)
                c.agent.eventInterval = .milliseconds(20)
            }, profile: .upstream)
        defer { Task { await server.stop() } }
        try await withThrowingTaskGroup(of: [SSEEvent].self) { group in
            for _ in 0..<6 { group.addTask { try await server.client.stream(#"{"prompt":"x"}"#).events } }
            for try await events in group {
                #expect(!events.contains { $0.name == "error" })
                #expect(events.last?.name == "done")
            }
        }
        #expect(server.state.metrics.sessionCreateErrors.value == 0)
        #expect(server.state.metrics.sessionsCreated.value == 6)
    }
}
