/// Every problem with a configuration, each naming the setting and the expected form.
public struct LoadConfigurationError: Error, CustomStringConvertible, Sendable {
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}

extension LoadConfiguration {
    public func validate() throws(LoadConfigurationError) {
        var problems: [String] = []
        if targets.isEmpty { problems.append("url: none given; expected an http:// or https:// URL") }
        for url in targets
        where !(url.hasPrefix("http://") || url.hasPrefix("https://")) || url.count <= "http://".count
            || url.contains(" ")
        {
            problems.append(
                "url '\(url)': expected an absolute http:// or https:// URL, e.g. http://127.0.0.1:8080/events")
        }
        if transport == .native {
            for url in targets where url.hasPrefix("http://") && HTTPEndpoint(url) == nil {
                problems.append("url '\(url)': expected http://HOST[:PORT]/PATH (no user:password@)")
            }
            for url in targets where url.lowercased().hasPrefix("https://") {
                problems.append(
                    "url '\(url)': the native transport speaks plain http:// only; use --transport curl (or auto) for https://"
                )
            }
        }
        if tick < .zero || tick > .milliseconds(100) {
            problems.append("tick \(tick): expected 0 (off) up to 100ms, e.g. 1ms")
        }
        if duration <= .zero { problems.append("duration: must be above zero, e.g. 60s") }
        if threads < 1 || threads > 256 { problems.append("threads \(threads): expected 1...256") }
        if receiveBufferSize < 1024 || receiveBufferSize > 524_288 {
            problems.append("receive buffer \(receiveBufferSize): expected 1024...524288 bytes")
        }
        if connectTimeout <= .zero { problems.append("connect timeout: must be above zero") }
        if headerTimeout <= .zero { problems.append("header timeout: must be above zero") }
        for header in headers where header.name.isEmpty || header.name.contains(":") || header.name.contains(" ") {
            problems.append("header '\(header.name)': expected NAME:VALUE with a non-empty name without spaces")
        }
        if let pool = sessionPool, pool.hotSet < 1 { problems.append("hot set \(pool.hotSet): expected at least 1") }
        if let pool = sessionPool, let ids = pool.ids, ids.count != pool.hotSet {
            problems.append("hot set \(pool.hotSet): \(ids.count) session ids given, expected one per session")
        }
        if let s = sessionPool?.zipf {
            if !(s > 0 && s <= 10) { problems.append("zipf exponent \(s): expected 0 < s <= 10 (1.1 is typical)") }
            if let n = sessionPool?.hotSet, n > SessionPool.maxZipfSessions {
                problems.append("zipf over \(n) sessions: at most \(SessionPool.maxZipfSessions)")
            }
        }
        if shard.count < 1 || shard.count > Shard.maxCount || shard.index < 0 || shard.index >= shard.count {
            problems.append("shard \(shard): expected INDEX/COUNT with 0 <= INDEX < COUNT <= \(Shard.maxCount)")
        }
        if slo != nil && mode != .sse { problems.append("slo: judges streams; give it to an SSE load") }
        if contentEvents.isEmpty { problems.append("content events: expected at least one event type, e.g. message") }
        switch mode {
        case .sse:
            if clients >= 1 && clients < shard.count {
                problems.append("clients \(clients) over \(shard.count) shards: every shard needs at least one client")
            }
            if clients < 1 { problems.append("clients \(clients): expected at least 1") }
            if !(ramp > 0) { problems.append("ramp: expected a rate above zero, e.g. 2000/s") }
            if mix.entries.contains(where: { $0.profile == .slow && $0.weight > 0 }) {
                if slow.bytesPerSecond < 1 { problems.append("slow rate: expected at least 1 byte/s") }
                if slow.receiveBuffer < 256 { problems.append("slow receive buffer: expected at least 256 bytes") }
            }
        case .http:
            switch driver {
            case .open(let rate, let maxInFlight):
                if !(rate.start >= 0 && rate.end >= 0 && max(rate.start, rate.end) > 0) {
                    problems.append("rate \(rate): expected N/s above zero")
                }
                if maxInFlight < 1 { problems.append("max in flight \(maxInFlight): expected at least 1") }
                if maxInFlight >= 1 && maxInFlight < shard.count {
                    problems.append(
                        "max in flight \(maxInFlight) over \(shard.count) shards: every shard needs at least one slot")
                }
            case .closed(let vus, let think):
                if vus < 1 { problems.append("vus \(vus): expected at least 1") }
                if vus >= 1 && vus < shard.count {
                    problems.append("vus \(vus) over \(shard.count) shards: every shard needs at least one VU")
                }
                if think < .zero { problems.append("think time: must not be negative") }
            }
        }
        if !problems.isEmpty { throw LoadConfigurationError(problems: problems) }
    }
}
