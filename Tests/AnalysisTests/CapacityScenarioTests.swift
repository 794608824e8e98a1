import Testing

@testable import Analysis

/// The capacity built-ins (`perf-005`, `fd-limits`, `sse-capacity`) load and validate, their
/// parameters are overridable, and `mode: http` client groups parse.
@Suite struct CapacityScenarioTests {
    @Test(arguments: ["perf-005", "fd-limits", "sse-capacity"])
    func loadsAndValidates(name: String) throws {
        let s = try #require(try BuiltinCatalog.scenario(named: name))
        #expect(s.name == name)
        #expect(!s.claims.isEmpty)
        #expect(s.claims.contains { $0.kind == .fix }, "each compares with a fix")
        for claim in s.claims {
            let phase = try #require(claim.metric.split(separator: ".").first.map(String.init))
            #expect(s.phases.contains { $0.name == phase }, "\(claim.id) names phase \(phase)")
        }
    }

    @Test func perf005RisesPastTheRedisPool() throws {
        let s = try #require(try BuiltinCatalog.scenario(named: "perf-005"))
        #expect(s.phases.map(\.name) == ["below", "at", "above", "formula", "waiting"])
        let counts = s.phases.map { $0.clients.first?.count ?? 0 }
        #expect(counts[0] < 50 && counts[1] == 50 && counts[2] > 50)
        #expect(s.group(named: "documented")?.flags["redis-pool"] == "50")
        #expect(s.group(named: "formula")?.profile == "upstream", "upstream computes max(db pool + overflow, 50)")
        #expect(s.group(named: "formula")?.flags["redis-pool"] == nil)
        #expect(s.group(named: "waiting")?.flags["redis-pool-timeout"] == "5s")
        #expect(s.claims.allSatisfy { $0.issue == "PERF-005" })
        let tiny = try #require(
            try BuiltinCatalog.scenario(
                named: "perf-005", overrides: ["redis_pool": "2", "above": "30", "duration": "4s", "warmup": "1s"]))
        #expect(tiny.group(named: "documented")?.flags["redis-pool"] == "2")
        #expect(tiny.phases[2].clients.first?.count == 30 && tiny.phases[2].duration == 4)
    }

    @Test func fdLimitsUsesASoftLimitOf1024AndARaisedOne() throws {
        let s = try #require(try BuiltinCatalog.scenario(named: "fd-limits"))
        #expect(s.group(named: "limited")?.maxFds == 1024)
        #expect((s.group(named: "raised")?.maxFds ?? 0) > 2000)
        #expect(s.phases.first { $0.name == "raised" }?.clients.first?.count == 1600)
        #expect((s.phases.first { $0.name == "limited" }?.clients.first?.count ?? 0) > 1024)
        let tiny = try #require(
            try BuiltinCatalog.scenario(named: "fd-limits", overrides: ["fd_limit": "64", "limited_streams": "80"]))
        #expect(tiny.group(named: "limited")?.maxFds == 64)
        #expect(tiny.group(named: "limited")?.serveArguments.suffix(2) == ["--max-fds", "64"])
        #expect(throws: ScenarioError.self) {
            try BuiltinCatalog.scenario(named: "fd-limits", overrides: ["fd_limit": "lots"])
        }
    }

    @Test func sseCapacityHasRegularRequestsBesideTheStreams() throws {
        let s = try #require(try BuiltinCatalog.scenario(named: "sse-capacity"))
        #expect(s.group(named: "capped")?.flags["max-connections"] == "2000")
        for phase in s.phases {
            let regular = try #require(phase.clients.first { $0.name == "regular" })
            #expect(regular.effectiveMode == .http)
            #expect(regular.path == "/api/v1/sessions")
            #expect(phase.clients.first { $0.name == "streams" }?.effectiveMode == .sse)
        }
        #expect(s.phases.first { $0.name == "share" }?.clients.first?.count == 1600)
        let claim = try #require(s.claims.first { $0.id == "sse-capacity-streams" })
        #expect(claim.target == 1600)
        let tiny = try #require(
            try BuiltinCatalog.scenario(
                named: "sse-capacity", overrides: ["max_connections": "20", "share_streams": "10"]))
        #expect(tiny.claims.first { $0.id == "sse-capacity-streams" }?.target == 10)
        #expect(tiny.claims.first { $0.id == "sse-capacity-cap-streams" }?.target == 20)
    }

    @Test func clientModeParsesAndRejectsUnknownModes() throws {
        func load(_ mode: String) throws -> Scenario {
            try ScenarioLoader.load(
                yaml: """
                    name: m
                    groups: [{name: g}]
                    phases:
                      - {name: p, group: g, clients: [{name: c, mode: \(mode), path: /health}]}
                    claims:
                      - {id: c, issue: NEW, statement: s, metric: p.c.request_p99_ms, relation: "<", target: 100}
                    """, source: "m")
        }
        #expect(try load("http").phases[0].clients[0].effectiveMode == .http)
        #expect(try load("sse").phases[0].clients[0].effectiveMode == .sse)
        let error = try #require(throws: ScenarioError.self) { try load("websocket") }
        #expect("\(error)".contains("phases[0].clients[0].mode: expected one of sse, http, got 'websocket'"))
    }
}
