/// Checks the event sequence of one logical stream (across reconnects) and classifies every
/// sequenced event: in order, after a gap, a duplicate, or a late (reordered) arrival.
///
/// Pure value; one per stream. Sequence numbers are expected to start at `firstExpected` (1 for the
/// reference server) and increase by one.
public struct SequenceChecker: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case inOrder
        /// `missing` events were skipped before this one.
        case gap(missing: UInt64)
        /// Already received.
        case duplicate
        /// Arrived after a later event, filling (part of) an earlier gap.
        case reordered
    }

    /// The highest sequence number received, or nil before the first.
    public private(set) var highest: UInt64?
    /// Gap occurrences (a jump forward).
    public private(set) var gaps = 0
    /// Events skipped by gaps and not (yet) received late.
    public private(set) var missing: UInt64 = 0
    public private(set) var duplicates = 0
    public private(set) var reorders = 0
    /// Sequenced events received.
    public private(set) var received = 0

    /// The first sequence number expected; nil accepts whatever comes first.
    private let firstExpected: UInt64?
    /// Sequence numbers skipped by recent gaps, kept to tell a late arrival from a duplicate.
    /// Bounded: a huge gap is remembered only in `missing`.
    private var holes: Set<UInt64> = []
    private static let holeMemory: UInt64 = 4096

    public init(firstExpected: UInt64? = 1) {
        self.firstExpected = firstExpected
    }

    @discardableResult
    public mutating func record(_ sequence: UInt64) -> Verdict {
        received += 1
        guard let expected = highest.map({ $0 &+ 1 }) ?? firstExpected else {
            highest = sequence
            return .inOrder
        }
        if sequence == expected || (highest == nil && sequence < expected) {
            highest = sequence
            return .inOrder
        }
        if sequence > expected {
            let skipped = sequence - expected
            gaps += 1
            missing += skipped
            if skipped <= Self.holeMemory {
                for hole in expected..<sequence { holes.insert(hole) }
            }
            highest = sequence
            return .gap(missing: skipped)
        }
        if holes.remove(sequence) != nil {
            reorders += 1
            missing -= 1
            return .reordered
        }
        duplicates += 1
        return .duplicate
    }
}
