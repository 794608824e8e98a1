import Foundation
import LoadGen
import ServerConfig
import Simulation

/// A ``SimulationModel`` for one server group of a measured instance sweep, calibrated on its two
/// smallest fleets (every hot set measured there): the lock hold (median and p99 of the lock logs,
/// less the configured hold), the time a stream spends outside the lock and the think time
/// between streams (from streams per second, the mean stream duration and the mean lock wait,
/// by Little's law), the CPU per stream (machine CPU over streams per second); the rest is the
/// servers' own configuration as the report recorded it (strategy, delays, timeout, pools, agent).
public struct SimulationCalibration: Sendable, Equatable, Codable {
    public var group: String
    public var profile: String
    /// The phases it was calibrated on.
    public var calibratedOn: [String]
    public var clientsPerInstance: Int
    /// The calibrated model; `instances`, `sessions` and `zipf` are set per run by ``model(instances:sessions:zipf:)``.
    public var template: SimulationModel
    /// What was calibrated, one line each, for reports.
    public var notes: [String]

    public func model(instances: Int, sessions: Int, zipf: Double?) -> SimulationModel {
        var m = template
        m.instances = instances
        m.sessions = sessions
        m.zipf = zipf
        return m
    }

    /// One calibration per group of `report` that has a sweep of at least three fleet sizes with
    /// hot sessions (two to calibrate on, the rest to validate).
    public static func calibrate(
        _ report: RunReport, duration: Duration = .seconds(60), warmup: Duration = .seconds(5)
    ) throws(SimulationCalibrationError) -> [SimulationCalibration] {
        var out: [SimulationCalibration] = []
        var problems: [String] = []
        let groups = Dictionary(grouping: report.phases.filter { $0.sweep != nil && $0.hotSet != nil }, by: \.group)
        for group in groups.keys.sorted() {
            do throws(SimulationCalibrationError) {
                out.append(
                    try calibrate(
                        group: group, phases: groups[group]!, cores: Double(report.environment.cores),
                        duration: duration, warmup: warmup))
            } catch {
                problems.append(error.description)
            }
        }
        guard !out.isEmpty else {
            throw SimulationCalibrationError(
                description: problems.isEmpty
                    ? "\(report.scenario): no instance sweep with hot sessions to calibrate on (run scale-001, or a scenario with `instances: \"1,2,5\"` and `hot-set:`)"
                    : problems.joined(separator: "; "))
        }
        return out
    }

    static func calibrate(
        group: String, phases: [PhaseResult], cores: Double, duration: Duration, warmup: Duration
    ) throws(SimulationCalibrationError) -> SimulationCalibration {
        let complete = phases.filter { $0.complete }
        let sizes = Array(Set(complete.map(\.instances))).sorted()
        guard sizes.count >= 3 else {
            throw SimulationCalibrationError(
                description:
                    "group \(group): \(sizes.count) complete fleet size(s) (\(sizes.map(String.init).joined(separator: ","))); the simulator calibrates on the two smallest and validates on the rest, so it needs 3 or more"
            )
        }
        let calibration = complete.filter { $0.instances <= sizes[1] }.sorted {
            ($0.instances, $0.name) < ($1.instances, $1.name)
        }
        let first = calibration[0]
        guard let profile = ServerProfile(rawValue: first.profile) else {
            throw SimulationCalibrationError(description: "group \(group): unknown profile '\(first.profile)'")
        }
        let c: ServerConfiguration
        do {
            c = try ServerKnobs.resolve(
                profile: profile, settings: (first.configuration ?? []).filter { $0.name != "api-key" }
            ).configuration
        } catch {
            throw SimulationCalibrationError(
                description: "group \(group): the servers' configuration in the report does not resolve: \(error)")
        }
        let clients = first.clients.reduce(0) { $0 + $1.clients }
        guard clients > 0, clients % first.instances == 0 else {
            throw SimulationCalibrationError(
                description:
                    "group \(group): \(clients) clients over \(first.instances) instance(s); the simulator needs clients per instance"
            )
        }
        let perInstance = clients / first.instances
        func metric(_ p: PhaseResult, _ name: PhaseMetric) -> Double? { p.metrics[name.rawValue] }
        func median(_ xs: [Double]) -> Double? {
            let s = xs.sorted()
            guard !s.isEmpty else { return nil }
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let hold = c.lockHold.seconds
        guard let holdP50 = median(calibration.compactMap { metric($0, .lockHoldP50Ms) }).map({ $0 / 1000 }),
            let holdP99 = median(calibration.compactMap { metric($0, .lockHoldP99Ms) }).map({ $0 / 1000 })
        else {
            throw SimulationCalibrationError(
                description:
                    "group \(group): no lock hold times in \(calibration.map(\.name).joined(separator: ", ")) (lock logs missing)"
            )
        }
        let redisRTT = first.network?.redis?.latency ?? 0
        // The simulated hold is GET, the configured hold, the write, the cache write and the
        // release; what the log shows beyond the configured hold and the added round trips is work.
        let holdWork = SimulationModel.Spread.through(
            p50: .seconds(max(0, holdP50 - hold - 3 * redisRTT)), p99: .seconds(max(0, holdP99 - hold - 3 * redisRTT)))
        let events: Int
        switch c.agent.eventsPerRun {
        case .fixed(let n): events = n
        case .uniform(let a, let b): events = (a + b) / 2
        case .exponential(let mean): events = Int(mean.rounded())
        }
        let agentSeconds = Double(events) * c.agent.eventInterval.seconds
        var overheads: [Double] = []
        var thinks: [Double] = []
        var cpuPerStream: [Double] = []
        for p in calibration {
            guard let x = metric(p, .streamsPerSecond) ?? metric(p, .updatesPerSecond), x > 0 else { continue }
            let durations = p.clients.compactMap { $0.latency["stream_duration"] }.filter { $0.count > 0 }
            let n = durations.reduce(0.0) { $0 + Double($1.count) }
            guard n > 0 else { continue }
            let streamSeconds = durations.reduce(0.0) { $0 + $1.mean * Double($1.count) } / n / 1e6
            let wait = (metric(p, .lockWaitMeanMs) ?? 0) / 1000
            let cycle = Double(p.instances * perInstance) / x
            thinks.append(max(0, cycle - streamSeconds))
            overheads.append(max(0, streamSeconds - agentSeconds - wait - holdWork.mean.seconds - hold - 4 * redisRTT))
            if let cpu = metric(p, .machineCpuPercent) { cpuPerStream.append(cpu / 100 * cores / x) }
        }
        guard let think = median(thinks), let overhead = median(overheads) else {
            throw SimulationCalibrationError(
                description:
                    "group \(group): no streams per second or stream durations in \(calibration.map(\.name).joined(separator: ", "))"
            )
        }
        var m = SimulationModel(
            instances: first.instances,
            load: .closed(clientsPerInstance: perInstance, think: .init(fixed: .seconds(think))),
            sessions: first.hotSet ?? 1, zipf: first.zipf,
            agent: .init(
                events: events, interval: c.agent.eventInterval, payloadBytes: c.agent.payloadBytes,
                slots: c.agentSlots),
            lock: .init(
                strategy: c.lockStrategy, initialDelay: c.lockInitialDelay, maxDelay: c.lockMaxDelay,
                timeout: c.lockTimeout, hold: c.lockHold, holdWork: holdWork),
            redis: .init(
                roundTrip: .seconds(redisRTT), service: .init(fixed: .microseconds(20)),
                pool: .init(size: c.redisPoolSize, timeout: c.redisPoolTimeout)),
            database: .init(
                roundTrip: .zero, service: .zero,
                pool: .init(size: c.dbPoolSize + c.dbMaxOverflow, timeout: c.dbPoolTimeout)),
            duration: duration, warmup: warmup)
        // Half the overhead fixed, half exponential: streams are not clockwork.
        m.streamOverhead = .init(fixed: .seconds(overhead / 2), exponentialMean: .seconds(overhead / 2))
        // The fair lock's hand-off: while waiters queue, the lock sits free only between a release
        // and the next holder's claim, so at the most contended calibration point that share of
        // the contended time, over the holds, is the gap per hand-off.
        if c.lockStrategy == .fair,
            let busiest = calibration.filter({ (metric($0, .lockFreeWhileWaitingShare) ?? 1) < 0.2 })
                .min(by: { metric($0, .lockFreeWhileWaitingShare)! < metric($1, .lockFreeWhileWaitingShare)! }),
            let share = metric(busiest, .lockFreeWhileWaitingShare), let holdMs = metric(busiest, .lockHoldP50Ms)
        {
            let gap = share / (1 - share) * holdMs / 1000
            m.lock.handoff = .init(fixed: .seconds(max(0, gap - redisRTT / 2)))
        }
        // Other work on the host only ever adds machine CPU, so the lower quartile, not the median.
        let cpuSorted = cpuPerStream.sorted()
        if !cpuSorted.isEmpty, case let cpu = cpuSorted[cpuSorted.count / 4], cpu > 0 {
            m.cpu = .init(secondsPerStream: cpu, cores: cores, sharedByFleet: true)
        }
        func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
        var notes = [
            "\(c.lockStrategy.rawValue) lock, delays \(DurationText.format(c.lockInitialDelay.seconds))→\(DurationText.format(c.lockMaxDelay.seconds)), timeout \(DurationText.format(c.lockTimeout.seconds)); \(perInstance) clients per instance",
            "hold: configured \(ms(hold)) + work \(ms(holdWork.fixed.seconds)) + Exp(\(ms(holdWork.exponentialMean.seconds))) (lock logs: p50 \(ms(holdP50)), p99 \(ms(holdP99)))",
            "stream: agent \(ms(agentSeconds)) + overhead \(ms(overhead)) outside the lock; think \(ms(think)) between streams",
        ]
        if m.lock.handoff.fixed > .zero {
            notes.append("fair hand-off: \(ms(m.lock.handoff.fixed.seconds)) from release to the next holder's claim")
        }
        if let cpu = m.cpu {
            notes.append(String(format: "CPU: %.2f ms per stream on %.0f core(s)", cpu.secondsPerStream * 1000, cores))
        }
        return SimulationCalibration(
            group: group, profile: profile.rawValue, calibratedOn: calibration.map(\.name),
            clientsPerInstance: perInstance,
            template: m, notes: notes)
    }
}

public struct SimulationCalibrationError: Error, CustomStringConvertible, Equatable {
    public var description: String
}
