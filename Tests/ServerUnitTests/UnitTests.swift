import Backends
import Foundation
import NIOCore
import ServerConfig
import SystemSupport
import Testing

@testable import Server

@Suite struct BackoffTests {
    @Test func exponentialDoublesWithoutJitterUpToTheCap() {
        var b = Backoff(strategy: .exponential, initial: .milliseconds(10), cap: .milliseconds(500), seed: 1)
        let ms = (0..<9).map { _ in Int((b.nextDelay().seconds * 1000).rounded()) }
        #expect(ms == [10, 20, 40, 80, 160, 320, 500, 500, 500])
    }

    @Test func upstreamJitterStaysWithinTenPercentAndIsSeeded() {
        var a = Backoff(strategy: .exponentialJitter, initial: .milliseconds(10), cap: .milliseconds(500), seed: 7)
        var b = Backoff(strategy: .exponentialJitter, initial: .milliseconds(10), cap: .milliseconds(500), seed: 7)
        var c = Backoff(strategy: .exponentialJitter, initial: .milliseconds(10), cap: .milliseconds(500), seed: 8)
        let nominal = [10.0, 20, 40, 80, 160, 320, 500, 500]
        var sameAsOtherSeed = true
        for n in nominal {
            let d = a.nextDelay().seconds * 1000
            #expect(d >= n * 0.9 && d <= n * 1.1)
            #expect(d == b.nextDelay().seconds * 1000)
            if abs(d - c.nextDelay().seconds * 1000) > 1e-9 { sameAsOtherSeed = false }
        }
        #expect(!sameAsOtherSeed)
    }

    @Test func fullJitterIsUniformBelowTheExponentialCeiling() {
        var b = Backoff(strategy: .fullJitter, initial: .milliseconds(10), cap: .milliseconds(500), seed: 3)
        var samples: [Double] = []
        for attempt in 0..<200 {
            let ceiling = min(500.0, 10.0 * pow(2, Double(attempt)))
            let d = b.nextDelay().seconds * 1000
            #expect(d >= 0 && d <= ceiling)
            if attempt >= 6 { samples.append(d) }
        }
        let mean = samples.reduce(0, +) / Double(samples.count)
        #expect(mean > 180 && mean < 320)  // uniform on [0, 500]: mean 250
    }

    @Test func decorrelatedJitterStaysBetweenBaseAndCap() {
        var b = Backoff(strategy: .decorrelatedJitter, initial: .milliseconds(10), cap: .milliseconds(500), seed: 5)
        let ds = (0..<100).map { _ in b.nextDelay().seconds * 1000 }
        #expect(ds.allSatisfy { $0 >= 10 - 1e-9 && $0 <= 500 + 1e-9 })
        #expect(Set(ds.map { Int($0) }).count > 20)
    }
}

@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<Int, String>

    @Test func failFastRefusesBeyondTheLimit() {
        var m = Machine(name: "redis", configuration: .init(size: 2, whenExhausted: .failFast))
        guard case .open = m.checkout(enqueue: { "a" }), case .open = m.checkout(enqueue: { "b" }) else {
            Issue.record("first two checkouts should open connections")
            return
        }
        guard case .fail(let e) = m.checkout(enqueue: { "c" }) else {
            Issue.record("third checkout should fail")
            return
        }
        #expect(e == .exhausted(pool: "redis", limit: 2))
        #expect("\(e)".hasPrefix("Too many connections"))
        #expect(m.statistics.exhaustionErrors == 1)
    }

    @Test func overflowConnectionsCloseOnReturnAndWaitersAreServedInOrder() {
        var m = Machine(
            name: "pg", configuration: .init(size: 1, overflow: 1, whenExhausted: .wait(timeout: .seconds(30))))
        _ = m.checkout(enqueue: { "x" })
        _ = m.checkout(enqueue: { "y" })
        guard case .wait(let id1) = m.checkout(enqueue: { "w1" }), case .wait = m.checkout(enqueue: { "w2" }) else {
            Issue.record("expected waits")
            return
        }
        #expect(m.statistics.waiting == 2)
        guard case .handOver(let c, let w) = m.release(1, broken: false) else {
            Issue.record("expected hand-over")
            return
        }
        #expect(c == 1 && w == "w1")
        guard case .closeAndOpenFor(_, let w2) = m.release(2, broken: true) else {
            Issue.record("broken connection must be replaced for the waiter")
            return
        }
        #expect(w2 == "w2")
        // Nobody waits now: the first return is kept (size 1), the second closed (overflow).
        guard case .none = m.release(1, broken: false), case .close = m.release(3, broken: false) else {
            Issue.record("expected keep then close")
            return
        }
        #expect(m.statistics.idle == 1 && m.statistics.inUse == 0)
        #expect(m.timeout(id: id1) == nil)  // already served
    }

    @Test func timeoutFailsAWaiterWithQueuePoolsMessage() {
        var m = Machine(
            name: "pg", configuration: .init(size: 1, overflow: 0, whenExhausted: .wait(timeout: .seconds(30))))
        _ = m.checkout(enqueue: { "x" })
        guard case .wait(let id) = m.checkout(enqueue: { "w" }), let (w, e) = m.timeout(id: id) else {
            Issue.record("expected a wait then a timeout")
            return
        }
        #expect(w == "w")
        #expect("\(e)".contains("QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 30.00"))
        #expect(m.statistics.timeouts == 1 && m.statistics.waiting == 0)
    }
}

@Suite struct StreamBufferTests {
    func item(_ seq: Int) -> StreamBuffer.Item { .init(seq: seq, bytes: Array("event \(seq)\n".utf8)) }

    @Test func boundedQueueMakesTheProducerWaitAtCapacity() {
        var b = StreamBuffer(capacity: 3, retainForResume: 0)
        let w1 = b.push(item(1), now: .now)
        let w2 = b.push(item(2), now: .now)
        let w3 = b.push(item(3), now: .now)
        #expect(!w1 && !w2 && w3)
        #expect(b.producerBlockedSince != nil)
        guard case .items(let batch, let mayContinue) = b.take(maxBytes: 1 << 20) else {
            Issue.record("expected items")
            return
        }
        #expect(batch.map(\.seq) == [1, 2, 3] && mayContinue)
        #expect(b.producerBlockedSince == nil)
    }

    @Test func unboundedQueueNeverWaits() {
        var b = StreamBuffer(capacity: nil, retainForResume: 0)
        var waited = false
        for i in 1...10_000 { waited = b.push(item(i), now: .now) || waited }
        #expect(!waited)
        #expect(b.queuedEvents == 10_000)
    }

    @Test func takeRespectsTheByteBudgetButAlwaysMovesOne() {
        var b = StreamBuffer(capacity: nil, retainForResume: 0)
        for i in 1...5 { _ = b.push(item(i), now: .now) }
        guard case .items(let first, _) = b.take(maxBytes: 1) else {
            Issue.record("expected items")
            return
        }
        #expect(first.count == 1)
        guard case .items(let rest, _) = b.take(maxBytes: 17) else {
            Issue.record("expected items")
            return
        }
        #expect(rest.map(\.seq) == [2, 3])
    }

    @Test func resumeReplaysExactlyTheEventsAfterTheLastSeen() {
        var b = StreamBuffer(capacity: 4, retainForResume: 4)
        for i in 1...4 { _ = b.push(item(i), now: .now) }
        _ = b.take(maxBytes: 20)  // writes 1 (and maybe 2)
        b.cut(final: Array("bye".utf8))
        guard case .final = b.take(maxBytes: 1 << 20) else {
            Issue.record("expected the final event")
            return
        }
        b.detach()
        #expect(b.phase == .detached)
        guard case .resumed(let n) = b.resume(after: 1) else {
            Issue.record("expected resume")
            return
        }
        #expect(n == 3)
        guard case .items(let batch, _) = b.take(maxBytes: 1 << 20) else {
            Issue.record("expected items")
            return
        }
        #expect(batch.map(\.seq) == [2, 3, 4])
    }

    /// With a spill limit, a cut lets the producer go on without waiting (so the run can end and
    /// free its slot) until the queue holds more than the limit; without one it keeps waiting.
    @Test func aCutStreamSpillsUpToItsLimitInsteadOfHoldingItsProducer() {
        var b = StreamBuffer(capacity: 2, retainForResume: 2, spillLimit: 50)
        #expect(b.push(item(1), now: .now) == false)
        #expect(b.push(item(2), now: .now) == true)  // full: the producer waits
        #expect(b.producerBlockedSince != nil)
        #expect(b.cut(final: Array("bye".utf8)) == true)
        #expect(!b.isFull && b.producerBlockedSince == nil)
        var i = 3
        while !b.spillExceeded && i < 100 {
            #expect(b.push(item(i), now: .now) == false)
            i += 1
        }
        #expect(b.spillExceeded && b.queuedBytes > 50 && b.queuedBytes - item(i - 1).bytes.count <= 50)
        var waits = StreamBuffer(capacity: 2, retainForResume: 2)
        _ = waits.push(item(1), now: .now)
        _ = waits.push(item(2), now: .now)
        #expect(waits.cut(final: Array("bye".utf8)) == false)
        #expect(waits.isFull && !waits.spillExceeded)
    }

    /// The deadline's clock is the age of the oldest event still queued: a reader that takes a
    /// little at a time lets the producer go on each time, but falls behind all the same.
    @Test func theDeadlineClockIsTheAgeOfTheOldestQueuedEvent() {
        var b = StreamBuffer(capacity: 4, retainForResume: 4)
        let start = ContinuousClock.now
        #expect(b.behindSince == nil)
        for i in 1...4 { _ = b.push(item(i), now: start + .seconds(i)) }
        #expect(b.behindSince == start + .seconds(1))
        _ = b.take(maxBytes: 1)  // one event read: the producer may go on
        #expect(b.producerBlockedSince == nil && b.behindSince == start + .seconds(2))
        _ = b.push(item(5), now: start + .seconds(9))
        #expect(b.behindSince == start + .seconds(2), "still 7 s behind")
        for _ in 0..<4 { _ = b.take(maxBytes: 1) }
        #expect(b.behindSince == nil, "caught up")
        // A resumed reader is behind from its resume, not from before its cut.
        _ = b.push(item(6), now: start + .seconds(10))
        b.cut(final: [])
        _ = b.take(maxBytes: 1)
        b.detach()
        guard case .resumed = b.resume(after: 5, now: start + .seconds(30)) else {
            Issue.record("expected a resume")
            return
        }
        #expect(b.behindSince == start + .seconds(30))
    }

    @Test func resumeFromTooFarBackReportsTheGap() {
        var b = StreamBuffer(capacity: 2, retainForResume: 2)
        for i in 1...2 { _ = b.push(item(i), now: .now) }
        _ = b.take(maxBytes: 1 << 20)
        for i in 3...6 {
            _ = b.push(item(i), now: .now)
            _ = b.take(maxBytes: 1 << 20)
        }
        b.detach()
        guard case .gap(let from, let to) = b.resume(after: 1) else {
            Issue.record("expected a gap")
            return
        }
        #expect(from == 2 && to == 4)
    }
}

@Suite struct WireFormatTests {
    @Test func eventsUseCRLFAndCarryStreamAndSequence() {
        let bytes = SSEEncoder.event(streamID: "abc", seq: 7, name: "message", data: "{\"a\": 1}")
        #expect(String(decoding: bytes, as: UTF8.self) == "id: abc:7\r\nevent: message\r\ndata: {\"a\": 1}\r\n\r\n")
        let multi = SSEEncoder.event(streamID: "s", seq: nil, name: "x", data: "a\nb")
        #expect(String(decoding: multi, as: UTF8.self) == "event: x\r\ndata: a\r\ndata: b\r\n\r\n")
    }

    @Test(arguments: [("abc:12", "abc", 12), ("a:b:3", "a:b", 3)])
    func lastEventIDParses(id: String, stream: String, seq: Int) {
        let parsed = SSEEncoder.parseEventID(id)
        #expect(parsed?.streamID == stream && parsed?.seq == seq)
    }

    @Test(arguments: ["", "abc", ":5", "abc:x", "abc:-1"])
    func malformedLastEventIDIsRejected(id: String) {
        #expect(SSEEncoder.parseEventID(id) == nil)
    }

    @Test(arguments: [(1, 0), (12, 7), (1_000_000, 123_456)])
    func messageTemplateEncodesExactlyLikeTheGenericEncoder(seq: Int, index: Int) {
        var config = AgentConfiguration()
        config.payloadBytes = 50
        let agent = SimulatedAgent(configuration: config)
        let fast = agent.messageTemplate(model: "opus").encode(streamID: "s1", seq: seq, index: index)
        let slow = SSEEncoder.event(
            streamID: "s1", seq: seq, name: "message", data: agent.messageData(model: "opus", index: index))
        #expect(String(decoding: fast, as: UTF8.self) == String(decoding: slow, as: UTF8.self))
    }

    @Test func jsonStringsEscapeLikePythonJSONDumps() {
        #expect(SimulatedAgent.jsonString("a\"b\\c\né😀") == "\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"")
    }

    @Test func sha256MatchesPublishedVectors() {
        #expect(SHA256.hexDigest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hexDigest(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

@Suite struct ConfigurationTests {
    @Test func profilesDifferWhereTheDocumentsSayTheyDo() {
        let d = ServerConfiguration(profile: .documented)
        let u = ServerConfiguration(profile: .upstream)
        let r = ServerConfiguration(profile: .recommended)
        #expect(d.lockStrategy == .exponential && u.lockStrategy == .exponentialJitter && r.lockStrategy == .fair)
        #expect(d.sseDelivery == .unbounded && u.sseDelivery == .bounded && r.slowConsumerDeadline != nil)
        #expect(d.redisPool.whenExhausted == .failFast && r.redisPool.whenExhausted != .failFast)
        #expect(u.holdDBConnectionPerStream && !d.holdDBConnectionPerStream && !r.holdDBConnectionPerStream)
        #expect(d.maxConnections == 2000 && u.maxConnections == nil)
    }

    @Test func validationReportsEveryProblemAtOnce() {
        var c = ServerConfiguration(profile: .documented)
        c.redisPoolSize = 0
        c.sseQueue = 0
        c.redisURL = "http://x"
        c.slowConsumerDeadline = .seconds(1)
        let problems = c.validate()
        #expect(problems.count == 4)
        #expect(problems.contains { $0.contains("scheme must be redis") })
        #expect(problems.contains { $0.contains("needs --sse-delivery bounded") })
    }

    @Test func upstreamDatabaseURLSchemeIsAccepted() {
        var c = ServerConfiguration()
        c.databaseURL = "postgresql+asyncpg://user:pw@localhost:54432/claude_agent"
        #expect(c.validate().isEmpty)
        #expect(c.libpqURL == "postgresql://user:pw@localhost:54432/claude_agent")
    }

    @Test(arguments: ["20", "uniform:10-30", "exp:20"])
    func runLengthsParse(text: String) throws {
        #expect(try AgentConfiguration.RunLength(parsing: text).description == text)
    }

    @Test(arguments: ["-1", "uniform:30-10", "exp:0", "lots"])
    func badRunLengthsAreRejected(text: String) {
        #expect(throws: ConfigurationError.self) { try AgentConfiguration.RunLength(parsing: text) }
    }
}

@Suite struct QueryRequestTests {
    @Test func validRequestDecodes() throws {
        let q = try QueryRequest.validate([
            "prompt": "hi", "include_partial_messages": true, "max_turns": 3, "session_id": "x",
        ])
        #expect(
            q.prompt == "hi" && q.includePartialMessages && q.maxTurns == 3 && q.sessionID == "x" && q.model == "sonnet"
        )
    }

    @Test func everySchemaProblemIsReported() {
        do {
            _ = try QueryRequest.validate([
                "max_turns": 0, "permission_mode": "root", "allowed_tools": ["Read"], "disallowed_tools": ["Read"],
                "env": ["LD_PRELOAD": "x"],
            ])
            Issue.record("expected a validation failure")
        } catch let f as ValidationFailure {
            let fields = Set(f.items.map { $0.loc.last ?? "" })
            #expect(fields == ["prompt", "max_turns", "permission_mode", "allowed_tools", "env"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func booleanFieldRejectsNumbers() {
        #expect(throws: ValidationFailure.self) {
            try QueryRequest.validate(["prompt": "p", "include_partial_messages": 1])
        }
    }
}

/// The descriptor reserve that keeps the server alive at its open-file limit.
@Suite struct FileDescriptorReserveTests {
    @Test func lowestFreeIsAnOpenableNumberBelowTheLimit() throws {
        // Other tests open and close descriptors concurrently, so only bounds are certain here;
        // the fd-limits end-to-end test checks the behaviour at a real limit.
        let free = try #require(FileDescriptorHeadroom.lowestFree())
        #expect(free >= 0 && free < FileDescriptorLimit.current().soft)
    }

    @Test func roomIsJudgedAgainstTheLimitLessTheReserve() {
        #expect(FileDescriptorHeadroom.hasRoom(reserve: 8, limit: 1024, lowestFree: 1015))
        #expect(!FileDescriptorHeadroom.hasRoom(reserve: 8, limit: 1024, lowestFree: 1016))
        #expect(!FileDescriptorHeadroom.hasRoom(reserve: 0, limit: 1024, lowestFree: nil))
        #expect(FileDescriptorHeadroom.hasRoom(reserve: 0, limit: 1024, lowestFree: 1023))
    }

    @Test func theAcceptReserveIsASixteenthOfTheLimitBetween8And24() {
        #expect(AcceptErrorCounter.reserve(forLimit: 64) == 8)
        #expect(AcceptErrorCounter.reserve(forLimit: 200) == 12)
        #expect(AcceptErrorCounter.reserve(forLimit: 1024) == 24)
        #expect(AcceptErrorCounter.reserve(forLimit: 65536) == 24)
    }
}

/// A cut stream's run spilling past its limit after its client left is stopped, and the registry's
/// housekeeping then drops the stream (nothing else would: its writer is gone).
@Suite struct SpillOverflowTests {
    @Test func aRunThatSpillsPastItsLimitAfterItsClientLeftIsDropped() async {
        var c = ServerConfiguration(profile: .recommended)
        c.slowConsumerDeadline = .milliseconds(1)
        let metrics = ServerMetrics()
        let stream = EventStream(id: "s", capacity: 2, retainForResume: 2, spillLimit: 100, metrics: metrics)
        let item: (String, Int) -> [UInt8] = { _, seq in Array("event \(seq) padded to some bytes\n".utf8) }
        _ = stream.offer(encode: item)
        _ = stream.offer(encode: item)  // full
        let later = ContinuousClock.now + .seconds(1)
        guard case .none = stream.housekeeping(now: later, configuration: c, pingText: { "" }) else {
            Issue.record("the cut is no channel action")
            return
        }
        #expect(metrics.slowConsumersCut.value == 1)
        guard case .final = stream.take(allocator: .init()) else {
            Issue.record("expected the cut event")
            return
        }
        #expect(stream.detach(), "resumable after the cut")
        var offers = 0
        while case .accepted = stream.offer(encode: item), offers < 100 { offers += 1 }
        #expect(offers < 100 && metrics.spillOverflows.value == 1, "spilled \(offers) events")
        guard case .abandon = stream.housekeeping(now: later, configuration: c, pingText: { "" }) else {
            Issue.record("a stopped stream without a writer must be dropped")
            return
        }
        #expect(metrics.bufferedEvents.value == 0 && metrics.bufferedBytes.value == 0)
    }
}

@Suite struct MessageTemplateCacheTests {
    func bytes(_ t: SimulatedAgent.MessageTemplate) -> String {
        String(decoding: t.encode(streamID: "s", seq: 1, index: 0), as: UTF8.self)
    }

    @Test func streamsOfOneModelShareOneTemplateAndTheCacheIsBounded() {
        let agent = SimulatedAgent(configuration: AgentConfiguration())
        let a1 = agent.messageTemplate(model: "model-a")
        let a2 = agent.messageTemplate(model: "model-a")
        // One copy of the bytes for every stream of the model, not one per run.
        #expect(
            a1.head.withUnsafeBufferPointer { $0.baseAddress } == a2.head.withUnsafeBufferPointer { $0.baseAddress })
        #expect(bytes(a1).contains("\"model\": \"model-a\""))
        let b = agent.messageTemplate(model: "model-b")
        #expect(bytes(b).contains("\"model\": \"model-b\"") && !bytes(b).contains("model-a"))
        // Past the limit, templates are still right, made per run, and the cache stops growing.
        for i in 0..<(TemplateCache.limit + 10) {
            #expect(bytes(agent.messageTemplate(model: "m\(i)")).contains("\"model\": \"m\(i)\""))
        }
        let late = "m\(TemplateCache.limit + 5)"
        let l1 = agent.messageTemplate(model: late)
        let l2 = agent.messageTemplate(model: late)
        #expect(
            l1.head.withUnsafeBufferPointer { $0.baseAddress } != l2.head.withUnsafeBufferPointer { $0.baseAddress })
        #expect(bytes(l1) == bytes(l2))
    }
}

/// A batch taken `chunked` is exactly one HTTP/1.1 chunk: the payload's size in hex, CRLF, the
/// payload, CRLF; the plain take of the same items is the payload alone.
@Suite struct ChunkFramingTests {
    func text(_ b: ByteBuffer) -> String { String(decoding: b.readableBytesView, as: UTF8.self) }

    @Test(arguments: [0, 1, 9, 10, 15, 16, 255, 256, 0x2c5, 4095, 65536, 1_000_000])
    func chunkHeadsAreLowercaseHexOfTheSize(size: Int) {
        var b = ByteBuffer()
        EventStream.writeChunkHead(&b, size: size)
        #expect(text(b) == String(size, radix: 16) + "\r\n")
        #expect(b.readableBytes + 2 <= EventStream.chunkFraming)
    }

    @Test func aChunkedTakeFramesTheWholeBatchAndCountsOnlyThePayload() {
        let metrics = ServerMetrics()
        let plain = EventStream(id: "p", capacity: nil, retainForResume: 0, metrics: metrics)
        let framed = EventStream(id: "f", capacity: nil, retainForResume: 0, metrics: metrics)
        for s in [plain, framed] {
            for i in 0..<3 {
                _ = s.offer { _, seq in
                    Array("id: \(seq)\r\ndata: \(String(repeating: "x", count: 90 + i))\r\n\r\n".utf8)
                }
            }
        }
        guard case .bytes(let p, let pe, let pn) = plain.take(allocator: .init()),
            case .bytes(let f, let fe, let fn) = framed.take(allocator: .init(), chunked: true)
        else {
            Issue.record("expected bytes from both")
            return
        }
        #expect(pe == 3 && fe == 3 && pn == p.readableBytes && fn == pn)
        #expect(text(f) == String(pn, radix: 16) + "\r\n" + text(p) + "\r\n")
        framed.terminate()
        guard case .final(let last) = framed.take(allocator: .init(), chunked: true) else {
            Issue.record("expected the final event")
            return
        }
        let body = text(last)
        let head = body.prefix { $0 != "\r\n" }
        #expect(Int(head, radix: 16) == last.readableBytes - head.utf8.count - 4)
        #expect(body.hasSuffix("\r\n\r\n\r\n") && body.contains("event: done"))
    }
}
