import Testing

@testable import LoadGen

/// Feeds `response` to a fresh parser in pieces of `split` bytes (0: all at once) and returns what
/// it saw: the head, the body bytes, and the outcome of the last feed (or of the end of input).
private func parse(
    _ response: String, split: Int = 0, bodyless: Bool = false, close: Bool = false
) -> (head: HTTPResponseParser.Head?, body: String, outcome: HTTPResponseParser.Outcome, heads: Int) {
    var p = HTTPResponseParser()
    p.reset(bodyless: bodyless)
    let bytes = Array(response.utf8)
    var head: HTTPResponseParser.Head?
    var heads = 0
    var body: [UInt8] = []
    var outcome = HTTPResponseParser.Outcome.more
    var i = 0
    let step = split == 0 ? max(bytes.count, 1) : split
    while i < bytes.count {
        let piece = Array(bytes[i..<min(bytes.count, i + step)])
        outcome = piece.withUnsafeBytes { b in
            p.feed(
                b,
                onHead: {
                    head = $0
                    heads += 1
                    return true
                },
                onBody: {
                    body.append(contentsOf: $0)
                    return true
                })
        }
        i += step
        if outcome != .more { break }
    }
    if close && outcome == .more { outcome = p.endOfInput() }
    return (head, String(decoding: body, as: UTF8.self), outcome, heads)
}

@Suite("HTTP/1.1 response parser (pure)")
struct HTTPResponseParserTests {
    static let chunkedSSE =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "d\r\ndata: hello\n\n\r\n" + "1C;ext=1\r\nid: 1\ndata: a longer event\n\n\r\n" + "0\r\nX-Trailer: t\r\n\r\n"

    @Test(arguments: [0, 1, 2, 3, 7, 64])
    func aChunkedStreamSplitAnywhereGivesTheSameBody(split: Int) {
        let r = parse(Self.chunkedSSE, split: split)
        #expect(r.outcome == .complete)
        #expect(r.head?.status == 200)
        #expect(r.head?.contentType == "text/event-stream")
        #expect(r.head?.keepAlive == true)
        #expect(r.body == "data: hello\n\nid: 1\ndata: a longer event\n\n")
    }

    @Test(arguments: [0, 1, 5])
    func contentLengthEndsTheBodyExactly(split: Int) {
        let r = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello", split: split)
        #expect(r.outcome == .complete)
        #expect(r.body == "hello")
        #expect(r.head?.keepAlive == true)
    }

    @Test func aBodyWithoutLengthEndsAtTheCloseAndIsNotKeptAlive() {
        let open = parse("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: x\n\n")
        #expect(open.outcome == .more)
        let closed = parse("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: x\n\n", close: true)
        #expect(closed.outcome == .complete)
        #expect(closed.body == "data: x\n\n")
        #expect(closed.head?.keepAlive == false)
    }

    @Test func aCutChunkedBodyIsMalformedAtTheClose() {
        let r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly part", close: true)
        #expect(r.outcome == .malformed)
        #expect(r.body == "only part")
        let headOnly = parse("HTTP/1.1 200 OK\r\nContent-Le", close: true)
        #expect(headOnly.outcome == .malformed)
        #expect(headOnly.head == nil)
    }

    @Test func interimResponsesAreSkipped() {
        let r = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", split: 3)
        #expect(r.outcome == .complete)
        #expect(r.heads == 1)
        #expect(r.head?.status == 201)
        #expect(r.body == "ok")
    }

    @Test func connectionHeadersAndVersionDecideKeepAlive() {
        #expect(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").head?.keepAlive == false)
        #expect(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").head?.keepAlive == false)
        #expect(
            parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").head?.keepAlive == true)
    }

    @Test func bodylessResponsesCompleteAtTheirHead() {
        let noContent = parse("HTTP/1.1 204 No Content\r\n\r\n")
        #expect(noContent.outcome == .complete)
        let head = parse("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", bodyless: true)
        #expect(head.outcome == .complete)
        #expect(head.body.isEmpty)
    }

    @Test func lfOnlyLineEndsAreAccepted() {
        let r = parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", split: 1)
        #expect(r.outcome == .complete)
        #expect(r.body == "ok")
    }

    @Test(arguments: [
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "SSH-2.0-OpenSSH\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
    ])
    func malformedResponsesAreRefused(response: String) {
        #expect(parse(response, close: true).outcome == .malformed)
    }

    @Test func anOversizedHeadIsRefused() {
        let r = parse("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 70_000), split: 4096)
        #expect(r.outcome == .malformed)
    }

    @Test func aCallbackCanRefuse() {
        var p = HTTPResponseParser()
        let bytes = Array("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n".utf8)
        let outcome = bytes.withUnsafeBytes { p.feed($0, onHead: { $0.status < 500 }, onBody: { _ in true }) }
        #expect(outcome == .refused)
    }
}

@Suite("HTTP endpoints and requests (pure)")
struct HTTPEndpointTests {
    @Test func partsOfPlainHTTPURLs() throws {
        let e = try #require(HTTPEndpoint("http://127.0.0.1:8080/api/v1/query?x=1#frag"))
        #expect(e.host == "127.0.0.1" && e.port == 8080)
        #expect(e.requestTarget == "/api/v1/query?x=1")
        #expect(e.authority == "127.0.0.1:8080")
        let bare = try #require(HTTPEndpoint("http://example.test"))
        #expect(bare.port == 80 && bare.requestTarget == "/")
        let query = try #require(HTTPEndpoint("http://h?q=1"))
        #expect(query.requestTarget == "/?q=1")
        let v6 = try #require(HTTPEndpoint("http://[::1]:9000/sse"))
        #expect(v6.host == "::1" && v6.port == 9000 && v6.authority == "[::1]:9000")
    }

    @Test(arguments: ["https://h/", "http://", "http://u:p@h/", "http://h:0/", "http://h:70000/", "http://[::1/"])
    func whatTheNativeTransportCannotSpeak(url: String) {
        #expect(HTTPEndpoint(url) == nil)
    }

    @Test func theRequestCarriesHostBodyAndHeadersLikeLibcurls() throws {
        let e = try #require(HTTPEndpoint("http://127.0.0.1:81/q"))
        let text = String(
            decoding: e.request(
                method: "POST", headerLines: ["X-API-Key: k", "Expect:", "Accept: text/event-stream"], body: "{\"a\":1}"
            ),
            as: UTF8.self)
        #expect(text.hasPrefix("POST /q HTTP/1.1\r\nHost: 127.0.0.1:81\r\n"))
        #expect(text.contains("\r\nX-API-Key: k\r\n"))
        #expect(!text.contains("Expect"), "an empty header removes it, as in libcurl")
        #expect(text.contains("\r\nAccept: text/event-stream\r\n") && !text.contains("*/*"))
        #expect(text.contains("Content-Type: application/x-www-form-urlencoded\r\n"))
        #expect(text.hasSuffix("Content-Length: 7\r\n\r\n{\"a\":1}"))
        let get = String(decoding: e.request(method: "GET", headerLines: [], body: nil), as: UTF8.self)
        #expect(get == "GET /q HTTP/1.1\r\nHost: 127.0.0.1:81\r\nAccept: */*\r\n\r\n")
    }

    @Test func transportAutoPicksNativeOnlyForPlainHTTP() {
        var c = LoadConfiguration(mode: .sse, url: "http://127.0.0.1:1/sse")
        #expect(c.effectiveTransport == .native)
        c.targets.append("https://127.0.0.1:2/sse")
        #expect(c.effectiveTransport == .curl)
        c.transport = .native
        #expect(throws: LoadConfigurationError.self) { try c.validate() }
        c.transport = .curl
        #expect(c.effectiveTransport == .curl)
    }
}
