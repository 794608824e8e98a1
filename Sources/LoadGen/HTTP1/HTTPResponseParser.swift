/// An incremental HTTP/1.1 response parser for one connection: the status line and headers, then
/// the body framed by `Transfer-Encoding: chunked`, `Content-Length`, or the connection's close
/// (RFC 9112). A pure value: feed it reads split anywhere; body bytes are handed on as slices of
/// the read (no copy). Interim (1xx) responses are skipped. One response per request: bytes after
/// the end of a response are an error (no pipelining is sent).
struct HTTPResponseParser {
    /// What the head said, handed over once per response.
    struct Head {
        var status: Int
        /// The `Content-Type` value as sent, empty when absent.
        var contentType: String
        /// The connection may carry another request after this response.
        var keepAlive: Bool
    }

    enum Outcome: Equatable {
        /// The response is not over; feed more.
        case more
        /// The response ended (keep-alive per its head).
        case complete
        /// A malformed response (`ErrorKind.parse`).
        case malformed
        /// A callback refused the response.
        case refused
    }

    private enum Framing {
        case none
        case length(Int)
        case chunked
        case untilClose
    }

    private enum ChunkState {
        case size(value: Int, digits: Int, inExtension: Bool)
        case data(remaining: Int)
        /// The CRLF after a chunk's data.
        case dataEnd(sawCR: Bool)
        /// Trailer lines after the last chunk; `lineLength` of the current one.
        case trailer(lineLength: Int)
    }

    private enum State {
        case head
        case body
        case done
    }

    /// The largest head accepted (status line and headers).
    static let maxHeadBytes = 64 * 1024

    private var state = State.head
    private var headBytes: [UInt8] = []
    private var framing = Framing.none
    private var chunk = ChunkState.size(value: 0, digits: 0, inExtension: false)
    private(set) var keepAlive = false
    /// Bytes of this response seen so far (head and body), to tell an empty reply from a cut one.
    private(set) var bytesSeen = 0
    private var bodyless = false

    init() {}

    /// Before each request. `bodyless`: the request was HEAD (no body whatever the head says).
    mutating func reset(bodyless: Bool = false) {
        state = .head
        headBytes = []
        framing = .none
        chunk = .size(value: 0, digits: 0, inExtension: false)
        keepAlive = false
        bytesSeen = 0
        self.bodyless = bodyless
    }

    /// Feeds one read. `onHead` gets the final response's head (false refuses it); `onBody` gets
    /// body bytes in order (false refuses them).
    mutating func feed(
        _ input: UnsafeRawBufferPointer, onHead: (Head) -> Bool, onBody: (UnsafeRawBufferPointer) -> Bool
    ) -> Outcome {
        bytesSeen += input.count
        var i = 0
        let n = input.count
        while i < n {
            switch state {
            case .done:
                return .malformed
            case .head:
                // Collect until the blank line (LF LF or LF CR LF), looking back into earlier reads.
                var end: Int?
                var j = i
                while j < n {
                    if input[j] == 0x0A {
                        let k = headBytes.count + (j - i)  // index of this LF in head + input
                        if k >= 1 && byte(at: k - 1, input, from: i) == 0x0A {
                            end = j
                            break
                        }
                        if k >= 2 && byte(at: k - 1, input, from: i) == 0x0D
                            && byte(at: k - 2, input, from: i) == 0x0A
                        {
                            end = j
                            break
                        }
                    }
                    j += 1
                }
                guard let end else {
                    headBytes.append(contentsOf: input[i..<n])
                    return headBytes.count > Self.maxHeadBytes ? .malformed : .more
                }
                let parsed: Head?
                if headBytes.isEmpty {  // the whole head in this read (the usual case): no copy
                    parsed = parseHead(UnsafeRawBufferPointer(rebasing: input[i...end]))
                } else {
                    headBytes.append(contentsOf: input[i...end])
                    parsed = headBytes.count > Self.maxHeadBytes ? nil : headBytes.withUnsafeBytes { parseHead($0) }
                    headBytes = []
                }
                i = end + 1
                guard let head = parsed else { return .malformed }
                if head.status >= 100 && head.status < 200 { continue }  // interim: the real one follows
                keepAlive = head.keepAlive
                guard onHead(head) else { return .refused }
                if case .none = framing {
                    state = .done
                } else if case .length(0) = framing {
                    state = .done
                } else {
                    state = .body
                }
                if state == .done { return i == n ? .complete : .malformed }
            case .body:
                switch framing {
                case .none:  // never in .body: a bodyless head ends the response at once
                    return .malformed
                case .untilClose:
                    guard onBody(UnsafeRawBufferPointer(rebasing: input[i..<n])) else { return .refused }
                    i = n
                case .length(let remaining):
                    let take = min(remaining, n - i)
                    guard onBody(UnsafeRawBufferPointer(rebasing: input[i..<(i + take)])) else { return .refused }
                    i += take
                    framing = .length(remaining - take)
                    if remaining - take == 0 {
                        state = .done
                        return i == n ? .complete : .malformed
                    }
                case .chunked:
                    switch feedChunked(input, &i, onBody) {
                    case .more: break
                    case .complete:
                        state = .done
                        return i == n ? .complete : .malformed
                    case let other: return other
                    }
                }
            }
        }
        return state == .done ? .complete : .more
    }

    /// The connection closed. Complete for a close-delimited body; otherwise the response was cut.
    func endOfInput() -> Outcome {
        if state == .body, case .untilClose = framing { return .complete }
        return state == .done ? .complete : .malformed
    }

    /// The byte at position `k` of head bytes followed by `input[from...]`.
    private func byte(at k: Int, _ input: UnsafeRawBufferPointer, from: Int) -> UInt8 {
        k < headBytes.count ? headBytes[k] : input[from + k - headBytes.count]
    }

    private mutating func feedChunked(
        _ input: UnsafeRawBufferPointer, _ i: inout Int, _ onBody: (UnsafeRawBufferPointer) -> Bool
    ) -> Outcome {
        let n = input.count
        while i < n {
            let b = input[i]
            switch chunk {
            case .size(let value, let digits, let inExtension):
                i += 1
                if b == 0x0A {
                    guard digits > 0 else { return .malformed }
                    chunk = value == 0 ? .trailer(lineLength: 0) : .data(remaining: value)
                } else if b == 0x0D || inExtension {
                    continue
                } else if b == 0x3B || b == 0x20 || b == 0x09 {  // ; extension, or whitespace before it
                    chunk = .size(value: value, digits: digits, inExtension: true)
                } else if let d = Self.hexValue(b) {
                    guard digits < 15 else { return .malformed }
                    chunk = .size(value: value << 4 | d, digits: digits + 1, inExtension: false)
                } else {
                    return .malformed
                }
            case .data(let remaining):
                let take = min(remaining, n - i)
                guard onBody(UnsafeRawBufferPointer(rebasing: input[i..<(i + take)])) else { return .refused }
                i += take
                chunk = remaining - take == 0 ? .dataEnd(sawCR: false) : .data(remaining: remaining - take)
            case .dataEnd(let sawCR):
                i += 1
                if b == 0x0D && !sawCR {
                    chunk = .dataEnd(sawCR: true)
                } else if b == 0x0A {
                    chunk = .size(value: 0, digits: 0, inExtension: false)
                } else {
                    return .malformed
                }
            case .trailer(let lineLength):
                i += 1
                if b == 0x0A {
                    if lineLength == 0 { return .complete }
                    chunk = .trailer(lineLength: 0)
                } else if b != 0x0D {
                    guard lineLength < Self.maxHeadBytes else { return .malformed }
                    chunk = .trailer(lineLength: lineLength + 1)
                }
            }
        }
        return .more
    }

    private static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: Int(b - 0x30)
        case 0x41...0x46: Int(b - 0x41 + 10)
        case 0x61...0x66: Int(b - 0x61 + 10)
        default: nil
        }
    }

    /// Parses a head (ending in the blank line) on its bytes, without building strings but the
    /// content type; sets the framing. Nil when malformed.
    private mutating func parseHead(_ h: UnsafeRawBufferPointer) -> Head? {
        let n = h.count
        // Status line: HTTP/1.x SSS ...
        guard n >= 12, h[0] == 0x48, h[1] == 0x54, h[2] == 0x54, h[3] == 0x50, h[4] == 0x2F, h[5] == 0x31,
            h[6] == 0x2E, h[7] == 0x30 || h[7] == 0x31, h[8] == 0x20
        else { return nil }
        var status = 0
        for k in 9..<12 {
            guard h[k] >= 0x30 && h[k] <= 0x39 else { return nil }
            status = status * 10 + Int(h[k] - 0x30)
        }
        guard status >= 100 else { return nil }
        var keepAlive = h[7] == 0x31
        var contentType = ""
        var contentLength: Int?
        var chunked = false
        var lineStart = 0
        while lineStart < n && h[lineStart] != 0x0A { lineStart += 1 }
        lineStart += 1
        while lineStart < n {
            var lineEnd = lineStart
            while lineEnd < n && h[lineEnd] != 0x0A { lineEnd += 1 }
            var end = lineEnd
            if end > lineStart && h[end - 1] == 0x0D { end -= 1 }
            defer { lineStart = lineEnd + 1 }
            if end == lineStart { continue }
            var colon = lineStart
            while colon < end && h[colon] != 0x3A { colon += 1 }
            guard colon < end else { return nil }
            var v0 = colon + 1
            var v1 = end
            while v0 < v1 && (h[v0] == 0x20 || h[v0] == 0x09) { v0 += 1 }
            while v1 > v0 && (h[v1 - 1] == 0x20 || h[v1 - 1] == 0x09) { v1 -= 1 }
            let name = lineStart..<colon
            if Self.equalsLowercased(h, name, "content-type") {
                contentType = String(decoding: UnsafeRawBufferPointer(rebasing: h[v0..<v1]), as: UTF8.self)
            } else if Self.equalsLowercased(h, name, "content-length") {
                guard v1 > v0, v1 - v0 <= 18 else { return nil }
                var length = 0
                for k in v0..<v1 {
                    guard h[k] >= 0x30 && h[k] <= 0x39 else { return nil }
                    length = length * 10 + Int(h[k] - 0x30)
                }
                if let contentLength, contentLength != length { return nil }
                contentLength = length
            } else if Self.equalsLowercased(h, name, "transfer-encoding") {
                // chunked must be the last coding
                var t0 = v1
                while t0 > v0 && h[t0 - 1] != 0x2C { t0 -= 1 }
                while t0 < v1 && (h[t0] == 0x20 || h[t0] == 0x09) { t0 += 1 }
                chunked = Self.equalsLowercased(h, t0..<v1, "chunked")
                if !chunked { keepAlive = false }
            } else if Self.equalsLowercased(h, name, "connection") {
                if Self.containsLowercased(h, v0..<v1, "close") { keepAlive = false }
                if Self.containsLowercased(h, v0..<v1, "keep-alive") { keepAlive = true }
            }
        }
        if bodyless || status == 204 || status == 304 || status < 200 {
            framing = .none
        } else if chunked {
            framing = .chunked
        } else if let contentLength {
            framing = .length(contentLength)
        } else {
            framing = .untilClose
            keepAlive = false
        }
        return Head(status: status, contentType: contentType, keepAlive: keepAlive)
    }

    /// ASCII case-insensitive: the bytes in `range` are `lower` (given in lowercase).
    private static func equalsLowercased(
        _ h: UnsafeRawBufferPointer, _ range: Range<Int>, _ lower: StaticString
    ) -> Bool {
        guard range.count == lower.utf8CodeUnitCount else { return false }
        let l = lower.utf8Start
        for k in 0..<range.count where h[range.lowerBound + k] | 0x20 != l[k] | 0x20 { return false }
        return true
    }

    private static func containsLowercased(
        _ h: UnsafeRawBufferPointer, _ range: Range<Int>, _ lower: StaticString
    ) -> Bool {
        let m = lower.utf8CodeUnitCount
        guard range.count >= m else { return false }
        for start in range.lowerBound...(range.upperBound - m)
        where equalsLowercased(h, start..<(start + m), lower) { return true }
        return false
    }
}
