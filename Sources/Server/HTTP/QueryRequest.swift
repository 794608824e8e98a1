import Foundation
import Hummingbird

/// The fields of upstream's QueryRequest that change load behaviour, validated as pydantic would:
/// every problem reported at once in a 422 `{"detail":[...]}` body.
package struct QueryRequest: Sendable {
    var prompt: String
    var sessionID: String?
    var model: String
    var allowedTools: [String]
    var permissionMode: String
    var includePartialMessages: Bool
    var maxTurns: Int?

    static let permissionModes: Set<String> = ["default", "acceptEdits", "plan", "bypassPermissions"]
    static let forbiddenEnv: Set<String> = ["LD_PRELOAD", "LD_LIBRARY_PATH", "PATH"]

    /// Collects the body (413 past `maxBytes`) and validates it.
    static func decode(_ request: Request, maxBytes: Int) async throws -> QueryRequest {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw APIError(
                .contentTooLarge, code: "REQUEST_TOO_LARGE", message: "Request body exceeds \(maxBytes) bytes")
        }
        return try decode(body: Data(buffer.readableBytesView))
    }

    /// Parses and validates a request body (JSON, then FastAPI's field checks): the decoding the
    /// fuzz target `query` drives.
    package static func decode(body: Data) throws -> QueryRequest {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            throw ValidationFailure(loc: ["body"], msg: "JSON decode error", type: "json_invalid")
        }
        guard let body = object as? [String: Any] else {
            throw ValidationFailure(loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type")
        }
        return try validate(body)
    }

    static func validate(_ body: [String: Any]) throws -> QueryRequest {
        var problems: [ValidationFailure.Item] = []
        func fail(_ field: String, _ msg: String, _ type: String) {
            problems.append(.init(loc: ["body", field], msg: msg, type: type))
        }

        var prompt = ""
        switch body["prompt"] {
        case nil: fail("prompt", "Field required", "missing")
        case let p as String:
            prompt = p
            if p.isEmpty { fail("prompt", "String should have at least 1 character", "string_too_short") }
            if p.count > 100_000 { fail("prompt", "String should have at most 100000 characters", "string_too_long") }
        default: fail("prompt", "Input should be a valid string", "string_type")
        }
        func optionalString(_ key: String) -> String? {
            guard let v = body[key], !(v is NSNull) else { return nil }
            if let s = v as? String { return s }
            fail(key, "Input should be a valid string", "string_type")
            return nil
        }
        func stringList(_ key: String) -> [String] {
            guard let v = body[key], !(v is NSNull) else { return [] }
            if let l = v as? [String] { return l }
            fail(key, "Input should be a valid list of strings", "list_type")
            return []
        }
        let sessionID = optionalString("session_id")
        let model = optionalString("model") ?? "sonnet"
        let permissionMode = optionalString("permission_mode") ?? "default"
        if !permissionModes.contains(permissionMode) {
            fail(
                "permission_mode", "Input should be 'default', 'acceptEdits', 'plan' or 'bypassPermissions'",
                "literal_error")
        }
        let allowed = stringList("allowed_tools")
        let disallowed = stringList("disallowed_tools")
        if !Set(allowed).isDisjoint(with: disallowed) {
            fail("allowed_tools", "Value error, tools cannot be both allowed and disallowed", "value_error")
        }
        var partials = false
        if let v = body["include_partial_messages"], !(v is NSNull) {
            if let b = v as? Bool, isJSONBoolean(v) {
                partials = b
            } else {
                fail("include_partial_messages", "Input should be a valid boolean", "bool_type")
            }
        }
        var maxTurns: Int?
        if let v = body["max_turns"], !(v is NSNull) {
            if let n = v as? Int, !isJSONBoolean(v) {
                if !(1...1000).contains(n) { fail("max_turns", "Input should be between 1 and 1000", "value_error") }
                maxTurns = n
            } else {
                fail("max_turns", "Input should be a valid integer", "int_type")
            }
        }
        if let env = body["env"] as? [String: Any] {
            for k in env.keys where forbiddenEnv.contains(k) {
                fail("env", "Value error, environment variable \(k) is not allowed", "value_error")
            }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return QueryRequest(
            prompt: prompt, sessionID: sessionID, model: model, allowedTools: allowed, permissionMode: permissionMode,
            includePartialMessages: partials, maxTurns: maxTurns)
    }
}

/// True when a JSON value decoded by JSONSerialization was a boolean (not 0/1).
func isJSONBoolean(_ v: Any) -> Bool {
    #if canImport(Darwin)
    return CFGetTypeID(v as CFTypeRef) == CFBooleanGetTypeID()
    #else
    if let n = v as? NSNumber { return String(cString: n.objCType) == "c" || type(of: v) == Bool.self }
    return v is Bool
    #endif
}

/// Is `s` a UUID in the canonical 8-4-4-4-12 hex form?
func isUUID(_ s: String) -> Bool {
    UUID(uuidString: s) != nil
}
