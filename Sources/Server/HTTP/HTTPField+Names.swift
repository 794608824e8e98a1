import HTTPTypes

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
    static let apiKey = Self("X-API-Key")!
    static let accelBuffering = Self("X-Accel-Buffering")!
    static let correlationID = Self("X-Correlation-ID")!
}
