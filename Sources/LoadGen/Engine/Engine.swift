internal import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One engine thread owning a share of the clients (no thread or task per client), on one epoll
/// set: the native HTTP/1.1 transport's sockets (``Engine/nativeReady(token:mask:)``), or a
/// libcurl multi handle driven through `curl_multi_socket_action`. Runs until the run's end time
/// or a stop request, then frees every handle and returns its metrics.
final class Engine {
    let index: Int
    let engineCount: Int
    let configuration: LoadConfiguration
    let template: RequestTemplate
    let shared: EngineShared
    let runStart: UInt64
    let runEnd: UInt64

    let multi: UnsafeMutableRawPointer
    let epollFD: Int32
    /// The native transport (else libcurl).
    let native: Bool
    // Native transport: per target its endpoint and ready-made request; resolved addresses; the
    // one read buffer every connection of this thread reads into.
    let targetEndpoints: [HTTPEndpoint?]
    let targetRequests: [[UInt8]]
    var addresses: [SocketAddress] = []
    var addressIndex: [String: Int] = [:]
    /// Per target, its address index once resolved (no key string or lookup per request).
    var targetAddresses: [Int?]
    let readBuffer: UnsafeMutableRawBufferPointer
    /// A slow client reads at most this much at a time (200 ms at its cap), so pacing stays smooth.
    let slowReadSize: Int
    var slots: [Transfer] = []
    var idleSlots: [Int32] = []
    var timers = TimerQueue()
    /// libcurl's requested timeout as an absolute deadline (nanoseconds), nil when none.
    var curlDeadline: UInt64?
    var metrics: EngineMetrics
    var openCount = 0
    var rng: FastRandom

    /// This process's share of a sharded test; numbers below are the shard's until ``Shard/global(_:)``.
    let shard: Shard
    // Client ramp-up (SSE and closed model): local client j is the shard's client index + j * count,
    // which is the whole test's client shard.global(index + j * count) (its start time and
    // target); its profile is the shard's run of the whole test's sequence (``Shard``).
    var clientProfiles: [ClientProfile] = []
    /// Clients of the whole test (all engines of all shards), for their split over the targets.
    var totalClients = 0
    var nextClientToStart = 0
    // Open model: the shard's arrival numbers index, index + count, ... (whole-test numbers via the shard).
    var schedule: ArrivalSchedule?
    var nextArrival: Int
    var maxSlots = 0

    var currentSecond = 0
    var lastPublish: UInt64 = 0
    /// The SLO's gap bound (nanoseconds) and whether it is inclusive, read once.
    let gapBound: UInt64?
    /// The content event types as bytes, matched against each event's type without a string.
    let contentTypes: [[UInt8]]
    let gapInclusive: Bool

    static let wakeToken = UInt64.max
    /// The read tick in nanoseconds (0: none) and when the last wait ended.
    let tickNanos: UInt64
    var lastWake: UInt64 = 0

    init?(
        index: Int, of count: Int, configuration: LoadConfiguration, profiles: [ClientProfile],
        runStart: UInt64, runEnd: UInt64
    ) {
        guard let multi = curl_multi_init() else { return nil }
        let ep = epoll_create1(Int32(EPOLL_CLOEXEC))
        let wake = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard ep >= 0, wake >= 0 else {
            curl_multi_cleanup(multi)
            if ep >= 0 { close(ep) }
            if wake >= 0 { close(wake) }
            return nil
        }
        self.index = index
        self.engineCount = count
        self.configuration = configuration
        let template = RequestTemplate(configuration)
        self.template = template
        self.native = configuration.effectiveTransport == .native
        let endpoints = configuration.targets.map { HTTPEndpoint($0) }
        self.targetEndpoints = endpoints
        self.targetAddresses = Array(repeating: nil, count: endpoints.count)
        self.targetRequests = endpoints.map {
            $0?.request(method: template.method, headerLines: template.headerLines, body: template.body) ?? []
        }
        self.readBuffer = .allocate(byteCount: configuration.receiveBufferSize, alignment: 16)
        self.slowReadSize = min(configuration.receiveBufferSize, max(64, configuration.slow.bytesPerSecond / 5))
        self.multi = multi
        self.epollFD = ep
        self.shared = EngineShared(wakeFD: wake)
        self.runStart = runStart
        self.runEnd = runEnd
        self.shard = configuration.shard
        self.gapBound = configuration.slo?.gapBoundNanos
        self.contentTypes = configuration.contentEvents.sorted().map { Array($0.utf8) }
        self.gapInclusive = configuration.slo?.gapInclusive ?? false
        self.tickNanos = configuration.tick.nanoseconds
        self.metrics = EngineMetrics(recordsIntervals: configuration.recordsIntervals)
        self.rng = FastRandom(
            seed: UInt64(truncatingIfNeeded: runStart) &+ UInt64(index) &* 0x9E37_79B9
                &+ UInt64(configuration.shard.index) &* 0xC2B2_AE3D_27D4_EB4F)
        self.nextArrival = index
        _ = ccurl_epoll_ctl(ep, EPOLL_CTL_ADD, wake, UInt32(EPOLLIN.rawValue), Self.wakeToken)

        switch configuration.mode {
        case .sse:
            let mine = Array(configuration.shard.profiles(profiles))
            clientProfiles = stride(from: index, to: mine.count, by: count).map { mine[$0] }
            totalClients = profiles.count
        case .http:
            switch configuration.driver {
            case .open(let rate, let maxInFlight):
                schedule = ArrivalSchedule(rate: rate, duration: (runEnd - runStart).secondsFromNanos)
                maxSlots = (configuration.shard.share(of: maxInFlight) + count - 1) / count
            case .closed(let vus, _):
                clientProfiles = Array(
                    repeating: .fast,
                    count: stride(from: index, to: configuration.shard.share(of: vus), by: count).underestimatedCount)
                totalClients = vus
            }
        }
        installMultiCallbacks()
    }

    deinit {
        // Every easy handle leaves the multi handle before either is freed.
        for t in slots where t.state == .active { if let easy = t.easy { curl_multi_remove_handle(multi, easy) } }
        slots.removeAll()  // closes the native sockets
        curl_multi_cleanup(multi)
        readBuffer.deallocate()
        close(epollFD)
        close(shared.wakeFD)
    }

    /// The event loop. Returns the metrics when the run ends or a stop is requested.
    func run() -> EngineMetrics {
        let maxEvents: Int32 = 256
        var tokens = [UInt64](repeating: 0, count: Int(maxEvents))
        var masks = [UInt32](repeating: 0, count: Int(maxEvents))
        while true {
            var now = monotonicNanos()
            if now >= runEnd || shared.stopRequested.load(ordering: .acquiring) { break }
            rollSecond(now)
            startDueClients(now)
            dispatchDueArrivals(now)
            fireTimers(now)
            if let d = curlDeadline, d <= now {
                curlDeadline = nil
                socketAction(CCURL_SOCKET_TIMEOUT, 0)
            }
            now = monotonicNanos()
            if tickNanos > 0 && now < lastWake + tickNanos {
                // At most one collection per tick: what becomes ready meanwhile is read together.
                sleepNanos(min(lastWake + tickNanos, runEnd) - now)
                now = monotonicNanos()
            }
            let timeout = waitMilliseconds(now)
            let n = tokens.withUnsafeMutableBufferPointer { tp in
                masks.withUnsafeMutableBufferPointer { mp in
                    ccurl_epoll_wait(epollFD, tp.baseAddress, mp.baseAddress, maxEvents, timeout)
                }
            }
            if tickNanos > 0 { lastWake = monotonicNanos() }
            if n > 0 {
                // What the wait returned happened now: count it in this second, not the one
                // the wait began in (a wait often ends at a second's boundary).
                rollSecond(monotonicNanos())
                for i in 0..<Int(n) {
                    if tokens[i] == Self.wakeToken {
                        var value: UInt64 = 0
                        _ = read(shared.wakeFD, &value, 8)
                        continue
                    }
                    if tokens[i] & Self.nativeTokenFlag != 0 {
                        nativeReady(token: tokens[i], mask: masks[i])
                        continue
                    }
                    var flags: Int32 = 0
                    let m = masks[i]
                    if m & UInt32(EPOLLIN.rawValue) != 0 { flags |= CURL_CSELECT_IN }
                    if m & UInt32(EPOLLOUT.rawValue) != 0 { flags |= CURL_CSELECT_OUT }
                    if m & (UInt32(EPOLLERR.rawValue) | UInt32(EPOLLHUP.rawValue)) != 0 { flags |= CURL_CSELECT_ERR }
                    socketAction(curl_socket_t(truncatingIfNeeded: tokens[i]), flags)
                }
            }
        }
        shutdown()
        return metrics
    }

    /// Milliseconds epoll may sleep: until the next due thing, at most 250 ms.
    private func waitMilliseconds(_ now: UInt64) -> Int32 {
        var due = min(runEnd, now + 250_000_000)
        if let d = curlDeadline { due = min(due, d) }
        if let d = timers.nextDeadline { due = min(due, d) }
        if let d = nextClientStartTime() { due = min(due, d) }
        if let d = nextArrivalTime() { due = min(due, d) }
        due = min(due, runStart + UInt64(currentSecond + 1) * 1_000_000_000)
        if due <= now { return 0 }
        return Int32((due - now + 999_999) / 1_000_000)
    }

    func socketAction(_ fd: curl_socket_t, _ flags: Int32) {
        var running: Int32 = 0
        _ = curl_multi_socket_action(multi, fd, flags, &running)
        drainCompletions()
    }

    private func drainCompletions() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result
            var raw: UnsafeMutableRawPointer?
            ccurl_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &raw)
            var osErrno = 0
            ccurl_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
            curl_multi_remove_handle(multi, easy)
            guard let raw else { continue }
            let transfer = Unmanaged<Transfer>.fromOpaque(raw).takeUnretainedValue()
            let kind = result == CURLE_OK ? nil : (transfer.abortKind ?? ErrorKind.classify(result, osErrno: osErrno))
            finish(transfer, errorKind: kind, now: monotonicNanos())
        }
    }

    /// Per-second bookkeeping and progress publication.
    private func rollSecond(_ now: UInt64) {
        let second = Int((now - runStart) / 1_000_000_000)
        if second != currentSecond {
            metrics.roll(toSecond: second)
            metrics.ensure(second)
            for t in currentSecond..<second { metrics.series[t].open = openCount }
            currentSecond = second
        }
        if now - lastPublish > 200_000_000 {
            lastPublish = now
            shared.publish(open: openCount, counters: metrics.counters, errors: metrics.errors.values.reduce(0, +))
        }
    }

    private func shutdown() {
        let now = monotonicNanos()
        for t in slots {
            if t.state == .active {
                if let easy = t.easy { curl_multi_remove_handle(multi, easy) }
                t.state = .idle
                metrics.counters.streamsOpenAtEnd += 1
            }
            closeConnection(t)
        }
        let second = Int((min(now, runEnd) - runStart) / 1_000_000_000)
        metrics.ensure(second)
        for t in currentSecond...second { metrics.series[t].open = openCount }
        openCount = 0
        metrics.closeInterval()
        shared.publish(open: 0, counters: metrics.counters, errors: metrics.errors.values.reduce(0, +))
    }
}

extension UInt64 {
    var secondsFromNanos: Double { Double(self) / 1e9 }
}
