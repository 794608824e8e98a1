import Foundation
import Scenarios

/// One embedded Redis + PostgreSQL for the whole test process (started on first use, stopped at
/// exit), through the same launcher the product uses.
enum SharedServices {
    nonisolated(unsafe) private static var instance: EmbeddedServices?
    private static let starting = Task { () throws -> EmbeddedServices in
        let s = try await EmbeddedServices.start()
        instance = s
        atexit { SharedServices.stopAtExit() }
        return s
    }

    static func get() async throws -> EmbeddedServices { try await starting.value }

    static func stopAtExit() { instance?.stop() }
}
