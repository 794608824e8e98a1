import ArgumentParser
import Foundation
import LoadGen
import Orchestration

/// Runs a load configuration for the CLI: live progress on a terminal, Ctrl-C handling, the
/// summary table, result.json and .hgrm files, and the exit code.
enum LoadReporter {
    /// Bad input: one line on stderr, exit code 64 (as every command's usage errors).
    static func fail(_ error: any Error) -> Never { fail("\(error)") }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        Foundation.exit(ExitCode.validationFailure.rawValue)
    }

    static func execute(
        _ configuration: LoadConfiguration, out: String?, quiet: Bool, startAt: Double? = nil
    )
        async throws
    {
        do { try configuration.validate() } catch {
            fail("error: " + error.problems.map { $0.hasPrefix("url ") ? "--" + $0 : $0 }.joined(separator: "; "))
        }
        let run = LoadRun(configuration: configuration, origin: startAt.map { LoadOrigin.at(unixSeconds: $0) })
        if let startAt, !quiet {
            let wait = startAt - Date().timeIntervalSince1970
            let who = configuration.shard.isWhole ? "" : "shard \(configuration.shard): "
            FileHandle.standardError.write(
                Data(
                    (wait > 0
                        ? "\(who)waiting \(String(format: "%.1f", wait)) s for --start-at\n"
                        : "\(who)--start-at was \(String(format: "%.1f", -wait)) s ago: starting now, due clients at once\n")
                        .utf8))
        }
        let live = !quiet && isatty(STDERR_FILENO) == 1
        let lastEvents = LockedCounter()
        let onSignal: @Sendable (String) -> Void = { _ in
            FileHandle.standardError.write(Data("\nstopping: writing the results so far\n".utf8))
            run.stop()
        }
        let result = try await CommandLifecycle.run(onSignal: onSignal) {
            try await run.run { p in
                guard live else { return }
                let rate = p.events - lastEvents.swap(p.events)
                let line = String(
                    format: "\r%6.1fs  open %d  started %d  events %d (%d/s)  %@  errors %d%@\u{1B}[K",
                    p.elapsedSeconds, p.open, p.started, p.events, rate, LoadSummary.bytes(Double(p.bytes)), p.errors,
                    p.dropped > 0 ? "  dropped \(p.dropped)" : "")
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        if live { FileHandle.standardError.write(Data("\n".utf8)) }
        print(LoadSummary.text(result))
        if let out { try write(result, to: out) }
        if result.nothingSucceeded { throw ExitCode(1) }
    }

    static func write(_ result: LoadResult, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: path), options: .atomic)
        let stem = path.hasSuffix(".json") ? String(path.dropLast(5)) : path
        var written = [path]
        for metric in LatencyMetric.allCases {
            guard let text = result.hgrm(metric) else { continue }
            let file = "\(stem).\(metric.rawValue).hgrm"
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            written.append(file)
            guard let intervals = result.intervals?[metric.rawValue] else { continue }
            let log = HistogramLog.text(
                intervals: intervals, startTime: result.startedAtUnixSeconds,
                comment: "[stampede \(metric.rawValue): values in microseconds, Interval_Max in milliseconds]")
            let hlog = "\(stem).\(metric.rawValue).hlog"
            try Data(log.utf8).write(to: URL(fileURLWithPath: hlog))
            written.append(hlog)
        }
        print("wrote " + written.joined(separator: ", "))
    }
}

/// The previous value of a counter, for per-second deltas in the progress callback.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func swap(_ new: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let old = value
        value = new
        return old
    }
}
