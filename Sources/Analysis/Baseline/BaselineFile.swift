import Foundation

/// A baseline: the key figures of one run, kept in `reports/baselines/<scenario>.json` and
/// compared by `stampede gate --baseline`. Written by `stampede baseline update`; meant to be
/// edited by hand (drop a noisy figure, give one its own tolerance). Schema in docs/gates.md.
public struct BaselineFile: Sendable, Codable, Equatable {
    public static let schemaName = "stampede.baseline"
    public static let currentSchemaVersion = 1

    public struct Figure: Sendable, Codable, Equatable {
        /// `metric[labels]` or `metric: aggregation`, as in a threshold.
        public var metric: String
        public var value: Double
        public var direction: MetricDirection
        /// This figure's tolerance instead of the gate's (`"25%"`).
        public var tolerance: Tolerance?

        public init(metric: String, value: Double, direction: MetricDirection, tolerance: Tolerance? = nil) {
            self.metric = metric
            self.value = value
            self.direction = direction
            self.tolerance = tolerance
        }
    }

    public var schema = BaselineFile.schemaName
    public var schemaVersion = BaselineFile.currentSchemaVersion
    public var scenario: String
    /// When the run that made it started (ISO 8601), and its source commit.
    public var startedAt: String
    public var gitCommit: String?
    /// The tolerance for figures without their own; the gate's `--tolerance` overrides it.
    public var tolerance: Tolerance?
    public var figures: [Figure]

    public init(report: RunReport, tolerance: Tolerance? = nil) {
        scenario = report.scenario
        startedAt = report.startedAt
        gitCommit = report.environment.gitCommit
        self.tolerance = tolerance
        figures = KeyFigures.figures(of: report).map {
            Figure(metric: $0.key, value: $0.value, direction: $0.direction)
        }
    }

    /// The comparison rules (one per figure) and the baseline values by key.
    public var rules: [BaselineComparison.Rule] {
        figures.map { BaselineComparison.Rule($0.metric, $0.direction, tolerance: $0.tolerance) }
    }

    public var values: [String: Double] {
        Dictionary(figures.map { ($0.metric, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Pretty-printed JSON with sorted keys (stable diffs when a baseline is updated).
    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    /// Reads a baseline file, or a `report.json` (whose key figures become the baseline).
    public static func read(_ path: String) throws -> BaselineFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportReadError(
                description: "cannot read the baseline \(path); check the path (stampede baseline update writes one)")
        }
        struct Header: Decodable { var schema: String? }
        let schema = (try? JSONDecoder().decode(Header.self, from: data))?.schema
        switch schema {
        case BaselineFile.schemaName:
            struct Version: Decodable { var schemaVersion: Int }
            if let v = try? JSONDecoder().decode(Version.self, from: data), v.schemaVersion > currentSchemaVersion {
                throw ReportReadError(
                    description:
                        "\(path) is baseline schema version \(v.schemaVersion); this stampede reads up to \(currentSchemaVersion)"
                )
            }
            do { return try JSONDecoder().decode(BaselineFile.self, from: data) } catch {
                throw ReportReadError(description: "\(path): not a valid baseline: \(error)")
            }
        case RunReport.schemaName:
            return BaselineFile(report: try RunReport.read(path))
        default:
            throw ReportReadError(
                description: "\(path) is neither a baseline (\(schemaName)) nor a report (\(RunReport.schemaName))")
        }
    }
}
