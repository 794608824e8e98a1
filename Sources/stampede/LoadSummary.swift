import Foundation
import LoadGen

/// The end-of-run table: percentiles, rates, errors, integrity, generator cost.
enum LoadSummary {
    static func text(_ r: LoadResult) -> String {
        var lines: [String] = []
        let c = r.counters
        lines.append(
            "\(r.mode.rawValue) \(r.target.method) \(r.target.url)  \(String(format: "%.1f", r.elapsedSeconds))s"
                + (r.stoppedEarly ? " (stopped early)" : ""))
        if let shard = r.shard {
            let share = [
                shard.clients.map { "\($0) clients" }, shard.vus.map { "\($0) VUs" },
                shard.maxInFlight.map { "\($0) slots" },
            ]
            .compactMap { $0 }.joined(separator: ", ")
            lines.append(
                "shard \(shard.index)/\(shard.count) of the test\(share.isEmpty ? "" : " (\(share))"): merge every shard's result with `stampede merge`"
            )
        }
        if let merged = r.merged {
            lines.append("merged from \(merged.shards.count) shards")
        }
        lines.append("")
        lines.append(
            pad("latency (ms)", 22) + ["count", "p50", "p90", "p99", "p99.9", "max"].map { pad($0, 10) }.joined())
        for metric in LatencyMetric.allCases {
            guard let s = r.latency[metric.rawValue] else { continue }
            let cells = [s.p50, s.p90, s.p99, s.p999, s.max].map { pad(ms($0), 10) }.joined()
            lines.append(pad(metric.rawValue, 22) + pad(String(s.count), 10) + cells)
        }
        lines.append("")
        lines.append(
            "requests   started \(c.started)  succeeded \(c.succeeded)  failed \(c.failed)"
                + (c.dropped > 0 ? "  dropped \(c.dropped)" : "") + "  open at end \(c.streamsOpenAtEnd)")
        if r.mode == .sse {
            lines.append(
                "streams    completed \(c.streamsCompleted)  ended early \(c.streamsEndedEarly)"
                    + "  reconnects \(c.reconnects)  stalls \(c.stalls)")
            lines.append(
                "events     \(c.events) (\(String(format: "%.0f", r.rates.eventsPerSecond))/s)  pings \(c.comments)"
                    + "  \(bytes(Double(c.bytes))) (\(bytes(r.rates.bytesPerSecond))/s)")
            let integrityOK = c.gaps == 0 && c.duplicates == 0 && c.reorders == 0
            lines.append(
                "integrity  gaps \(c.gaps)  missing \(c.missingEvents)  duplicates \(c.duplicates)"
                    + "  reorders \(c.reorders)  unsequenced \(c.unsequencedEvents)"
                    + (integrityOK ? "" : "  << LOST DATA"))
            if let g = r.goodput {
                let share = g.share.map { String(format: "%.1f %%", $0 * 100) } ?? "not measured (no stream ended)"
                lines.append(
                    "goodput    \(share) of \(g.streams) streams met \(g.slo) (\(String(format: "%.1f", g.perSecond))/s);"
                        + " missed ttfe \(g.missedFirstContent), gap \(g.missedGap), completion \(g.missedCompletion),"
                        + " incomplete \(g.incomplete)")
            }
        } else {
            lines.append(
                "rate       \(String(format: "%.1f", r.rates.requestsPerSecond)) req/s  \(bytes(r.rates.bytesPerSecond))/s"
            )
        }
        let errors = r.errors.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
        lines.append("errors     " + (errors.isEmpty ? "none" : errors.joined(separator: "  ")))
        let g = r.generator
        var cost =
            "generator  \(g.threads) threads  CPU \(String(format: "%.0f", g.cpuPercent))% of one core (\(g.cores) cores)"
            + "  RSS peak \(bytes(Double(g.rssPeakBytes)))"
        if let e = g.cpuMicrosecondsPerEvent { cost += String(format: "  %.1f µs CPU/event", e) }
        if let q = g.cpuMicrosecondsPerRequest { cost += String(format: "  %.1f µs CPU/request", q) }
        if let s = g.rssPerOpenStreamBytes { cost += "  \(bytes(Double(s)))/stream" }
        lines.append(cost)
        let transport = r.settings.transport.map { "\($0) transport" } ?? "transport not recorded"
        let timing =
            r.settings.tickMilliseconds.map { String(format: "event times exact to the %g ms read tick", $0) }
            ?? "event times exact per read"
        lines.append("timing     \(transport), \(timing)")
        if g.cpuPercent > Double(g.cores) * 90 {
            lines.append("warning    the generator was CPU-saturated: latencies include its own queueing")
        }
        return lines.joined(separator: "\n")
    }

    static func ms(_ micros: UInt64) -> String { String(format: "%.2f", Double(micros) / 1000) }

    static func bytes(_ b: Double) -> String {
        if b >= 1_073_741_824 { return String(format: "%.2f GiB", b / 1_073_741_824) }
        if b >= 1_048_576 { return String(format: "%.1f MiB", b / 1_048_576) }
        if b >= 1024 { return String(format: "%.1f KiB", b / 1024) }
        return String(format: "%.0f B", b)
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
