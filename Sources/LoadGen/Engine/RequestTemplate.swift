/// The request every client sends, prepared once; with a session pool, the `{session}` placeholder
/// is replaced per request by an id drawn from the hot set.
struct RequestTemplate: Sendable {
    /// One per target (``LoadConfiguration/targets``).
    var urls: [String]
    var method: String
    var body: String?
    var headerLines: [String]
    var pool: LoadConfiguration.SessionPool?
    var popularity: SessionPopularity?
    /// True when the placeholder occurs anywhere, so requests differ.
    var isTemplated: Bool

    init(_ c: LoadConfiguration) {
        urls = c.targets
        method = c.effectiveMethod
        body = c.body
        var lines = c.headers.map { "\($0.name): \($0.value)" }
        if c.mode == .sse && !c.headers.contains(where: { $0.name.lowercased() == "accept" }) {
            lines.append("Accept: text/event-stream")
        }
        // No `Expect: 100-continue` round trip for bodies over 1 KiB.
        lines.append("Expect:")
        headerLines = lines
        pool = c.sessionPool
        popularity = c.sessionPool.map { SessionPopularity(count: $0.hotSet, zipf: $0.zipf) }
        if let p = c.sessionPool {
            isTemplated =
                c.targets.contains { $0.contains(p.placeholder) } || (c.body?.contains(p.placeholder) ?? false)
                || lines.contains { $0.contains(p.placeholder) }
        } else {
            isTemplated = false
        }
    }

    struct Instance {
        var url: String
        var body: String?
        var headerLines: [String]
    }

    func instance(target: Int, using rng: inout some RandomNumberGenerator) -> Instance {
        let url = urls[target]
        guard isTemplated, let pool, let popularity else {
            return Instance(url: url, body: body, headerLines: headerLines)
        }
        let id = pool.id(popularity.draw(using: &rng))
        return Instance(
            url: url.replacing(pool.placeholder, with: id),
            body: body?.replacing(pool.placeholder, with: id),
            headerLines: headerLines.map { $0.replacing(pool.placeholder, with: id) })
    }
}

/// xorshift64*: a fast, per-engine generator (session ids are not secrets).
struct FastRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
