import Analysis
import Foundation
import Proxy
import ServerConfig

/// Applies a phase's planned faults (``FaultSpec``) on the load's timeline, each occurrence in its
/// own task so that faults may overlap, and records when each hit and ended. A fault's own
/// process exits are announced to the ``Sampler`` first, so they are not taken for deaths. Paused
/// instances are always resumed and downed links brought back, also when the load ends early.
struct FaultInjector {
    var faults: [FaultSpec]
    /// The phase's links as configured (what a `latency` fault returns to).
    var network: NetworkSpec?
    var fleet: Fleet
    var services: EmbeddedServices?
    var links: NetworkLinks
    var sampler: Sampler
    var observe: @Sendable (ScenarioRunner.Resource) -> Void
    var log: @Sendable (String) -> Void
    /// The run was interrupted: apply nothing more, end the faults in progress now.
    var interrupted: @Sendable () -> Bool

    /// Every occurrence of every fault within `loadSeconds`, in time order.
    static func schedule(_ faults: [FaultSpec], loadSeconds: Double) -> [(fault: FaultSpec, at: Double)] {
        faults.flatMap { f in f.occurrences(within: loadSeconds).map { (f, $0) } }.sorted { $0.at < $1.at }
    }

    /// Runs the timeline from `start` (the load's start) until every occurrence is done (a fault
    /// in progress when the load ends runs to its end, so that nothing is left stopped or down).
    func run(start: ContinuousClock.Instant, loadSeconds: Double) async -> [FaultResult] {
        let plan = Self.schedule(faults, loadSeconds: loadSeconds)
        let injector = self
        let results = await withTaskGroup(of: (Int, FaultResult?).self) { group in
            for (k, occurrence) in plan.enumerated() {
                group.addTask {
                    await injector.sleep(until: start + .secondsDouble(occurrence.at))
                    if injector.interrupted() { return (k, nil) }
                    return (k, await injector.apply(occurrence.fault, occurrence: k, start: start))
                }
            }
            var out: [(Int, FaultResult)] = []
            for await (k, r) in group { if let r { out.append((k, r)) } }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return results
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        start.duration(to: .now).scenarioSeconds
    }

    /// Sleeps until `deadline`, or until the run is interrupted.
    private func sleep(until deadline: ContinuousClock.Instant) async {
        while !interrupted(), ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(100), ContinuousClock.now.duration(to: deadline)))
        }
    }

    /// Sleeps for the fault's duration, or until the run is interrupted.
    private func hold(_ seconds: Double?) async {
        guard let seconds, seconds > 0 else { return }
        await sleep(until: .now + .secondsDouble(seconds))
    }

    func apply(_ f: FaultSpec, occurrence: Int, start: ContinuousClock.Instant) async -> FaultResult {
        var hit = Self.seconds(since: start)
        func done(ended: Double?, error: String? = nil) -> FaultResult {
            let r = FaultResult(fault: f, atSeconds: hit, endedSeconds: ended, error: error)
            log(
                "fault \(f) at \(String(format: "%.1f", hit)) s: "
                    + (error.map { "not applied: \($0)" }
                        ?? (ended.map { "ended at \(String(format: "%.1f", $0)) s" } ?? "not ended")))
            return r
        }
        do {
            switch f.action {
            case .pauseInstance:
                if f.trigger == .midUpdate {
                    guard let port = fleet.instance(f.instance)?.port else {
                        return done(ended: nil, error: "instance \(f.instance) is not running")
                    }
                    guard await Self.waitForUpdateInProgress(port: port, timeout: 5) else {
                        return done(ended: nil, error: "instance \(f.instance) made no update within 5 s")
                    }
                }
                try fleet.signal(SIGSTOP, instance: f.instance)
                hit = Self.seconds(since: start)
                await hold(f.duration)
                try fleet.signal(SIGCONT, instance: f.instance)
                return done(ended: Self.seconds(since: start))
            case .killInstance, .restartInstance:
                guard let pid = fleet.instance(f.instance)?.pid else {
                    return done(ended: nil, error: "instance \(f.instance) is not running")
                }
                sampler.expectExit(of: pid)
                try fleet.end(instance: f.instance, signal: f.action == .killInstance ? SIGKILL : SIGTERM)
                hit = Self.seconds(since: start)
                if f.action == .killInstance && f.duration == nil { return done(ended: nil) }
                await hold(f.duration)
                let new = try await fleet.restart(instance: f.instance, generation: occurrence + 1)
                sampler.replace(pid, with: new)
                observe(.process(pid: new, name: "stampede serve"))
                return done(ended: Self.seconds(since: start))
            case .redisRestart, .postgresRestart:
                guard let services else {
                    return done(ended: nil, error: "\(f.target) was not started by this run (an external service)")
                }
                let redis = f.action == .redisRestart
                guard let old = redis ? services.redisPID : services.postgresPID else {
                    return done(ended: nil, error: "\(f.target) was not started by this run (an external service)")
                }
                sampler.expectExit(of: old)
                let down = Duration.secondsDouble(f.duration ?? 0)
                let new =
                    try await redis
                    ? services.restartRedis(downFor: down, kill: f.mode == .kill)
                    : services.restartPostgres(downFor: down, kill: f.mode == .kill)
                sampler.replace(old, with: new)
                observe(.process(pid: new, name: redis ? "redis-server" : "postgres"))
                return done(ended: Self.seconds(since: start))
            case .linkDown:
                let proxies = links.proxies(of: f.link ?? "")
                guard !proxies.isEmpty else { return done(ended: nil, error: "link \(f.link ?? "?") has no proxy") }
                for p in proxies { try await p.setEnabled(false) }
                hit = Self.seconds(since: start)
                await hold(f.duration)
                for p in proxies { try await p.setEnabled(true) }
                return done(ended: Self.seconds(since: start))
            case .latency:
                let name = f.link ?? ""
                let proxies = links.proxies(of: name)
                guard !proxies.isEmpty else { return done(ended: nil, error: "link \(name) has no proxy") }
                var changed = network?.link(named: name) ?? LinkSpec()
                let original = changed
                changed.latency = f.latency ?? 0
                changed.jitter = min(changed.jitter, changed.latency)
                for p in proxies { try await p.setDownstream(NetworkLinks.downstream(changed)) }
                hit = Self.seconds(since: start)
                await hold(f.duration)
                for p in proxies { try await p.setDownstream(NetworkLinks.downstream(original)) }
                return done(ended: Self.seconds(since: start))
            }
        } catch {
            return done(ended: nil, error: "\(error)")
        }
    }

    /// Polls the instance's `/metrics` (every 5 ms, off the concurrency pool) until an update is
    /// between its read and its write; false after `timeout` seconds.
    static func waitForUpdateInProgress(port: Int, timeout: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let deadline = Date().addingTimeInterval(timeout)
                while Date() < deadline {
                    let body = HTTPProbe.request(port: port, path: "/metrics", timeout: 0.5)?.body ?? ""
                    if (PrometheusText.parse(body)[ServerSeries.sessionUpdatesInProgress.rawValue] ?? 0) > 0 {
                        continuation.resume(returning: true)
                        return
                    }
                    usleep(5_000)
                }
                continuation.resume(returning: false)
            }
        }
    }
}
