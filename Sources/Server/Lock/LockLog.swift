import Foundation
import ServerConfig
import Synchronization

/// The latest ``LockLogPage/capacity`` lock acquisitions of this instance, for `GET /debug/lock-log`.
final class LockLog: Sendable {
    private struct Ring {
        var records: [LockLogRecord] = []
        /// Records ever appended; record `i` (0-based) sits at `i % capacity` while it is kept.
        var total = 0
    }

    private let ring = Mutex(Ring())

    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()) }

    func append(_ r: LockLogRecord) {
        ring.withLock { s in
            if s.records.count < LockLogPage.capacity {
                s.records.append(r)
            } else {
                s.records[s.total % LockLogPage.capacity] = r
            }
            s.total += 1
        }
    }

    /// The records after the first `after`, oldest first.
    func page(after: Int) -> LockLogPage {
        ring.withLock { s in
            let oldest = s.total - s.records.count
            let from = max(after, oldest)
            let records = from < s.total ? (from..<s.total).map { s.records[$0 % LockLogPage.capacity] } : []
            return LockLogPage(next: s.total, dropped: max(0, oldest - max(after, 0)), records: records)
        }
    }
}
