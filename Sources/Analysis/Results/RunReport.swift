/// Everything a scenario run produced: `report.json` (schema in docs/report-schema.md).
public struct RunReport: Sendable, Codable, Equatable {
    public static let schemaName = "stampede.run-report"
    public static let currentSchemaVersion = 1

    public var schema = RunReport.schemaName
    public var schemaVersion = RunReport.currentSchemaVersion
    public var scenario: String
    public var summary: String
    /// ISO 8601 UTC.
    public var startedAt: String
    public var wallSeconds: Double
    /// False when a phase failed, the run was interrupted, or services could not start.
    public var complete: Bool
    public var incompleteReason: String?
    public var environment: RunEnvironment
    /// The scenario as run (parameters resolved).
    public var config: Scenario
    public var phases: [PhaseResult]
    public var claims: [ClaimResult]
    /// The scenario's thresholds as evaluated when the report was made (nil in reports written
    /// before thresholds existed). `stampede gate` evaluates them again, with any extra ones.
    public var thresholds: [ThresholdRecord]?
    /// A run against an existing deployment (`stampede run --target`): what it aimed at and what
    /// it could not measure there; nil: the run started its own fleet.
    public var externalTarget: ExternalTargetRecord?
    /// The discrete-event simulator calibrated on this run's instance sweep (``SimulationStudy``:
    /// predictions to 100 instances and the validation on the measured points); nil when the run
    /// has no sweep with hot sessions of 3 or more fleet sizes, or in reports written before it.
    public var simulation: SimulationStudy?

    public init(
        scenario: Scenario, startedAt: String, wallSeconds: Double, complete: Bool, incompleteReason: String?,
        environment: RunEnvironment, phases: [PhaseResult], claims: [ClaimResult]
    ) {
        self.scenario = scenario.name
        self.summary = scenario.summary
        self.startedAt = startedAt
        self.wallSeconds = wallSeconds
        self.complete = complete
        self.incompleteReason = incompleteReason
        self.environment = environment
        self.config = scenario
        self.phases = phases
        self.claims = claims
        self.thresholds = nil
        let records = ThresholdRecord.evaluate(self)
        self.thresholds = records.isEmpty ? nil : records
    }
}

/// A report file that cannot be read: wrong schema, newer version, or not JSON.
public struct ReportReadError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}
