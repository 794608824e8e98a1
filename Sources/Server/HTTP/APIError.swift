import Foundation
import Hummingbird
import NIOCore

/// An error that renders upstream's body: `{"error":{"code","message","details"}}`.
public struct APIError: HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [String: String] = [:]
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: Any] = ["error": ["code": code, "message": message, "details": details]]
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSON.data(body))))
    }

    static func missingKey() -> APIError {
        .init(.unauthorized, code: "AUTHENTICATION_ERROR", message: "Missing API key")
    }
    static func invalidKey() -> APIError {
        .init(.unauthorized, code: "AUTHENTICATION_ERROR", message: "Invalid API key")
    }
    static func sessionNotFound(_ id: String) -> APIError {
        .init(.notFound, code: "SESSION_NOT_FOUND", message: "Session not found: \(id)", details: ["session_id": id])
    }
    static func serviceUnavailable(_ message: String) -> APIError {
        .init(.serviceUnavailable, code: "SERVICE_UNAVAILABLE", message: message)
    }
}

/// Pydantic's 422 body: `{"detail":[{"loc":[...],"msg":...,"type":...}]}`.
public struct ValidationFailure: HTTPResponseError {
    public struct Item: Sendable {
        var loc: [String]
        var msg: String
        var type: String
    }

    public var items: [Item]
    public var status: HTTPResponse.Status { .unprocessableContent }
    public var headers: HTTPFields { [.contentType: "application/json"] }

    init(_ items: [Item]) { self.items = items }
    init(loc: [String], msg: String, type: String) { items = [Item(loc: loc, msg: msg, type: type)] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let detail: [[String: Any]] = items.map { ["loc": $0.loc, "msg": $0.msg, "type": $0.type] }
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSON.data(["detail": detail]))))
    }
}

/// JSON helpers on Foundation's serializer (sorted keys, so bodies are stable).
enum JSON {
    static func data(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    static func response(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data(object))))
    }

    static func response<T: Encodable>(encodable: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let d = try JSONEncoder().encode(encodable)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: d)))
    }
}
