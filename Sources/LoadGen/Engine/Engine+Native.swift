internal import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// An address the native transport connects to, resolved once per engine thread.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    var family: Int32 = 0
}

/// The native transport: plain HTTP/1.1 on non-blocking sockets in the engine's own epoll set
/// (level-triggered), one read buffer shared by every connection of the thread, keep-alive between
/// requests to the same address. A connection's epoll token carries its slot and a serial, so an
/// event for a socket already replaced is recognised and dropped.
extension Engine {
    static let nativeTokenFlag: UInt64 = 1 << 62

    static func nativeToken(slot: Int32, serial: UInt32) -> UInt64 {
        nativeTokenFlag | UInt64(serial & 0x3FFF_FFFF) << 32 | UInt64(UInt32(bitPattern: slot))
    }

    /// Sends the transfer's request (`instance`, or its target's ready-made one) on a kept-alive
    /// connection or a new one. False when it ended at once (`url`, `dns`, a socket error), already
    /// counted by `finish`.
    func nativeSubmit(_ t: Transfer, instance: RequestTemplate.Instance?, now: UInt64) -> Bool {
        let endpoint: HTTPEndpoint
        let bytes: [UInt8]
        var ownTarget = true  // the endpoint is the target's, whose address is cached by index
        if let instance {
            ownTarget = instance.url == template.urls[t.target]
            guard let e = ownTarget ? targetEndpoints[t.target] : HTTPEndpoint(instance.url) else {
                endNative(t, errorKind: "url", keepConnection: false, now: now)
                return false
            }
            endpoint = e
            bytes = e.request(method: template.method, headerLines: instance.headerLines, body: instance.body)
        } else {
            guard let e = targetEndpoints[t.target] else {
                endNative(t, errorKind: "url", keepConnection: false, now: now)
                return false
            }
            endpoint = e
            bytes = targetRequests[t.target]
        }
        let cached = ownTarget ? targetAddresses[t.target] : nil
        guard let address = cached ?? resolve(endpoint) else {
            endNative(t, errorKind: "dns", keepConnection: false, now: now)
            return false
        }
        if ownTarget { targetAddresses[t.target] = address }
        t.pendingWrite = bytes
        t.written = 0
        t.response.reset(bodyless: template.method == "HEAD")
        if configuration.mode == .http {
            schedule(.requestTimeout, for: t, at: now + configuration.requestTimeout.nanoseconds)
        }
        if t.fd >= 0 && t.fdAddress == address && t.connected {
            t.reusedConnection = true
            if let kind = writeNative(t) { return retryOrFail(t, kind: kind, now: now) }
            return t.state == .active
        }
        t.reusedConnection = false
        if let kind = connectNative(t, address: address, now: now) {
            endNative(t, errorKind: kind, keepConnection: false, now: now)
            return false
        }
        return true
    }

    /// An address index for the endpoint's host and port, resolved on first use (IPv4 first, as
    /// servers listening on 127.0.0.1 behind `localhost` are common). Requests to a target's own
    /// URL skip this lookup (`targetAddresses`); templated hosts come here per request.
    private func resolve(_ e: HTTPEndpoint) -> Int? {
        let key = "\(e.host):\(e.port)"
        if let i = addressIndex[key] { return i }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(e.host, String(e.port), &hints, &list) == 0, let list else { return nil }
        defer { freeaddrinfo(list) }
        var chosen: UnsafeMutablePointer<addrinfo>?
        var p: UnsafeMutablePointer<addrinfo>? = list
        while let node = p {
            if node.pointee.ai_family == AF_INET {
                chosen = node
                break
            }
            if chosen == nil && node.pointee.ai_family == AF_INET6 { chosen = node }
            p = node.pointee.ai_next
        }
        guard let node = chosen, let addr = node.pointee.ai_addr else { return nil }
        var a = SocketAddress()
        a.family = node.pointee.ai_family
        a.length = node.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &a.storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: addr, count: Int(node.pointee.ai_addrlen)))
        }
        addresses.append(a)
        addressIndex[key] = addresses.count - 1
        return addresses.count - 1
    }

    /// Opens a non-blocking socket to the address and starts connecting. Returns an error kind.
    private func connectNative(_ t: Transfer, address: Int, now: UInt64) -> String? {
        closeConnection(t)
        let a = addresses[address]
        let fd = socket(
            a.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { return ErrorKind.classify(errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if t.profile == .slow {
            var size = Int32(configuration.slow.receiveBuffer)
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        t.fd = fd
        t.fdAddress = address
        t.connectionSerial &+= 1
        t.connectStart = now
        let rc = withUnsafePointer(to: a.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, a.length) }
        }
        if rc == 0 {
            return connected(t, now: now)
        }
        let e = errno
        guard e == EINPROGRESS else { return ErrorKind.classify(errno: e) }
        setInterest(t, UInt32(EPOLLOUT.rawValue))
        schedule(.connectTimeout, for: t, at: now + configuration.connectTimeout.nanoseconds)
        return nil
    }

    private func connected(_ t: Transfer, now: UInt64) -> String? {
        t.connected = true
        metrics.record(.connect, microseconds: (now - t.connectStart) / 1000)
        return writeNative(t)
    }

    /// Writes what is left of the request; waits for writability when the socket is full.
    private func writeNative(_ t: Transfer) -> String? {
        while t.written < t.pendingWrite.count {
            let n = t.pendingWrite.withUnsafeBytes { b in
                send(t.fd, b.baseAddress! + t.written, b.count - t.written, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                t.written += n
                continue
            }
            let e = errno
            if n < 0 && e == EINTR { continue }
            if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) {
                setInterest(t, UInt32(EPOLLOUT.rawValue) | UInt32(EPOLLIN.rawValue))
                return nil
            }
            return ErrorKind.classify(errno: e)
        }
        setInterest(t, t.paused ? 0 : UInt32(EPOLLIN.rawValue))
        return nil
    }

    /// A kept-alive connection the server had closed before any byte of this response: sends the
    /// request again on a fresh one (as libcurl does). Returns whether the transfer is still active.
    private func retryOrFail(_ t: Transfer, kind: String, now: UInt64) -> Bool {
        if t.reusedConnection && t.response.bytesSeen == 0 {
            t.reusedConnection = false
            t.written = 0
            if let kind = connectNative(t, address: t.fdAddress, now: now) {
                endNative(t, errorKind: kind, keepConnection: false, now: now)
                return false
            }
            return true
        }
        endNative(t, errorKind: kind, keepConnection: false, now: now)
        return false
    }

    /// epoll reported the socket of `slot` ready.
    func nativeReady(token: UInt64, mask: UInt32) {
        let slot = Int(token & 0xFFFF_FFFF)
        guard slot < slots.count else { return }
        let t = slots[slot]
        guard t.fd >= 0, UInt32((token >> 32) & 0x3FFF_FFFF) == t.connectionSerial & 0x3FFF_FFFF else { return }
        let now = monotonicNanos()
        if t.state == .idle {
            // A kept-alive connection between requests: the server closed it (or sent bytes unasked).
            closeConnection(t)
            return
        }
        let failed = UInt32(EPOLLERR.rawValue) | UInt32(EPOLLHUP.rawValue)
        if !t.connected {
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(t.fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 || mask & failed != 0 {
                endNative(
                    t, errorKind: ErrorKind.classify(errno: err != 0 ? err : ECONNREFUSED), keepConnection: false,
                    now: now)
                return
            }
            guard mask & UInt32(EPOLLOUT.rawValue) != 0 else { return }
            if let kind = connected(t, now: now) { _ = retryOrFail(t, kind: kind, now: now) }
            return
        }
        if mask & UInt32(EPOLLOUT.rawValue) != 0 && t.written < t.pendingWrite.count {
            if let kind = writeNative(t) {
                _ = retryOrFail(t, kind: kind, now: now)
                return
            }
        }
        if t.paused {
            // epoll reports a hang-up even without interest: leave the set until reading resumes,
            // so a stalled client reads nothing (and the loop does not spin) until its stall ends.
            if mask & failed != 0 {
                _ = ccurl_epoll_ctl(epollFD, EPOLL_CTL_DEL, t.fd, 0, 0)
                t.interest = nil
            }
            return
        }
        if mask & (UInt32(EPOLLIN.rawValue) | failed) != 0 { readNative(t, now: now) }
    }

    /// Reads what the socket holds (again while reads fill the buffer, a few times at most).
    private func readNative(_ t: Transfer, now: UInt64) {
        let cap = t.profile == .slow ? slowReadSize : readBuffer.count
        var reads = 0
        while t.state == .active && t.fd >= 0 {
            let n = recv(t.fd, readBuffer.baseAddress, cap, 0)
            if n > 0 {
                let outcome = t.response.feed(
                    UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]),
                    onHead: { head in self.headersEnded(t, status: head.status, contentType: head.contentType) },
                    onBody: { self.received(t, $0) })
                switch outcome {
                case .more:
                    reads += 1
                    if n == cap && !t.paused && reads < 8 { continue }
                    return
                case .complete:
                    endNative(t, errorKind: nil, keepConnection: t.response.keepAlive, now: monotonicNanos())
                case .malformed:
                    endNative(t, errorKind: ErrorKind.parse, keepConnection: false, now: monotonicNanos())
                case .refused:
                    endNative(
                        t, errorKind: t.abortKind ?? ErrorKind.parse, keepConnection: false, now: monotonicNanos())
                }
                return
            }
            if n == 0 {
                if t.reusedConnection && t.response.bytesSeen == 0 {
                    _ = retryOrFail(t, kind: "empty_reply", now: now)
                    return
                }
                let kind: String? =
                    t.response.endOfInput() == .complete ? nil : (t.response.bytesSeen == 0 ? "empty_reply" : "reset")
                endNative(t, errorKind: kind, keepConnection: false, now: monotonicNanos())
                return
            }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return }
            _ = retryOrFail(t, kind: ErrorKind.classify(errno: e), now: now)
            return
        }
    }

    /// The request is over: keeps the connection for the next one, or closes it; then `finish`.
    func endNative(_ t: Transfer, errorKind: String?, keepConnection: Bool, now: UInt64) {
        if keepConnection && t.fd >= 0 {
            setInterest(t, UInt32(EPOLLIN.rawValue))  // to notice the server closing it while idle
        } else {
            closeConnection(t)
        }
        t.pendingWrite = []
        finish(t, errorKind: errorKind, now: now)
    }

    func closeConnection(_ t: Transfer) {
        guard t.fd >= 0 else { return }
        close(t.fd)  // also leaves the epoll set
        t.fd = -1
        t.fdAddress = -1
        t.connected = false
        t.interest = nil
    }

    /// Stops or restarts reading a connection (stall, slow pacing): epoll stops reporting it.
    func setReading(_ t: Transfer, _ reading: Bool) {
        guard t.fd >= 0, t.connected, t.written >= t.pendingWrite.count else { return }
        setInterest(t, reading ? UInt32(EPOLLIN.rawValue) : 0)
    }

    private func setInterest(_ t: Transfer, _ events: UInt32) {
        let token = Self.nativeToken(slot: t.slot, serial: t.connectionSerial)
        if let current = t.interest {
            if current != events { _ = ccurl_epoll_ctl(epollFD, EPOLL_CTL_MOD, t.fd, events, token) }
        } else {
            _ = ccurl_epoll_ctl(epollFD, EPOLL_CTL_ADD, t.fd, events, token)
        }
        t.interest = events
    }
}
