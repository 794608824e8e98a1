import Analysis
import ArgumentParser
import Foundation

/// The options `stampede gate` and `stampede run --gate` share.
struct GateOptions: ParsableArguments {
    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            "A threshold to check besides the scenario's own (repeatable), e.g. 'stream.first_event: p(99) < 500ms'.",
            valueName: "EXPR"))
    var thresholds: [String] = []

    @Option(
        help: ArgumentHelp(
            "A baseline to compare the key figures with: a file from `stampede baseline update` or another run's report.json.",
            valueName: "FILE"))
    var baseline: String?

    @Option(
        help: ArgumentHelp(
            "How far a figure may move the wrong way before it is a regression (default: the baseline's, else 10%).",
            valueName: "PERCENT"))
    var tolerance: String?

    func validate() throws {
        if let tolerance {
            do { _ = try Tolerance(parsing: tolerance) } catch { throw ValidationError("--tolerance: \(error)") }
        }
        if tolerance != nil && baseline == nil {
            throw ValidationError("--tolerance needs --baseline FILE (it applies to the comparison)")
        }
    }

    /// The gate these options describe, checking `extraThresholds` besides the report's own
    /// (`stampede run` has put its `--threshold`s into the report already); a baseline that
    /// cannot be read is an error of the gate (exit 104), reported by the caller.
    func makeGate(extraThresholds: [String]) throws -> Analysis.Gate {
        let tolerance = try self.tolerance.map { try Tolerance(parsing: $0) }
        let baseline = try self.baseline.map { try BaselineFile.read($0) }
        return Analysis.Gate(extraThresholds: extraThresholds, baseline: baseline, tolerance: tolerance)
    }

    /// Evaluates, prints the outcome, writes JUnit and returns the exit code.
    static func run(
        _ gate: Analysis.Gate, on report: RunReport, junitPath: String, listingThresholds: Bool = true
    ) -> GateExitCode {
        finish(
            gate.evaluate(report), name: "stampede gate \(report.scenario)", timestamp: report.startedAt,
            junitPath: junitPath, listingThresholds: listingThresholds)
    }

    /// Prints an outcome, writes its JUnit and returns the exit code.
    static func finish(
        _ outcome: Analysis.Gate.Outcome, name: String, timestamp: String?, junitPath: String,
        listingThresholds: Bool = true
    ) -> GateExitCode {
        print(outcome.text(listingThresholds: listingThresholds), terminator: "")
        do {
            try outcome.junit(name: name, timestamp: timestamp).xml()
                .write(toFile: junitPath, atomically: true, encoding: .utf8)
            print("junit: \(junitPath)")
        } catch {
            FileHandle.standardError.write(Data("stampede gate: cannot write \(junitPath): \(error)\n".utf8))
            return .error
        }
        return outcome.exitCode
    }
}

/// A report given as a run directory or a report.json path.
enum ReportLocation {
    static func reportFile(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return (path as NSString).appendingPathComponent("report.json")
        }
        return path
    }
}
