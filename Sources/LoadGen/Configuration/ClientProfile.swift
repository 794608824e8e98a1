/// How one simulated client reads its stream.
public enum ClientProfile: String, Sendable, Codable, CaseIterable, Hashable {
    /// Reads as fast as possible.
    case fast
    /// Caps its receive rate (the engine stops reading while ahead of its schedule) and shrinks its
    /// socket receive buffer (`SO_RCVBUF`), so the server sees a genuinely slow reader.
    case slow
    /// Stops reading for a while (the transfer is paused), then resumes or leaves.
    case stalled
    /// On a disconnect before `done`, reconnects with `Last-Event-ID` after the server's `retry`.
    case reconnecting

    var index: Int {
        switch self {
        case .fast: 0
        case .slow: 1
        case .stalled: 2
        case .reconnecting: 3
        }
    }
}
