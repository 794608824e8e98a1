import Analysis
import Foundation
import Orchestration

/// One embedded Redis + PostgreSQL for the whole test process (started on first use, stopped at
/// exit), through the same launcher the product uses.
public enum SharedServices {
    nonisolated(unsafe) private static var instance: EmbeddedServices?
    private static let starting = Task { () throws -> EmbeddedServices in
        let s = try await EmbeddedServices.start()
        instance = s
        atexit { SharedServices.stopAtExit() }
        return s
    }

    public static func get() async throws -> EmbeddedServices { try await starting.value }

    public static func stopAtExit() { instance?.stop() }
}
