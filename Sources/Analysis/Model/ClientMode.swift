/// What a client group sends (`mode:` in a scenario file).
public enum ClientMode: String, Sendable, Codable, CaseIterable {
    /// Long-lived SSE streams (`POST` with a prompt), stream after stream. The default.
    case sse
    /// Regular requests (`GET path` with the API key), closed loop: each client sends, waits for
    /// the answer, pauses `restart-delay`, sends again. For "are regular requests still served?".
    case http
}
