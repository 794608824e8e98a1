import Backends
import Foundation
import ServerConfig
import Testing

@testable import Server

/// SCALE-001's read-modify-write under every strategy: two instances, many concurrent stream
/// completions on one session, and not one update lost.
@Suite(.serialized) struct LockSafetyTests {
    @Test(arguments: LockStrategy.allCases)
    func concurrentCompletionsOnOneSessionLoseNoUpdate(strategy: LockStrategy) async throws {
        let configure: (inout ServerConfiguration) -> Void = {
            $0.lockStrategy = strategy
            $0.lockTimeout = .seconds(30)
            $0.lockHold = .milliseconds(2)
            $0.agent.eventsPerRun = .fixed(2)
            $0.agent.eventInterval = .milliseconds(1)
            $0.pollInterruptPerEvent = false
        }
        let a = try await TestServer.start(configure)
        let b = try await TestServer.start(configure)
        defer {
            Task {
                await a.stop()
                await b.stop()
            }
        }
        let (_, first) = try await a.client.stream(#"{"prompt":"start"}"#)
        let id = try #require(first.first?.json?["session_id"] as? String)
        let streams = 24
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<streams {
                let client = i % 2 == 0 ? a.client : b.client
                group.addTask {
                    let (_, events) = try await client.stream("{\"prompt\":\"more\",\"session_id\":\"\(id)\"}")
                    return events.last(where: { $0.name == "result" })?.json?["num_turns"] as? Int ?? -1
                }
            }
            for try await turns in group { #expect(turns == 2) }
        }
        let s = try await a.client.request("GET", "/api/v1/sessions/\(id)")
        #expect(s.json?["total_turns"] as? Int == 2 * (streams + 1))
        let updates = a.state.metrics.sessionUpdates.value + b.state.metrics.sessionUpdates.value
        #expect(updates == streams + 1)
        let waits = a.state.metrics.lockWait.count + b.state.metrics.lockWait.count
        #expect(waits == streams + 1)
        // Each instance's lock log holds one record per update it made, in order, each consistent.
        var logged = 0
        for server in [a, b] {
            let body = try await server.client.request("GET", "/debug/lock-log?after=0").body
            let page = try JSONDecoder().decode(LockLogPage.self, from: Data(body.utf8))
            #expect(page.dropped == 0)
            #expect(page.next == page.records.count)
            for r in page.records {
                let acquired = try #require(r.acquired)
                #expect(r.arrived <= acquired && acquired <= r.ended)
            }
            logged += page.records.count
            let rest = try await server.client.request("GET", "/debug/lock-log?after=\(page.next)").body
            #expect(try JSONDecoder().decode(LockLogPage.self, from: Data(rest.utf8)).records.isEmpty)
        }
        #expect(logged == (strategy == .optimistic ? 0 : streams + 1))
        // It lists session ids: only for the API key's holder.
        #expect(try await a.client.request("GET", "/debug/lock-log", key: .some(nil)).status == 401)
        if strategy != .optimistic {
            // Contention really happened: more attempts than acquisitions.
            let attempts = a.state.metrics.lockAttempts.value + b.state.metrics.lockAttempts.value
            #expect(attempts > streams + 1)
        }
    }

    @Test func lockAcquisitionTimesOutAfterTheConfiguredTime() async throws {
        let server = try await TestServer.start {
            $0.lockTimeout = .milliseconds(300)
            $0.lockStrategy = .exponential
        }
        defer { Task { await server.stop() } }
        let (_, events) = try await server.client.stream(#"{"prompt":"x"}"#)
        let id = try #require(events.first?.json?["session_id"] as? String)
        // Someone else holds the lock (as another instance would).
        _ = try await server.state.cache.command(["SET", "lock:session_lock:\(id)", "someone-else", "EX", "30"])
        let started = ContinuousClock.now
        await #expect(throws: LockTimeoutError.self) {
            _ = try await server.state.sessions.update(id: id, status: "completed", addTurns: 1, cost: nil, held: nil)
        }
        let elapsed = started.duration(to: .now)
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(2))
        #expect(server.state.metrics.lockTimeouts.value == 1)
        // Attempts at 0, 10, 30, 70, 150, 310 ms: the 6th fails past the timeout.
        #expect(server.state.metrics.lockAttempts.value == 1 + 6)
        // The foreign holder's lock is untouched (compare-and-delete never deletes others' locks).
        let holder = try await server.state.cache.command(["GET", "lock:session_lock:\(id)"])
        #expect(holder.stringValue == "someone-else")
    }
}
