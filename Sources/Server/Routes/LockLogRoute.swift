import Foundation
import Hummingbird
import ServerConfig

/// `GET /debug/lock-log?after=N`: this instance's lock acquisitions after the first N, as JSON
/// (``LockLogPage``). It lists session ids, so it needs the API key (unlike `/metrics`).
struct LockLogRoute {
    let state: ServerState

    func register(on router: Router<StampedeRequestContext>) {
        router.get("/debug/lock-log") { request, _ in
            let after = request.uri.queryParameters.get("after").flatMap { Int($0) } ?? 0
            let body = try JSONEncoder().encode(state.lockLog.page(after: max(0, after)))
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: .init(bytes: body)))
        }
    }
}
