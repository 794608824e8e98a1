import Foundation
import LoadGen
import ServerConfig
import Testing

@testable import Server

/// The load generator against the reference server: what each side sees of the other.
@Suite(.serialized) struct LoadGenAgainstServerTests {
    func sseLoad(_ server: TestServer, clients: Int, mix: String, duration: Duration) throws -> LoadConfiguration {
        var c = LoadConfiguration(mode: .sse, url: "http://127.0.0.1:\(server.port)/api/v1/query")
        c.method = "POST"
        c.body = #"{"prompt":"load"}"#
        c.headers = [.init(name: "X-API-Key", value: server.state.configuration.apiKey)]
        c.clients = clients
        c.mix = try ProfileMix(parsing: mix)
        c.duration = duration
        c.threads = 1
        return c
    }

    @Test func fastClientsReceiveEveryEventInOrder() async throws {
        let server = try await TestServer.start { c in
            c.agent.eventsPerRun = .fixed(20)
            c.agent.eventInterval = .milliseconds(10)
            c.pollInterruptPerEvent = false
        }
        defer { Task { await server.stop() } }
        let result = try await LoadRun(
            configuration: try sseLoad(server, clients: 50, mix: "fast:100", duration: .seconds(2))
        ).run { _ in }
        #expect(result.counters.started >= 50 && result.counters.failed == 0)
        #expect(result.counters.gaps == 0 && result.counters.duplicates == 0 && result.counters.reorders == 0)
        #expect(result.counters.events > 50 * 20)
        // What the server says it sent is what the clients counted (streams that ended in the run).
        #expect(server.state.metrics.eventsSent.value >= result.counters.events)
    }

    @Test func stalledClientsMakeTheUnboundedBufferGrowAndTheBoundedOneStayFlat() async throws {
        for delivery in [SSEDelivery.unbounded, .bounded] {
            let server = try await TestServer.start { c in
                c.sseDelivery = delivery
                c.sseQueue = 100
                c.slowConsumerDeadline = nil
                c.socketSendBuffer = 32 * 1024
                c.agent.eventsPerRun = .fixed(5000)
                c.agent.eventInterval = .milliseconds(1)
                c.agent.payloadBytes = 2000
                c.pollInterruptPerEvent = false
            }
            var config = try sseLoad(server, clients: 4, mix: "stalled:100", duration: .seconds(3))
            config.stall.after = .milliseconds(200)
            config.stall.length = .seconds(10)
            let run = LoadRun(configuration: config)
            let load = Task { try await run.run { _ in } }
            try await Task.sleep(for: .seconds(1.2))
            let early = server.state.metrics.bufferedBytes.value
            try await Task.sleep(for: .seconds(1.2))
            let late = server.state.metrics.bufferedBytes.value
            run.stop()
            let result = try await load.value
            #expect(result.counters.stalls >= 4)
            switch delivery {
            case .unbounded:
                #expect(late > early + 200_000, "unbounded: \(early) -> \(late) bytes")
            case .bounded:
                #expect(late <= 4 * 100 * 2600, "bounded: \(late) bytes")
                #expect(abs(late - early) < 4 * 2600, "bounded: \(early) -> \(late) bytes")
            }
            await server.stop()
        }
    }
}
