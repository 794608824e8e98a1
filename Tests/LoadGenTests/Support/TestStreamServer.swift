import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A tiny blocking HTTP/1.1 server on 127.0.0.1, port 0, thread per connection: enough to drive
/// the engine through every behaviour the tests need, with exact control over the bytes.
///
/// `GET /sse?events=N&interval_ms=I&size=B&skip=K&drop_after=M&retry=R&ignore_last_id=1&stream=S&forget=1`
///   sends `id: S:<seq>` events (seq from 1, or after `Last-Event-ID`), skipping seq K, closing
///   the connection after M events of one connection (no `done`), then `event: done` after seq N.
///   `interval_ms=0` writes as fast as the socket takes it (blocking send: real backpressure).
///   `forget=1` answers 404 to every resume (a server restarted since, its streams gone).
///   `error=TEXT` sends one unsequenced `error` event `{"error": TEXT}` first (upstream's shape
///   for a failed session create), `error_code=CODE` one `{"code": CODE}`.
/// `GET /http` answers `ok` (with `then_close=1` it closes the kept-alive connection after it);
///   while a stall window is set, requests arriving in it are answered when it ends.
///   `GET /hang` never answers. `GET /status?code=C` answers with status C.
final class TestStreamServer: Sendable {
    let port: Int
    private let listenFD: Int32
    private let stopped = Atomic<Bool>(false)
    private let stallWindow = Mutex<(from: UInt64, until: UInt64)?>(nil)
    let connections = Atomic<Int>(0)
    private let streamCounter = Atomic<Int>(0)

    init() throws {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0, listen(fd, 1024) == 0 else { throw ServerError(message: "bind/listen failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        spawn { [self] in acceptLoop() }
    }

    struct ServerError: Error { var message: String }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    /// Requests to /http arriving in [now + after, now + after + length) are answered at its end.
    func stall(after: Double, length: Double) {
        let now = Self.now()
        stallWindow.withLock { $0 = (now + UInt64(after * 1e9), now + UInt64((after + length) * 1e9)) }
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            connections.add(1, ordering: .relaxed)
            spawn { [self] in
                serve(client)
                close(client)
            }
        }
    }

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        while !stopped.load(ordering: .relaxed) {
            guard let head = readHead(fd, &buffer) else { return }
            let (path, query, headers) = Self.parse(head)
            switch path {
            case "/sse":
                streamEvents(fd, query: query, lastEventID: headers["last-event-id"])
                return
            case "/hang":
                while !stopped.load(ordering: .relaxed) { usleep(50_000) }
                return
            case "/status":
                let code = Int(query["code"] ?? "500") ?? 500
                guard send(fd, "HTTP/1.1 \(code) Test\r\nContent-Length: 0\r\n\r\n") else { return }
            default:
                let arrived = Self.now()
                if let window = stallWindow.withLock({ $0 }), arrived >= window.from, arrived < window.until {
                    usleep(UInt32((window.until - arrived) / 1000))
                }
                guard send(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok") else {
                    return
                }
                if query["then_close"] == "1" { return }
            }
        }
    }

    private func streamEvents(_ fd: Int32, query: [String: String], lastEventID: String?) {
        let total = Int(query["events"] ?? "10") ?? 10
        let interval = Int(query["interval_ms"] ?? "10") ?? 10
        let size = Int(query["size"] ?? "16") ?? 16
        let skip = Int(query["skip"] ?? "-1") ?? -1
        let dropAfter = Int(query["drop_after"] ?? "0") ?? 0
        let ignoreLastID = query["ignore_last_id"] == "1"
        var streamID = query["stream"] ?? "s\(streamCounter.add(1, ordering: .relaxed).newValue)"
        if query["forget"] == "1", lastEventID != nil {
            // A server restarted since: it has no stream to resume.
            _ = send(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        }
        var seq = 1
        if let last = lastEventID, !ignoreLastID, let colon = last.lastIndex(of: ":"),
            let n = Int(last[last.index(after: colon)...])
        {
            streamID = String(last[..<colon])
            seq = n + 1
        }
        var head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
        if let retry = query["retry"] { head += "retry: \(retry)\r\n\r\n" }
        head += ": ping - hello\r\n\r\n"
        if let text = query["error"] {
            head += "event: error\r\ndata: {\"error\": \"\(text)\", \"message\": \"x\"}\r\n\r\n"
        }
        if let code = query["error_code"] { head += "event: error\r\ndata: {\"code\": \"\(code)\"}\r\n\r\n" }
        guard send(fd, head) else { return }
        let pad = String(repeating: "x", count: max(0, size))
        var sentThisConnection = 0
        while seq <= total && !stopped.load(ordering: .relaxed) {
            if seq != skip {
                let event =
                    "id: \(streamID):\(seq)\r\nevent: message\r\ndata: {\"seq\":\(seq),\"pad\":\"\(pad)\"}\r\n\r\n"
                guard send(fd, event) else { return }
                sentThisConnection += 1
            }
            seq += 1
            if dropAfter > 0 && sentThisConnection >= dropAfter && seq <= total { return }
            if interval > 0 { usleep(UInt32(interval * 1000)) }
        }
        _ = send(fd, "id: \(streamID):\(seq)\r\nevent: done\r\ndata: {}\r\n\r\n")
    }

    private func send(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    private func readHead(_ fd: Int32, _ buffer: inout [UInt8]) -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = buffer.firstRange(of: [13, 10, 13, 10]) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<end.upperBound)
                return head
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            buffer += chunk[..<n]
        }
    }

    private static func parse(_ head: String) -> (String, [String: String], [String: String]) {
        let lines = head.split(separator: "\r\n")
        let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let parts = target.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[String(kv[0])] = kv.count == 2 ? String(kv[1]) : ""
            }
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters()
        }
        return (String(parts.first ?? "/"), query, headers)
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop(while: { $0 == " " }))
    }
}

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

private func spawn(_ body: @escaping () -> Void) {
    var thread = pthread_t()
    let arg = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    pthread_create(
        &thread, nil,
        { raw in
            Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, arg)
    pthread_detach(thread)
}
