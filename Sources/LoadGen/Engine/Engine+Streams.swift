internal import CCurl
import Foundation

/// What the engine does with response headers, body bytes and the end of a request.
extension Engine {
    /// libcurl's header callback, at the blank line ending a header block. Returns false to abort.
    func curlHeadersEnded(_ t: Transfer) -> Bool {
        guard let easy = t.easy else { return false }
        var code = 0
        ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        if code >= 100 && code < 200 { return true }  // an interim response; the real one follows
        var connects = 0
        ccurl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        if connects > 0 {
            var connectMicros: curl_off_t = 0
            ccurl_easy_getinfo_off(easy, CURLINFO_CONNECT_TIME_T, &connectMicros)
            metrics.record(.connect, microseconds: UInt64(max(0, connectMicros)))
        }
        var contentType: UnsafeMutableRawPointer?
        ccurl_easy_getinfo_ptr(easy, CURLINFO_CONTENT_TYPE, &contentType)
        let type = contentType.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? ""
        return headersEnded(t, status: code, contentType: type)
    }

    /// The final response's head arrived (either transport). Returns false to abort.
    func headersEnded(_ t: Transfer, status code: Int, contentType type: String) -> Bool {
        let now = monotonicNanos()
        t.status = code
        t.headersAt = now
        metrics.record(.timeToHeaders, microseconds: (now - t.start) / 1000)
        guard configuration.mode == .sse else { return true }
        guard code >= 200 && code < 300 else {
            t.abortKind = "http_\(code)"
            return false
        }
        guard type.lowercased().hasPrefix("text/event-stream") else {
            t.abortKind = ErrorKind.parse
            return false
        }
        t.headersOK = true
        t.streamEstablished = true
        metrics.counters.succeeded += 1
        if t.broken {  // only a resume answers a broken stream: a fresh one was counted lost
            t.broken = false
            metrics.counters.streamsResumed += 1
            metrics.ensure(currentSecond)
            metrics.series[currentSecond].resumed += 1
        }
        if t.profile == .stalled && !t.resumeNext {
            schedule(.stallBegin, for: t, at: now + configuration.stall.after.nanoseconds)
        }
        return true
    }

    /// Write callback: body bytes. Returns false to abort.
    func received(_ t: Transfer, _ bytes: UnsafeRawBufferPointer) -> Bool {
        metrics.counters.bytes += bytes.count
        metrics.profileBytes[t.profile.index] += bytes.count
        if t.profile == .slow { pace(t, adding: bytes.count) }
        metrics.ensure(currentSecond)
        metrics.series[currentSecond].bytes += bytes.count
        guard configuration.mode == .sse else { return true }
        let now = monotonicNanos()
        let before = t.parser.commentCount
        var events = 0
        t.parser.parseViews(bytes) { event in
            events += 1
            self.handle(event, on: t, now: now)
        }
        metrics.counters.comments += t.parser.commentCount - before
        metrics.counters.events += events
        metrics.series[currentSecond].events += events
        return true
    }

    /// Keeps a slow client at its cap. libcurl's own limiter (`CURLOPT_MAX_RECV_SPEED_LARGE`, also
    /// set) checks the rate only between socket actions, and one action may read up to 100 buffers
    /// while the socket stays readable, so alone it overshoots a small cap several times over.
    /// Pausing the receive side when ahead of schedule, and resuming when the schedule catches up,
    /// holds the average to the cap.
    private func pace(_ t: Transfer, adding count: Int) {
        t.connectionBytes += count
        let rate = UInt64(configuration.slow.bytesPerSecond)
        let dueAt = t.start + UInt64(t.connectionBytes) * 1_000_000_000 / rate
        let now = monotonicNanos()
        guard dueAt > now + 20_000_000, !t.paused else { return }
        if pauseReading(t) { schedule(.paceResume, for: t, at: dueAt) }
    }

    private static let done = Array("done".utf8)
    private static let error = Array("error".utf8)

    private func handle(_ event: SSEEventView, on t: Transfer, now: UInt64) {
        if t.firstEventAt == 0 {
            t.firstEventAt = now
            metrics.record(.timeToFirstEvent, microseconds: (now - t.start) / 1000)
        } else {
            metrics.record(.interEventGap, microseconds: (now - t.lastEventAt) / 1000)
        }
        t.lastEventAt = now
        if contentTypes.contains(where: { event.isType($0) }) {
            metrics.counters.contentEvents += 1
            if t.firstContentAt == 0 {
                t.firstContentAt = now
                metrics.record(.timeToFirstContent, microseconds: (now - t.streamStart) / 1000)
            } else {
                let gap = now - t.lastContentAt
                metrics.record(.contentGap, microseconds: gap / 1000)
                t.contentGaps += 1
                if let bound = gapBound, gapInclusive ? gap > bound : gap >= bound { t.gapsOverBound += 1 }
            }
            t.lastContentAt = now
        }
        if event.isType(Self.done) { t.sawDone = true }
        if event.isType(Self.error) {
            metrics.countErrorEvent(
                Self.errorEventKind(String(decoding: event.dataBytes, as: UTF8.self)), second: currentSecond)
        }
        guard event.hasOwnID, let sequence = EventSequence.number(fromID: event.idBytes) else {
            metrics.counters.unsequencedEvents += 1
            return
        }
        switch t.checker.record(sequence) {
        case .inOrder: break
        case .gap(let missing):
            metrics.counters.gaps += 1
            metrics.counters.missingEvents += Int(missing)
            metrics.ensure(currentSecond)
            metrics.series[currentSecond].missing += Int(missing)
        case .duplicate: metrics.counters.duplicates += 1
        case .reordered:
            metrics.counters.reorders += 1
            metrics.counters.missingEvents -= 1
            metrics.ensure(currentSecond)
            metrics.series[currentSecond].missing -= 1
        }
    }

    /// Goodput: one ended stream against the SLO.
    private func judge(_ t: Transfer, slo: StreamSLO, completed: Bool, now: UInt64) {
        metrics.counters.sloStreams += 1
        guard completed else {
            metrics.counters.sloIncomplete += 1
            return
        }
        let missed = slo.missed(
            firstContent: t.firstContentAt > 0 ? t.firstContentAt - t.streamStart : nil, gaps: t.contentGaps,
            gapsOverBound: t.gapsOverBound, completion: now - t.streamStart)
        if missed.isEmpty { metrics.counters.sloGood += 1 }
        for m in missed {
            switch m {
            case .firstContent: metrics.counters.sloMissedFirstContent += 1
            case .gap: metrics.counters.sloMissedGap += 1
            case .completion: metrics.counters.sloMissedCompletion += 1
            }
        }
    }

    /// An `error` event's kind: its `code` (`AGENT_ERROR`, `SLOW_CONSUMER`), else its `error`
    /// (`Session creation failed`), else `error`. Long or odd values are cut to 60 characters.
    static func errorEventKind(_ data: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
            return "error"
        }
        let kind = (object["code"] as? String) ?? (object["error"] as? String) ?? "error"
        return kind.isEmpty ? "error" : String(kind.prefix(60))
    }

    /// A request is over (libcurl finished it, or the engine removed it). Records it and decides
    /// the client's next step.
    func finish(_ t: Transfer, errorKind: String?, now: UInt64, deliberate: Bool = false) {
        t.state = .idle
        t.paused = false
        openCount -= 1
        metrics.ensure(currentSecond)
        metrics.series[currentSecond].closed += 1
        metrics.series[currentSecond].completed += 1
        if let errorKind { metrics.countError(errorKind, second: currentSecond) }
        switch configuration.mode {
        case .sse:
            if t.headersOK {
                metrics.record(.streamDuration, microseconds: (now - t.start) / 1000)
                if !t.sawDone && !deliberate {
                    t.broken = true
                    metrics.counters.streamsBroken += 1
                    metrics.series[currentSecond].broken += 1
                }
                if errorKind == nil && !deliberate {
                    if t.sawDone {
                        metrics.counters.streamsCompleted += 1
                    } else {
                        metrics.counters.streamsEndedEarly += 1
                    }
                }
            }
            t.parser.finish()
            // A reconnecting client resumes a stream that ended before `done` (also after a network
            // error, as EventSource does); everyone else starts a fresh stream after the restart
            // delay, and so does a client whose resume was refused with an HTTP error status
            // (EventSource fails the connection then: a restarted server has no stream to resume).
            let resume =
                t.profile == .reconnecting && t.streamEstablished && !t.sawDone && !deliberate && t.status < 400
            t.resumeNext = resume
            if !resume && !deliberate && t.streamStart > 0 {
                let completed = errorKind == nil && t.headersOK && t.sawDone
                if completed { metrics.record(.streamCompletion, microseconds: (now - t.streamStart) / 1000) }
                if let slo = configuration.slo { judge(t, slo: slo, completed: completed, now: now) }
            }
            if t.broken && !resume {
                t.broken = false
                metrics.counters.streamsLost += 1
                metrics.series[currentSecond].lost += 1
            }
            let delay =
                resume
                ? (t.parser.retryMilliseconds.map { UInt64($0) * 1_000_000 } ?? configuration.reconnectDelay.nanoseconds)
                : configuration.restartDelay.nanoseconds
            schedule(.start, for: t, at: now + delay)
        case .http:
            if errorKind == nil {
                if t.status >= 400 {
                    metrics.countError("http_\(t.status)", second: currentSecond)
                } else {
                    metrics.counters.succeeded += 1
                    metrics.record(.requestLatency, microseconds: (now - t.intendedStart) / 1000)
                }
            }
            switch configuration.driver {
            case .open:
                idleSlots.append(t.slot)
            case .closed(_, let think):
                schedule(.start, for: t, at: now + think.nanoseconds)
            }
        }
    }
}
