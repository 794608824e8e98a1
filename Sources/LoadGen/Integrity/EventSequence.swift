/// Extracts the sequence number from an SSE event id.
///
/// The reference server sends `id: <streamId>:<seq>`. Any server whose ids end in a decimal number
/// works: the sequence is the digits after the last `:`, or the whole id when it is all digits.
/// Anything else (`abc`, `x:1a`, empty) has no sequence number, and integrity checking is off for
/// that event.
public enum EventSequence {
    public static func number(fromID id: String) -> UInt64? {
        var id = id
        return id.withUTF8 { number(fromID: $0) }
    }

    /// The same, on the id's bytes.
    public static func number(fromID id: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var start = id.count
        while start > 0 && id[start - 1] != UInt8(ascii: ":") { start -= 1 }
        let digits = UnsafeBufferPointer(rebasing: id[start...])
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        return value
    }
}
