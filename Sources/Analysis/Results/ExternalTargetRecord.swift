/// What a run against an existing deployment (`stampede run --target`) aimed at and what it could
/// not measure there: report.json's `externalTarget`, report.md's "External target" section.
public struct ExternalTargetRecord: Sendable, Codable, Equatable {
    /// The base URLs the load went to (each client group's path appended).
    public var targets: [String]
    /// Where each target's Prometheus text was looked for, and whether any target served one
    /// with the reference server's series (`stampede_*`).
    public var metricsURLs: [String]
    public var exposesServerSeries: Bool
    /// One sentence per kind of figure the run could not measure there, with the reason.
    public var notMeasured: [String]

    public init(targets: [String], metricsURLs: [String], exposesServerSeries: Bool, notMeasured: [String]) {
        self.targets = targets
        self.metricsURLs = metricsURLs
        self.exposesServerSeries = exposesServerSeries
        self.notMeasured = notMeasured
    }

    /// Why a metric of this source is not measured on an external target; nil: it is.
    public static func reason(for source: MetricDefinition.Source, metric: String, exposesServerSeries: Bool) -> String?
    {
        switch source {
        case .server:
            return exposesServerSeries
                ? nil : "the target exposes no \(metric): its /metrics has none of the reference server's series"
        case .sampler:
            return [PhaseMetric.generatorCpuPercent, .machineCpuPercent, .samples].map(\.rawValue).contains(metric)
                ? nil : "an external target's processes are not on this machine (no /proc to read)"
        case .backends: return "the run has no access to an external target's Redis and PostgreSQL"
        case .verification:
            return
                "the lost-update check needs each hot session's completed runs, which an external target does not report"
        case .lockLog: return nil  // read from /debug/lock-log when the target serves it
        case .loadGenerator, .derived, .faults: return nil
        }
    }
}

extension ClaimEvaluator {
    /// Claims of a run against an external target: one that compares two phases whose groups ask
    /// for different server behaviour (profile or flags) is inconclusive, since both ran against
    /// the target as it is.
    public static func againstExternalTarget(_ results: [ClaimResult], scenario: Scenario) -> [ClaimResult] {
        func behaviour(_ metric: String) -> (group: String, setting: String)? {
            guard let phaseName = metric.split(separator: ".").first.map(String.init),
                let phase = scenario.phases.first(where: { $0.name == phaseName })
                    ?? scenario.phases.first(where: {
                        $0.sweep == phaseName.split(separator: "@").first.map(String.init)
                    })
                    ?? scenario.phases.first(where: {
                        $0.popularity == phaseName.split(separator: "@").first.map(String.init)
                    }),
                let group = scenario.group(named: phase.group)
            else { return nil }
            let flags = group.flags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return (group.name, "\(group.profile)\(flags.isEmpty ? "" : " " + flags)")
        }
        return results.map { r in
            guard let claim = scenario.claims.first(where: { $0.id == r.id }), let other = claim.targetMetric,
                let a = behaviour(claim.metric), let b = behaviour(other),
                a.setting != b.setting
            else { return r }
            var out = r
            out.verdict = .inconclusive
            out.reason =
                "compares \(a.group) (\(a.setting)) with \(b.group) (\(b.setting)), but against an external target both ran on the target as it is: the run does not control its configuration"
            return out
        }
    }
}
