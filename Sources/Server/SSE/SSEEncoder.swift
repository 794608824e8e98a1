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
        // A newline inside data would start a new field: continue it on another data line.
        for byte in data.utf8 {
            if byte == UInt8(ascii: "\n") {
                out.append(contentsOf: "\r\ndata: ".utf8)
            } else {
                out.append(byte)
            }
        }
        out.append(contentsOf: "\r\n\r\n".utf8)
        return out
    }

    /// Appends `id: <stream>:<seq>\r\n` (the part every event of a stream shares but the number).
    static func appendID(_ out: inout [UInt8], streamID: String, seq: Int) {
        out.append(contentsOf: "id: ".utf8)
        out.append(contentsOf: streamID.utf8)
        out.append(UInt8(ascii: ":"))
        appendDecimal(&out, seq)
        out.append(contentsOf: "\r\n".utf8)
    }

    static func appendDecimal(_ out: inout [UInt8], _ value: Int) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var v = value
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 && n < 20 {
                d[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            }
            while n > 0 {
                n -= 1
                out.append(d[n])
            }
        }
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
        guard let colon = id.lastIndex(of: ":"), let seq = Int(id[id.index(after: colon)...]), seq >= 0 else {
            return nil
        }
        let stream = String(id[..<colon])
        return stream.isEmpty ? nil : (stream, seq)
    }
}
