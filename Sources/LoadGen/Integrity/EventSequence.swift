/// Extracts the sequence number from an SSE event id.
///
/// The reference server sends `id: <streamId>:<seq>`. Any server whose ids end in a decimal number
/// works: the sequence is the digits after the last `:`, or the whole id when it is all digits.
/// Anything else (`abc`, `x:1a`, empty) has no sequence number, and integrity checking is off for
/// that event.
public enum EventSequence {
    public static func number(fromID id: String) -> UInt64? {
        var utf8 = id.utf8[...]
        if let colon = utf8.lastIndex(of: UInt8(ascii: ":")) {
            utf8 = utf8[utf8.index(after: colon)...]
        }
        guard !utf8.isEmpty, utf8.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        return value
    }
}
