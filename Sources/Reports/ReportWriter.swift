import Analysis
import Foundation
import Histogram
import LoadGen

/// Writes a run's files into `reports/<scenario>-<timestamp>/` (or under another root) and points
/// `<root>/latest` at it: report.json, report.md, junit.xml, timeseries.csv and one `.hgrm` per
/// phase, client group and latency metric, and report.html.
public enum ReportWriter {
    /// Creates `<root>/<scenario>-<UTC timestamp>` and returns its path.
    public static func makeRunDirectory(root: String, scenario: String, date: Date = Date()) throws -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        var dir = "\(root)/\(scenario)-\(f.string(from: date))"
        var n = 1
        while FileManager.default.fileExists(atPath: dir) {
            n += 1
            dir = "\(root)/\(scenario)-\(f.string(from: date))-\(n)"
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The scenario of a directory `makeRunDirectory` named (`ci-smoke-20261129-173206`,
    /// `ci-smoke-20261129-173206-2`); nil for other names.
    public static func scenario(ofRunDirectory name: String) -> String? {
        // <scenario>-yyyyMMdd-HHmmss[-N]
        guard let pattern = try? Regex(#"(.+)-[0-9]{8}-[0-9]{6}(?:-[0-9]+)?"#),
            let match = try? pattern.wholeMatch(in: name)
        else {
            return nil
        }
        return match.output[1].substring.map(String.init)
    }

    public static func write(_ report: RunReport, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try report.jsonData().write(to: URL(fileURLWithPath: "\(dir)/report.json"))
        try MarkdownReport.render(report).write(toFile: "\(dir)/report.md", atomically: true, encoding: .utf8)
        try HTMLReport.render(report).write(toFile: "\(dir)/report.html", atomically: true, encoding: .utf8)
        try ClaimJUnit.report(report).xml().write(toFile: "\(dir)/junit.xml", atomically: true, encoding: .utf8)
        try timeseriesCSV(report).write(toFile: "\(dir)/timeseries.csv", atomically: true, encoding: .utf8)
        for phase in report.phases {
            for client in phase.clients {
                for (metric, summary) in client.latency where summary.count > 0 {
                    var text = ""
                    summary.histogram().outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1000)
                    try text.write(
                        toFile: "\(dir)/\(phase.name).\(client.name).\(metric).hgrm", atomically: true, encoding: .utf8)
                }
            }
        }
    }

    /// Points `<root>/latest` at `dir` (a relative symlink).
    public static func linkLatest(root: String, to dir: String) {
        let link = "\(root)/latest"
        try? FileManager.default.removeItem(atPath: link)
        try? FileManager.default.createSymbolicLink(
            atPath: link, withDestinationPath: URL(fileURLWithPath: dir).lastPathComponent)
    }

    /// One row per sample and server (and one for the generator): phase, t, instance, RSS, FDs,
    /// threads, CPU percent since the previous sample, then every kept `/metrics` series.
    public static func timeseriesCSV(_ report: RunReport) -> String {
        let series = Set(report.phases.flatMap { $0.samples.flatMap { $0.servers.flatMap { $0.metrics.keys } } })
            .sorted()
        let backendColumns = [
            "redis_clients", "redis_ops_per_second", "pg_connections", "pg_active", "pg_idle_in_transaction",
        ]
        var out =
            "phase,t,instance,rss_bytes,open_fds,threads,cpu_percent,"
            + (series.map(csvField) + backendColumns).joined(separator: ",") + "\n"
        for phase in report.phases {
            var previous: Sample?
            for s in phase.samples {
                let dt = previous.map { s.t - $0.t } ?? 0
                for server in s.servers {
                    let before = previous?.servers.first { $0.instance == server.instance }?.cpuSeconds
                    let cpu = before.map { dt > 0 ? (server.cpuSeconds - $0) / dt * 100 : 0 }
                    let values = series.map { server.metrics[$0].map(ClaimEvaluator.format) ?? "" }
                    out +=
                        ([
                            phase.name, String(format: "%.3f", s.t), String(server.instance), String(server.rssBytes),
                            String(server.openFDs),
                            String(server.threads), cpu.map { String(format: "%.1f", $0) } ?? "",
                        ] + values + backendColumns.map { _ in "" }).joined(separator: ",") + "\n"
                }
                let gcpu = previous.map { dt > 0 ? (s.generatorCPUSeconds - $0.generatorCPUSeconds) / dt * 100 : 0 }
                out +=
                    ([
                        phase.name, String(format: "%.3f", s.t), "generator", String(s.generatorRSSBytes), "", "",
                        gcpu.map { String(format: "%.1f", $0) } ?? "",
                    ] + series.map { _ in "" } + backendValues(s.backends)).joined(separator: ",") + "\n"
                previous = s
            }
        }
        return out
    }

    static func backendValues(_ b: Sample.Backends?) -> [String] {
        [
            b?.redisConnectedClients.map(String.init), b?.redisOpsPerSecond.map(ClaimEvaluator.format),
            b?.postgresConnections.map(String.init),
            b?.postgresActive.map(String.init), b?.postgresIdleInTransaction.map(String.init),
        ].map { $0 ?? "" }
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
