import Analysis
import Backends
import Foundation
import Orchestration
import Testing

@Suite(.serialized) struct EmbeddedServicesTests {
    func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    @Test func startsBothServersAnswersAndCleansUpCompletely() async throws {
        let services = try await EmbeddedServices.start()
        let redisPID = try #require(services.redisPID)
        let pgPID = try #require(services.postgresPID)
        let redisURL = try #require(services.redisURL)
        let databaseURL = try #require(services.databaseURL)
        #expect(redisURL.hasPrefix("redis://127.0.0.1:") && databaseURL.hasPrefix("postgresql://stampede@127.0.0.1:"))
        let r = try RedisConnection(endpoint: try RedisEndpoint(url: redisURL), timeoutMilliseconds: 1000)
        #expect(try r.command(["PING"]) == .status("PONG"))
        let pg = try PostgresConnection(url: databaseURL)
        #expect(try pg.query("SELECT current_database()").rows.first?[0] == "stampede")
        #expect(FileManager.default.fileExists(atPath: services.directory))
        services.stop()
        #expect(!isAlive(redisPID) && !isAlive(pgPID))
        #expect(!FileManager.default.fileExists(atPath: services.directory))
        services.stop()  // idempotent
    }

    @Test func twoInstancesRunSideBySideOnDifferentPorts() async throws {
        let a = try await EmbeddedServices.start()
        let b = try await EmbeddedServices.start()
        defer {
            a.stop()
            b.stop()
        }
        #expect(a.redisURL != b.redisURL && a.databaseURL != b.databaseURL && a.directory != b.directory)
    }

    @Test func redisOnlyStartsNoPostgres() async throws {
        var config = EmbeddedServices.Configuration()
        config.postgres = false
        let s = try await EmbeddedServices.start(config)
        defer { s.stop() }
        #expect(s.redisURL != nil && s.databaseURL == nil && s.postgresPID == nil)
    }
}
