import Foundation
import ServerConfig
import Simulation
import Testing

/// The simulator against cases with a known answer: queueing theory, and conservation.
@Suite("Simulator (analytic cases)")
struct SimulatorTests {
    /// A model with nothing but what a case sets: no network, no service times, no overheads.
    static func bare(
        instances: Int = 1, load: SimulationModel.Load, sessions: Int = 1, strategy: LockStrategy?,
        hold: Duration = .zero, events: Int = 0, interval: Duration = .zero, duration: Duration = .seconds(60)
    ) -> SimulationModel {
        SimulationModel(
            instances: instances, load: load, sessions: sessions,
            agent: .init(events: events, interval: interval, slots: 100_000),
            lock: .init(strategy: strategy, timeout: .seconds(60), hold: hold),
            redis: .init(roundTrip: .zero, service: .zero, pool: .init(size: 10_000, timeout: nil)),
            database: .init(roundTrip: .zero, service: .zero, pool: .init(size: 10_000, timeout: nil)),
            duration: duration)
    }

    /// One lock held exactly 10 ms, handed straight on (FIFO, no round trips): 100 updates/s.
    @Test func aSingleLockWithAFixedHoldGivesOneOverTheHold() {
        let m = Self.bare(
            instances: 2, load: .closed(clientsPerInstance: 10, think: .zero), strategy: .fair, hold: .milliseconds(10))
        let r = Simulator.run(m)
        #expect(abs(r.updatesPerSecond - 100) <= 1, "\(r.updatesPerSecond)")
        #expect(r.lockTimeouts == 0)
        // 20 clients in one FIFO queue: each waits for the 19 others' holds.
        #expect(abs((r.lockWaitP50Ms ?? 0) - 190) <= 2, "\(String(describing: r.lockWaitP50Ms))")
        // Sleep-and-retry on the same lock cannot beat 1/hold either, and pays retries.
        var polling = m
        polling.lock.strategy = .exponential
        let p = Simulator.run(polling)
        #expect(p.updatesPerSecond <= 100.5 && p.updatesPerSecond > 20, "\(p.updatesPerSecond)")
        #expect((p.lockAttemptsPerAcquisition ?? 0) > 1.2)
    }

    /// Erlang C: probability that a call waits for one of c connections, Poisson arrivals at λ,
    /// exponential service at μ each.
    static func erlangC(servers c: Int, offered a: Double) -> Double {
        var sum = 0.0
        var term = 1.0
        for k in 0..<c {
            if k > 0 { term *= a / Double(k) }
            sum += term
        }
        let top = term * a / Double(c) * Double(c) / (Double(c) - a)
        return top / (sum + top)
    }

    @Test(arguments: [(4, 300.0), (10, 850.0), (2, 100.0)])
    func aPoolIsAnMMcQueue(servers: Int, arrivals: Double) {
        var m = Self.bare(load: .open(arrivalsPerSecond: arrivals), strategy: nil, duration: .seconds(600))
        m.database = .init(
            roundTrip: .zero, service: .init(fixed: .zero, exponentialMean: .milliseconds(10)),
            pool: .init(size: servers, timeout: .seconds(600)))
        m.warmup = .seconds(10)
        let r = Simulator.run(m)
        let expected = Self.erlangC(servers: servers, offered: arrivals / 100)
        let measured = Double(r.databasePoolWaits) / Double(r.databaseCalls)
        #expect(abs(measured / expected - 1) <= 0.02, "P(wait) \(measured) vs Erlang C \(expected)")
        #expect(abs(r.updatesPerSecond / arrivals - 1) <= 0.02)
        #expect(r.databasePoolTimeouts == 0 && r.databasePoolErrors == 0)
    }

    /// 100 events/s produced, 40/s read, 300 B each: the unbounded buffer grows 18,000 B/s; a
    /// bounded one stops at its queue.
    @Test func anUnboundedBufferGrowsAtProduceMinusConsume() throws {
        var m = Self.bare(
            load: .closed(clientsPerInstance: 1, think: .zero), strategy: nil, events: 2_000,
            interval: .milliseconds(10), duration: .seconds(15))
        m.consumer = .slow(eventsPerSecond: 40)
        let r = Simulator.run(m)
        #expect(r.bufferedBytesPerSecond.count == 14)
        let steps = zip(r.bufferedBytesPerSecond.dropFirst(), r.bufferedBytesPerSecond).map { $0 - $1 }
        for s in steps { #expect(abs(s - 18_000) <= 300, "\(steps)") }
        m.delivery = .bounded(events: 100)
        let b = Simulator.run(m)
        #expect(b.bufferedMaxBytes == 30_000)
        #expect(b.bufferedBytesPerSecond.last == 30_000)
    }

    /// A reader that stops for 10 s, 2 s into a stream of 100 events/s × 300 B: an unbounded
    /// buffer holds what the stall let pile up (1,000 events at its end); a bounded queue of 100
    /// holds 100 and blocks the producer for the rest of the stall, which delays the stream's end
    /// by 10 s − 100 × 10 ms = 9 s.
    @Test func aStalledReaderFillsTheBufferOrBlocksTheProducer() {
        var m = Self.bare(
            load: .closed(clientsPerInstance: 1, think: .zero), strategy: nil, events: 2_000,
            interval: .milliseconds(10), duration: .seconds(25))
        m.consumer = .stalled(after: .seconds(2), length: .seconds(10))
        let r = Simulator.run(m)
        // Sampled each second (t = 1, 2, ...): at 11 s the stall has let 900 events pile up; none
        // before it began, none once the reader caught up (until the next stream's stall).
        #expect(r.bufferedMaxBytes == 900 * 300, "\(r.bufferedBytesPerSecond)")
        #expect(r.bufferedBytesPerSecond[1] == 0 && r.bufferedBytesPerSecond[2] == 100 * 300)
        #expect(r.bufferedBytesPerSecond[12..<19].allSatisfy { $0 == 0 }, "\(r.bufferedBytesPerSecond)")
        #expect(abs((r.streamDurationP50Ms ?? 0) - 20_000) < 50, "\(String(describing: r.streamDurationP50Ms))")
        m.delivery = .bounded(events: 100)
        m.duration = .seconds(40)
        let b = Simulator.run(m)
        #expect(b.bufferedMaxBytes == 100 * 300)
        #expect(abs((b.streamDurationP50Ms ?? 0) - 29_000) < 50, "\(String(describing: b.streamDurationP50Ms))")
    }

    /// A mix of 8 fast and 2 slow readers (40 of 100 events/s): only the slow two fill buffers,
    /// each at (100 − 40) × 300 B/s.
    @Test func aReaderMixFillsBuffersOnlyForItsSlowShare() {
        var m = Self.bare(
            load: .closed(clientsPerInstance: 10, think: .zero), strategy: nil, events: 2_000,
            interval: .milliseconds(10), duration: .seconds(12))
        m.readers = [.init(.fast, weight: 8), .init(.slow(eventsPerSecond: 40), weight: 2)]
        let r = Simulator.run(m)
        let steps = zip(r.bufferedBytesPerSecond.dropFirst(2), r.bufferedBytesPerSecond.dropFirst()).map { $0 - $1 }
        #expect(!steps.isEmpty)
        for s in steps { #expect(abs(s - 2 * 18_000) <= 600, "\(steps)") }
        var bad = m
        bad.readers = [.init(.fast, weight: 0)]
        #expect(!bad.problems.isEmpty)
    }

    @Test func aRunIsDeterministicForASeed() {
        var m = Self.bare(
            instances: 3,
            load: .closed(
                clientsPerInstance: 5, think: .init(fixed: .milliseconds(50), exponentialMean: .milliseconds(50))),
            sessions: 2, strategy: .exponentialJitter, hold: .milliseconds(5), duration: .seconds(20))
        m.redis.roundTrip = .microseconds(200)
        let a = Simulator.run(m)
        #expect(a.updates > 100)
        #expect(Simulator.run(m) == a)
        m.seed = 2
        #expect(Simulator.run(m) != a)
    }

    /// The shifted exponential through a median and a p99 has them as its quantiles.
    @Test func aSpreadThroughTwoQuantilesHasThem() {
        let s = SimulationModel.Spread.through(p50: .milliseconds(22), p99: .milliseconds(30))
        let mean = s.exponentialMean.seconds, shift = s.fixed.seconds
        #expect(abs(shift + mean * log(2) - 0.022) < 1e-9)
        #expect(abs(shift + mean * log(100) - 0.030) < 1e-9)
    }
}
