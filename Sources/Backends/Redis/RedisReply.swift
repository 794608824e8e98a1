/// A Redis reply, copied out of hiredis memory.
public enum RedisReply: Sendable, Equatable {
    case string([UInt8])
    case status(String)
    case integer(Int)
    case array([RedisReply])
    case null
    case error(String)

    public var stringValue: String? {
        switch self {
        case .string(let b): return String(decoding: b, as: UTF8.self)
        case .status(let s): return s
        case .integer(let i): return String(i)
        default: return nil
        }
    }

    public var intValue: Int? {
        if case .integer(let i) = self { return i }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
