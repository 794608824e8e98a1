import Histogram
import SystemSupport

extension LoadResult {
    init(
        configuration c: LoadConfiguration, metrics: EngineMetrics, threads: Int, startedAt: Double,
        elapsed: Double, stoppedEarly: Bool, statsAtStart: ProcessStats?, statsAtEnd: ProcessStats?,
        samples: [(open: Int, cpu: Double, rss: Int)], limits: FileDescriptorLimit.Limits, testStart: Double? = nil
    ) {
        mode = c.mode
        target = Target(url: c.targets.joined(separator: ","), method: c.effectiveMethod)
        var s = Settings(
            durationSeconds: c.duration.secondsDouble, threads: threads, receiveBufferSize: c.receiveBufferSize,
            transport: c.effectiveTransport.rawValue, sessionHotSet: c.sessionPool?.hotSet,
            sessionZipf: c.sessionPool?.zipf)
        switch c.mode {
        case .sse:
            s.clients = c.clients
            s.mix = c.mix.description
            s.rampPerSecond = c.ramp
            s.contentEvents = c.contentEvents.sorted().joined(separator: ",")
            s.slo = c.slo?.description
        case .http:
            switch c.driver {
            case .open(let rate, let maxInFlight):
                s.rate = rate.description
                s.maxInFlight = maxInFlight
            case .closed(let vus, let think):
                s.vus = vus
                s.thinkSeconds = think.secondsDouble
                s.rampPerSecond = c.ramp
            }
        }
        if c.tick > .zero { s.tickMilliseconds = c.tick.secondsDouble * 1000 }
        settings = s
        startedAtUnixSeconds = startedAt
        elapsedSeconds = elapsed
        self.stoppedEarly = stoppedEarly
        counters = metrics.counters
        errors = metrics.errors
        errorEvents = metrics.errorEvents
        var clientsByProfile: [String: Int] = [:]
        var bytesByProfile: [String: Int] = [:]
        if c.mode == .sse {
            for p in c.shard.profiles(c.mix.assignments(count: c.clients)) {
                clientsByProfile[p.rawValue, default: 0] += 1
            }
            for p in ClientProfile.allCases where clientsByProfile[p.rawValue] != nil {
                bytesByProfile[p.rawValue] = metrics.profileBytes[p.index]
            }
        }
        self.clientsByProfile = clientsByProfile
        self.bytesByProfile = bytesByProfile
        let seconds = max(elapsed, 0.001)
        rates = Rates(
            eventsPerSecond: Double(metrics.counters.events) / seconds,
            bytesPerSecond: Double(metrics.counters.bytes) / seconds,
            requestsPerSecond: Double(metrics.series.reduce(0) { $0 + $1.completed }) / seconds)
        var latency: [String: LatencySummary] = [:]
        for metric in LatencyMetric.allCases {
            let h = metrics.histogram(metric)
            if h.totalCount > 0 { latency[metric.rawValue] = LatencySummary(h) }
        }
        self.latency = latency
        if let slo = c.slo {
            goodput = Goodput(slo: slo.description, counters: metrics.counters, elapsedSeconds: seconds)
        }
        if c.recordsIntervals {
            var intervals: [String: [LatencyInterval]] = [:]
            for metric in LatencyMetric.allCases where !metrics.intervals[metric.index].isEmpty {
                intervals[metric.rawValue] = metrics.intervals[metric.index]
            }
            self.intervals = intervals
        }
        if !c.shard.isWhole {
            var share = ShardShare(index: c.shard.index, count: c.shard.count, testStartUnixSeconds: testStart)
            switch (c.mode, c.driver) {
            case (.sse, _): share.clients = c.shard.share(of: c.clients)
            case (.http, .open(_, let maxInFlight)): share.maxInFlight = c.shard.share(of: maxInFlight)
            case (.http, .closed(let vus, _)): share.vus = c.shard.share(of: vus)
            }
            shard = share
        }
        // Whole seconds of the run only (a partial last second would understate rates).
        var series = Array(metrics.series.prefix(Int(elapsed.rounded(.up))))
        for (i, sample) in samples.enumerated() where i < series.count {
            series[i].generatorCPUPercent = sample.cpu
            series[i].generatorRSSBytes = sample.rss
        }
        self.series = series

        let cpu = max(0, (statsAtEnd?.cpuSeconds ?? 0) - (statsAtStart?.cpuSeconds ?? 0))
        let rssStart = statsAtStart?.rssBytes ?? 0
        let peak = max(samples.map(\.rss).max() ?? 0, statsAtEnd?.rssBytes ?? 0)
        var perStream: Int?
        if let busiest = samples.max(by: { $0.open < $1.open }), busiest.open > 0 {
            perStream = max(0, busiest.rss - rssStart) / busiest.open
        }
        let completed = metrics.series.reduce(0) { $0 + $1.completed }
        generator = GeneratorCost(
            threads: threads, cpuSeconds: cpu, cpuPercent: cpu / seconds * 100,
            cores: LoadConfiguration.defaultThreads,
            cpuMicrosecondsPerEvent: metrics.counters.events > 0 ? cpu * 1e6 / Double(metrics.counters.events) : nil,
            cpuMicrosecondsPerRequest: c.mode == .http && completed > 0 ? cpu * 1e6 / Double(completed) : nil,
            rssStartBytes: rssStart, rssPeakBytes: peak, rssPerOpenStreamBytes: perStream,
            fdSoftLimit: limits.soft, fdHardLimit: limits.hard)
    }
}
