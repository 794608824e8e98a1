import Analysis
import Foundation
import LoadGen
import ServerConfig

/// `report.md`: what a reviewer reads in a pull request. Claims first (statement, measured value,
/// verdict, reason), then the phases' key figures, then the environment.
public enum MarkdownReport {
    public static func render(_ r: RunReport) -> String {
        var md = "# stampede run `\(r.scenario)`\n\n"
        if !r.summary.isEmpty { md += "\(r.summary)\n\n" }
        md += "Started \(r.startedAt), \(Int(r.wallSeconds.rounded())) s wall time. "
        md += r.complete ? "**Complete.**\n\n" : "**INCOMPLETE:** \(esc(r.incompleteReason ?? "unknown"))\n\n"
        md += PopularityReport.markdown(PopularityAnswer.analyse(r.phases))
        if let t = r.externalTarget {
            md += "## External target\n\n"
            md +=
                "Every phase ran against \(t.targets.map { "`\($0)`" }.joined(separator: ", ")), which this run did not start"
            md +=
                " (Prometheus text looked for at \(Set(t.metricsURLs).sorted().map { "`\($0)`" }.joined(separator: ", "))"
            md +=
                t.exposesServerSeries
                ? ", with the reference server's series)." : ": none of the reference server's series).\n\n"
            if t.exposesServerSeries { md += "\n\n" }
            if !t.notMeasured.isEmpty {
                md += "Not measured there:\n\n" + t.notMeasured.map { "- \($0)\n" }.joined() + "\n"
            }
        }
        md += "## Claims\n\n"
        if r.claims.isEmpty {
            md += "_No claims._\n\n"
        } else {
            md += "| claim | issue | statement | metric | expected | measured | verdict | reason |\n"
            md += "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
            for c in r.claims {
                md +=
                    "| \(esc(c.id)) | \(esc(c.issue)) | \"\(esc(c.statement))\" | `\(c.metric)` | \(c.kind == .fix ? "fix: " : "")\(esc(c.relation.rawValue)) \(esc(c.target))\(c.threshold.map(ClaimEvaluator.format).flatMap { $0 == c.target ? nil : " = " + $0 } ?? "") | \(c.measured.map(ClaimEvaluator.format) ?? "n/a") | **\(c.verdict.rawValue)** | \(esc(c.reason)) |\n"
            }
            md += "\n"
        }
        if let thresholds = r.thresholds, !thresholds.isEmpty {
            md += "## Thresholds\n\n| threshold | measured | status | detail |\n| --- | ---: | --- | --- |\n"
            for t in thresholds {
                md +=
                    "| `\(esc(t.expression))` | \(esc(t.actual ?? "n/a")) | **\(t.status.rawValue)** | \(esc(t.message)) |\n"
            }
            md += "\n"
        }
        let fits = SweepUSL.fits(r)
        if !fits.isEmpty {
            md += "## Scalability (USL fit of updates/s vs instances)\n\n"
            md += "| sweep | points | λ (per instance) | σ (contention) | κ (coherency) | N* | X_max | R² |\n"
            md += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            for u in fits {
                guard let f = u.fit else {
                    md += "| \(esc(u.sweep)) | \(u.points.count) | \(esc(u.problem ?? "no fit")) | | | | | |\n"
                    continue
                }
                let nStar = f.peakConcurrency.map(ClaimEvaluator.format) ?? "none (κ = 0)"
                let xMax =
                    f.maxThroughput.map(ClaimEvaluator.format) ?? f.model.throughputCeiling.map {
                        "→ " + ClaimEvaluator.format($0)
                    } ?? ""
                md +=
                    "| \(esc(u.sweep)) | \(u.points.count) | \(ClaimEvaluator.format(f.lambda)) | \(String(format: "%.4f", f.sigma)) | "
                md +=
                    "\(String(format: "%.2e", f.kappa)) | \(nStar) | \(xMax) | \(f.rSquared.map { String(format: "%.3f", $0) } ?? "") |\n"
            }
            md += "\nσ is the share of work serialised (the lock), κ the cost of crosstalk between instances; past N* "
            md +=
                "adding instances lowers throughput. `stampede plan --from` this report sizes a fleet from these fits.\n\n"
        }
        if let sim = r.simulation {
            md += "## Simulation past the machine\n\n"
            md +=
                "The discrete-event simulator (`stampede simulate`) calibrated on the two smallest fleets of each group, "
            md += "validated on the larger ones (goal: throughput within 10 %, lock-wait p99 within 25 %): "
            md += "\(sim.validationWithinGoal) of \(sim.validation.count) measured points within the goal. "
            md +=
                "Predictions give each instance the measured host's cores; counts are over \(Int(sim.options.durationSeconds)) s.\n\n"
            md += "```\n" + sim.text + "```\n\n"
        }
        md += "## Phases\n\n"
        let columns: [PhaseMetric] = [
            .updatesPerSecond, .lockWaitMeanMs, .lockWaitP50Ms, .lockWaitP99Ms, .lockWaitMaxMs, .lockTimeouts,
            .lostUpdates, .lostTurns, .recoveryMaxS, .scalingEfficiency, .rssMaxMb, .rssGrowthMb, .bufferedMaxMb,
            .streamsCompleted, .clientErrors,
            .generatorCpuPercent, .machineCpuPercent, .samples,
        ]
        md += "| phase | fleet | status | " + columns.map(\.rawValue).joined(separator: " | ") + " |\n"
        md += "| --- | --- | --- | " + columns.map { _ in "---:" }.joined(separator: " | ") + " |\n"
        for p in r.phases {
            let status = !p.complete ? "incomplete" : (p.validity.isEmpty ? "ok" : "weak")
            md += "| \(esc(p.name)) | \(p.instances) × \(p.profile) | \(status) | "
            md += columns.map { p.metrics[$0].map(ClaimEvaluator.format) ?? "" }.joined(separator: " | ") + " |\n"
        }
        md += "\n"
        for p in r.phases {
            md += "### \(p.name)\n\n"
            md += "`stampede serve \(p.serveArguments.joined(separator: " "))` × \(p.instances); "
            md +=
                "\(DurationText.format(p.durationSeconds)) of load, first \(DurationText.format(p.warmupSeconds)) excluded.\n\n"
            // The knobs that differ from the profile's defaults, and where each came from.
            let set = (p.configuration ?? []).filter {
                if case .profile = $0.source { return false }
                if case .fleet = $0.source { return false }
                return true
            }
            if !set.isEmpty {
                md +=
                    "- configuration: "
                    + set.map { "`\($0.name)` = `\(esc($0.value))` (\($0.source))" }.joined(separator: ", ") + "\n"
            }
            if let links = p.network?.proxied, !links.isEmpty {
                md +=
                    "- network: " + links.map { "\($0.name) \($0.link)" }.joined(separator: ", ")
                    + (p.network?.controller.map { " (through proxies of the toxiproxy at \($0))" }
                        ?? " (through a proxy)")
                    + "\n"
            }
            if let runs = p.repeats {
                md += "- repeats: \(runs.count); the metrics are their means, the intervals over them"
                let rates = runs.compactMap { $0.metrics[PhaseMetric.updatesPerSecond.rawValue] }
                if rates.count == runs.count {
                    md += " (updates/s: " + rates.map(ClaimEvaluator.format).joined(separator: ", ") + ")"
                }
                md += "; clients, faults and time series are the first repeat's\n"
            }
            if let e = p.error { md += "- **error:** \(esc(e))\n" }
            for v in p.validity { md += "- **weak measurement:** \(esc(v))\n" }
            for (metric, why) in (p.notMeasured ?? [:]).sorted(by: { $0.key < $1.key }) {
                md += "- **not measured:** `\(metric)`: \(esc(why))\n"
            }
            if let faults = p.faults, !faults.isEmpty {
                md += "\n| fault | at | ended | errors during | errors after | recovery | effects |\n"
                md += "| --- | ---: | ---: | ---: | ---: | --- | --- |\n"
                for f in faults {
                    md +=
                        "| \(esc(f.fault)) | \(f.atText) | \(f.endedText) | \(f.errorsDuring) | \(f.errorsAfter) | \(esc(f.recovery)) | \(esc(f.effectsText)) |\n"
                }
                md += "\n"
            }
            for c in p.clients {
                let m = c.metrics
                md +=
                    "- clients `\(c.name)` (\(c.clients)): \(c.counters.streamsCompleted) streams completed, \(c.counters.events) events, "
                md +=
                    "\(c.counters.failed) errors\(c.errors.isEmpty ? "" : " (" + c.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")"
                if !c.errorEvents.isEmpty {
                    md +=
                        ", \(c.counters.errorEvents) `error` events ("
                        + c.errorEvents.sorted { $0.key < $1.key }.map { "\(esc($0.key)) \($0.value)" }.joined(
                            separator: ", ")
                        + ")"
                }
                if c.counters.streamsBroken > 0 {
                    md +=
                        ", streams \(c.counters.streamsBroken) broken, \(c.counters.streamsResumed) resumed, \(c.counters.streamsLost) lost"
                }
                if let g = m[ClientMetric.gapP99Ms] { md += ", inter-event gap p99 \(ClaimEvaluator.format(g)) ms" }
                md += "\n"
            }
            md += "\n"
        }
        let e = r.environment
        md += "## Environment\n\n"
        md += "- machine: \(e.hostname), \(e.cores) cores, \(e.memoryBytes / 1_048_576) MiB; \(e.os); \(e.kernel)\n"
        md += "- open files: soft \(e.fdSoftLimit), hard \(e.fdHardLimit)\n"
        md += "- source: \(e.gitCommit ?? "unknown")\(e.gitDirty == true ? " (with local changes)" : "")\n"
        md += "- services: \(e.services); \(e.redisVersion ?? "redis ?"); \(e.postgresVersion ?? "postgres ?")\n"
        return md
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
