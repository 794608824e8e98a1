import Foundation
import Glibc
import LoadGen

/// A small blocking HTTP/1.1 client on raw sockets, run on its own threads (never on the Swift
/// concurrency pool, which the in-process server needs). It can read a stream slowly or not at all,
/// with a small receive buffer, so the server really sees a slow reader.
struct TestClient: Sendable {
    let port: Int
    let apiKey: String

    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] }
    }

    func request(
        _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:], key: String?? = .none
    ) async throws -> Response {
        let apiKey = key ?? self.apiKey
        return try await onThread {
            let s = try RawConnection(port: port)
            try s.send(Self.requestText(method, path, body: body, headers: headers, apiKey: apiKey, close: true))
            let raw = try s.readAll(timeout: 30)
            return try Self.parse(raw)
        }
    }

    /// Opens a stream and returns the connection with the response head read.
    func openStream(
        _ body: String, headers: [String: String] = [:], receiveBuffer: Int? = nil
    ) async throws -> RawConnection {
        let apiKey = self.apiKey
        return try await onThread {
            let s = try RawConnection(port: port, receiveBuffer: receiveBuffer)
            try s.send(
                Self.requestText("POST", "/api/v1/query", body: body, headers: headers, apiKey: apiKey, close: false))
            return s
        }
    }

    /// Reads a whole SSE stream to its end and returns the events.
    func stream(_ body: String, headers: [String: String] = [:]) async throws -> (status: Int, events: [SSEEvent]) {
        let s = try await openStream(body, headers: headers)
        return try await onThread {
            let raw = try s.readAll(timeout: 60)
            let r = try Self.parse(raw)
            return (r.status, SSEEvent.parse(r.body))
        }
    }

    static func requestText(
        _ method: String, _ path: String, body: String?, headers: [String: String], apiKey: String?, close: Bool
    ) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let apiKey { text += "X-API-Key: \(apiKey)\r\n" }
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        if close { text += "Connection: close\r\n" }
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        } else {
            text += "Content-Length: 0\r\n"
        }
        return text + "\r\n" + (body ?? "")
    }

    /// Parses a response (chunked or with a length) from raw bytes.
    static func parse(_ raw: [UInt8]) throws -> Response {
        let text = String(decoding: raw, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            throw TestClientError("no response head in \(text.prefix(200))")
        }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        let statusLine = head.first.map(String.init) ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            if let c = line.firstIndex(of: ":") {
                headers[line[..<c].lowercased()] = line[line.index(after: c)...].trimmingCharacters(in: .whitespaces)
            }
        }
        var body = String(text[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    /// Decodes a chunked body, byte by byte ("\r\n" is one Character in Swift, so not on Strings).
    static func dechunk(_ s: String) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            var j = i
            while j + 1 < b.count, !(b[j] == 13 && b[j + 1] == 10) { j += 1 }
            guard j + 1 < b.count, let size = Int(String(decoding: b[i..<j], as: UTF8.self), radix: 16), size > 0 else {
                break
            }
            let start = j + 2
            let end = min(b.count, start + size)
            out += b[start..<end]
            i = end + 2
        }
        return String(decoding: out, as: UTF8.self)
    }
}

struct TestClientError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Runs blocking work on a fresh thread and awaits its result.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { cont in
        let t = Thread { cont.resume(with: Result { try body() }) }
        t.stackSize = 1 << 20
        t.start()
    }
}

/// One TCP connection to 127.0.0.1.
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    init(port: Int, receiveBuffer: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var rb = receiveBuffer.map(Int32.init) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            close(fd)
            throw TestClientError("connect to port \(port) failed: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestClientError("send failed: \(String(cString: strerror(errno)))") }
            bytes = bytes.dropFirst(n)
        }
    }

    /// Reads up to `max` bytes, waiting at most `timeout` seconds; empty at EOF or timeout.
    func read(max: Int = 65536, timeout: Double) -> [UInt8] {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(timeout * 1000)) > 0 else { return [] }
        var buf = [UInt8](repeating: 0, count: max)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buf[0..<n]) : []
    }

    /// Reads until EOF (or the timeout since the last byte).
    func readAll(timeout: Double) throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let chunk = read(timeout: timeout)
            if chunk.isEmpty { break }
            out += chunk
            // A chunked response ends with the zero-length chunk.
            if out.count >= 5, out.suffix(5) == Array("0\r\n\r\n".utf8) { break }
        }
        return out
    }

    /// Reads until `predicate` holds for the bytes read so far, or timeout.
    func read(until predicate: ([UInt8]) -> Bool, timeout: Double) -> [UInt8] {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while !predicate(out), Date() < deadline {
            out += read(timeout: min(0.5, max(0.01, deadline.timeIntervalSinceNow)))
        }
        return out
    }

    func shutdownAndClose() { shutdown(fd, Int32(SHUT_RDWR)) }
}

/// An SSE event as the tests see it (a minimal parser: the real one lives in LoadGen).
struct SSEEvent: Sendable, Equatable {
    var id: String?
    var name: String
    var data: String

    var seq: Int? { id.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } } }
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] }

    static func parse(_ body: String) -> [SSEEvent] {
        body.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").compactMap { block in
            var e = SSEEvent(id: nil, name: "message", data: "")
            var any = false
            for line in block.split(separator: "\n") where !line.hasPrefix(":") {
                guard let c = line.firstIndex(of: ":") else { continue }
                var v = line[line.index(after: c)...]
                if v.first == " " { v = v.dropFirst() }
                switch line[..<c] {
                case "id":
                    e.id = String(v)
                    any = true
                case "event":
                    e.name = String(v)
                    any = true
                case "data":
                    e.data = e.data.isEmpty ? String(v) : e.data + "\n" + v
                    any = true
                default: break
                }
            }
            return any ? e : nil
        }
    }
}
