/// One dispatched Server-Sent Event (WHATWG HTML, "Interpreting an event stream").
public struct SSEEvent: Sendable, Equatable {
    /// The event type: the last `event` field of the block, or `message` when there was none.
    public var type: String
    /// The data buffer with its trailing LF removed; `data` lines are joined by LF.
    public var data: String
    /// The last event ID buffer at dispatch time (it persists across events, as in the spec).
    public var lastEventID: String
    /// True when this block itself carried a (valid) `id` field. Integrity checks use only those.
    public var hasOwnID: Bool

    public init(type: String = "message", data: String, lastEventID: String = "", hasOwnID: Bool = false) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
        self.hasOwnID = hasOwnID
    }
}
