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
    public private(set) var lastEventID: String = ""
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
        var i = start
        var lineStart = start
        while i < count {
            let b = chunk[i]
            if b == Self.lf || b == Self.cr {
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[lineStart..<i]))
                processLine(onEvent)
                line.removeAll(keepingCapacity: true)
                if b == Self.cr {
                    if i + 1 < count {
                        if chunk[i + 1] == Self.lf { i += 1 }
                    } else {
                        pendingCR = true
                    }
                }
                i += 1
                lineStart = i
            } else {
                i += 1
            }
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

    private mutating func processLine(_ onEvent: (SSEEvent) -> Void) {
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
        line.withUnsafeBufferPointer { buffer in
            let field = UnsafeBufferPointer(rebasing: buffer[0..<fieldEnd])
            let value = UnsafeBufferPointer(rebasing: buffer[valueStart..<buffer.count])
            processField(field, value)
        }
    }

    private mutating func processField(_ field: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) {
        switch field.count {
        case 4 where field.elementsEqual("data".utf8):
            data.append(contentsOf: value)
            data.append(Self.lf)
            hasData = true
        case 5 where field.elementsEqual("event".utf8):
            eventType.removeAll(keepingCapacity: true)
            eventType.append(contentsOf: value)
        case 2 where field.elementsEqual("id".utf8):
            if !value.contains(0) {
                lastEventID = String(decoding: value, as: UTF8.self)
                blockHasID = true
            }
        case 5 where field.elementsEqual("retry".utf8):
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

    private mutating func dispatch(_ onEvent: (SSEEvent) -> Void) {
        defer { resetBlock() }
        // The spec: an empty data buffer resets the buffers without dispatching. `id` still updated
        // the last event ID buffer above.
        guard hasData else { return }
        data.removeLast()  // the trailing LF
        let type = eventType.isEmpty ? "message" : String(decoding: eventType, as: UTF8.self)
        eventCount += 1
        onEvent(
            SSEEvent(
                type: type, data: String(decoding: data, as: UTF8.self), lastEventID: lastEventID,
                hasOwnID: blockHasID))
    }
}
