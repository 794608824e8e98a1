import DequeModule
import Histogram
import LoadGen
import ServerConfig

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a ``SimulationModel`` as a discrete-event simulation: no threads, no clocks, no I/O,
/// deterministic for a given seed. The update path mirrors the server's `SessionService`: under
/// `SET NX` strategies each attempt is a Redis round trip, a refused one sleeps the delay the
/// server's own ``Backoff`` gives; the critical section is GET, the configured hold, the database
/// write and the cache write, then the release; the fair lock queues at Redis and the releaser
/// hands it to the head, which a wake-up (half a round trip) and a claim (one round trip) later
/// holds it; the optimistic strategy reads a version and writes conditionally.
public enum Simulator {
    /// Runs the model; with a ``SimulationModel/CPU`` the run is repeated until the utilisation it
    /// implies settles (at most 5 runs), and the last run is returned.
    public static func run(_ model: SimulationModel) -> SimulationResult {
        guard let cpu = model.cpu else {
            var once = SimulationRun(model, stretch: 1)
            return once.run()
        }
        // The utilisation settles on short runs (at most a minute each); the last run is whole.
        var probe = model
        probe.duration = min(model.duration, .seconds(60))
        func stretch(_ rho: Double) -> Double { 1 / (1 - pow(rho, max(1, cpu.cores.rounded()))) }
        func utilisation(_ r: SimulationResult) -> Double {
            let perCore = cpu.sharedByFleet ? r.streamsPerSecond : r.streamsPerSecond / Double(model.instances)
            return min(0.95, perCore * cpu.secondsPerStream / cpu.cores)
        }
        func pass(_ m: SimulationModel, _ rho: Double) -> SimulationResult {
            var run = SimulationRun(m, stretch: stretch(rho))
            return run.run()
        }
        var probed = pass(probe, 0)
        var rho = utilisation(probed)
        var passes = 1
        var events = probed.events
        for _ in 0..<4 {
            probed = pass(probe, rho)
            let next = utilisation(probed)
            events += probed.events
            passes += 1
            let settled = abs(next - rho) < 0.005
            rho = (rho + next) / 2
            if settled { break }
        }
        var result = pass(model, rho)
        result.passes = passes + 1
        result.events += events
        result.cpuUtilization = rho
        return result
    }
}

/// One pass of the simulation at a fixed CPU stretch.
struct SimulationRun {
    private enum Op: UInt8 {
        case none, acquire, get, cacheSet, release, fairAcquire, fairRelease, write, read, conditionalWrite
        var isRedis: Bool {
            switch self {
            case .acquire, .get, .cacheSet, .release, .fairAcquire, .fairRelease: true
            default: false
            }
        }
    }

    private enum PoolKind: UInt8 { case none, redis, database, slot }

    private struct Client {
        var instance: Int32
        var reader = SimulationModel.Consumer.fast
        var active = true
        var session: Int32 = 0
        var epoch: UInt32 = 0
        var op = Op.none
        var waiting = PoolKind.none
        var replyOK = false
        var queued = false
        var streamStart: Int64 = 0
        var readerDone: Int64 = 0
        var updateStart: Int64 = 0
        var acquiredAt: Int64 = 0
        var version = 0
        var backoff: Backoff?
    }

    private struct Pool {
        var inUse = 0
        var waiters = Deque<Int32>()
    }

    private let m: SimulationModel
    private let fast: FastModel
    /// The model's reader mix (empty: `consumer` for every client).
    private let readers: [SimulationModel.ConsumerShare]
    private let stretch: Double
    private var heap: EventHeap
    private var seq: UInt64 = 0
    private var now: Int64 = 0
    private let end: Int64
    private let windowStart: Int64
    private var rng: SplitMix64
    private let popularity: SessionPopularity
    private var clients: [Client] = []
    private var freeClients: [Int32] = []
    private var owner: [Int32]
    private var fairQueue: [Deque<Int32>]
    private var version: [Int]
    private var redisFreeAt: Int64 = 0
    /// Each instance's Redis pool at `2·i`, its PostgreSQL pool at `2·i + 1` (``poolIndex(_:_:)``).
    private var pools: [Pool]
    private var slots: [Pool]
    private var nextInstance = 0
    private var backoffSeed: UInt64
    private var result = SimulationResult()
    private var waits = EngineMetrics.makeHistogram()
    private var holds = EngineMetrics.makeHistogram()
    private var streamDurations = EngineMetrics.makeHistogram()
    private var lockAttempts = 0
    private var events = 0

    init(_ model: SimulationModel, stretch: Double) {
        m = model
        fast = FastModel(model)
        readers = model.readers ?? []
        self.stretch = stretch
        heap = EventHeap(capacity: 1024)
        windowStart = model.warmup.nanoseconds
        end = (model.warmup + model.duration).nanoseconds
        rng = SplitMix64(seed: model.seed)
        backoffSeed = model.seed &* 0x9E37_79B9_7F4A_7C15
        popularity = SessionPopularity(count: model.sessions, zipf: model.zipf)
        owner = Array(repeating: -1, count: model.sessions)
        fairQueue = Array(repeating: Deque(), count: m.lock.strategy == .fair ? model.sessions : 0)
        version = Array(repeating: 0, count: model.sessions)
        pools = Array(repeating: Pool(), count: 2 * model.instances)
        slots = Array(repeating: Pool(), count: model.instances)
    }

    mutating func run() -> SimulationResult {
        switch m.load {
        case .closed(let perInstance, _):
            let count = m.instances * perInstance
            let kinds = readers.isEmpty ? [] : ProfileMix.roundRobin(weights: readers.map(\.weight), count: count)
            for i in 0..<count {
                clients.append(Client(instance: Int32(i % m.instances)))
                clients[i].reader = kinds.isEmpty ? m.consumer : readers[kinds[i]].consumer
                // Spread the first starts over one think time, as clients ramp in.
                schedule(.start, Int32(i), at: Int64(Double(sample(fast.think, stretched: false)) * rng.uniform(0, 1)))
            }
        case .open(let rate):
            schedule(.arrival, -1, at: Int64(exponential(1 / rate) * 1e9))
        }
        if ([m.consumer] + readers.map(\.consumer)).contains(where: { $0 != .fast }) {
            schedule(.sample, -1, at: 1_000_000_000)
        }
        while let e = heap.pop(), e.time < end {
            now = e.time
            events += 1
            handle(e)
        }
        return finish()
    }

    // MARK: - Events

    private mutating func handle(_ e: SimEvent) {
        let c = e.client
        switch e.kind {
        case .arrival:
            let id = newClient()
            begin(id)
            guard case .open(let rate) = m.load else { return }
            schedule(.arrival, -1, at: now + Int64(exponential(1 / rate) * 1e9))
        case .start: begin(c)
        case .agentDone: startUpdate(c)
        case .redisArrive: redisArrive(c)
        case .redisReply:
            release(.redis, of: c)
            redisReply(c)
        case .databaseDone:
            release(.database, of: c)
            databaseDone(c)
        case .backoffDone:
            send(c, m.lock.strategy == .optimistic ? .read : .acquire)
        case .holdDone: send(c, m.lock.strategy == .optimistic ? .conditionalWrite : .write)
        case .wakeUp: send(c, .fairAcquire)
        case .lockTimeout:
            guard e.epoch == clients[Int(c)].epoch, clients[Int(c)].queued else { return }
            let s = Int(clients[Int(c)].session)
            guard owner[s] != c else { return }  // handed over; the wake-up is on its way
            if let i = fairQueue[s].firstIndex(of: c) { fairQueue[s].remove(at: i) }
            clients[Int(c)].queued = false
            countTimeout(c)
        case .poolTimeout:
            guard e.epoch == clients[Int(c)].epoch, clients[Int(c)].waiting != .none else { return }
            let kind = clients[Int(c)].waiting
            let p = poolIndex(kind, c)
            if let w = pools[p].waiters.firstIndex(of: c) { pools[p].waiters.remove(at: w) }
            clients[Int(c)].waiting = .none
            if inWindow(now) {
                if kind == .redis { result.redisPoolTimeouts += 1 } else { result.databasePoolTimeouts += 1 }
            }
            failUpdate(c)
        case .streamEnd: endStream(c)
        case .sample:
            sampleBuffers()
            schedule(.sample, -1, at: now + 1_000_000_000)
        }
    }

    private mutating func newClient() -> Int32 {
        let instance = Int32(nextInstance)
        nextInstance = (nextInstance + 1) % m.instances
        if let id = freeClients.popLast() {
            // A new stream in a reused slot: timers of the last one must stay stale.
            let epoch = clients[Int(id)].epoch &+ 1
            clients[Int(id)] = Client(instance: instance)
            clients[Int(id)].epoch = epoch
            clients[Int(id)].reader = drawReader()
            return id
        }
        clients.append(Client(instance: instance))
        clients[clients.count - 1].reader = drawReader()
        return Int32(clients.count - 1)
    }

    /// An open arrival's reader, drawn by the mix's weights.
    private mutating func drawReader() -> SimulationModel.Consumer {
        guard !readers.isEmpty else { return m.consumer }
        let total = readers.reduce(0) { $0 + $1.weight }
        var pick = Int(rng.uniform(0, Double(total)))
        for r in readers {
            if pick < r.weight { return r.consumer }
            pick -= r.weight
        }
        return readers[readers.count - 1].consumer
    }

    /// A stream starts: an agent slot (queued when all are busy), then the agent's events.
    private mutating func begin(_ c: Int32) {
        clients[Int(c)].streamStart = now
        clients[Int(c)].session = Int32(popularity.draw(using: &rng))
        let i = Int(clients[Int(c)].instance)
        if slots[i].inUse < m.agent.slots {
            slots[i].inUse += 1
            runAgent(c)
        } else {
            clients[Int(c)].waiting = .slot
            slots[i].waiters.append(c)
        }
    }

    private mutating func runAgent(_ c: Int32) {
        let (serverSeconds, readerSeconds) = streamTimes(clients[Int(c)].reader)
        let overhead = sample(fast.halfOverhead, stretched: true)
        clients[Int(c)].readerDone = now + Int64(readerSeconds * 1e9)
        schedule(.agentDone, c, at: now + Int64(serverSeconds * 1e9) + overhead)
    }

    /// Seconds from a stream's start until the server has produced every event (a full bounded
    /// queue blocks the producer) and until the reader has read them all. Fluid: the reader's
    /// rate, or its stop, applied to the agent's schedule.
    private func streamTimes(_ reader: SimulationModel.Consumer) -> (server: Double, reader: Double) {
        let e = Double(m.agent.events), interval = m.agent.interval.seconds
        let produced = e * interval
        switch reader {
        case .fast:
            return (produced, produced)
        case .slow(let rate):
            var server = produced
            if case .bounded(let q) = m.delivery, m.agent.events > q { server = max(server, (e - Double(q)) / rate) }
            return (server, max(server, e / rate))
        case .stalled(let after, let length):
            let a = after.seconds, l = length.seconds
            guard a < produced else { return (produced, produced) }
            var server = produced
            if case .bounded(let q) = m.delivery, e - (a / interval).rounded(.down) > Double(q) {
                server += max(0, l - Double(q) * interval)
            }
            return (server, max(server, a + l))
        }
    }

    /// Events waiting in the server's buffer `tau` seconds into a stream read by `reader`.
    private func queuedEvents(_ reader: SimulationModel.Consumer, at tau: Double) -> Double {
        let e = Double(m.agent.events), interval = m.agent.interval.seconds
        var cap = Double.infinity
        if case .bounded(let q) = m.delivery { cap = Double(q) }
        switch reader {
        case .fast:
            return 0
        case .slow(let rate):
            let produced = min(e, (tau / interval).rounded(.down), rate * tau + cap)
            return produced - min(produced, rate * tau)
        case .stalled(let after, let length):
            let a = after.seconds
            guard tau >= a, tau < a + length.seconds else { return 0 }
            let before = min(e, (a / interval).rounded(.down))
            return min(cap, max(0, min(e, (tau / interval).rounded(.down)) - before))
        }
    }

    private mutating func startUpdate(_ c: Int32) {
        let i = Int(clients[Int(c)].instance)
        release(slotOf: i)
        clients[Int(c)].updateStart = now
        guard let strategy = m.lock.strategy else {
            send(c, .write)
            return
        }
        backoffSeed &+= 0x9E37_79B9_7F4A_7C15
        clients[Int(c)].backoff = Backoff(
            strategy: strategy, initial: m.lock.initialDelay, cap: m.lock.maxDelay, seed: backoffSeed)
        switch strategy {
        case .fair: send(c, .fairAcquire)
        case .optimistic: send(c, .read)
        default: send(c, .acquire)
        }
    }

    // MARK: - Store calls

    /// Starts a Redis or database call, through the instance's pool.
    private mutating func send(_ c: Int32, _ op: Op) {
        clients[Int(c)].op = op
        if op == .acquire || op == .fairAcquire || op == .read, inWindow(clients[Int(c)].updateStart) {
            lockAttempts += 1
        }
        let kind: PoolKind = op.isRedis ? .redis : .database
        let limit = op.isRedis ? m.redis.pool : m.database.pool
        let p = poolIndex(kind, c)
        if pools[p].inUse < limit.size {
            pools[p].inUse += 1
            dispatch(c)
            return
        }
        guard let timeout = limit.timeout else {
            if inWindow(now) {
                if op.isRedis { result.redisPoolErrors += 1 } else { result.databasePoolErrors += 1 }
            }
            failUpdate(c)
            return
        }
        if inWindow(now) {
            if op.isRedis { result.redisPoolWaits += 1 } else { result.databasePoolWaits += 1 }
        }
        clients[Int(c)].waiting = kind
        clients[Int(c)].epoch &+= 1
        pools[p].waiters.append(c)
        schedule(.poolTimeout, c, at: now + timeout.nanoseconds, epoch: clients[Int(c)].epoch)
    }

    /// The call leaves with a connection: Redis commands reach the server half a round trip later;
    /// a database statement completes a round trip plus its service time later.
    private mutating func dispatch(_ c: Int32) {
        if inWindow(now), !clients[Int(c)].op.isRedis { result.databaseCalls += 1 }
        if clients[Int(c)].op.isRedis {
            schedule(.redisArrive, c, at: now + fast.halfRedisRTT)
        } else {
            schedule(
                .databaseDone, c,
                at: now + fast.databaseRTT + sample(fast.databaseService, stretched: true))
        }
    }

    /// The connection goes to the first waiter, if any (its call leaves now), else back.
    private mutating func release(_ kind: PoolKind, of c: Int32) {
        let p = poolIndex(kind, c)
        if let next = pools[p].waiters.popFirst() {
            clients[Int(next)].waiting = .none
            clients[Int(next)].epoch &+= 1
            dispatch(next)
        } else {
            pools[p].inUse -= 1
        }
    }

    @inline(__always)
    private func poolIndex(_ kind: PoolKind, _ c: Int32) -> Int {
        2 * Int(clients[Int(c)].instance) + (kind == .redis ? 0 : 1)
    }

    private mutating func release(slotOf i: Int) {
        if let next = slots[i].waiters.popFirst() {
            clients[Int(next)].waiting = .none
            runAgent(next)
        } else {
            slots[i].inUse -= 1
        }
    }

    /// At Redis, in arrival order: one thread serves the command, whose effect applies now.
    private mutating func redisArrive(_ c: Int32) {
        redisFreeAt = max(now, redisFreeAt) + sample(fast.redisService, stretched: true)
        if inWindow(now) { result.redisCommands += 1 }
        let s = Int(clients[Int(c)].session)
        switch clients[Int(c)].op {
        case .acquire:
            clients[Int(c)].replyOK = owner[s] < 0
            if owner[s] < 0 { owner[s] = c }
        case .release:
            if owner[s] == c { owner[s] = -1 }
        case .fairAcquire:
            if owner[s] == c {
                clients[Int(c)].replyOK = true
            } else if owner[s] < 0 && fairQueue[s].isEmpty {
                owner[s] = c
                clients[Int(c)].replyOK = true
            } else {
                clients[Int(c)].replyOK = false
                if !fairQueue[s].contains(c) { fairQueue[s].append(c) }
            }
        case .fairRelease:
            if owner[s] == c {
                owner[s] = -1
                if let head = fairQueue[s].popFirst() {
                    owner[s] = head
                    // The publish reaches the waiter's instance half a round trip later.
                    schedule(
                        .wakeUp, head,
                        at: redisFreeAt + fast.halfRedisRTT + sample(fast.handoff, stretched: true))
                    if inWindow(now) { result.lockHandoffs += 1 }
                }
            }
        default: break
        }
        schedule(.redisReply, c, at: redisFreeAt + fast.halfRedisRTT)
    }

    private mutating func redisReply(_ c: Int32) {
        switch clients[Int(c)].op {
        case .acquire:
            if clients[Int(c)].replyOK {
                acquired(c)
            } else if now - clients[Int(c)].updateStart >= fast.lockTimeout {
                countTimeout(c)
            } else {
                let d = clients[Int(c)].backoff!.nextDelay()
                schedule(.backoffDone, c, at: now + d.nanoseconds)
            }
        case .fairAcquire:
            if clients[Int(c)].replyOK {
                clients[Int(c)].queued = false
                clients[Int(c)].epoch &+= 1
                acquired(c)
            } else if !clients[Int(c)].queued {
                clients[Int(c)].queued = true
                clients[Int(c)].epoch &+= 1
                let deadline = clients[Int(c)].updateStart + fast.lockTimeout
                schedule(.lockTimeout, c, at: max(deadline, now), epoch: clients[Int(c)].epoch)
            }
        case .get:
            let hold = fast.lockHold + sample(fast.holdWork, stretched: true)
            schedule(.holdDone, c, at: now + hold)
        case .cacheSet:
            if m.lock.strategy == .optimistic || m.lock.strategy == nil {
                completeUpdate(c)
            } else {
                send(c, m.lock.strategy == .fair ? .fairRelease : .release)
            }
        case .release, .fairRelease:
            if inWindow(clients[Int(c)].updateStart) {
                _ = holds.record(UInt64(max(1, (now - clients[Int(c)].acquiredAt) / 1000)))
            }
            completeUpdate(c)
        default: break
        }
    }

    private mutating func acquired(_ c: Int32) {
        clients[Int(c)].acquiredAt = now
        recordWait(c)
        send(c, .get)
    }

    private mutating func recordWait(_ c: Int32) {
        guard inWindow(clients[Int(c)].updateStart) else { return }
        result.lockAcquisitions += 1
        _ = waits.record(UInt64(max(1, (now - clients[Int(c)].updateStart) / 1000)))
    }

    private mutating func databaseDone(_ c: Int32) {
        let s = Int(clients[Int(c)].session)
        switch clients[Int(c)].op {
        case .write:
            version[s] += 1
            if m.lock.strategy == nil { completeUpdate(c) } else { send(c, .cacheSet) }
        case .read:
            clients[Int(c)].version = version[s]
            let hold = fast.lockHold + sample(fast.holdWork, stretched: true)
            schedule(.holdDone, c, at: now + hold)
        case .conditionalWrite:
            if version[s] == clients[Int(c)].version {
                version[s] += 1
                recordWait(c)
                send(c, .cacheSet)
            } else {
                if inWindow(clients[Int(c)].updateStart) { result.optimisticConflicts += 1 }
                if now - clients[Int(c)].updateStart >= fast.lockTimeout {
                    countTimeout(c)
                } else {
                    let d = clients[Int(c)].backoff!.nextDelay()
                    schedule(.backoffDone, c, at: now + d.nanoseconds)
                }
            }
        default: break
        }
    }

    // MARK: - Stream ends

    private mutating func completeUpdate(_ c: Int32) {
        if inWindow(now) { result.updates += 1 }
        finishStream(c)
    }

    private mutating func countTimeout(_ c: Int32) {
        if inWindow(now) { result.lockTimeouts += 1 }
        failUpdate(c)
    }

    /// The update failed (timeout, pool): the stream still ends, with an error event.
    private mutating func failUpdate(_ c: Int32) {
        if inWindow(now) { result.updateErrors += 1 }
        finishStream(c)
    }

    private mutating func finishStream(_ c: Int32) {
        clients[Int(c)].op = .none
        let done = max(now + sample(fast.halfOverhead, stretched: true), clients[Int(c)].readerDone)
        schedule(.streamEnd, c, at: done)
    }

    private mutating func endStream(_ c: Int32) {
        if inWindow(now) {
            result.streams += 1
            _ = streamDurations.record(UInt64(max(1, (now - clients[Int(c)].streamStart) / 1000)))
        }
        switch m.load {
        case .closed: schedule(.start, c, at: now + sample(fast.think, stretched: false))
        case .open:
            clients[Int(c)].active = false
            freeClients.append(c)
        }
    }

    /// Bytes waiting in the servers' buffers now, over the streams whose reader is behind.
    private mutating func sampleBuffers() {
        var total = 0.0
        for c in clients where c.active && c.readerDone > now && c.streamStart <= now && c.reader != .fast {
            total += queuedEvents(c.reader, at: Double(now - c.streamStart) / 1e9) * Double(m.agent.payloadBytes)
        }
        result.bufferedBytesPerSecond.append(total)
        result.bufferedMaxBytes = max(result.bufferedMaxBytes, total)
    }

    // MARK: - Helpers

    @inline(__always)
    private func inWindow(_ t: Int64) -> Bool { t >= windowStart && t < end }

    private mutating func schedule(_ kind: SimEventKind, _ c: Int32, at t: Int64, epoch: UInt32 = 0) {
        seq &+= 1
        heap.push(SimEvent(time: t, seq: seq, client: c, kind: kind, epoch: epoch))
    }

    private mutating func sample(_ s: Fast, stretched: Bool) -> Int64 {
        var seconds = s.fixed
        if s.mean > 0 { seconds += exponential(s.mean) }
        return Int64(seconds * (stretched ? stretch : 1) * 1e9)
    }

    /// A ``SimulationModel/Spread`` in seconds, converted once: `Duration` arithmetic per event
    /// was a fifth of the run (Int128 multiplications in `perf`).
    private struct Fast {
        var fixed: Double
        var mean: Double
        init(_ s: SimulationModel.Spread, scale: Double = 1) {
            fixed = s.fixed.seconds * scale
            mean = s.exponentialMean.seconds * scale
        }
    }

    /// The model's durations the events use, in nanoseconds or seconds, converted once.
    private struct FastModel {
        var halfRedisRTT: Int64
        var databaseRTT: Int64
        var lockHold: Int64
        var lockTimeout: Int64
        var redisService: Fast
        var databaseService: Fast
        var holdWork: Fast
        var handoff: Fast
        var halfOverhead: Fast
        var think: Fast

        init(_ m: SimulationModel) {
            halfRedisRTT = m.redis.roundTrip.nanoseconds / 2
            databaseRTT = m.database.roundTrip.nanoseconds
            lockHold = m.lock.hold.nanoseconds
            lockTimeout = m.lock.timeout.nanoseconds
            redisService = Fast(m.redis.service)
            databaseService = Fast(m.database.service)
            holdWork = Fast(m.lock.holdWork)
            handoff = Fast(m.lock.handoff)
            halfOverhead = Fast(m.streamOverhead, scale: 0.5)
            if case .closed(_, let think) = m.load { self.think = Fast(think) } else { think = Fast(.zero) }
        }
    }

    private mutating func exponential(_ mean: Double) -> Double {
        -mean * log(1 - rng.uniform(0, 1))
    }

    private mutating func finish() -> SimulationResult {
        var r = result
        let seconds = m.duration.seconds
        r.simulatedSeconds = seconds
        r.instances = m.instances
        r.events = events
        r.updatesPerSecond = Double(r.updates) / seconds
        r.streamsPerSecond = Double(r.streams) / seconds
        if waits.totalCount > 0 {
            r.lockWaitP50Ms = Double(waits.valueAtPercentile(50)) / 1000
            r.lockWaitP99Ms = Double(waits.valueAtPercentile(99)) / 1000
            r.lockWaitMeanMs = waits.mean / 1000
            r.lockWaitMaxMs = Double(waits.max) / 1000
            r.lockAttemptsPerAcquisition = Double(lockAttempts) / Double(waits.totalCount)
        }
        if holds.totalCount > 0 {
            r.lockHoldP50Ms = Double(holds.valueAtPercentile(50)) / 1000
            r.lockHoldP99Ms = Double(holds.valueAtPercentile(99)) / 1000
        }
        if streamDurations.totalCount > 0 {
            r.streamDurationMeanMs = streamDurations.mean / 1000
            r.streamDurationP50Ms = Double(streamDurations.valueAtPercentile(50)) / 1000
            r.streamDurationP99Ms = Double(streamDurations.valueAtPercentile(99)) / 1000
        }
        r.cpuStretch = stretch
        return r
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, a) = components
        return s * 1_000_000_000 + a / 1_000_000_000
    }
}
