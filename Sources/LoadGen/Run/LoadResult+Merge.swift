import Histogram

/// Why shards' results cannot be merged: the message names the files and what to do.
public struct LoadMergeError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

extension LoadResult {
    /// The shards of one test merged into the whole test's result, losslessly: counters, errors
    /// and integrity summed; latency histograms merged bucket by bucket (never percentiles
    /// averaged); per-second series and interval histograms aligned on wall-clock seconds from the
    /// earliest shard's start; each shard's generator cost kept in `merged.shards`, their sum in
    /// `generator`. Refuses results that are not shards, shards of different tests (mode, target,
    /// settings, start time) and a missing or repeated shard.
    public static func merge(_ parts: [(file: String, result: LoadResult)]) throws(LoadMergeError) -> LoadResult {
        guard let first = parts.first else { throw LoadMergeError(description: "no result files given") }
        var shares: [LoadResult.ShardShare] = []
        for (file, r) in parts {
            guard let share = r.shard else {
                throw LoadMergeError(
                    description:
                        "\(file) is not a shard's result: it ran the whole test (run each shard with --shard INDEX/COUNT)"
                )
            }
            shares.append(share)
        }
        let count = shares[0].count
        let reference = first.result
        for ((file, r), share) in zip(parts, shares) {
            func differ(_ what: String, _ a: String, _ b: String) -> LoadMergeError {
                LoadMergeError(
                    description:
                        "\(file) is of a different test than \(first.file): \(what) \(b) vs \(a); merge only the shards of one test"
                )
            }
            if share.count != count { throw differ("shard count", String(count), String(share.count)) }
            if r.mode != reference.mode { throw differ("mode", reference.mode.rawValue, r.mode.rawValue) }
            if r.target != reference.target {
                throw differ(
                    "target", "\(reference.target.method) \(reference.target.url)", "\(r.target.method) \(r.target.url)"
                )
            }
            var a = reference.settings
            var b = r.settings
            a.threads = 0
            b.threads = 0
            if a != b { throw differ("settings", "\(a)", "\(b)") }
            let x = shares[0].testStartUnixSeconds
            let y = share.testStartUnixSeconds
            if (x == nil) != (y == nil) || abs((x ?? 0) - (y ?? 0)) > 0.001 {
                throw differ("--start-at", x.map { String($0) } ?? "none", y.map { String($0) } ?? "none")
            }
        }
        var fileOfShard: [Int: String] = [:]
        for ((file, _), share) in zip(parts, shares) {
            if let other = fileOfShard[share.index] {
                throw LoadMergeError(description: "shard \(share.index)/\(count) is given twice: \(other) and \(file)")
            }
            fileOfShard[share.index] = file
        }
        let missing = (0..<count).filter { fileOfShard[$0] == nil }
        if !missing.isEmpty {
            throw LoadMergeError(
                description:
                    "missing shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")): a merge needs every shard of the test (\(count))"
            )
        }

        let ordered = zip(parts, shares).sorted { $0.1.index < $1.1.index }.map(\.0)
        let origin = ordered.map(\.result.startedAtUnixSeconds).min()!
        var out = reference
        out.shard = nil
        out.startedAtUnixSeconds = origin
        out.elapsedSeconds = ordered.map { $0.result.startedAtUnixSeconds + $0.result.elapsedSeconds }.max()! - origin
        out.stoppedEarly = ordered.contains { $0.result.stoppedEarly }
        out.settings.threads = ordered.reduce(0) { $0 + $1.result.settings.threads }
        out.counters = LoadCounters()
        out.errors = [:]
        out.errorEvents = [:]
        out.clientsByProfile = [:]
        out.bytesByProfile = [:]
        var histograms: [String: Histogram<UInt64>] = [:]
        var series: [SecondSample] = []
        var intervals: [String: [[LatencyInterval]]] = [:]
        var allHaveIntervals = true
        for (_, r) in ordered {
            out.counters.add(r.counters)
            out.errors.merge(r.errors, uniquingKeysWith: +)
            out.errorEvents.merge(r.errorEvents, uniquingKeysWith: +)
            out.clientsByProfile.merge(r.clientsByProfile, uniquingKeysWith: +)
            out.bytesByProfile.merge(r.bytesByProfile, uniquingKeysWith: +)
            for (metric, summary) in r.latency {
                histograms[metric, default: EngineMetrics.makeHistogram()].add(summary.histogram())
            }
            let offset = Int((r.startedAtUnixSeconds - origin).rounded())
            for sample in r.series {
                let t = sample.t + offset
                while series.count <= t { series.append(SecondSample(t: series.count)) }
                series[t].add(sample)
                series[t].open += sample.open
                if let cpu = sample.generatorCPUPercent {
                    series[t].generatorCPUPercent = (series[t].generatorCPUPercent ?? 0) + cpu
                }
                if let rss = sample.generatorRSSBytes {
                    series[t].generatorRSSBytes = (series[t].generatorRSSBytes ?? 0) + rss
                }
            }
            if let own = r.intervals {
                for (metric, list) in own {
                    intervals[metric, default: []].append(
                        list.map { LatencyInterval(t: $0.t + offset, buckets: $0.buckets) })
                }
            } else {
                allHaveIntervals = false
            }
        }
        out.latency = histograms.mapValues { LatencySummary($0) }
        out.series = series
        out.intervals = allHaveIntervals ? intervals.mapValues { LatencyInterval.merge($0) } : nil
        let seconds = max(out.elapsedSeconds, 0.001)
        out.rates = Rates(
            eventsPerSecond: Double(out.counters.events) / seconds,
            bytesPerSecond: Double(out.counters.bytes) / seconds,
            requestsPerSecond: Double(series.reduce(0) { $0 + $1.completed }) / seconds)
        out.goodput = out.settings.slo.map { Goodput(slo: $0, counters: out.counters, elapsedSeconds: seconds) }
        out.generator = Self.sum(
            ordered.map(\.result.generator), events: out.counters.events,
            completed: series.reduce(0) { $0 + $1.completed }, mode: out.mode, elapsed: seconds)
        out.merged = MergeInfo(
            shards: zip(ordered, ordered.map { $0.result.shard!.index }).map { part, index in
                MergedShard(
                    index: index, file: part.file, startedAtUnixSeconds: part.result.startedAtUnixSeconds,
                    elapsedSeconds: part.result.elapsedSeconds, stoppedEarly: part.result.stoppedEarly,
                    generator: part.result.generator)
            },
            originUnixSeconds: origin)
        return out
    }

    /// The generators' costs added: CPU seconds and memory summed, per-event CPU over all events,
    /// per-stream memory averaged over the generators, the lowest file limits.
    static func sum(
        _ costs: [GeneratorCost], events: Int, completed: Int, mode: LoadConfiguration.Mode, elapsed: Double
    ) -> GeneratorCost {
        let cpu = costs.reduce(0) { $0 + $1.cpuSeconds }
        let perStream = costs.compactMap(\.rssPerOpenStreamBytes)
        return GeneratorCost(
            threads: costs.reduce(0) { $0 + $1.threads }, cpuSeconds: cpu, cpuPercent: cpu / elapsed * 100,
            cores: costs.reduce(0) { $0 + $1.cores },
            cpuMicrosecondsPerEvent: events > 0 ? cpu * 1e6 / Double(events) : nil,
            cpuMicrosecondsPerRequest: mode == .http && completed > 0 ? cpu * 1e6 / Double(completed) : nil,
            rssStartBytes: costs.reduce(0) { $0 + $1.rssStartBytes },
            rssPeakBytes: costs.reduce(0) { $0 + $1.rssPeakBytes },
            rssPerOpenStreamBytes: perStream.isEmpty ? nil : perStream.reduce(0, +) / perStream.count,
            fdSoftLimit: costs.map(\.fdSoftLimit).min() ?? 0, fdHardLimit: costs.map(\.fdHardLimit).min() ?? 0)
    }
}
