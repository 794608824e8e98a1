import ArgumentParser
import Foundation
import LoadGen

struct LoadHTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Request/response load: open model (--rate) or closed model (--vus).",
        discussion: """
            Open model: arrivals at --rate whatever the server does; latency counts from each \
            arrival's intended start, so server stalls show; arrivals finding --max-in-flight busy \
            are dropped and counted. Closed model: --vus users, each waits for its response, then \
            --think.
            Example: stampede load http --url http://127.0.0.1:8080/health --rate 500/s --duration 60s
            """)

    @OptionGroup var common: LoadCommonOptions
    @Option(help: "Open model arrival rate: 500/s, or a ramp 100/s..1000/s.") var rate: String?
    @Option(help: "Open model: most requests in flight. Default 1000.") var maxInFlight: Int = 1000
    @Option(help: "Closed model: virtual users (instead of --rate).") var vus: Int?
    @Option(help: "Closed model: think time between a user's requests. Default 0s.") var think: String = "0s"
    @Option(help: "Whole-request timeout. Default 30s.") var timeout: String = "30s"

    func run() async throws {
        try await common.execute(configuration)
    }

    func configuration() throws -> LoadConfiguration {
        var c = try common.configuration(mode: .http)
        c.requestTimeout = try parseDuration(timeout, flag: "--timeout")
        switch (rate, vus) {
        case (let rate?, nil):
            c.driver = .open(rate: try parseRate(rate, flag: "--rate"), maxInFlight: maxInFlight)
        case (nil, let vus?):
            let t = think == "0" || think == "0s" ? Duration.zero : try parseDuration(think, flag: "--think")
            c.driver = .closed(vus: vus, think: t)
        case (nil, nil):
            throw LoadUsageError(
                flag: "--rate", message: "is required (or --vus N for the closed model), e.g. --rate 500/s")
        case (.some, .some):
            throw LoadUsageError(
                flag: "--vus",
                message: "cannot be combined with --rate: choose the open (--rate) or closed (--vus) model")
        }
        return c
    }
}
