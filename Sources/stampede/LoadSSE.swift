import ArgumentParser
import Foundation
import LoadGen

struct LoadSSE: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sse",
        abstract: "Hold many Server-Sent Event streams: fast, slow, stalled and reconnecting clients.",
        discussion: """
            Example: stampede load sse --url http://127.0.0.1:8080/api/v1/query --method POST \\
              --header X-API-Key:KEY --header Content-Type:application/json --body '{"prompt":"hi"}' \\
              --clients 2000 --mix fast:80,slow:15,stalled:5 --ramp 500/s --duration 60s --out result.json
            """)

    @OptionGroup var common: LoadCommonOptions
    @Option(help: "Concurrent clients (streams). Default 100.") var clients: Int = 100
    @Option(help: "Profiles by weight: fast, slow, stalled, reconnecting, e.g. fast:80,slow:15,stalled:5.")
    var mix: String = "fast:1"
    @Option(help: "Connection ramp-up rate, e.g. 2000/s.") var ramp: String = "2000/s"
    @Option(help: "slow: receive cap in bytes/s. Default 1024.") var slowRate: Int = 1024
    @Option(help: "slow: socket receive buffer (SO_RCVBUF) in bytes. Default 4096.") var slowRcvbuf: Int = 4096
    @Option(help: "stalled: stop reading this long after the headers. Default 2s.") var stallAfter: String = "2s"
    @Option(help: "stalled: stay stopped this long. Default 10s.") var stallFor: String = "10s"
    @Option(help: "stalled: then 'resume' or 'leave'. Default resume.") var stallThen: String = "resume"
    @Option(help: "reconnecting: delay when the server sent no retry. Default 1s.") var reconnectDelay: String = "1s"
    @Option(help: "Pause before a client opens its next stream after one ends. Default 1s.") var restartDelay: String =
        "1s"
    @Option(help: "First event sequence number expected (integrity), or 'any'. Default 1.") var firstSeq: String = "1"
    @Option(
        help: ArgumentHelp(
            "Goodput: the SLO each stream must meet, e.g. 'ttfe<1s,gap.p99<500ms,completion<30s' (ttfe: first content event; gap.pNN or gap.max: this stream's content gaps; completion: to `done`).",
            valueName: "SLO"))
    var slo: String?
    @Option(
        help: "Event types that carry content (time to first content, content gaps, the SLO). Default message,partial.")
    var contentEvents: String = "message,partial"

    func run() async throws {
        try await common.execute(configuration)
    }

    func configuration() throws -> LoadConfiguration {
        var c = try common.configuration(mode: .sse)
        c.clients = clients
        do { c.mix = try ProfileMix(parsing: mix) } catch {
            throw LoadUsageError(flag: "--mix", message: error.description)
        }
        let r = try parseRate(ramp, flag: "--ramp")
        guard r.isConstant else {
            throw LoadUsageError(flag: "--ramp", message: "'\(ramp)': expected a constant rate like 2000/s")
        }
        c.ramp = r.start
        c.slow.bytesPerSecond = slowRate
        c.slow.receiveBuffer = slowRcvbuf
        c.stall.after = try parseDuration(stallAfter, flag: "--stall-after")
        c.stall.length = try parseDuration(stallFor, flag: "--stall-for")
        switch stallThen {
        case "resume": c.stall.thenLeave = false
        case "leave": c.stall.thenLeave = true
        default: throw LoadUsageError(flag: "--stall-then", message: "'\(stallThen)': expected resume or leave")
        }
        c.reconnectDelay = try parseDuration(reconnectDelay, flag: "--reconnect-delay")
        c.restartDelay = try parseDuration(restartDelay, flag: "--restart-delay")
        if let slo {
            do { c.slo = try StreamSLO(parsing: slo, duration: DurationArgument.parse) } catch {
                throw LoadUsageError(flag: "--slo", message: error.description)
            }
        }
        c.contentEvents = Set(
            contentEvents.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        if c.contentEvents.isEmpty {
            throw LoadUsageError(
                flag: "--content-events", message: "'\(contentEvents)': expected event types, e.g. message,partial")
        }
        if firstSeq == "any" {
            c.firstSequence = nil
        } else if let n = UInt64(firstSeq) {
            c.firstSequence = n
        } else {
            throw LoadUsageError(flag: "--first-seq", message: "'\(firstSeq)': expected a whole number or 'any'")
        }
        return c
    }
}
