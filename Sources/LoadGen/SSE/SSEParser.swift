#if canImport(Glibc)
import Glibc
#endif

/// An incremental parser for `text/event-stream` bodies, per the WHATWG HTML spec
/// ("9.2.6 Interpreting an event stream").
///
/// A pure value: feed it chunks split anywhere (even inside a CRLF or the BOM), and it calls back
/// once per dispatched event. Handles LF, CR and CRLF line ends, multi-line `data`, comments,
/// fields without a colon, one optional space after the colon, a leading BOM, `id` (ignored when it
/// contains NUL), `retry` (ASCII digits only) and `event`. An unterminated last event is discarded
/// (call ``finish()`` at end of stream).
public struct SSEParser: Sendable {
    /// The reconnection time in milliseconds from the last valid `retry` field, if any.
    public private(set) var retryMilliseconds: Int?
    /// The last event ID buffer; persists across events (what a client sends as `Last-Event-ID`).
    public var lastEventID: String { String(decoding: lastEventIDBytes, as: UTF8.self) }
    private var lastEventIDBytes: [UInt8] = []
    /// Comment lines seen (`: ping`), a liveness signal that is not an event.
    public private(set) var commentCount: Int = 0
    /// Events dispatched so far.
    public private(set) var eventCount: Int = 0

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var eventType: [UInt8] = []
    private var hasData = false
    private var blockHasID = false
    /// The previous chunk ended in CR: an LF at the start of the next chunk belongs to it.
    private var pendingCR = false
    /// Bytes of the BOM matched so far at stream start; nil once the stream start is past.
    private var bomMatched: Int? = 0

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let colon: UInt8 = 0x3A
    private static let space: UInt8 = 0x20

    public init() {
        line.reserveCapacity(256)
        data.reserveCapacity(256)
    }

    /// Parses a chunk, calling `onEvent` for each event it completes.
    public mutating func parse(_ chunk: UnsafeRawBufferPointer, _ onEvent: (SSEEvent) -> Void) {
        parseViews(chunk) { onEvent($0.event) }
    }

    /// Parses a chunk, calling `onEvent` with each completed event's fields as bytes (valid only
    /// during the call): no string is built unless the caller builds it. The load generator's path.
    public mutating func parseViews(_ chunk: UnsafeRawBufferPointer, _ onEvent: (SSEEventView) -> Void) {
        var start = 0
        let count = chunk.count
        if count == 0 { return }
        if let matched = bomMatched {
            var m = matched
            while m < 3 && start < count && chunk[start] == Self.bom[m] {
                m += 1
                start += 1
            }
            if m == 3 {
                bomMatched = nil
            } else if start == count {
                bomMatched = m
                return
            } else {
                // Not a BOM: the bytes matched so far are content.
                bomMatched = nil
                line.append(contentsOf: Self.bom[0..<m])
            }
        }
        if pendingCR {
            pendingCR = false
            if start < count && chunk[start] == Self.lf { start += 1 }
        }
        guard let base = chunk.baseAddress else { return }
        var i = start
        var lineStart = start
        while i < count {
            // The next line end: the first LF (memchr, vectorised), or a CR before it.
            let lfPointer = memchr(base + i, Int32(Self.lf), count - i)
            let lfAt = lfPointer.map { base.distance(to: UnsafeRawPointer($0)) } ?? count
            let crPointer = memchr(base + i, Int32(Self.cr), lfAt - i)
            let end = crPointer.map { base.distance(to: UnsafeRawPointer($0)) } ?? lfAt
            if end == count { break }  // no line end in the rest of the chunk
            i = end
            let b = chunk[i]
            if line.isEmpty {
                // The whole line is in this chunk: parse it where it lies.
                processLine(
                    UnsafeRawBufferPointer(rebasing: chunk[lineStart..<i]).assumingMemoryBound(to: UInt8.self),
                    onEvent)
            } else {
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[lineStart..<i]))
                var carried = line
                line = []
                carried.withUnsafeBufferPointer { processLine($0, onEvent) }
                carried.removeAll(keepingCapacity: true)
                line = carried
            }
            if b == Self.cr {
                if i + 1 < count {
                    if chunk[i + 1] == Self.lf { i += 1 }
                } else {
                    pendingCR = true
                }
            }
            i += 1
            lineStart = i
        }
        if lineStart < count {
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[lineStart..<count]))
        }
    }

    /// Parses a chunk and returns the events it completes.
    public mutating func parse(_ bytes: some Collection<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        let array = Array(bytes)
        array.withUnsafeBytes { raw in parse(raw) { events.append($0) } }
        return events
    }

    /// End of stream: an unterminated last event is discarded (the spec), as is a partial line.
    public mutating func finish() {
        line.removeAll(keepingCapacity: true)
        resetBlock()
        pendingCR = false
    }

    /// Starts a new connection on the same logical stream: keeps `lastEventID` and the retry time.
    public mutating func resetConnection() {
        finish()
        bomMatched = 0
    }

    private mutating func resetBlock() {
        data.removeAll(keepingCapacity: true)
        eventType.removeAll(keepingCapacity: true)
        hasData = false
        blockHasID = false
    }

    private mutating func processLine(_ line: UnsafeBufferPointer<UInt8>, _ onEvent: (SSEEventView) -> Void) {
        if line.isEmpty {
            dispatch(onEvent)
            return
        }
        if line[0] == Self.colon {
            commentCount += 1
            return
        }
        let colonIndex = line.firstIndex(of: Self.colon)
        let fieldEnd = colonIndex ?? line.count
        var valueStart = colonIndex.map { $0 + 1 } ?? line.count
        if valueStart < line.count && line[valueStart] == Self.space { valueStart += 1 }
        processField(
            UnsafeBufferPointer(rebasing: line[0..<fieldEnd]), UnsafeBufferPointer(rebasing: line[valueStart...]))
    }

    private mutating func processField(_ field: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) {
        switch field.count {
        case 4 where field[0] == 0x64 && field[1] == 0x61 && field[2] == 0x74 && field[3] == 0x61:  // data
            data.append(contentsOf: value)
            data.append(Self.lf)
            hasData = true
        // event
        case 5 where field[0] == 0x65 && field[1] == 0x76 && field[2] == 0x65 && field[3] == 0x6E && field[4] == 0x74:
            eventType.removeAll(keepingCapacity: true)
            eventType.append(contentsOf: value)
        case 2 where field[0] == 0x69 && field[1] == 0x64:  // id
            if !value.contains(0) {
                lastEventIDBytes.removeAll(keepingCapacity: true)
                lastEventIDBytes.append(contentsOf: value)
                blockHasID = true
            }
        // retry
        case 5 where field[0] == 0x72 && field[1] == 0x65 && field[2] == 0x74 && field[3] == 0x72 && field[4] == 0x79:
            if !value.isEmpty && value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                var v = 0
                for digit in value {
                    let (m, o1) = v.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(Int(digit - 0x30))
                    if o1 || o2 { return }
                    v = s
                }
                retryMilliseconds = v
            }
        default:
            break  // unknown fields are ignored
        }
    }

    private mutating func dispatch(_ onEvent: (SSEEventView) -> Void) {
        defer { resetBlock() }
        // The spec: an empty data buffer resets the buffers without dispatching. `id` still updated
        // the last event ID buffer above.
        guard hasData else { return }
        data.removeLast()  // the trailing LF
        eventCount += 1
        let ownID = blockHasID
        data.withUnsafeBufferPointer { d in
            eventType.withUnsafeBufferPointer { t in
                lastEventIDBytes.withUnsafeBufferPointer { id in
                    onEvent(SSEEventView(typeBytes: t, dataBytes: d, idBytes: id, hasOwnID: ownID))
                }
            }
        }
    }
}

/// A dispatched event as the parser holds it: its fields' bytes, valid only inside the callback
/// that receives it. ``event`` makes the value type (with strings) from it.
public struct SSEEventView {
    /// The last `event` field's value; empty for the default type, `message`.
    public var typeBytes: UnsafeBufferPointer<UInt8>
    public var dataBytes: UnsafeBufferPointer<UInt8>
    /// The last event ID buffer at dispatch time.
    public var idBytes: UnsafeBufferPointer<UInt8>
    public var hasOwnID: Bool

    /// Whether the event's type is `name` (the default type is `message`), without a string.
    public func isType(_ name: [UInt8]) -> Bool {
        if typeBytes.isEmpty { return name == Self.message }
        guard typeBytes.count == name.count, let t = typeBytes.baseAddress else { return false }
        return name.withUnsafeBufferPointer { memcmp($0.baseAddress!, t, name.count) == 0 }
    }

    static let message = Array("message".utf8)

    public var event: SSEEvent {
        SSEEvent(
            type: typeBytes.isEmpty ? "message" : String(decoding: typeBytes, as: UTF8.self),
            data: String(decoding: dataBytes, as: UTF8.self), lastEventID: String(decoding: idBytes, as: UTF8.self),
            hasOwnID: hasOwnID)
    }
}
