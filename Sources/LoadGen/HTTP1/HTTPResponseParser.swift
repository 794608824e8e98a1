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

    /// True once a head was accepted (the body, if any, is being read).
    var hasHead: Bool { state != .head }

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
                headBytes.append(contentsOf: input[i...end])
                i = end + 1
                if headBytes.count > Self.maxHeadBytes { return .malformed }
                guard let head = parseHead() else { return .malformed }
                headBytes = []
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
                case .none:
                    state = .done
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

    /// Parses `headBytes` (ending in the blank line); sets the framing. Nil when malformed.
    private mutating func parseHead() -> Head? {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (k, b) in headBytes.enumerated() where b == 0x0A {
            var end = k
            if end > start && headBytes[end - 1] == 0x0D { end -= 1 }
            lines.append(headBytes[start..<end])
            start = k + 1
        }
        guard let statusLine = lines.first, statusLine.count >= 12 else { return nil }
        let prefix = Array("HTTP/1.".utf8)
        guard statusLine.starts(with: prefix) else { return nil }
        let minor = statusLine[statusLine.startIndex + 7]
        guard minor == 0x30 || minor == 0x31, statusLine[statusLine.startIndex + 8] == 0x20 else { return nil }
        var status = 0
        for k in 9..<12 {
            let d = statusLine[statusLine.startIndex + k]
            guard d >= 0x30 && d <= 0x39 else { return nil }
            status = status * 10 + Int(d - 0x30)
        }
        guard status >= 100 else { return nil }
        var contentType = ""
        var contentLength: Int?
        var chunked = false
        var keepAlive = minor == 0x31
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: 0x3A) else { return nil }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
            switch name {
            case "content-type": contentType = value
            case "content-length":
                guard let length = Int(value), length >= 0 else { return nil }
                if let contentLength, contentLength != length { return nil }
                contentLength = length
            case "transfer-encoding":
                chunked = value.lowercased().split(separator: ",").last?.trimmingSpaces() == "chunked"
                if !chunked { keepAlive = false }
            case "connection":
                let tokens = value.lowercased().split(separator: ",").map { $0.trimmingSpaces() }
                if tokens.contains("close") { keepAlive = false }
                if tokens.contains("keep-alive") { keepAlive = true }
            default: break
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
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
