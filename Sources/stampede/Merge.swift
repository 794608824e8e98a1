import ArgumentParser
import Foundation
import LoadGen

/// `stampede merge`: the shards of a load test into the whole test's result.
struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the result.json files of a sharded load test into the whole test's result, losslessly.",
        discussion: """
            Each shard ran `stampede load sse|http ... --shard INDEX/COUNT --out FILE` (or --shards \
            COUNT in a Kubernetes Indexed Job). The merge adds counters, errors and integrity, merges \
            latency histograms bucket by bucket (percentiles are never averaged), aligns the \
            per-second series and interval histograms on wall-clock seconds from the earliest \
            shard's start, and keeps each shard's generator cost under `merged.shards`. It refuses \
            files that are not shards, shards of different tests and a missing or repeated shard.

            Writes MERGED.json, NAME.<metric>.hgrm and NAME.<metric>.hlog (HdrHistogram interval \
            logs) beside it. Check thresholds once, on the merged result:
              stampede gate MERGED.json --threshold 'stream.first_event: p(99) < 500ms'

            Exit status: 0 merged; 64 bad usage; 65 the files cannot be merged (the message says why).

            Example:
              stampede merge results/shard-*.json --out results/merged.json
            """)

    @Argument(help: ArgumentHelp("The shards' result files, one per shard.", valueName: "RESULT.json"))
    var files: [String] = []
    @Option(help: ArgumentHelp("Where to write the merged result.", valueName: "MERGED.json")) var out: String

    func validate() throws {
        if files.isEmpty {
            throw ValidationError("give the shards' result files, e.g. stampede merge shard-*.json --out merged.json")
        }
    }

    func run() async throws {
        var parts: [(file: String, result: LoadResult)] = []
        do {
            for file in files { parts.append((file, try Self.read(file))) }
            let merged = try LoadResult.merge(parts)
            print(LoadSummary.text(merged))
            try LoadReporter.write(merged, to: out)
        } catch let e as LoadMergeError {
            Self.refuse(e.description)
        } catch let e as ReadError {
            Self.refuse(e.description)
        }
    }

    static func refuse(_ message: String) -> Never {
        FileHandle.standardError.write(Data("stampede merge: \(message)\n".utf8))
        Foundation.exit(65)
    }

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// A load result.json, rejecting other schemas and newer versions.
    static func read(_ path: String) throws -> LoadResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "cannot read \(path)")
        }
        struct Header: Decodable {
            var schema: String?
            var schemaVersion: Int?
        }
        let header = try? JSONDecoder().decode(Header.self, from: data)
        guard let schema = header?.schema else {
            throw ReadError(description: "\(path) is not a stampede load result (no schema)")
        }
        guard schema == "stampede.load-result" else {
            throw ReadError(
                description:
                    "\(path) has schema '\(schema)', expected 'stampede.load-result' (a `stampede load --out` file)")
        }
        if let v = header?.schemaVersion, v > LoadResult.currentSchemaVersion {
            throw ReadError(
                description:
                    "\(path) is schema version \(v); this stampede reads up to \(LoadResult.currentSchemaVersion)")
        }
        do { return try JSONDecoder().decode(LoadResult.self, from: data) } catch {
            throw ReadError(description: "\(path): \(error)")
        }
    }
}
