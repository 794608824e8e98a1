import Foundation
import Testing

@testable import LoadGen

@Suite("Event sequences and integrity")
struct IntegrityTests {
    @Test(arguments: [
        ("s1:42", UInt64?(42)), ("42", 42), ("a:b:7", 7), ("abc", nil), ("x:1a", nil), ("", nil), ("x:", nil),
        ("stream-9", nil),
    ])
    func sequenceFromID(_ id: String, _ expected: UInt64?) {
        #expect(EventSequence.number(fromID: id) == expected)
    }

    @Test func inOrderGapDuplicateReorder() {
        var c = SequenceChecker()
        #expect(c.record(1) == .inOrder)
        #expect(c.record(2) == .inOrder)
        #expect(c.record(5) == .gap(missing: 2))
        #expect(c.record(5) == .duplicate)
        #expect(c.record(3) == .reordered)
        #expect(c.record(3) == .duplicate)
        #expect(c.record(6) == .inOrder)
        #expect(c.gaps == 1 && c.missing == 1 && c.duplicates == 2 && c.reorders == 1 && c.received == 7)
    }

    @Test func firstEventMustBeTheExpectedStartUnlessAny() {
        var strict = SequenceChecker(firstExpected: 1)
        #expect(strict.record(3) == .gap(missing: 2))
        var any = SequenceChecker(firstExpected: nil)
        #expect(any.record(100) == .inOrder)
        #expect(any.record(101) == .inOrder)
    }
}

@Suite("Rates, mixes and schedules")
struct SchedulingTests {
    @Test(arguments: [("500/s", 500.0, 500.0), ("30/m", 0.5, 0.5), ("100/s..1000/s", 100, 1000), ("7200/h", 2, 2)])
    func rateParses(_ text: String, _ start: Double, _ end: Double) throws {
        let r = try Rate(parsing: text)
        #expect(r.start == start && r.end == end)
    }

    @Test(arguments: ["500", "500/x", "abc/s", "-5/s", "0/s", "1/s..", "1/s..2/s..3/s", ""])
    func badRatesAreRejectedWithTheForm(_ text: String) {
        #expect(throws: Rate.ParseError.self) { try Rate(parsing: text) }
        do { _ = try Rate(parsing: text) } catch { #expect(error.description.contains("expected N/s")) }
    }

    @Test func mixParsesAndAssignsByWeightOverAnyPrefix() throws {
        let mix = try ProfileMix(parsing: "fast:80,slow:15,stalled:5")
        let a = mix.assignments(count: 1000)
        #expect(a.filter { $0 == .fast }.count == 800)
        #expect(a.filter { $0 == .slow }.count == 150)
        #expect(a.filter { $0 == .stalled }.count == 50)
        // Any prefix (clients ramped so far) is within one client of the weights.
        let prefix = a.prefix(40)
        #expect(abs(prefix.filter { $0 == .slow }.count - 6) <= 1)
        #expect(abs(prefix.filter { $0 == .stalled }.count - 2) <= 1)
    }

    @Test(arguments: ["fast:80,turbo:20", "fast:x", "fast:-1", "fast:0", "fast:1,fast:2", "", "fast:1:2"])
    func badMixesAreRejected(_ text: String) {
        #expect(throws: ProfileMix.ParseError.self) { try ProfileMix(parsing: text) }
    }

    @Test func constantScheduleSpacesArrivalsEvenly() {
        let s = ArrivalSchedule(rate: .perSecond(100), duration: 2)
        #expect(s.offset(ofArrival: 0) == 0)
        #expect(abs(s.offset(ofArrival: 150)! - 1.5) < 1e-9)
        #expect(s.offset(ofArrival: 200) == nil)
    }

    @Test func rampingScheduleMatchesTheIntegralOfTheRate() {
        let s = ArrivalSchedule(rate: Rate(start: 100, end: 300), duration: 10)
        // N(t) = 100 t + 10 t², so N(5) = 750 and N(10) = 2000.
        #expect(abs(s.offset(ofArrival: 750)! - 5) < 1e-6)
        #expect(s.offset(ofArrival: 2000) == nil)
        #expect(s.offset(ofArrival: 1999) != nil)
    }

    @Test func timerQueuePopsInDeadlineOrderOnlyWhenDue() {
        var q = TimerQueue()
        for (i, d) in [50, 10, 40, 20, 30].enumerated() {
            q.push(.init(deadline: UInt64(d), slot: Int32(i), generation: 0, action: .start))
        }
        #expect(q.popDue(5) == nil)
        var order: [UInt64] = []
        while let e = q.popDue(45) { order.append(e.deadline) }
        #expect(order == [10, 20, 30, 40])
        #expect(q.count == 1)
    }

    @Test func validationReportsEveryProblem() {
        var c = LoadConfiguration(mode: .sse, url: "ftp://x")
        c.clients = 0
        c.threads = 0
        do {
            try c.validate()
            Issue.record("expected a validation error")
        } catch {
            #expect(error.problems.count == 3)
            #expect(error.problems[0].hasPrefix("url"))
        }
    }
}

@Suite struct SessionPoolIdTests {
    @Test func indexesArePaddedToFixedWidthWhenAsked() {
        let uuidLike = LoadConfiguration.SessionPool(
            hotSet: 1000, prefix: "371000fc-0000-4000-8000-00000000", indexDigits: 4)
        #expect(uuidLike.id(7) == "371000fc-0000-4000-8000-000000000007")
        #expect(uuidLike.id(999) == "371000fc-0000-4000-8000-000000000999")
        #expect(uuidLike.id(7).count == uuidLike.id(999).count)
        // Without a width, the plain index (the `stampede load --hot-set` form).
        #expect(LoadConfiguration.SessionPool(hotSet: 20).id(12) == "session-12")
    }
}

/// How one run's clients are split over several targets.
@Suite struct TargetSplitTests {
    @Test func contiguousBlocksKeepTheMixOnEveryTarget() throws {
        let mix = try ProfileMix(parsing: "fast:80,slow:20")
        let profiles = mix.assignments(count: 50)
        for n in [2, 3, 5, 10] {
            var slowPerTarget = [Int](repeating: 0, count: n)
            var clientsPerTarget = [Int](repeating: 0, count: n)
            for (k, p) in profiles.enumerated() {
                let t = Engine.target(ofClient: k, of: profiles.count, targets: n)
                clientsPerTarget[t] += 1
                if p == .slow { slowPerTarget[t] += 1 }
            }
            #expect(clientsPerTarget.max()! - clientsPerTarget.min()! <= 1, "\(n) targets: \(clientsPerTarget)")
            // 20 % of each target's clients, give or take one (k mod 5 would put every slow client on one target).
            for t in 0..<n {
                #expect(
                    abs(Double(slowPerTarget[t]) - 0.2 * Double(clientsPerTarget[t])) <= 1,
                    "\(n) targets: \(slowPerTarget)")
            }
        }
        #expect(Engine.target(ofClient: 0, of: 1, targets: 3) == 0)
        #expect(Engine.target(ofClient: 7, of: 8, targets: 1) == 0)
    }
}

@Suite("Session popularity")
struct SessionPopularityTests {
    /// Zipf(1.1) over 1,000 sessions: session k's share is (k+1)^-1.1 / H, H = Σ (j)^-1.1; 200,000
    /// seeded draws land within 3 % (relative) of it for the 5 most popular, within ±0.1 point
    /// for any session, and never outside the pool.
    @Test func zipfDrawsFollowTheirProbabilities() {
        let p = SessionPopularity(count: 1000, zipf: 1.1)
        let h = (1...1000).reduce(0.0) { $0 + 1 / pow(Double($1), 1.1) }
        #expect(abs(p.probability(0) - 1 / h) < 1e-12)
        #expect(abs((0..<1000).reduce(0.0) { $0 + p.probability($1) } - 1) < 1e-9)
        var rng = FastRandom(seed: 42)
        var counts = [Int](repeating: 0, count: 1000)
        let n = 200_000
        for _ in 0..<n { counts[p.draw(using: &rng)] += 1 }
        for k in 0..<5 {
            let share = Double(counts[k]) / Double(n)
            #expect(
                abs(share - p.probability(k)) / p.probability(k) < 0.03, "session \(k): \(share) vs \(p.probability(k))"
            )
        }
        for k in 0..<1000 { #expect(abs(Double(counts[k]) / Double(n) - p.probability(k)) < 0.001) }
        #expect(counts[0] > counts[1] && counts[1] > counts[2] && counts[2] > counts[10])
    }

    @Test func withoutAnExponentEverySessionIsAsLikely() {
        let p = SessionPopularity(count: 8, zipf: nil)
        #expect(p.probability(3) == 0.125)
        var rng = FastRandom(seed: 7)
        var counts = [Int](repeating: 0, count: 8)
        for _ in 0..<80_000 { counts[p.draw(using: &rng)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 }, "\(counts)")
        #expect(SessionPopularity(count: 1, zipf: 2).draw(using: &rng) == 0)
    }

    @Test func aBadExponentIsAValidationProblem() {
        var c = LoadConfiguration(mode: .sse, targets: ["http://127.0.0.1:1/{session}"])
        c.sessionPool = .init(hotSet: 10, zipf: -1)
        let error = #expect(throws: LoadConfigurationError.self) { try c.validate() }
        #expect(error?.problems.contains { $0.contains("zipf exponent -1.0") } == true, "\(error?.description ?? "")")
    }
}
