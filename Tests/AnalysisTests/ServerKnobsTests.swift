import Foundation
import Testing

@testable import ServerConfig

/// The one table of `stampede serve` knobs: parsing, defaults per profile, sources, problems.
@Suite struct ServerKnobsTests {
    @Test(arguments: ServerProfile.allCases)
    func everyKnobsValueReadsBackToTheSameConfiguration(profile: ServerProfile) throws {
        let resolved = try ServerKnobs.resolve(profile: profile, settings: [])
        let again = try ServerKnobs.resolve(
            profile: profile,
            settings: resolved.settings.map { ServerSetting(name: $0.name, value: $0.value, source: .commandLine) })
        #expect(again.configuration == resolved.configuration)
        #expect(resolved.settings.map(\.name) == ServerKnobs.all.map(\.name))
        #expect(resolved.settings.allSatisfy { $0.source == .profile(profile.rawValue) })
    }

    @Test func knobNamesAreUnique() {
        #expect(Set(ServerKnobs.all.map(\.name)).count == ServerKnobs.all.count)
    }

    @Test func profilesDifferWhereTheArchitectureSaysTheyDo() {
        let d = ServerKnobs.defaults(of: ServerKnobs.knob(named: "lock-strategy")!)
        #expect(d == [.documented: "exponential", .upstream: "exponential-jitter", .recommended: "fair"])
        let pool = ServerKnobs.defaults(of: ServerKnobs.knob(named: "redis-pool")!)
        #expect(pool == [.documented: "50", .upstream: "50", .recommended: "200"])
    }

    @Test func everyProblemAtOnceWithTheClosestValidValue() {
        let settings = [
            ServerSetting(name: "lock-strategy", value: "optimistc", source: .commandLine),
            ServerSetting(name: "lock-timeout", value: "-1s", source: .commandLine),
            ServerSetting(name: "sse-queue", value: "0", source: .commandLine),
        ]
        let error = #expect(throws: ServerConfigurationError.self) {
            try ServerKnobs.resolve(profile: .upstream, settings: settings)
        }
        let problems = error?.problems ?? []
        #expect(problems.map(\.knob) == ["lock-strategy", "lock-timeout", "sse-queue"])
        #expect(problems[0].message.contains("got 'optimistc'; closest valid value: optimistic"))
        #expect(problems[0].message.contains("one of exponential, exponential-jitter, full-jitter"))
        #expect(problems[1].message.contains("a duration > 0"))
        #expect(problems[2].message.contains("1...1000000"))
    }

    @Test func valuesThatDisagreeAreAProblemOfTheConfiguration() {
        let error = #expect(throws: ServerConfigurationError.self) {
            try ServerKnobs.resolve(
                profile: .documented,
                settings: [.init(name: "slow-consumer-deadline", value: "5s", source: .scenario("g.flags"))])
        }
        #expect(error?.problems.first?.message.contains("needs --sse-delivery bounded") == true)
    }

    @Test func upstreamRedisPoolFollowsTheDatabasePoolUnlessSet() throws {
        func pool(_ profile: ServerProfile, _ settings: [(String, String)]) throws -> Int {
            try ServerKnobs.resolve(
                profile: profile,
                settings: settings.map { ServerSetting(name: $0.0, value: $0.1, source: .commandLine) }
            ).configuration.redisPoolSize
        }
        #expect(try pool(.upstream, []) == 50)
        #expect(try pool(.upstream, [("db-pool", "40"), ("db-overflow", "20")]) == 60)
        #expect(try pool(.upstream, [("db-pool", "40"), ("redis-pool", "10")]) == 10)
        #expect(try pool(.documented, [("db-pool", "40"), ("db-overflow", "20")]) == 50)
        let derived = try ServerKnobs.resolve(
            profile: .upstream, settings: [.init(name: "db-pool", value: "40", source: .commandLine)])
        #expect(
            derived.settings.first { $0.name == "redis-pool" }?.source
                == .rule("max(db_pool_size + db_max_overflow, 50)"))
    }

    @Test func laterSettingsWinAndTheirSourceIsRecorded() throws {
        let r = try ServerKnobs.resolve(
            profile: .upstream,
            settings: [
                .init(name: "db-pool", value: "12", source: .environment("DB_POOL_SIZE")),
                .init(name: "db-pool", value: "14", source: .commandLine),
                .init(name: "api-key", value: "k", source: .parameterOverride("key")),
            ])
        #expect(r.configuration.dbPoolSize == 14 && r.configuration.apiKey == "k")
        let byName = Dictionary(uniqueKeysWithValues: r.settings.map { ($0.name, $0) })
        #expect(byName["db-pool"]?.source == .commandLine)
        #expect(byName["api-key"]?.source == .parameterOverride("key"))
        #expect(byName["lock-timeout"]?.source == .profile("upstream"))
        // Upstream's Redis pool follows the database pool: max(14 + 20, 50), by the rule.
        #expect(byName["redis-pool"]?.value == "50")
        #expect(byName["redis-pool"]?.source == .rule("max(db_pool_size + db_max_overflow, 50)"))
    }

    @Test(arguments: [
        SettingSource.profile("upstream"), .environment("API_KEY"), .scenario("g.flags.api-key"),
        .parameterOverride("k"),
        .commandLine, .fleet, .rule("max(db_pool_size + db_max_overflow, 50)"),
    ])
    func sourcesSurviveJSON(source: SettingSource) throws {
        let data = try JSONEncoder().encode([source])
        #expect(try JSONDecoder().decode([SettingSource].self, from: data) == [source])
    }

    @Test func reportsHideTheKeyAndURLPasswords() throws {
        let r = try ServerKnobs.resolve(
            profile: .upstream,
            settings: [
                .init(name: "api-key", value: "s3cret", source: .commandLine),
                .init(name: "database-url", value: "postgresql://app:pw@db.internal:5432/app", source: .fleet),
            ])
        let recorded = Dictionary(uniqueKeysWithValues: r.recorded.map { ($0.name, $0.value) })
        #expect(recorded["api-key"] == "(hidden)")
        #expect(recorded["database-url"] == "postgresql://app:(hidden)@db.internal:5432/app")
        #expect(recorded["redis-url"] == "redis://127.0.0.1:6379/0")
        #expect(r.configuration.apiKey == "s3cret")
        let args = ServerKnobs.arguments(
            profile: .upstream, settings: [.init(name: "api-key", value: "s3cret", source: .commandLine)],
            redacted: true)
        #expect(args == ["--profile", "upstream", "--api-key", "(hidden)"])
    }

    @Test func scenarioFlagNamesAreCheckedWithSuggestions() {
        #expect(ServerKnobs.problem(withScenarioFlag: "lock-strategy") == nil)
        #expect(ServerKnobs.problem(withScenarioFlag: "lock-strategie")?.contains("closest: lock-strategy") == true)
        #expect(ServerKnobs.problem(withScenarioFlag: "port")?.contains("set by the fleet") == true)
    }

    @Test func theDocsTableListsEveryKnobWithItsDefaults() {
        let table = ServerKnobs.markdownTable
        for knob in ServerKnobs.all { #expect(table.contains("`--\(knob.name)`")) }
        #expect(table.contains("| `exponential` | `exponential-jitter` | `fair` |"))
    }
}
