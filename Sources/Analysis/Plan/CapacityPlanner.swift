import Foundation
import Histogram
import LoadGen
import ServerConfig
import Simulation

/// `stampede plan`: sizes a fleet for a number of concurrent sessions and SSE streams from
/// measured reports, and says which measurement each figure came from. Pure: reports in, plan out.
///
/// - Sessions: the USL fit of a sweep (scale-001) gives completed session updates per second
///   X(N); by Little's law a fleet holds X(N) × W concurrent sessions of W seconds each. The
///   smallest N that holds the target is the answer, never past N* (beyond it more instances
///   serve less).
/// - Streams: the most streams one instance held without an error (sse-capacity, fd-limits) is
///   its capacity; the plan never assumes more than was measured.
/// - File descriptors, memory and pools follow from the measured per-stream costs, the pool
///   sizes and a safety margin.
///
/// It refuses, with the reason, what it cannot support: an incomplete report, a phase marked
/// weak (saturated generator, too few samples), a sweep of fewer than 3 sizes. A target that
/// needs more than twice the largest measured fleet is sized by the discrete-event simulator
/// calibrated on the sweep (``SimulationCalibration``), and the figure says it is simulated.
public struct CapacityPlanner: Sendable {
    public struct Input: Sendable {
        public var path: String
        public var report: RunReport
        public init(path: String, report: RunReport) {
            self.path = path
            self.report = report
        }
    }

    public var targetSessions: Int?
    public var targetStreams: Int?
    /// How long a session lasts; default: the mean stream duration measured in the sweep.
    public var sessionSeconds: Double?
    /// Which sweep's fit to use; default `recommended` if a report has it, else the one with the highest peak.
    public var sweep: String?
    /// Head room on file descriptors, memory and pools (0.25 = 25 %).
    public var margin: Double
    public var inputs: [Input]
    /// A `stampede search` answer: the most streams one instance served within an SLO; when given,
    /// it decides the instances for `targetStreams` instead of the most streams held without error.
    public var searched: (streamsPerInstance: Double, source: String)?

    public init(
        targetSessions: Int? = nil, targetStreams: Int? = nil, sessionSeconds: Double? = nil, sweep: String? = nil,
        margin: Double = 0.25, inputs: [Input]
    ) {
        self.targetSessions = targetSessions
        self.targetStreams = targetStreams
        self.sessionSeconds = sessionSeconds
        self.sweep = sweep
        self.margin = margin
        self.inputs = inputs
    }

    /// The upstream defaults the pools are sized against (KNOWN_ISSUES.md PERF-005).
    static let upstream = ServerConfiguration(profile: .upstream)
    /// PostgreSQL's `superuser_reserved_connections` default plus a few for administration.
    public static let postgresReserved = 10
    /// A plan may extrapolate a sweep up to this multiple of its largest measured fleet.
    public static let extrapolationLimit = 2.0
    /// Fewer error-free streams than this per instance is too small a measurement to plan from.
    public static let minimumStreamsMeasured = 100.0

    public func plan() -> CapacityPlan {
        var plan = CapacityPlan(targetSessions: targetSessions, targetStreams: targetStreams, margin: margin)
        if targetSessions == nil && targetStreams == nil {
            plan.refusals.append("nothing to plan: give --target-sessions, --target-streams or both")
            return plan
        }
        for input in inputs where !input.report.complete {
            plan.refusals.append(
                "\(input.path) is an incomplete run (\(input.report.incompleteReason ?? "unknown reason")); it is not used"
            )
        }
        let usable = inputs.filter(\.report.complete)
        var instances: [(Int, String)] = []
        if let sessions = targetSessions, let n = planSessions(sessions, usable, &plan) {
            instances.append((n, "sessions"))
        }
        var streamCapacity: StreamCapacity?
        if let streams = targetStreams, let searched {
            let n = Int((Double(streams) / searched.streamsPerInstance).rounded(.up))
            plan.add(
                "instances for streams", Double(n), "instances",
                from: "\(Int(searched.streamsPerInstance)) streams per instance within the SLO (\(searched.source))",
                note: "\(streams) streams / \(Int(searched.streamsPerInstance)) per instance")
            instances.append((n, "streams"))
            // File descriptors and memory per stream still come from a measured phase, when there is one.
            var quiet = CapacityPlan(targetSessions: nil, targetStreams: nil, margin: margin)
            streamCapacity = measuredStreamCapacity(usable, &quiet)
            if streamCapacity == nil {
                plan.refusals.append(
                    "file descriptors and memory: no report measured SSE streams without errors (run `stampede run sse-capacity` and pass it with --from); the search gives the instance count only"
                )
            }
        } else if let streams = targetStreams, let capacity = measuredStreamCapacity(usable, &plan) {
            streamCapacity = capacity
            let n = Int((Double(streams) / capacity.streamsPerInstance).rounded(.up))
            plan.add(
                "instances for streams", Double(n), "instances",
                from:
                    "\(Int(capacity.streamsPerInstance)) streams per instance, the most held without an error (\(capacity.source))",
                note: "\(streams) streams / \(Int(capacity.streamsPerInstance)) per instance")
            instances.append((n, "streams"))
        }
        guard let fleet = instances.max(by: { $0.0 < $1.0 }) else { return plan }
        plan.instances = fleet.0
        plan.add("instances", Double(fleet.0), "instances", from: "the larger of the above (\(fleet.1) decide)")
        sizeInstances(fleet: fleet.0, capacity: streamCapacity, usable, &plan)
        return plan
    }

    // MARK: sessions

    private func planSessions(_ sessions: Int, _ usable: [Input], _ plan: inout CapacityPlan) -> Int? {
        let candidates = usable.flatMap { input in SweepUSL.fits(input.report).map { (input, $0) } }
        guard !candidates.isEmpty else {
            plan.refusals.append(
                "sessions: no report has an instance sweep; run `stampede run scale-001` and pass it with --from")
            return nil
        }
        let chosen: (Input, SweepUSL)?
        if let sweep {
            chosen = candidates.first { $0.1.sweep == sweep }
            if chosen == nil {
                plan.refusals.append(
                    "sessions: no sweep named \(sweep); the reports have: \(Set(candidates.map(\.1.sweep)).sorted().joined(separator: ", "))"
                )
                return nil
            }
        } else {
            chosen =
                candidates.first { $0.1.sweep == "recommended" && $0.1.fit != nil }
                ?? candidates.filter { $0.1.fit != nil }.max {
                    ($0.1.fit?.maxThroughput ?? .infinity) < ($1.1.fit?.maxThroughput ?? .infinity)
                }
                ?? candidates.first
        }
        guard let (input, usl) = chosen else { return nil }
        let source = "\(input.path), sweep \(usl.sweep)"
        guard usl.weakPhases.isEmpty else {
            plan.refusals.append(
                "sessions: \(source) is inconclusive: weak measurements in \(usl.weakPhases.joined(separator: ", ")) (see the report); run it again on a quieter machine or with fewer clients"
            )
            return nil
        }
        guard usl.points.count >= 3, Set(usl.points.map(\.n)).count >= 3, let fit = usl.fit else {
            plan.refusals.append(
                "sessions: \(source) is too small: \(usl.points.count) measured fleet sizes (\(usl.problem ?? "a fit needs 3 or more")); sweep at least 3 instance counts (--set instances=1,2,3,5,8)"
            )
            return nil
        }
        let seconds: Double
        if let sessionSeconds {
            seconds = sessionSeconds
            plan.add("session duration", seconds, "s", from: "--session-duration")
        } else if let measured = Self.meanStreamSeconds(input.report, sweep: usl.sweep) {
            seconds = measured
            plan.add(
                "session duration", seconds, "s", from: "mean stream duration in \(source)",
                note: "pass --session-duration for your sessions' real length")
        } else {
            plan.refusals.append("sessions: \(source) has no stream durations; pass --session-duration")
            return nil
        }
        plan.add("USL λ", fit.lambda, "updates/s per instance", from: source)
        plan.add("USL σ", fit.sigma, "", from: source, note: "share of work serialised (the lock)")
        plan.add("USL κ", fit.kappa, "", from: source, note: "crosstalk between instances")
        let measuredMax = usl.points.map(\.n).max() ?? 1
        let peak = fit.model.peakConcurrencyWhole
        let limit = peak ?? Int(measuredMax * Self.extrapolationLimit)
        if let peak {
            plan.add(
                "USL N*", Double(peak), "instances", from: source, note: "adding instances past N* lowers throughput")
        }
        guard
            let n = (1...max(1, limit)).first(where: {
                fit.model.throughput(at: Double($0)) * seconds >= Double(sessions)
            })
        else {
            // The fit's limit is the extrapolation limit (no peak) or a peak past it: whether more
            // instances help out there is for the simulator to say.
            var simulator = ""
            if peak == nil || Double(limit) > measuredMax * Self.extrapolationLimit {
                switch simulateSessions(
                    sessions, seconds: seconds, input: input, sweep: usl.sweep,
                    from: Int(measuredMax * Self.extrapolationLimit), &plan)
                {
                case .success(let simulated): return simulated
                case .failure(let why): simulator = "; the simulator could not size it either: \(why.description)"
                }
            }
            let best = Double(limit)
            let most = fit.model.throughput(at: best) * seconds
            plan.refusals.append(
                "sessions: \(sessions) concurrent sessions of \(Quantity.number(seconds)) s exceed what this fit allows: at most "
                    + "\(Int(most)) at N = \(limit)\(peak == nil ? " (twice the largest measured fleet)" : " (N*, the peak)"); "
                    + "fix the contention (σ = \(String(format: "%.3f", fit.sigma))) or shorten sessions" + simulator)
            return nil
        }
        guard Double(n) <= measuredMax * Self.extrapolationLimit else {
            // Past what the fit may extrapolate: the simulator, calibrated on the same sweep.
            switch simulateSessions(sessions, seconds: seconds, input: input, sweep: usl.sweep, from: n, &plan) {
            case .success(let simulated): return simulated
            case .failure(let why):
                plan.refusals.append(
                    "sessions: \(source) is too small: the target needs N = \(n) but the sweep measured up to N = \(Int(measuredMax)); "
                        + "measure up to at least N = \(Int((Double(n) / Self.extrapolationLimit).rounded(.up))) (--set instances=...); "
                        + "the simulator could not stand in: \(why.description)"
                )
                return nil
            }
        }
        let x = fit.model.throughput(at: Double(n))
        plan.add(
            "instances for sessions", Double(n), "instances", from: source,
            note:
                "X(\(n)) = \(Quantity.number(x)) updates/s × \(Quantity.number(seconds)) s = \(Int(x * seconds)) sessions (Little's law); "
                + "efficiency \(Quantity.number(x / (Double(n) * fit.model.throughput(at: 1))))")
        return n
    }

    /// The smallest fleet whose simulated throughput holds `sessions` sessions of `seconds`, from
    /// a model calibrated on `sweep`'s group at its hot-set size (`stampede simulate`), searched
    /// by doubling from the fit's `from` and then bisection; each instance with the measured host's
    /// cores. The figures say they are simulated, and how the model did on the measured points.
    private func simulateSessions(
        _ sessions: Int, seconds: Double, input: Input, sweep: String, from start: Int, _ plan: inout CapacityPlan
    ) -> Result<Int, SimulationCalibrationError> {
        let phases = input.report.phases.filter { $0.sweep == sweep }
        guard let group = phases.first?.group, let hot = phases.first?.hotSet else {
            return .failure(.init(description: "sweep \(sweep) has no hot sessions to calibrate on"))
        }
        let cal: SimulationCalibration
        do {
            guard
                let c = try SimulationCalibration.calibrate(input.report, duration: .seconds(30)).first(where: {
                    $0.group == group
                })
            else { return .failure(.init(description: "group \(group) of sweep \(sweep) did not calibrate")) }
            cal = c
        } catch {
            return .failure(error)
        }
        let options = SimulationStudy.Options(instances: [], sessions: hot, durationSeconds: 30)
        var cache: [Int: Double] = [:]
        func throughput(_ n: Int) -> Double {
            if let x = cache[n] { return x }
            let x =
                SimulationStudy.predict(cal, instances: n, sessions: hot, options: options).metrics[
                    PhaseMetric.updatesPerSecond.rawValue] ?? 0
            cache[n] = x
            return x
        }
        let needed = Double(sessions) / seconds
        var low = 0
        var high = max(1, start)
        while throughput(high) < needed {
            low = high
            guard high < Self.simulationLimit else {
                let best = cache.max { $0.value < $1.value }!
                return .failure(
                    .init(
                        description:
                            "simulated up to N = \(high): at most \(Quantity.number(best.value)) updates/s (N = \(best.key)), \(Int(best.value * seconds)) sessions; the lock (\(hot) hot sessions) caps the fleet"
                    ))
            }
            high = min(high * 2, Self.simulationLimit)
        }
        while high - low > 1 {
            let mid = (low + high) / 2
            if throughput(mid) >= needed { high = mid } else { low = mid }
        }
        let x = throughput(high)
        let source = "simulation calibrated on \(cal.calibratedOn.joined(separator: ", ")) of \(input.path)"
        plan.add(
            "instances for sessions (simulated)", Double(high), "instances", from: source,
            note:
                "simulated X(\(high)) = \(Quantity.number(x)) updates/s × \(Quantity.number(seconds)) s = \(Int(x * seconds)) sessions at \(hot) hot sessions; "
                + "past twice the largest measured fleet, so not the USL fit; check with `stampede simulate --from \(input.path)` (validation on the measured points)"
        )
        return .success(high)
    }

    /// The most instances the plan simulates.
    public static let simulationLimit = 1024

    /// Mean stream duration of a sweep's phases (merged histograms), seconds.
    static func meanStreamSeconds(_ report: RunReport, sweep: String) -> Double? {
        var merged: Histogram<UInt64>?
        for phase in report.phases where phase.sweep == sweep {
            for client in phase.clients {
                guard let summary = client.latency["stream_duration"], summary.count > 0 else { continue }
                if merged == nil { merged = summary.histogram() } else { merged!.add(summary.histogram()) }
            }
        }
        guard let merged, merged.totalCount > 0 else { return nil }
        return merged.mean / 1e6
    }

    // MARK: streams

    struct StreamCapacity {
        var streamsPerInstance: Double
        var phase: PhaseResult
        var source: String
    }

    private func measuredStreamCapacity(_ usable: [Input], _ plan: inout CapacityPlan) -> StreamCapacity? {
        var best: StreamCapacity?
        var weak: [String] = []
        for input in usable {
            for phase in input.report.phases where phase.complete {
                guard let held = phase.metrics[.streamsOpenMax], held > 0 else { continue }
                let errors = [PhaseMetric.clientErrors, .acceptErrors, .rejectedConnections].compactMap {
                    phase.metrics[$0]
                }.reduce(0, +)
                guard errors == 0 else { continue }
                guard phase.validity.isEmpty else {
                    weak.append("\(input.path) phase \(phase.name): \(phase.validity.joined(separator: "; "))")
                    continue
                }
                if held > best?.streamsPerInstance ?? 0 {
                    best = StreamCapacity(
                        streamsPerInstance: held, phase: phase, source: "\(input.path) phase \(phase.name)")
                }
            }
        }
        guard let best else {
            plan.refusals.append(
                "streams: no report measured SSE streams without errors"
                    + (weak.isEmpty ? "" : " (weak measurements not used: \(weak.joined(separator: "; ")))")
                    + "; run `stampede run sse-capacity` and pass it with --from")
            return nil
        }
        guard best.streamsPerInstance >= Self.minimumStreamsMeasured else {
            plan.refusals.append(
                "streams: \(best.source) is too small: \(Int(best.streamsPerInstance)) streams per instance at most; measure at least \(Int(Self.minimumStreamsMeasured))"
            )
            return nil
        }
        return best
    }

    // MARK: per instance

    private func sizeInstances(fleet: Int, capacity: StreamCapacity?, _ usable: [Input], _ plan: inout CapacityPlan) {
        let phases = usable.flatMap { input in input.report.phases.filter(\.complete).map { (input.path, $0) } }
        func largest(_ metric: PhaseMetric) -> (Double, String)? {
            phases.compactMap { path, p in p.metrics[metric].map { ($0, "\(path) phase \(p.name)") } }.max {
                $0.0 < $1.0
            }
        }
        let headroom = 1 + margin
        // Pools: the document's formula, unless a measured peak (with the margin) needs more.
        var dbPool = Self.upstream.databasePool.maxConnections
        var dbSource = "upstream default pool \(Self.upstream.dbPoolSize) + overflow \(Self.upstream.dbMaxOverflow)"
        if let (peak, source) = largest(.dbPoolInUseMax), Int((peak * headroom).rounded(.up)) > dbPool {
            dbPool = Int((peak * headroom).rounded(.up))
            dbSource = "peak \(Int(peak)) in use (\(source)) + \(Quantity.number(margin * 100))%"
        }
        plan.add("PostgreSQL pool per instance (size + overflow)", Double(dbPool), "connections", from: dbSource)
        var redisPool = ServerConfiguration.upstreamRedisPoolSize(dbPool: dbPool, dbOverflow: 0)
        var redisSource = "\(ServerConfiguration.upstreamRedisPoolRule), KNOWN_ISSUES.md PERF-005"
        if let (peak, source) = largest(.redisPoolInUseMax), Int((peak * headroom).rounded(.up)) > redisPool {
            redisPool = Int((peak * headroom).rounded(.up))
            redisSource = "peak \(Int(peak)) in use (\(source)) + \(Quantity.number(margin * 100))%"
        }
        if let (errors, source) = largest(.redisPoolErrors), errors > 0 {
            redisSource += "; note: \(source) saw \(Int(errors)) \"Too many connections\" errors at its pool size"
        }
        plan.add("Redis pool per instance (REDIS_MAX_CONNECTIONS)", Double(redisPool), "connections", from: redisSource)
        plan.add(
            "PostgreSQL max_connections", Double(fleet * dbPool + Self.postgresReserved), "connections",
            from: "\(fleet) instances × \(dbPool) + \(Self.postgresReserved) reserved")
        plan.add(
            "Redis maxclients (at least)", Double(fleet * redisPool + Self.postgresReserved), "clients",
            from: "\(fleet) instances × \(redisPool) + \(Self.postgresReserved)")

        guard let streams = targetStreams, let capacity else { return }
        let perInstance = (Double(streams) / Double(fleet)).rounded(.up)
        plan.add("streams per instance", perInstance, "streams", from: "\(streams) streams over \(fleet) instances")
        let phase = capacity.phase
        let held = capacity.streamsPerInstance
        if let fds = phase.metrics[.fdsPerStream], let fdsMax = phase.metrics[.fdsMax] {
            let base = max(0, fdsMax - fds * held)
            let needed = (base + fds * perInstance + Double(dbPool + redisPool)) * headroom
            let limit = (needed / 1024).rounded(.up) * 1024
            plan.add(
                "soft open-file limit per instance (ulimit -n)", limit, "FDs",
                from: "\(Quantity.number(fds)) FDs per stream and \(Int(base)) at rest (\(capacity.source))",
                note:
                    "(\(Int(base)) + \(Quantity.number(fds)) × \(Int(perInstance)) streams + \(dbPool + redisPool) pool connections) × \(Quantity.number(headroom)), rounded up to 1024"
            )
        } else {
            plan.refusals.append(
                "file descriptors: \(capacity.source) has no fds_per_stream (its stream count did not change while sampled)"
            )
        }
        if let kib = phase.metrics[.rssPerStreamKb], let rssMax = phase.metrics[.rssMaxMb] {
            let base = max(0, rssMax - kib / 1024 * held)
            let mib = (base + kib / 1024 * perInstance) * headroom
            plan.add(
                "memory per instance", mib.rounded(.up), "MiB",
                from: "\(Quantity.number(kib)) KiB per stream and \(Int(base)) MiB at rest (\(capacity.source))",
                note:
                    "(\(Int(base)) + \(Quantity.number(kib)) KiB × \(Int(perInstance))) × \(Quantity.number(headroom))")
        } else {
            plan.refusals.append("memory: \(capacity.source) has no rss_per_stream_kb")
        }
    }
}

/// What `stampede plan` prints: figures with their sources, and what it refused to estimate.
public struct CapacityPlan: Sendable, Codable, Equatable {
    public struct Figure: Sendable, Codable, Equatable {
        public var name: String
        public var value: Double
        public var unit: String
        /// The measurement (report, phase, metric) or rule the value comes from.
        public var from: String
        public var note: String?
    }

    public var targetSessions: Int?
    public var targetStreams: Int?
    public var margin: Double
    public var instances: Int?
    public var figures: [Figure] = []
    /// Figures that could not be estimated, each with the reason and what to measure.
    public var refusals: [String] = []

    public init(targetSessions: Int?, targetStreams: Int?, margin: Double) {
        self.targetSessions = targetSessions
        self.targetStreams = targetStreams
        self.margin = margin
    }

    mutating func add(_ name: String, _ value: Double, _ unit: String, from: String, note: String? = nil) {
        figures.append(Figure(name: name, value: value, unit: unit, from: from, note: note))
    }

    public func figure(_ name: String) -> Double? { figures.first { $0.name == name }?.value }

    /// A plain-text rendering for the terminal.
    public var text: String {
        var out = "capacity plan for"
        if let targetSessions { out += " \(targetSessions) concurrent sessions" }
        if targetSessions != nil && targetStreams != nil { out += " and" }
        if let targetStreams { out += " \(targetStreams) SSE streams" }
        out += " (margin \(Quantity.number(margin * 100))%)\n"
        for f in figures {
            let value =
                f.value == f.value.rounded() && abs(f.value) < 1e9 ? String(Int(f.value)) : Quantity.number(f.value)
            let unit = f.unit == "instances" && f.value == 1 ? "instance" : f.unit
            out += "  \(f.name): \(value)\(unit.isEmpty ? "" : " " + unit)\n      from \(f.from)\n"
            if let note = f.note { out += "      \(note)\n" }
        }
        for r in refusals { out += "  REFUSED \(r)\n" }
        return out
    }
}
