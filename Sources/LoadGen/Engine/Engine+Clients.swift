internal import CCurl

/// Client lifecycles: ramp-up, open-model arrivals, (re)connections, per-client timers, and what
/// happens when a request ends.
extension Engine {
    // MARK: Starting

    func nextClientStartTime() -> UInt64? {
        guard nextClientToStart < clientProfiles.count else { return nil }
        return runStart + UInt64(Double(globalClient(nextClientToStart)) / configuration.ramp * 1e9)
    }

    /// The whole test's number of this engine's `local`-th client.
    func globalClient(_ local: Int) -> Int {
        shard.global(index + local * engineCount)
    }

    func startDueClients(_ now: UInt64) {
        while let due = nextClientStartTime(), due <= now {
            let local = nextClientToStart
            nextClientToStart += 1
            guard let t = makeTransfer(profile: clientProfiles[local]) else {
                metrics.countError("out_of_memory", second: currentSecond)
                continue
            }
            t.target = Self.target(
                ofClient: globalClient(local), of: totalClients, targets: template.urls.count)
            startRequest(t, intendedStart: due, now: now)
        }
    }

    /// Clients are split over the targets in contiguous blocks (client k of N on target k·n/N), so
    /// each target gets the mix's proportions: the mix repeats its pattern along the client
    /// numbers, and `k mod n` would line a pattern up with a target.
    static func target(ofClient k: Int, of clients: Int, targets n: Int) -> Int {
        n <= 1 || clients <= 0 ? 0 : min(k * n / clients, n - 1)
    }

    func nextArrivalTime() -> UInt64? {
        guard let schedule, let offset = schedule.offset(ofArrival: shard.global(nextArrival)) else { return nil }
        return runStart + UInt64(offset * 1e9)
    }

    /// Open model: every due arrival takes a free slot, or is dropped and counted.
    func dispatchDueArrivals(_ now: UInt64) {
        while let due = nextArrivalTime(), due <= now {
            let arrival = nextArrival
            nextArrival += engineCount
            var transfer: Transfer?
            if let slot = idleSlots.popLast() {
                transfer = slots[Int(slot)]
            } else if slots.count < maxSlots {
                transfer = makeTransfer(profile: .fast)
            }
            guard let transfer else {
                metrics.counters.dropped += 1
                metrics.ensure(currentSecond)
                metrics.series[currentSecond].dropped += 1
                continue
            }
            transfer.target = shard.global(arrival) % template.urls.count
            startRequest(transfer, intendedStart: due, now: now)
        }
    }

    func makeTransfer(profile: ClientProfile) -> Transfer? {
        guard
            let t = Transfer(
                slot: Int32(slots.count), profile: profile, firstSequence: configuration.firstSequence, engine: self,
                curl: !native)
        else { return nil }
        slots.append(t)
        configureEasy(t)
        return t
    }

    /// (Re)connects. A `reconnecting` client resuming its stream sends `Last-Event-ID`.
    func startRequest(_ t: Transfer, intendedStart: UInt64, now: UInt64, resume: Bool = false) {
        // The request differs from the target's ready-made one: a session drawn per request, a
        // resume's `Last-Event-ID` (and, for libcurl, the headers a resume left behind).
        var instance: RequestTemplate.Instance?
        if template.isTemplated || (resume && !t.parser.lastEventID.isEmpty) || (!native && t.streamEstablished) {
            var request = template.instance(target: t.target, using: &rng)
            if resume && !t.parser.lastEventID.isEmpty {
                request.headerLines.append("Last-Event-ID: \(t.parser.lastEventID)")
            }
            instance = request
        }
        if let easy = t.easy {
            if t.urlTarget != t.target && !template.isTemplated {
                ccurl_easy_setopt_str(easy, CURLOPT_URL, template.urls[t.target])
                t.urlTarget = t.target
            }
            if let instance {
                if template.isTemplated {
                    ccurl_easy_setopt_str(easy, CURLOPT_URL, instance.url)
                    if let body = instance.body { ccurl_easy_setopt_str(easy, CURLOPT_COPYPOSTFIELDS, body) }
                }
                t.setHeaders(instance.headerLines)
            }
        }
        if !resume { t.resetStream(firstSequence: configuration.firstSequence) }
        t.beginRequest(intendedStart: intendedStart, now: now)
        metrics.counters.started += 1
        if resume { metrics.counters.reconnects += 1 }
        openCount += 1
        metrics.ensure(currentSecond)
        metrics.series[currentSecond].opened += 1
        if let easy = t.easy {
            let rc = curl_multi_add_handle(multi, easy)
            if rc != CURLM_OK {
                t.abortKind = "curl_multi_\(rc.rawValue)"
                finish(t, errorKind: t.abortKind, now: now)
                return
            }
        } else if !nativeSubmit(t, instance: instance, now: now) {
            return
        }
        schedule(.headerTimeout, for: t, at: now + configuration.headerTimeout.nanoseconds)
    }

    /// Stops reading a transfer (stall, pacing). Returns whether it is now paused.
    func pauseReading(_ t: Transfer) -> Bool {
        if let easy = t.easy {
            guard curl_easy_pause(easy, CCURL_PAUSE_RECV) == CURLE_OK else { return false }
        } else {
            setReading(t, false)
        }
        t.paused = true
        return true
    }

    func resumeReading(_ t: Transfer) {
        guard t.paused else { return }
        t.paused = false
        if let easy = t.easy {
            _ = curl_easy_pause(easy, CCURL_PAUSE_CONT)
        } else {
            setReading(t, true)
        }
    }

    // MARK: Timers

    func schedule(_ action: TimerQueue.Action, for t: Transfer, at deadline: UInt64) {
        timers.push(.init(deadline: deadline, slot: t.slot, generation: t.generation, action: action))
    }

    func fireTimers(_ now: UInt64) {
        while let entry = timers.popDue(now) {
            let t = slots[Int(entry.slot)]
            if entry.action == .start {
                // A start entry carries the generation it was scheduled after; the transfer is idle.
                guard t.state == .idle, t.generation == entry.generation else { continue }
                startRequest(t, intendedStart: entry.deadline, now: now, resume: t.resumeNext)
                continue
            }
            guard t.state == .active, t.generation == entry.generation else { continue }
            switch entry.action {
            case .headerTimeout:
                if t.headersAt == 0 { abort(t, kind: ErrorKind.headerTimeout, now: now) }
            case .stallBegin:
                if pauseReading(t) {
                    metrics.counters.stalls += 1
                    schedule(.stallEnd, for: t, at: now + configuration.stall.length.nanoseconds)
                }
            case .stallEnd:
                if configuration.stall.thenLeave {
                    metrics.counters.stallsLeft += 1
                    abort(t, kind: nil, now: now)
                } else {
                    resumeReading(t)
                }
            case .paceResume:
                resumeReading(t)
            case .connectTimeout:
                if !t.connected { abort(t, kind: "timeout", now: now) }
            case .requestTimeout:
                abort(t, kind: "timeout", now: now)
            case .start:
                break
            }
        }
    }

    /// Ends an active request from the engine's side (never from inside a libcurl callback).
    /// A nil kind is a deliberate close, not an error.
    func abort(_ t: Transfer, kind: String?, now: UInt64) {
        if let easy = t.easy {
            curl_multi_remove_handle(multi, easy)
        } else {
            closeConnection(t)
            t.pendingWrite = []
        }
        finish(t, errorKind: kind, now: now, deliberate: kind == nil)
    }
}
