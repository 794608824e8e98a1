import ServerConfig
import Testing

@testable import Analysis

/// Barging, backoff waste and exact percentiles from merged lock logs, on hand-made time lines (µs).
@Suite struct LockTelemetryTests {
    private func r(_ s: String, _ arrived: Int64, _ acquired: Int64?, _ ended: Int64) -> LockLogRecord {
        LockLogRecord(session: s, arrived: arrived, acquired: acquired, ended: ended)
    }

    @Test func aQueueHandedOnAtOnceWastesNothingAndOvertakesNobody() {
        let log = [r("s", 0, 0, 10), r("s", 1, 10, 20), r("s", 2, 20, 30)]
        let t = LockTelemetry.compute(log, from: 0, until: 100)
        #expect(t.acquisitions == 3)
        #expect(t.overtakes == 0)
        #expect(t.freeWhileWaitingShare == 0)
        #expect(t.contendedSeconds == 19e-6)
        #expect(t.waitsMs == [0, 0.009, 0.018])
    }

    @Test func aLateArrivalThatWinsOvertakesAndTheSleepsBetweenHoldsAreWaste() {
        // A holds 0-10; B asks at 1, C at 2; C wins at 12 (B still asleep until 20).
        let log = [r("s", 0, 0, 10), r("s", 1, 20, 30), r("s", 2, 12, 18)]
        let t = LockTelemetry.compute(log, from: 0, until: 100)
        #expect(t.acquisitions == 3)
        #expect(t.overtakes == 1)
        #expect(t.bargingShare == 1.0 / 3)
        // Someone waited 1-20 (19 µs); nobody held the lock 10-12 and 18-20.
        #expect(abs(t.contendedSeconds - 19e-6) < 1e-12)
        #expect(abs(t.freeWhileWaitingSeconds - 4e-6) < 1e-12)
        #expect(t.holdsMs == [0.006, 0.01, 0.01])
    }

    @Test func sessionsAreSeparateTimeLinesAndGiveUpsAreNotAcquisitions() {
        // Two sessions' holds do not cover each other's waiters; a timeout waits but never holds.
        let log = [r("a", 0, 0, 10), r("b", 5, 15, 20), r("b", 0, nil, 30)]
        let t = LockTelemetry.compute(log, from: 0, until: 100)
        #expect(t.acquisitions == 2)
        #expect(t.gaveUp == 1)
        // b: waited 0-30, held 15-20: 25 µs free of 30; a never waited.
        #expect(abs(t.freeWhileWaitingSeconds - 25e-6) < 1e-12)
        #expect(abs(t.contendedSeconds - 30e-6) < 1e-12)
        // The give-up arrived first and was still waiting at 15: b's acquisition overtook it.
        #expect(t.overtakes == 1)
    }

    @Test func onlyArrivalsInTheWindowCountButEarlierWaitersCanBeOvertaken() {
        let log = [r("s", 0, 50, 60), r("s", 40, 45, 48), r("s", 200, 200, 210)]
        let t = LockTelemetry.compute(log, from: 30, until: 100)
        #expect(t.acquisitions == 1)
        #expect(t.overtakes == 1)
        // Waiting inside the window: 30-50, held 45-48 → 17 µs free of 20.
        #expect(abs(t.freeWhileWaitingSeconds - 17e-6) < 1e-12)
        let m = LockTelemetry.metrics(t)
        #expect(m["lock_barging_share"] == 1)
        #expect(m["lock_wait_p99_ms"] == 0.005)
    }

    @Test func noWaitingIsNotMeasuredRatherThanZero() {
        let t = LockTelemetry.compute([], from: 0, until: 100)
        #expect(t.freeWhileWaitingShare == nil)
        #expect(t.bargingShare == nil)
        #expect(LockTelemetry.metrics(t)["lock_barging_share"] == nil)
    }
}
