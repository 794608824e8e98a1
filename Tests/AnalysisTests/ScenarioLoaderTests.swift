import Backends
import Foundation
import ServerConfig
import Testing

@testable import Analysis

@Suite struct ScenarioLoaderTests {
    static let minimal = """
        name: tiny
        parameters:
          n: "2"
        groups:
          - name: g
            instances: ${n}
            profile: documented
            flags: {agent-events: "3"}
            max-fds: 4096
        phases:
          - name: p
            group: g
            duration: 5s
            warmup: 500ms
            hot-set: 2
            clients:
              - {name: fast, count: 4, mix: "fast:3,slow:1", slow-rate: 2048, restart-delay: 10ms}
        claims:
          - id: c1
            issue: SCALE-001
            statement: a quote
            metric: p.lock_wait_p99_ms
            relation: ">"
            target: 100
          - id: c2
            issue: SCALE-001
            statement: per client
            kind: fix
            metric: p.fast.gap_p99_ms
            relation: "<"
            target: 50
        """

    @Test func readsEveryField() throws {
        let s = try ScenarioLoader.load(yaml: Self.minimal, source: "tiny.yaml")
        #expect(s.name == "tiny")
        #expect(
            s.groups == [
                FleetGroup(name: "g", instances: 2, profile: "documented", flags: ["agent-events": "3"], maxFds: 4096)
            ])
        #expect(
            s.groups[0].serveArguments == [
                "--profile", "documented", "--log-level", "warning", "--agent-events", "3", "--max-fds", "4096",
            ])
        let p = try #require(s.phases.first)
        #expect(p.duration == 5 && p.warmup == 0.5 && p.hotSet == 2)
        #expect(
            p.clients == [ClientSpec(name: "fast", count: 4, mix: "fast:3,slow:1", slowRate: 2048, restartDelay: 0.01)])
        #expect(s.claims.map(\.kind) == [.bug, .fix])
        #expect(s.claims[1].phaseAndMetric! == ("p", "fast.gap_p99_ms"))
        #expect(s.sampling.hz == 4)
    }

    /// A client group's request is part of the scenario, so a scenario can aim at any SSE endpoint.
    @Test func aClientGroupCarriesItsRequest() throws {
        let yaml = """
            name: any-endpoint
            groups: [{name: g}]
            phases:
              - name: p
                group: g
                duration: 4s
                warmup: 1s
                clients:
                  - {name: c, path: /v1/stream, method: GET, body: '{"q": 1}', headers: {Accept: text/event-stream, X-Tenant: t1}}
            """
        let c = try #require(try ScenarioLoader.load(yaml: yaml, source: "t").phases.first?.clients.first)
        #expect(c.method == "GET" && c.body == "{\"q\": 1}" && c.path == "/v1/stream")
        #expect(c.headers == ["Accept": "text/event-stream", "X-Tenant": "t1"])
        let bad = yaml.replacingOccurrences(of: "method: GET", with: "method: FETCH")
            .replacingOccurrences(of: "X-Tenant:", with: "'X Tenant':")
        do {
            _ = try ScenarioLoader.load(yaml: bad, source: "t")
            Issue.record("a bad method and header name were accepted")
        } catch let e as ScenarioError {
            #expect(e.description.contains("method") && e.description.contains("FETCH"), "\(e)")
            #expect(e.description.contains("header 'X Tenant'"), "\(e)")
        }
    }

    @Test func setOverridesAParameter() throws {
        let s = try ScenarioLoader.load(yaml: Self.minimal, source: "tiny.yaml", overrides: ["n": "5"])
        #expect(s.groups[0].instances == 5)
        #expect(s.parameters["n"] == "5")
    }

    @Test func unknownSetParameterIsAnError() {
        let error = #expect(throws: ScenarioError.self) {
            try ScenarioLoader.load(yaml: Self.minimal, source: "tiny.yaml", overrides: ["instances": "3"])
        }
        #expect(error?.problems.map(\.path) == ["--set instances"])
        #expect(error?.description.contains("parameters: n") == true)
    }

    @Test func reportsEveryProblemAtOnceWithPathAndLine() throws {
        let yaml = """
            name: broken
            colour: blue
            groups:
              - name: g
                instances: many
                profile: fastest
                flags: {port: "1"}
            phases:
              - name: p
                group: nowhere
                duration: soon
                warmup: 1s
                clients:
                  - {name: c, count: 2, mix: "quick:1", speed: 3}
            claims:
              - id: x
                issue: PERF-004
                statement: s
                metric: p.no_such_metric
                relation: ">"
                target: 1
              - {id: y, issue: PERF-004, statement: s, metric: p.samples, relation: "~", target: 1}
            """
        let error = try #require(
            #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: yaml, source: "broken.yaml") })
        let byPath = Dictionary(error.problems.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["colour"]?.line == 2)
        #expect(byPath["groups[0].instances"]?.line == 5)
        #expect(byPath["groups[0].instances"]?.message.contains("whole number") == true)
        #expect(byPath["groups[0].profile"]?.message.contains("documented, upstream, recommended") == true)
        #expect(byPath["groups[0].flags.port"] != nil)
        #expect(byPath["phases[0].duration"]?.line == 11)
        #expect(byPath["phases[0].clients[0].mix"] != nil)
        #expect(byPath["phases[0].clients[0].speed"]?.line == 14)
        #expect(byPath["claims[1].relation"] != nil)
        #expect(byPath["phases[0].group"]?.message.contains("no group named 'nowhere'") == true)
        #expect(byPath["claims[0].metric"]?.message.contains("unknown metric") == true)
        #expect(error.problems.count >= 10)
        #expect(error.description.hasPrefix("scenario broken.yaml: "))
    }

    @Test func serverKnobsAreCheckedWithLineAndValidValuesBeforeAnythingStarts() throws {
        let yaml = """
            name: knobs
            parameters: {timeout: 5s}
            groups:
              - name: g
                flags:
                  lock-strategy: optimistc
                  lock-timeout: "-1s"
                  lock-strategie: full-jitter
                  port: "9000"
              - name: h
                profile: documented
                flags: {slow-consumer-deadline: 5s}
              - name: ok
                flags: {lock-timeout: "${timeout}", api-key: other-key}
            phases: [{name: p, group: g, clients: [{name: c}]}]
            """
        let error = try #require(
            #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: yaml, source: "k.yaml") })
        let byPath = Dictionary(error.problems.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let strategy = try #require(byPath["groups[0].flags.lock-strategy"])
        #expect(strategy.line == 6)
        #expect(
            strategy.message.contains(
                "expected one of exponential, exponential-jitter, full-jitter, decorrelated-jitter, fair, optimistic"))
        #expect(strategy.message.contains("closest valid value: optimistic"))
        #expect(byPath["groups[0].flags.lock-timeout"]?.line == 7)
        #expect(byPath["groups[0].flags.lock-timeout"]?.message.contains("a duration > 0") == true)
        #expect(byPath["groups[0].flags.lock-strategie"]?.message.contains("closest: lock-strategy") == true)
        #expect(byPath["groups[0].flags.port"]?.message.contains("set by the fleet") == true)
        #expect(byPath["groups[1].flags"]?.message.contains("needs --sse-delivery bounded") == true)
        #expect(error.problems.allSatisfy { !$0.path.hasPrefix("groups[2]") }, "\(error)")
    }

    @Test func networkLinksApplyToEveryPhaseAndAPhaseReplacesThemLinkByLink() throws {
        let yaml = """
            name: net
            network: {redis: {latency: 2ms, jitter: 500us}, clients: {latency: 1ms}}
            groups: [{name: g}]
            phases:
              - {name: a, group: g, clients: [{name: c}]}
              - {name: b, group: g, network: {redis: {latency: 0ms}, postgres: {latency: 1ms, bandwidth: 100}}, clients: [{name: c}]}
            """
        let s = try ScenarioLoader.load(yaml: yaml, source: "net.yaml")
        #expect(s.phases[0].network?.redis == LinkSpec(latency: 0.002, jitter: 0.0005))
        #expect(s.phases[0].network?.proxied.map(\.name) == ["redis", "clients"])
        // The phase's direct Redis link replaces the scenario's; the clients' link stays.
        #expect(s.phases[1].network?.proxied.map(\.name) == ["postgres", "clients"])
        #expect(s.phases[1].network?.postgres == LinkSpec(latency: 0.001, bandwidth: 100))
        let bad = """
            name: net
            network: {redis: {latency: 1ms, jitter: 2ms}, mongo: {latency: 1ms}}
            groups: [{name: g}]
            phases: [{name: a, group: g, clients: [{name: c}]}]
            """
        let error = try #require(
            #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: bad, source: "b") })
        #expect(error.problems.contains { $0.path == "network.redis.jitter" && $0.message.contains("must not exceed") })
        #expect(
            error.problems.contains { $0.path == "network.mongo" && $0.message.contains("redis, postgres, clients") })
    }

    @Test func aURLPointsAtAProxyWithEverythingElseKept() {
        #expect(
            URLParts.replacingHostAndPort(
                in: "postgresql://u:p@db:5432/app?sslmode=disable", host: "127.0.0.1", port: 7)
                == "postgresql://u:p@127.0.0.1:7/app?sslmode=disable")
        #expect(
            URLParts.replacingHostAndPort(in: "redis://127.0.0.1:6379/0", host: "127.0.0.1", port: 8)
                == "redis://127.0.0.1:8/0")
    }

    @Test func aFlagFromASetParameterSaysSo() throws {
        let yaml = """
            name: knobs
            parameters: {timeout: 5s}
            groups: [{name: g, flags: {lock-timeout: "${timeout}", lock-ttl: 20s}}]
            phases: [{name: p, group: g, clients: [{name: c}]}]
            """
        let s = try ScenarioLoader.load(yaml: yaml, source: "k.yaml", overrides: ["timeout": "2s"])
        let r = try s.groups[0].resolvedConfiguration()
        #expect(r.configuration.lockTimeout == .seconds(2))
        let byName = Dictionary(uniqueKeysWithValues: r.settings.map { ($0.name, $0.source) })
        #expect(byName["lock-timeout"] == .parameterOverride("timeout"))
        #expect(byName["lock-ttl"] == .scenario("g.flags.lock-ttl"))
        #expect(byName["log-level"] == .fleet)
        #expect(byName["lock-strategy"] == .profile("upstream"))
    }

    @Test func unknownParameterReferenceAndBadWarmup() throws {
        let yaml = """
            name: t
            groups: [{name: g}]
            phases:
              - {name: p, group: g, duration: "${d}", warmup: 1s, clients: [{name: c}]}
              - {name: q, group: g, duration: 2s, warmup: 3s, clients: [{name: c}]}
            """
        let error = try #require(
            #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: yaml, source: "t") })
        #expect(
            error.problems.contains {
                $0.path == "phases[0].duration" && $0.message.contains("unknown parameter '${d}'")
            })
        #expect(error.problems.contains { $0.path == "phases[1].warmup" && $0.line == 5 })
    }

    @Test func invalidYAMLAndEmptyDocument() {
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: "name: [unclosed", source: "x") }
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: "", source: "x") }
    }

    @Test func everyBuiltinLoadsWithItsDefaults() throws {
        for entry in BuiltinCatalog.entries {
            let s = try #require(try BuiltinCatalog.scenario(named: entry.name))
            #expect(s.name == entry.name)
            #expect(!s.claims.isEmpty)
        }
    }

    @Test(arguments: [("250ms", 0.25), ("15s", 15), ("2m", 120), ("3", 3)])
    func durations(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }
}

/// The scenario files shipped in examples/ load without problems (they are documentation too).
@Suite struct ExampleScenarioFilesTests {
    @Test func everyExampleLoads() throws {
        // Tests/AnalysisTests/ScenarioLoaderTests.swift → the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples").path
        let files = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let s = try ScenarioLoader.load(file: root + "/" + file)
            #expect(!s.phases.isEmpty, "\(file)")
        }
    }
}

@Suite struct HotSetRangeTests {
    func yaml(hotSet: String) -> String {
        """
        name: h
        groups: [{name: g}]
        phases: [{name: p, group: g, hot-set: \(hotSet), clients: [{name: c, count: 1}]}]
        """
    }

    @Test func hotSetsUpTo1000AreAcceptedAndBeyondIsAProblemWithTheRange() throws {
        #expect(try ScenarioLoader.load(yaml: yaml(hotSet: "64"), source: "h").phases[0].hotSet == 64)
        let error = #expect(throws: ScenarioError.self) {
            try ScenarioLoader.load(yaml: yaml(hotSet: "1001"), source: "h")
        }
        #expect(
            error?.description.contains("phases[0].hot-set: expected a whole number in 1...1000") == true,
            "\(error?.description ?? "")")
    }
}

@Suite struct ZipfPopularityTests {
    func yaml(_ keys: String) -> String {
        """
        name: z
        groups: [{name: g}]
        phases: [{name: p, group: g, \(keys), clients: [{name: c, count: 1}]}]
        """
    }

    @Test func aZipfExponentNeedsAHotSetAndARange() throws {
        #expect(try ScenarioLoader.load(yaml: yaml("hot-set: 1000, zipf: 1.1"), source: "z").phases[0].zipf == 1.1)
        #expect(try ScenarioLoader.load(yaml: yaml("hot-set: 4"), source: "z").phases[0].zipf == nil)
        for (keys, message) in [
            ("zipf: 1.1", "phases[0].zipf: needs hot-set"),
            ("hot-set: 10, zipf: 0", "phases[0].zipf: expected an exponent 0 < s <= 10"),
            ("hot-set: 10, zipf: steep", "phases[0].zipf: expected an exponent 0 < s <= 10"),
        ] {
            let error = #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: yaml(keys), source: "z") }
            #expect(error?.description.contains(message) == true, "\(keys): \(error?.description ?? "")")
        }
    }
}
