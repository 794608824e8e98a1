/// Encodes events in sse-starlette's wire format (CRLF separators), plus an `id:` line
/// `<stream>:<seq>` so clients can detect loss and resume with `Last-Event-ID`.
public enum SSEEncoder {
    public static func event(streamID: String, seq: Int?, name: String, data: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.utf8.count + name.utf8.count + streamID.utf8.count + 40)
        if let seq {
            out.append(contentsOf: "id: ".utf8)
            out.append(contentsOf: streamID.utf8)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: String(seq).utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "event: ".utf8)
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: "\r\ndata: ".utf8)
        // A newline inside data would start a new field: split into several data lines.
        for (i, line) in data.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { out.append(contentsOf: "\r\ndata: ".utf8) }
            out.append(contentsOf: line.utf8)
        }
        out.append(contentsOf: "\r\n\r\n".utf8)
        return out
    }

    /// `retry: <ms>` field, sent once at the start of a stream.
    public static func retry(milliseconds: Int) -> [UInt8] {
        Array("retry: \(milliseconds)\r\n\r\n".utf8)
    }

    /// The keep-alive comment, `: ping - <UTC time>`.
    public static func ping(now: String) -> [UInt8] {
        Array(": ping - \(now)\r\n\r\n".utf8)
    }

    /// Splits `Last-Event-ID` (`<stream>:<seq>`) into its parts.
    public static func parseEventID(_ id: String) -> (streamID: String, seq: Int)? {
        guard let colon = id.lastIndex(of: ":"), let seq = Int(id[id.index(after: colon)...]), seq >= 0 else { return nil }
        let stream = String(id[..<colon])
        return stream.isEmpty ? nil : (stream, seq)
    }
}
