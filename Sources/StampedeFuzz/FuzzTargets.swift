import Analysis
import Foundation
import LoadGen
import Server

/// The inputs Stampede takes from outside, each as a fuzz target: bytes an SSE server sends
/// (`sse`), scenario YAML (`scenario`), threshold expressions (`threshold`) and the reference
/// server's request bodies (`query`). Each must either succeed or fail with an error: a crash, a
/// trap (overflow, out of bounds) or a hang is a bug.
enum FuzzTargets {
    static let names = ["sse", "scenario", "threshold", "query"]

    /// Runs `data` through target `name`.
    static func run(_ name: String, _ data: Data) {
        switch name {
        case "sse":
            // The same bytes whole and split at every 7th byte: chunking must not change the events.
            var whole = SSEParser()
            let events = whole.parse(data)
            whole.finish()
            var split = SSEParser()
            var pieces: [SSEEvent] = []
            var i = data.startIndex
            while i < data.endIndex {
                let end = data.index(i, offsetBy: 7, limitedBy: data.endIndex) ?? data.endIndex
                pieces += split.parse(data[i..<end])
                i = end
            }
            split.finish()
            precondition(pieces == events, "chunking changed the events")
        case "scenario":
            guard let text = String(data: data, encoding: .utf8) else { return }
            _ = try? ScenarioLoader.load(yaml: text, source: "fuzz")
        case "threshold":
            guard let text = String(data: data, encoding: .utf8) else { return }
            if let t = try? Threshold(parsing: text) {
                // What parses must print and parse again to the same threshold (the same metric,
                // aggregation, comparison and bound; the original's spacing and columns aside).
                let again = try? Threshold(parsing: t.description)
                precondition(
                    again.map {
                        $0.metric == t.metric && $0.aggregation == t.aggregation && $0.comparison == t.comparison
                            && $0.bound == t.bound && $0.description == t.description
                    } == true, "\(text) does not round-trip: \(t.description)")
            }
        case "query":
            _ = try? QueryRequest.decode(body: data)
        default:
            fatalError("no fuzz target '\(name)'; targets: \(names.joined(separator: ", "))")
        }
    }
}

#if FUZZING
/// libFuzzer's entry point; the target comes from `STAMPEDE_FUZZ` (scripts/fuzz.sh sets it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.run(target, bytes.map { Data(bytes: $0, count: size) } ?? Data())
    return 0
}

private let target = ProcessInfo.processInfo.environment["STAMPEDE_FUZZ"] ?? "sse"

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's `main` to `<module>_main`: here it hands over to libFuzzer.
@_cdecl("StampedeFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var args = argv
    return runFuzzerDriver(&count, &args) { bytes, size in fuzzTestOneInput(bytes, size) }
}
#else
/// Without the fuzzer: `StampedeFuzz TARGET FILE...` replays inputs (a corpus, a crash) through a target.
@main struct ReplayFuzzInputs {
    static func main() throws {
        let args = Array(CommandLine.arguments.dropFirst())
        guard let name = args.first, FuzzTargets.names.contains(name) else {
            print("usage: StampedeFuzz \(FuzzTargets.names.joined(separator: "|")) FILE...")
            exit(64)
        }
        for path in args.dropFirst() {
            FuzzTargets.run(name, try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        print("\(args.count - 1) inputs through \(name): no crash")
    }
}
#endif
