import Analysis
import ArgumentParser
import Foundation
import LoadGen
import ServerConfig

/// `stampede simulate`: the discrete-event simulator, calibrated on a measured instance sweep.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict fleets past what was measured: a discrete-event simulation calibrated on a report.",
        discussion: """
            Calibrates one model per server group of REPORT's instance sweep (scale-001) on its two \
            smallest fleets: lock hold times from the lock logs, the time each stream spends outside \
            the lock, the think time, the CPU per stream; the lock strategy, delays, timeout, pools and \
            agent come from the servers' recorded configuration. Then it simulates each group at \
            --instances (every hot-set size measured, or --sessions), with the same Backoff code the \
            server uses, Redis as one thread serving commands in order, per-instance pools.

            Every output includes the validation: each measured point the calibration did not use \
            (the larger fleets), simulated as it ran (the host's cores shared by the fleet), with the \
            error. Goal: throughput within 10 %, lock-wait p99 within 25 %. Predictions give each \
            instance the measured host's cores (--cpu per-instance), as a deployment would; --cpu \
            host shares them as the measured runs did; --cpu off leaves CPU out.

            Writes simulation.json next to the report (or --out); --json prints it. Counts (timeouts, \
            pool errors) are over the simulated --duration (validation points: 60 s each); each point \
            records the wall time it took. Exit status: 0, 104 when the report \
            cannot be read or calibrated on, 64 bad arguments.

            Example: stampede simulate --from reports/latest --instances 1,2,5,10,20,50,100 --redis-rtt 1ms
            """)

    @Option(
        name: .customLong("from"),
        help: ArgumentHelp(
            "A report (run directory or report.json) with an instance sweep; default: the newest scale-001 in --reports.",
            valueName: "REPORT"))
    var from: String?
    @Option(help: ArgumentHelp("Where runs are, for the default --from.", valueName: "DIR")) var reports = "reports"
    @Option(help: ArgumentHelp("Fleet sizes to simulate, comma-separated.", valueName: "N,N,...")) var instances =
        "1,2,5,10,20,50,100"
    @Option(
        help: ArgumentHelp("Hot sessions the streams update (default: each hot-set size measured).", valueName: "N"))
    var sessions: Int?
    @Option(help: ArgumentHelp("Clients per instance (default: as measured).", valueName: "N")) var clientsPerInstance:
        Int?
    @Option(
        help: ArgumentHelp(
            "Readers as `stampede load --mix` (fast:80,slow:15,stalled:5) with the generator's slow and stall defaults; default: as measured.",
            valueName: "MIX"))
    var mix: String?
    @Option(help: ArgumentHelp("Zipf exponent of session popularity (default: as measured).", valueName: "S")) var zipf:
        Double?
    @Option(help: ArgumentHelp("Round trip to Redis, e.g. 1ms (default: as measured).", valueName: "DURATION"))
    var redisRtt: DurationArgument?
    @Option(
        help: ArgumentHelp(
            "Lock strategy for every group (\(LockStrategy.allCases.map(\.rawValue).joined(separator: ", "))); default: each group's own.",
            valueName: "S"))
    var strategy: LockStrategy?
    @Option(help: ArgumentHelp("CPU in predictions: per-instance, host or off.", valueName: "MODE")) var cpu =
        "per-instance"
    @Option(help: ArgumentHelp("Simulated time per point.", valueName: "DURATION")) var duration = DurationArgument(
        argument: "60s")!
    @Option(help: ArgumentHelp("Random seed (a run is deterministic for a seed).", valueName: "N")) var seed: UInt64 = 1
    @Option(
        help: ArgumentHelp(
            "Where to write the result (default: simulation.json next to the report).", valueName: "FILE"))
    var out: String?
    @Flag(help: "Print the result as JSON instead of tables.") var json = false

    func validate() throws {
        let sizes = instances.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        if sizes.isEmpty || sizes.contains(where: { ($0 ?? 0) < 1 }) {
            throw ValidationError(
                "--instances: expected positive fleet sizes such as 1,2,5,10,20,50,100, got '\(instances)'")
        }
        if let s = sessions, s < 1 { throw ValidationError("--sessions must be at least 1") }
        if let c = clientsPerInstance, c < 1 { throw ValidationError("--clients-per-instance must be at least 1") }
        if let mix {
            do { _ = try ProfileMix(parsing: mix) } catch {
                throw ValidationError("--mix: \(error)")
            }
        }
        if let z = zipf, z < 0 { throw ValidationError("--zipf must be ≥ 0 (0: uniform)") }
        if SimulationStudy.CPUMode(rawValue: cpu) == nil {
            throw ValidationError("--cpu: expected per-instance, host or off, got '\(cpu)'")
        }
        if duration.duration <= .zero || duration.duration > .seconds(86_400) {
            throw ValidationError("--duration: expected a positive duration up to 24h, such as 60s")
        }
    }

    func run() async throws {
        do {
            guard
                let path = from.map(ReportLocation.reportFile)
                    ?? Plan.newestRuns(in: reports).first(where: { $0.contains("scale-001") })
            else {
                throw ReportReadError(
                    description: "no scale-001 run in \(reports)/; run `stampede run scale-001` or pass --from REPORT")
            }
            let report = try RunReport.read(path)
            let options = SimulationStudy.Options(
                instances: instances.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                sessions: sessions, zipf: zipf, redisRTT: redisRtt?.duration.seconds, strategy: strategy,
                cpu: SimulationStudy.CPUMode(rawValue: cpu)!, durationSeconds: duration.duration.seconds, seed: seed,
                clientsPerInstance: clientsPerInstance, mix: try mix.map { try ProfileMix(parsing: $0) })
            let study = try SimulationStudy.run(report: report, source: path, options: options)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try e.encode(study)
            let target =
                out
                ?? ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("simulation.json")
            guard FileManager.default.createFile(atPath: target, contents: data) else {
                throw ReportReadError(description: "cannot write \(target)")
            }
            if json {
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(study.text, terminator: "")
                print("\nWrote \(target)")
            }
        } catch {
            FileHandle.standardError.write(Data("stampede simulate: \(error)\n".utf8))
            throw ExitCode(GateExitCode.error.rawValue)
        }
    }
}
