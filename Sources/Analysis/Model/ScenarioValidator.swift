import ServerConfig
import Yams

/// Checks that span fields (references between groups, phases and claims; uniqueness), after the
/// field-by-field reading of ``ScenarioLoader``.
enum ScenarioValidator {
    static func problems(in s: Scenario, root: [String: Node]) -> [ScenarioProblem] {
        var out: [ScenarioProblem] = []
        func line(_ section: String, _ i: Int) -> Int? {
            root[section]?.sequence.flatMap { i < $0.count ? $0[i].mark?.line : nil }
        }
        if s.groups.isEmpty { out.append(.init(path: "groups", line: nil, message: "list at least one server group")) }
        if s.phases.isEmpty { out.append(.init(path: "phases", line: nil, message: "list at least one phase")) }
        for (section, names) in [
            ("groups", s.groups.map(\.name)), ("phases", s.phases.map(\.name)), ("claims", s.claims.map(\.id)),
        ] {
            var seen = Set<String>()
            for (i, n) in names.enumerated() where !seen.insert(n).inserted {
                out.append(
                    .init(path: "\(section)[\(i)]", line: line(section, i), message: "name '\(n)' is used twice"))
            }
        }
        for (i, p) in s.phases.enumerated() {
            if s.group(named: p.group) == nil {
                out.append(
                    .init(
                        path: "phases[\(i)].group", line: line("phases", i),
                        message: "no group named '\(p.group)'; groups: \(s.groups.map(\.name).joined(separator: ", "))")
                )
            }
            if p.warmup >= p.duration {
                out.append(
                    .init(
                        path: "phases[\(i)].warmup", line: line("phases", i),
                        message:
                            "warm-up (\(DurationText.format(p.warmup))) must be shorter than the duration (\(DurationText.format(p.duration)))"
                    ))
            }
            if let group = s.group(named: p.group) {
                for (k, f) in (p.faults ?? []).enumerated() {
                    if let problem = f.problem(phaseSeconds: p.duration, instances: p.instances ?? group.instances) {
                        out.append(.init(path: "phases[\(i)].faults[\(k)]", line: line("phases", i), message: problem))
                    }
                }
            }
            if p.clients.isEmpty == false, Set(p.clients.map(\.name)).count != p.clients.count {
                out.append(
                    .init(
                        path: "phases[\(i)].clients", line: line("phases", i),
                        message: "client group names must be unique"))
            }
        }
        for (i, c) in s.claims.enumerated() {
            for (field, reference) in [("metric", c.metric), ("target", c.targetMetric)] {
                guard let reference else { continue }
                if let message = referenceProblem(reference, in: s) {
                    out.append(.init(path: "claims[\(i)].\(field)", line: line("claims", i), message: message))
                }
            }
        }
        return out
    }

    /// Why `PHASE.METRIC` does not name a measured metric, or nil.
    static func referenceProblem(_ reference: String, in s: Scenario) -> String? {
        guard let (phaseName, metric) = ClaimSpec.split(reference) else {
            return "expected PHASE.METRIC, got '\(reference)'"
        }
        guard let phase = SweepLookup.find(phaseName, in: s.phases) else {
            return "no phase named '\(phaseName)'; phases: \(s.phases.map(\.name).joined(separator: ", "))"
        }
        if MetricCatalog.isKnown(metric, clients: phase.clients.map(\.name)) { return nil }
        return
            "unknown metric '\(metric)'; known: \(MetricCatalog.phase.map(\.name).sorted().joined(separator: ", ")), or CLIENTS.\(MetricCatalog.client.map(\.name).sorted().joined(separator: "|"))"
    }
}
