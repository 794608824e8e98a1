/// A min-heap of deadlines for per-client actions (start, header timeout, stall begin/end).
/// Entries carry the client's request generation so a stale entry (its request already over) is
/// recognised and skipped instead of being removed eagerly.
struct TimerQueue {
    enum Action: UInt8 {
        case start
        case headerTimeout
        case stallBegin
        case stallEnd
        case paceResume
        /// Native transport: the connection is not up in time (libcurl times its own).
        case connectTimeout
        /// Native transport, HTTP mode: the whole request's limit.
        case requestTimeout
    }

    struct Entry {
        var deadline: UInt64
        var slot: Int32
        var generation: UInt32
        var action: Action
    }

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextDeadline: UInt64? { heap.first?.deadline }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent].deadline <= heap[child].deadline { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(_ now: UInt64) -> Entry? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
