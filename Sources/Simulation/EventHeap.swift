/// What happens next to a client (``Simulator``): the kind and the client, at a time in
/// nanoseconds. `seq` breaks ties in scheduling order, so a run is deterministic.
struct SimEvent {
    var time: Int64
    var seq: UInt64
    var client: Int32
    var kind: SimEventKind
    /// For timers: the client's epoch when set (stale when it moved on since).
    var epoch: UInt32
}

enum SimEventKind: UInt8 {
    case start, agentDone, redisArrive, redisReply, databaseDone, backoffDone, holdDone, wakeUp, lockTimeout
    case poolTimeout, streamEnd, arrival, sample
}

/// A binary min-heap of events by (time, seq).
struct EventHeap {
    private var items: [SimEvent] = []

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    init(capacity: Int) { items.reserveCapacity(capacity) }

    @inline(__always)
    private static func less(_ a: SimEvent, _ b: SimEvent) -> Bool {
        a.time < b.time || (a.time == b.time && a.seq < b.seq)
    }

    mutating func push(_ e: SimEvent) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            guard Self.less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> SimEvent? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var i = 0
        let n = items.count
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            var m = l
            if l + 1 < n, Self.less(items[l + 1], items[l]) { m = l + 1 }
            guard Self.less(items[m], items[i]) else { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
