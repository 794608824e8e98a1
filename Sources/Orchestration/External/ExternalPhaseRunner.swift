import Analysis
import Foundation
import LoadGen
import ServerConfig
import Synchronization

/// Runs one phase against an existing deployment (``ExternalTarget``): no fleet, no services, no
/// faults. The client groups load the targets as the scenario says (each group's request: path,
/// method, body, headers); the sampler reads the targets' Prometheus text where they serve it;
/// hot sessions are created through the API (`POST /api/v1/query/single`). Metrics the run
/// cannot measure there are left out and named in `notMeasured` with the reason, never guessed.
struct ExternalPhaseRunner {
    var scenario: Scenario
    var phase: PhaseSpec
    var target: ExternalTarget
    var cancellation: RunCancellation
    var log: @Sendable (String) -> Void

    func run() async -> PhaseResult {
        let group = scenario.group(named: phase.group) ?? FleetGroup(name: phase.group)
        let n = target.bases.count
        var result = PhaseResult(
            name: phase.name, group: group.name, instances: n, profile: "external", serveArguments: [],
            durationSeconds: phase.duration, warmupSeconds: phase.warmup,
            startedAtUnixSeconds: Date().timeIntervalSince1970)
        result.sweep = phase.sweep
        result.popularity = phase.popularity
        result.hotSet = phase.hotSet
        result.zipf = phase.zipf
        let started = ContinuousClock.now
        var validity: [String] = []
        if let asked = phase.instances ?? scenario.group(named: phase.group)?.instances, asked != n, phase.sweep != nil
        {
            validity.append(
                "asks for \(asked) instances; the external target has \(n) (--target): a sweep point it cannot be")
        }
        if !(phase.faults ?? []).isEmpty {
            validity.append("planned faults not applied: the run does not control an external target")
        }
        if phase.network != nil || phase.clients.contains(where: { $0.link != nil }) {
            validity.append("network links not applied: they need a fleet the run starts")
        }
        var spec = phase
        for i in spec.clients.indices { spec.clients[i].link = nil }

        // Which targets serve Prometheus text, and whether it is the reference server's (one probe each).
        var exposed: [Int: Bool] = [:]
        let serverSeries = Set(ServerSeries.allCases.map(\.rawValue))
        var stampedeSeries = false
        for (i, m) in target.metrics.enumerated() {
            let r = HTTPProbe.request(host: m.host, port: m.port, path: m.path, timeout: 3)
            let series = r.flatMap { $0.status == 200 ? PrometheusText.parse($0.body) : nil } ?? [:]
            exposed[i] = !series.isEmpty
            if series.isEmpty { log("phase \(phase.name): target \(i) serves no Prometheus text at \(m.url)") }
            if !serverSeries.isDisjoint(with: series.keys) { stampedeSeries = true }
        }

        var sessionPool: LoadConfiguration.SessionPool?
        var turnsPerRun: Result<Int, ExternalUpdateVerifier.ReasonError>?
        if let hot = phase.hotSet {
            log("phase \(phase.name): creating \(hot) hot sessions through the API")
            let ids = createSessions(count: hot)
            if ids.count == hot {
                var pool = LoadConfiguration.SessionPool(hotSet: hot, ids: ids)
                pool.zipf = phase.zipf
                sessionPool = pool
                turnsPerRun = ExternalUpdateVerifier.turnsPerRun(target: target, ids: ids)
            } else {
                validity.append(
                    "created \(ids.count) of \(hot) hot sessions through POST /api/v1/query/single: the load did not aim at shared sessions"
                )
            }
        }

        let sampler = Sampler(
            targets: target.metrics.enumerated().map { i, m in
                .init(instance: i, pid: nil, host: m.host, port: m.port, metricsPath: exposed[i] == true ? m.path : nil)
            }, hz: scenario.sampling.hz)
        log("phase \(phase.name): \(n) external target\(n == 1 ? "" : "s"), \(phase.clients.count) client group(s)")
        sampler.begin()
        let loadStartUnix = Date().timeIntervalSince1970
        var clients: [ClientGroupResult] = []
        var failure: String?
        do {
            (clients, _) = try await PhaseRunner.runLoad(
                phase: spec, bases: target.bases, cancellation: cancellation, sessionPool: sessionPool,
                apiKey: target.apiKey, origin: LoadOrigin.now(), ownLink: nil)
        } catch {
            failure = "\(error)"
        }
        let samples = sampler.end(settle: 3)
        var notMeasured: [String: String] = [:]
        if phase.hotSet != nil {
            let endpoints = target.endpoints.enumerated().map { i, e in
                PhaseRunner.LockLogEndpoint(instance: i, host: e.host, port: e.port, prefix: e.prefix)
            }
            switch PhaseRunner.lockTelemetry(
                endpoints: target.endpoints.allSatisfy { $0.scheme == "http" } ? endpoints : [], apiKey: target.apiKey,
                from: loadStartUnix + phase.warmup, until: loadStartUnix + phase.duration)
            {
            case .measured(let values, _): result.metrics.merge(values) { _, exact in exact }
            case .notMeasured(let reason):
                for name in [PhaseMetric.lockFreeWhileWaitingShare, .lockBargingShare, .lockHoldP99Ms] {
                    notMeasured[name.rawValue] = reason
                }
            }
        }
        let limits = PhaseMetricsCalculator.Limits(
            minSamples: stampedeSeries ? scenario.sampling.minSamples : 0,
            generatorCPULimit: scenario.sampling.generatorCPULimit,
            machineCPULimit: scenario.sampling.machineCPULimit ?? SamplingSpec.defaultMachineCPULimit,
            cores: LoadConfiguration.defaultThreads)
        let computed = PhaseMetricsCalculator.compute(
            samples: samples, warmup: phase.warmup, clients: clients, limits: limits)
        var lostUpdates: Int?
        if failure == nil, !cancellation.isCancelled, let ids = sessionPool?.ids {
            switch turnsPerRun {
            case .success(let k)?:
                log("phase \(phase.name): checking for lost updates through the API")
                switch await ExternalUpdateVerifier(
                    target: target, sessionIDs: ids, turnsPerRun: k, cancellation: cancellation
                ).run() {
                case .measured(let lost): lostUpdates = lost
                case .notMeasured(let reason): notMeasured[PhaseMetric.lostUpdates.rawValue] = reason
                }
            case .failure(let e)?: notMeasured[PhaseMetric.lostUpdates.rawValue] = e.reason
            case nil: break
            }
            notMeasured[PhaseMetric.lostTurns.rawValue] =
                "needs the servers' count of turns written (a fleet the run starts), not an external target's"
        }
        for d in MetricCatalog.phase where notMeasured[d.name] == nil {
            if d.name == PhaseMetric.lostUpdates.rawValue && (lostUpdates != nil || sessionPool?.ids != nil) {
                continue
            }
            guard
                let reason = ExternalTargetRecord.reason(
                    for: d.source, metric: d.name, exposesServerSeries: stampedeSeries)
            else { continue }
            if d.source == .verification && phase.hotSet == nil { continue }
            notMeasured[d.name] = reason
        }
        // Nothing from the sampler's view of the servers (all zeros without /proc) or from
        // series the target does not serve (all zeros without them) stays.
        result.metrics.merge(
            computed.metrics.filter { key, _ in
                guard let d = MetricCatalog.definition(ofKey: key) else { return true }
                return d.scope == .client || notMeasured[d.name] == nil
            }
        ) { exact, _ in exact }
        if let lostUpdates { result.metrics[.lostUpdates] = Double(lostUpdates) }
        result.notMeasured = notMeasured.isEmpty ? nil : notMeasured
        if stampedeSeries {
            let batches = BatchMeans.cut(
                samples: samples, warmup: phase.warmup, duration: phase.duration, lockLog: nil, limits: limits,
                faults: [])
            result.intervals = batches.intervals.isEmpty ? nil : batches.intervals.filter { notMeasured[$0.key] == nil }
            if let problem = batches.problem { validity.append(problem) }
        }
        result.validity = validity + computed.validity
        result.clients = clients
        result.lockWait = PhaseRunner.lockWaitDistribution(samples, warmup: phase.warmup, hotSet: phase.hotSet)
        result.samples = PhaseRunner.trim(samples, keep: Set(PhaseRunner.keptSeries + scenario.sampling.metrics))
        result.finish(failure: failure, cancellation: cancellation, started: started, log: log)
        return result
    }

    /// Sessions made the way a client makes them: one run each with no `session_id`, its id read
    /// from the answer; all at once, the first target's base URL. Returns the ids it got.
    func createSessions(count: Int) -> [String] {
        guard let first = target.endpoints.first, first.scheme == "http" else { return [] }
        let (host, port, prefix) = (first.host, first.port, first.prefix)
        let ids = Mutex<[String]>([])
        let done = DispatchGroup()
        let apiKey = target.apiKey
        for _ in 0..<count {
            done.enter()
            // A thread each: every call blocks for a whole agent run.
            Thread {
                defer { done.leave() }
                ids.withLock {
                    $0 += Self.createSession(host: host, port: port, path: prefix, apiKey: apiKey).map { [$0] } ?? []
                }
            }.start()
        }
        done.wait()
        return ids.withLock { $0 }
    }

    static func createSession(host: String, port: Int, path prefix: String, apiKey: String) -> String? {
        guard
            let r = HTTPProbe.request(
                host: host, port: port, method: "POST", path: prefix + "/api/v1/query/single",
                body: "{\"prompt\": \"stampede\"}", headers: ["X-API-Key": apiKey], timeout: 120),
            r.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any],
            let id = object["session_id"] as? String
        else { return nil }
        return id
    }
}
