import Foundation

/// A session as cached in Redis (`session:{id}`) and stored in PostgreSQL (`sessions`).
public struct SessionRecord: Sendable, Equatable, Codable {
    public var id: String
    public var model: String
    public var status: String
    public var createdAt: String
    public var updatedAt: String
    public var totalTurns: Int
    public var totalCostUSD: Double?
    public var parentSessionID: String?
    public var ownerAPIKeyHash: String?
    public var sessionMetadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, model, status
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case totalTurns = "total_turns"
        case totalCostUSD = "total_cost_usd"
        case parentSessionID = "parent_session_id"
        case ownerAPIKeyHash = "owner_api_key_hash"
        case sessionMetadata = "session_metadata"
    }

    /// Encodes every key, `null` included, as upstream's pydantic dump does.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(model, forKey: .model)
        try c.encode(status, forKey: .status)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(totalTurns, forKey: .totalTurns)
        try c.encode(totalCostUSD, forKey: .totalCostUSD)
        try c.encode(parentSessionID, forKey: .parentSessionID)
        try c.encode(ownerAPIKeyHash, forKey: .ownerAPIKeyHash)
        try c.encode(sessionMetadata, forKey: .sessionMetadata)
    }

    /// The public `SessionResponse` shape (no owner hash).
    public var response: SessionResponse {
        SessionResponse(
            id: id, status: status, model: model, createdAt: createdAt, updatedAt: updatedAt,
            totalTurns: totalTurns, totalCostUSD: totalCostUSD, parentSessionID: parentSessionID)
    }
}

/// `GET /api/v1/sessions/{id}` body.
public struct SessionResponse: Sendable, Equatable, Codable {
    public var id: String
    public var status: String
    public var model: String
    public var createdAt: String
    public var updatedAt: String
    public var totalTurns: Int
    public var totalCostUSD: Double?
    public var parentSessionID: String?

    enum CodingKeys: String, CodingKey {
        case id, status, model
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case totalTurns = "total_turns"
        case totalCostUSD = "total_cost_usd"
        case parentSessionID = "parent_session_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(status, forKey: .status)
        try c.encode(model, forKey: .model)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(totalTurns, forKey: .totalTurns)
        try c.encode(totalCostUSD, forKey: .totalCostUSD)
        try c.encode(parentSessionID, forKey: .parentSessionID)
    }
}
