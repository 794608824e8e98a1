import CHiredis
import Glibc
import SystemSupport

/// One blocking hiredis connection. Not thread-safe: a pool hands it to one caller at a time, and
/// calls run on a thread pool, never on an event loop.
public final class RedisConnection: @unchecked Sendable {
    private var context: UnsafeMutablePointer<redisContext>?
    public let endpoint: RedisEndpoint
    /// Set when an I/O or protocol error left the connection unusable; the pool then drops it.
    public private(set) var isBroken = false

    public init(endpoint: RedisEndpoint, timeoutMilliseconds: Int) throws {
        guard FileDescriptorHeadroom.hasRoomForConnection() else {
            throw RedisError.connection(
                "cannot connect to Redis: out of file descriptors (\(FileDescriptorHeadroom.connectionReserve) kept for the runtime)"
            )
        }
        self.endpoint = endpoint
        guard let ctx = chiredis_connect(endpoint.host, Int32(endpoint.port), timeoutMilliseconds) else {
            throw RedisError.connection("cannot allocate a hiredis context")
        }
        if ctx.pointee.err != 0 {
            let message = Self.errorString(ctx)
            redisFree(ctx)
            throw RedisError.connection("cannot connect to Redis at \(endpoint.host):\(endpoint.port): \(message)")
        }
        context = ctx
        _ = chiredis_set_timeout(ctx, timeoutMilliseconds)
        if let password = endpoint.password {
            let args = endpoint.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            if case .error(let e) = try command(args) { throw RedisError.connection("Redis AUTH failed: \(e)") }
        }
        if endpoint.database != 0 {
            if case .error(let e) = try command(["SELECT", String(endpoint.database)]) {
                throw RedisError.connection("Redis SELECT \(endpoint.database) failed: \(e)")
            }
        }
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Sends one command (binary-safe, through `redisCommandArgv`) and waits for its reply.
    /// A Redis error reply is returned as `.error`; an I/O failure throws and breaks the connection.
    public func command(_ arguments: [String]) throws -> RedisReply {
        try command(arguments.map { Array($0.utf8) })
    }

    public func command(_ arguments: [[UInt8]]) throws -> RedisReply {
        guard let context, !isBroken else { throw RedisError.connection("connection is closed") }
        let lengths = arguments.map { $0.count }
        // Keep every argument's storage alive for the duration of the call.
        let copies: [UnsafeMutablePointer<CChar>] = arguments.map { bytes in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBufferPointer { src in
                if let base = src.baseAddress {
                    UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: bytes.count)
                }
            }
            return p
        }
        defer { copies.forEach { $0.deallocate() } }
        var argv: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        let raw = lengths.withUnsafeBufferPointer { lens in
            argv.withUnsafeMutableBufferPointer { av in
                redisCommandArgv(context, Int32(arguments.count), av.baseAddress, lens.baseAddress)
            }
        }
        guard let raw else {
            isBroken = true
            throw RedisError.connection("Redis I/O error: \(Self.errorString(context))")
        }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return Self.convert(reply)
    }

    /// Sets the read/write timeout; 0 blocks without limit (a subscriber waiting for messages).
    public func setTimeout(milliseconds: Int) {
        if let context { _ = chiredis_set_timeout(context, milliseconds) }
    }

    /// Reads the next reply without sending anything: the messages of a subscribed connection.
    /// Blocks until one arrives (or the connection's timeout passes, which breaks it).
    public func readReply() throws -> RedisReply {
        guard let context, !isBroken else { throw RedisError.connection("connection is closed") }
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
            isBroken = true
            throw RedisError.connection("Redis I/O error: \(Self.errorString(context))")
        }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Wakes a thread blocked in ``readReply()`` from another thread: the socket is shut down, so
    /// the read fails and the connection is broken.
    public func interrupt() {
        if let context { _ = shutdown(context.pointee.fd, Int32(SHUT_RDWR)) }
    }

    private static func convert(_ r: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let reply = r.pointee
        switch reply.type {
        case REDIS_REPLY_STRING:
            return .string(bytes(reply.str, reply.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(reply.str, reply.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(reply.str, reply.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int(reply.integer))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(reply.elements)
            for i in 0..<reply.elements {
                if let e = reply.element[i] { items.append(convert(e)) } else { items.append(.null) }
            }
            return .array(items)
        default:
            return .null
        }
    }

    private static func bytes(_ p: UnsafeMutablePointer<CChar>?, _ n: Int) -> [UInt8] {
        guard let p, n > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n).bindMemory(to: UInt8.self))
    }

    private static func errorString(_ ctx: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafePointer(to: ctx.pointee.errstr) {
            $0.withMemoryRebound(to: CChar.self, capacity: 128) { String(cString: $0) }
        }
    }
}

public enum RedisError: Error, CustomStringConvertible, Equatable {
    case connection(String)
    case reply(String)

    public var description: String {
        switch self {
        case .connection(let m): return m
        case .reply(let m): return "Redis error reply: \(m)"
        }
    }
}
