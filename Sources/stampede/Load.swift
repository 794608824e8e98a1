import ArgumentParser

/// `stampede load`: the load generator, against any SSE or HTTP endpoint.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive SSE streams or HTTP requests at a target and measure them.",
        discussion: """
            Exit codes: 0 done, 1 nothing succeeded (target down?), 2 bad input. Ctrl-C stops early \
            and still writes the results. See docs/loadgen.md and docs/result-schema.md.
            """,
        subcommands: [LoadSSE.self, LoadHTTP.self])
}
