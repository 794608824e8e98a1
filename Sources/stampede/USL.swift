import Analysis
import ArgumentParser
import Foundation
import Server

/// `stampede usl FILE.csv`: fits the Universal Scalability Law and prints the fit as JSON.
struct USL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usl",
        abstract: "Fit the Universal Scalability Law to (N, throughput) points; print λ, σ, κ, N*, X_max as JSON.",
        discussion: """
            FILE is CSV with two columns, N (concurrency: instances, contenders) and throughput; a \
            header line, blank lines and # comments are allowed. The fit is nonlinear least squares with \
            σ in [0, 1] and κ ≥ 0; it needs at least 3 points at 3 different N (6 or more is better). \
            peakConcurrency is N* = sqrt((1-σ)/κ) (null when κ = 0: no peak), peakConcurrencyWhole is \
            floor(N*), maxThroughput is X(floor(N*)). Use - to read standard input. Exit status: 0 on \
            success, 104 when the file cannot be read or fitted (see docs/gates.md).
            """
    )

    @Argument(help: "CSV file of N,throughput rows, or - for standard input.") var file: String

    func run() async throws {
        do {
            let text: String
            if file == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw USLInputError(message: "cannot read \(file); check the path and permissions")
                }
                text = String(decoding: data, as: UTF8.self)
            }
            let fit: USLFit
            do {
                fit = try USLFit(csv: text)
            } catch let error as USLCSV.ParseError {
                throw USLInputError(message: "\(file): \(error)")
            }
            print(try fit.jsonString())
        } catch {
            FileHandle.standardError.write(Data("stampede usl: \(error)\n".utf8))
            throw ExitCode(GateExitCode.error.rawValue)
        }
    }
}

struct USLInputError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
