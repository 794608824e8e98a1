internal import CCurl

#if canImport(Glibc)
import Glibc
#endif

// The C callbacks. Context travels through `Unmanaged` (unretained: the engine owns its transfers
// and outlives its multi handle). None of them throws or calls back into the multi handle beyond
// what libcurl allows (`curl_multi_assign` in the socket callback).

extension Engine {
    func installMultiCallbacks() {
        let me = Unmanaged.passUnretained(self).toOpaque()
        ccurl_multi_setopt_ptr(multi, CURLMOPT_SOCKETDATA, me)
        ccurl_multi_setopt_ptr(multi, CURLMOPT_TIMERDATA, me)
        ccurl_multi_setopt_socket_cb(multi) { _, fd, what, userp, socketp in
            guard let userp else { return 0 }
            let engine = Unmanaged<Engine>.fromOpaque(userp).takeUnretainedValue()
            engine.watch(fd: fd, what: what, registered: socketp != nil)
            return 0
        }
        ccurl_multi_setopt_timer_cb(multi) { _, timeoutMs, userp in
            guard let userp else { return 0 }
            let engine = Unmanaged<Engine>.fromOpaque(userp).takeUnretainedValue()
            engine.curlDeadline = timeoutMs < 0 ? nil : monotonicNanos() &+ UInt64(timeoutMs) &* 1_000_000
            return 0
        }
    }

    /// CURLMOPT_SOCKETFUNCTION: mirror libcurl's interest in `fd` into epoll.
    func watch(fd: curl_socket_t, what: Int32, registered: Bool) {
        if what == CURL_POLL_REMOVE {
            _ = ccurl_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
            curl_multi_assign(multi, fd, nil)
            return
        }
        var events: UInt32 = 0
        if what & CURL_POLL_IN != 0 { events |= UInt32(EPOLLIN.rawValue) }
        if what & CURL_POLL_OUT != 0 { events |= UInt32(EPOLLOUT.rawValue) }
        let token = UInt64(UInt32(bitPattern: fd))
        if registered {
            if ccurl_epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, events, token) != 0 && errno == ENOENT {
                _ = ccurl_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, events, token)
            }
        } else {
            if ccurl_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, events, token) != 0 && errno == EEXIST {
                _ = ccurl_epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, events, token)
            }
            // Any non-nil pointer marks the socket as registered.
            curl_multi_assign(multi, fd, UnsafeMutableRawPointer(bitPattern: 1))
        }
    }

    /// Sets the per-transfer options that never change, including the callbacks.
    func configureEasy(_ t: Transfer) {
        guard let easy = t.easy else { return }
        let me = Unmanaged.passUnretained(t).toOpaque()
        ccurl_easy_setopt_ptr(easy, CURLOPT_PRIVATE, me)
        ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, configuration.receiveBufferSize)
        ccurl_easy_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        ccurl_easy_setopt_long(
            easy, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.nanoseconds / 1_000_000))
        if configuration.mode == .http {
            ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(configuration.requestTimeout.nanoseconds / 1_000_000))
        }
        let method = template.method
        if method != "GET" && method != "POST" {
            ccurl_easy_setopt_str(easy, CURLOPT_CUSTOMREQUEST, method)
        }
        ccurl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, me)
        ccurl_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, me)
        ccurl_easy_setopt_write_cb(easy) { data, size, count, userdata in
            guard let userdata, let data else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            let n = size * count
            return transfer.engine.received(transfer, UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
        }
        ccurl_easy_setopt_header_cb(easy) { data, size, count, userdata in
            guard let userdata, let data else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            let n = size * count
            // The blank line that ends a header block.
            let isEnd = n <= 2 && (n == 0 || data[0] == 0x0D || data[0] == 0x0A)
            if isEnd { return transfer.engine.curlHeadersEnded(transfer) ? n : 0 }
            return n
        }
        if t.profile == .slow {
            ccurl_easy_setopt_off(easy, CURLOPT_MAX_RECV_SPEED_LARGE, curl_off_t(configuration.slow.bytesPerSecond))
            ccurl_easy_setopt_ptr(easy, CURLOPT_SOCKOPTDATA, me)
            ccurl_easy_setopt_sockopt_cb(easy) { userdata, fd, _ in
                guard let userdata else { return CURL_SOCKOPT_OK }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                var size = Int32(transfer.engine.configuration.slow.receiveBuffer)
                _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
                return CURL_SOCKOPT_OK
            }
        }
        if !template.isTemplated {
            ccurl_easy_setopt_str(easy, CURLOPT_URL, template.urls[0])
            if let body = template.body { ccurl_easy_setopt_str(easy, CURLOPT_COPYPOSTFIELDS, body) }
            t.setHeaders(template.headerLines)
        }
    }
}
