/// The built-in scenarios, written in the same YAML as scenario files so that `stampede show NAME`
/// prints something a user can copy, edit and run with `stampede run FILE.yaml`.
public enum BuiltinCatalog {
    public struct Entry: Sendable {
        public var name: String
        public var yaml: String
    }

    public static let entries: [Entry] = [
        Entry(name: "scale-001", yaml: Scale001Scenario.yaml),
        Entry(name: "perf-004", yaml: Perf004Scenario.yaml),
        Entry(name: "ci-smoke", yaml: CISmokeScenario.yaml),
        Entry(name: "db-pool-hold", yaml: DBPoolHoldScenario.yaml),
        Entry(name: "perf-005", yaml: Perf005Scenario.yaml),
        Entry(name: "fd-limits", yaml: FDLimitsScenario.yaml),
        Entry(name: "sse-capacity", yaml: SSECapacityScenario.yaml),
        Entry(name: "lock-safety", yaml: LockSafetyScenario.yaml),
        Entry(name: "lock-fairness", yaml: LockFairnessScenario.yaml),
        Entry(name: "faults", yaml: FaultsScenario.yaml),
        Entry(name: "soak", yaml: SoakScenario.yaml),
    ]

    public static func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// Loads a built-in by name with `--set` overrides.
    public static func scenario(named name: String, overrides: [String: String] = [:]) throws -> Scenario? {
        guard let e = entry(named: name) else { return nil }
        return try ScenarioLoader.load(yaml: e.yaml, source: name, overrides: overrides)
    }
}
