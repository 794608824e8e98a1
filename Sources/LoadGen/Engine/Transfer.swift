internal import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// One client slot of an engine. With libcurl it owns its easy handle (and header list); with the
/// native transport, its socket and HTTP/1.1 response state. It frees them on every path in
/// `deinit`; the engine removes a curl handle from the multi handle before letting it go.
final class Transfer {
    enum State { case idle, active }

    let slot: Int32
    let profile: ClientProfile
    /// The libcurl handle; nil with the native transport.
    let easy: UnsafeMutableRawPointer?
    /// The owning engine, which outlives every transfer it holds.
    unowned(unsafe) let engine: Engine
    private var headerList: UnsafeMutablePointer<curl_slist>?

    var state = State.idle
    /// Index of the target this client's requests go to (open model: this arrival's).
    var target = 0
    /// The target whose URL the easy handle holds (set once per change, not per request).
    var urlTarget = 0
    /// Incremented per request; timer entries of older requests are stale.
    var generation: UInt32 = 0
    /// Nanoseconds (monotonic): intended start (open model), actual start, headers, events.
    var intendedStart: UInt64 = 0
    var start: UInt64 = 0
    var headersAt: UInt64 = 0
    var firstEventAt: UInt64 = 0
    var lastEventAt: UInt64 = 0
    // The logical stream (kept across a resume): its first request's start, content events, the
    // gaps between them and how many reached the SLO's gap bound.
    var streamStart: UInt64 = 0
    var firstContentAt: UInt64 = 0
    var lastContentAt: UInt64 = 0
    var contentGaps = 0
    var gapsOverBound = 0
    var status = 0
    var headersOK = false
    var sawDone = false
    /// Set when the engine or a callback ends the request itself; used instead of libcurl's code.
    var abortKind: String?
    var paused = false
    /// Body bytes of this connection (slow profile pacing).
    var connectionBytes = 0
    /// The next start resumes the logical stream (reconnect with `Last-Event-ID`).
    var resumeNext = false
    /// The logical stream broke and is not yet resumed or given up (per-fault stream accounting).
    var broken = false

    /// The logical stream: kept across reconnects, reset for a fresh stream.
    var parser = SSEParser()
    var checker: SequenceChecker
    /// True once this logical stream had a successful connection (a reconnect then resumes it).
    var streamEstablished = false

    // Native transport: the connection (kept alive between requests to the same address).
    /// The socket, -1 when none.
    var fd: Int32 = -1
    /// The engine's address index the socket is connected (or connecting) to.
    var fdAddress = -1
    var connected = false
    /// Incremented per socket; part of its epoll token.
    var connectionSerial: UInt32 = 0
    /// The epoll events asked for (0: registered but paused), nil when not registered.
    var interest: UInt32?
    var connectStart: UInt64 = 0
    /// This request went out on a kept-alive connection (a close before any byte is retried once).
    var reusedConnection = false
    /// Request bytes not yet written.
    var pendingWrite: [UInt8] = []
    var written = 0
    var response = HTTPResponseParser()

    init?(slot: Int32, profile: ClientProfile, firstSequence: UInt64?, engine: Engine, curl: Bool) {
        if curl {
            guard let easy = curl_easy_init() else { return nil }
            self.easy = easy
        } else {
            self.easy = nil
        }
        self.engine = engine
        self.slot = slot
        self.profile = profile
        self.checker = SequenceChecker(firstExpected: firstSequence)
    }

    deinit {
        if let easy { curl_easy_cleanup(easy) }
        if let headerList { curl_slist_free_all(headerList) }
        if fd >= 0 { close(fd) }
    }

    /// Replaces the request headers. libcurl keeps a pointer to the list, so it lives here until
    /// the next replacement or deinit, and is only replaced while the transfer is idle.
    func setHeaders(_ lines: [String]) {
        guard let easy else { return }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines { list = curl_slist_append(list, line) }
        ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        if let headerList { curl_slist_free_all(headerList) }
        headerList = list
    }

    /// Starts a fresh logical stream (new parser and sequence checker).
    func resetStream(firstSequence: UInt64?) {
        parser = SSEParser()
        checker = SequenceChecker(firstExpected: firstSequence)
        streamEstablished = false
        broken = false
        streamStart = 0
        firstContentAt = 0
        lastContentAt = 0
        contentGaps = 0
        gapsOverBound = 0
    }

    /// Per-request state, before each (re)connection.
    func beginRequest(intendedStart: UInt64, now: UInt64) {
        generation &+= 1
        self.intendedStart = intendedStart
        start = now
        if streamStart == 0 { streamStart = now }
        headersAt = 0
        firstEventAt = 0
        lastEventAt = 0
        status = 0
        headersOK = false
        sawDone = false
        abortKind = nil
        paused = false
        connectionBytes = 0
        parser.resetConnection()
        state = .active
    }
}
