import LoadGen
import Testing

/// One parser case: a byte stream and the events it must produce.
struct SSECase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: [UInt8]
    var events: [SSEEvent]
    var retry: Int? = nil
    var comments: Int = 0
    var testDescription: String { name }

    init(_ name: String, _ input: String, _ events: [SSEEvent], retry: Int? = nil, comments: Int = 0) {
        self.name = name
        self.input = Array(input.utf8)
        self.events = events
        self.retry = retry
        self.comments = comments
    }

    init(_ name: String, bytes: [UInt8], _ events: [SSEEvent]) {
        self.name = name
        self.input = bytes
        self.events = events
    }
}

private func ev(_ data: String, type: String = "message", id: String = "", own: Bool = false) -> SSEEvent {
    SSEEvent(type: type, data: data, lastEventID: id, hasOwnID: own)
}

let sseCases: [SSECase] = [
    SSECase("LF line ends", "data: a\n\ndata: b\n\n", [ev("a"), ev("b")]),
    SSECase("CR line ends", "data: a\r\rdata: b\r\r", [ev("a"), ev("b")]),
    SSECase("CRLF line ends", "data: a\r\n\r\ndata: b\r\n\r\n", [ev("a"), ev("b")]),
    SSECase("mixed line ends", "data: a\r\n\rdata: b\n\r\n", [ev("a"), ev("b")]),
    SSECase("multi-line data joined by LF", "data: one\ndata: two\ndata:\n\n", [ev("one\ntwo\n")]),
    SSECase("empty data field dispatches an empty event", "data\n\n", [ev("")]),
    SSECase("comments are not events", ": ping - 1\n\n: hello\ndata: x\n\n", [ev("x")], comments: 2),
    SSECase("field without colon is the whole line", "data\ndata\n\n", [ev("\n")]),
    SSECase("only one space after colon is removed", "data:  two spaces\n\n", [ev(" two spaces")]),
    SSECase("no space after colon", "data:x\n\n", [ev("x")]),
    SSECase("leading BOM is skipped", "\u{FEFF}data: bom\n\n", [ev("bom")]),
    SSECase("a second BOM is not skipped", "\u{FEFF}\u{FEFF}data: x\n\n", []),
    SSECase("event type", "event: done\ndata: {}\n\n", [ev("{}", type: "done")]),
    SSECase("event type resets after dispatch", "event: a\ndata: 1\n\ndata: 2\n\n", [ev("1", type: "a"), ev("2")]),
    SSECase(
        "id persists across events", "id: s:1\ndata: a\n\ndata: b\n\n",
        [ev("a", id: "s:1", own: true), ev("b", id: "s:1", own: false)]),
    SSECase(
        "id with NUL is ignored", "id: 7\ndata: a\n\nid: 8\u{0}\ndata: b\n\n",
        [ev("a", id: "7", own: true), ev("b", id: "7")]),
    SSECase(
        "empty id resets the last event id", "id: 5\ndata: a\n\nid\ndata: b\n\n",
        [ev("a", id: "5", own: true), ev("b", id: "", own: true)]),
    SSECase("retry digits only", "retry: 1500\ndata: a\n\n", [ev("a")], retry: 1500),
    SSECase("retry with non-digits is ignored", "retry: 15x\nretry: -1\nretry:\ndata: a\n\n", [ev("a")], retry: nil),
    SSECase("unknown fields are ignored", "foo: bar\ndata: a\nbaz\n\n", [ev("a")]),
    SSECase("no data: no dispatch", "event: x\nid: 3\n\n", []),
    SSECase("unterminated last event is discarded", "data: a\n\ndata: b\n", [ev("a")]),
    SSECase("unterminated last line is discarded", "data: a\n\ndata: b", [ev("a")]),
    SSECase(
        "reference server shape", "id: s1:1\r\nevent: message\r\ndata: {\"k\":1}\r\n\r\n: ping - t\r\n\r\n",
        [ev("{\"k\":1}", id: "s1:1", own: true)], comments: 1),
    SSECase("UTF-8 data", "data: héllo ✓\n\n", [ev("héllo ✓")]),
    SSECase("colon in value is kept", "data: a:b: c\n\n", [ev("a:b: c")]),
    SSECase(bytes: [0xEF, 0xBB, 0x64, 0x61, 0x74, 0x61, 0x0A, 0x0A], name: "partial BOM is content", []),
]

extension SSECase {
    init(bytes: [UInt8], name: String, _ events: [SSEEvent]) { self.init(name, bytes: bytes, events) }
}

private func run(_ chunks: [[UInt8]]) -> (events: [SSEEvent], parser: SSEParser) {
    var parser = SSEParser()
    var events: [SSEEvent] = []
    for chunk in chunks { events += parser.parse(chunk) }
    parser.finish()
    return (events, parser)
}

@Suite("SSE parser (WHATWG)")
struct SSEParserTests {
    @Test("whole input", arguments: sseCases)
    func whole(_ c: SSECase) {
        let (events, parser) = run([c.input])
        #expect(events == c.events)
        #expect(parser.retryMilliseconds == c.retry)
        #expect(parser.commentCount == c.comments)
    }

    @Test("split at every byte boundary", arguments: sseCases)
    func everySplit(_ c: SSECase) {
        for cut in 0...c.input.count {
            let (events, parser) = run([Array(c.input[..<cut]), Array(c.input[cut...])])
            #expect(events == c.events, "cut at \(cut)")
            #expect(parser.retryMilliseconds == c.retry, "cut at \(cut)")
        }
    }

    @Test("split at every pair of boundaries", arguments: sseCases)
    func everyTwoSplits(_ c: SSECase) {
        let n = c.input.count
        for a in 0...n {
            for b in a...n {
                let chunks = [Array(c.input[..<a]), Array(c.input[a..<b]), Array(c.input[b...])]
                #expect(run(chunks).events == c.events, "cuts at \(a), \(b)")
            }
        }
    }

    @Test("byte by byte", arguments: sseCases)
    func byteByByte(_ c: SSECase) {
        #expect(run(c.input.map { [$0] }).events == c.events)
    }

    @Test func resetConnectionKeepsLastEventID() {
        var parser = SSEParser()
        _ = parser.parse(Array("id: s:4\ndata: x\n\ndata: partial".utf8))
        parser.resetConnection()
        #expect(parser.lastEventID == "s:4")
        // A BOM is allowed again at the start of the new connection; the partial event is gone.
        let events = parser.parse(Array("\u{FEFF}id: s:5\ndata: y\n\n".utf8))
        #expect(events == [ev("y", id: "s:5", own: true)])
    }

    @Test func crAtChunkEndThenLF() {
        var parser = SSEParser()
        var events = parser.parse(Array("data: a\r".utf8))
        events += parser.parse(Array("\ndata: b\r\n\r".utf8))
        #expect(events == [ev("a\nb")])
        events = parser.parse(Array("\n".utf8))
        #expect(events.isEmpty, "the LF completes the CRLF begun in the previous chunk, not a new line")
    }
}
