import Foundation
import ServerConfig
import Synchronization

/// Stands in for the Claude SDK: the payloads of one run's events, in upstream's shapes.
/// Deterministic for a given seed and run number. Its work is waiting, not CPU.
struct SimulatedAgent: Sendable {
    let configuration: AgentConfiguration
    /// The assistant text, made once: every message carries it.
    let text: String
    let textJSON: String
    /// Message templates by model, made once per model (at most `TemplateCache.limit` models):
    /// thousands of open streams share one instead of holding a copy each.
    private let templates = TemplateCache()

    init(configuration: AgentConfiguration) {
        self.configuration = configuration
        let words = ["load", "stream", "lock", "session", "event", "agent", "redis", "postgres", "queue", "client"]
        var rng = SplitMix64(seed: configuration.seed)
        var t = ""
        while t.utf8.count < configuration.payloadBytes {
            t += words[Int(rng.next() % UInt64(words.count))] + " "
        }
        text = String(t.prefix(configuration.payloadBytes))
        textJSON = Self.jsonString(text)
    }

    /// How many content events run number `run` emits.
    func eventCount(run: UInt64) -> Int {
        var rng = SplitMix64(seed: configuration.seed ^ (run &* 0xD1B5_4A32_D192_ED03))
        switch configuration.eventsPerRun {
        case .fixed(let n): return n
        case .uniform(let a, let b): return a + Int(rng.next() % UInt64(b - a + 1))
        case .exponential(let mean):
            let u = max(rng.uniform(0, 1), 1e-12)
            return max(1, Int((-log(u) * mean).rounded()))
        }
    }

    func initData(sessionID: String, model: String, tools: [String], permissionMode: String) -> String {
        let toolList = tools.map(Self.jsonString).joined(separator: ", ")
        return
            "{\"session_id\": \(Self.jsonString(sessionID)), \"model\": \(Self.jsonString(model)), \"tools\": [\(toolList)], \"mcp_servers\": [], \"plugins\": [], \"commands\": [], \"permission_mode\": \(Self.jsonString(permissionMode))}"
    }

    func messageData(model: String, index: Int) -> String {
        "{\"type\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \(textJSON), \"thinking\": null, \"id\": null, \"name\": null, \"input\": null, \"tool_use_id\": null, \"content\": null, \"is_error\": null}], \"model\": \(Self.jsonString(model)), \"uuid\": \"msg-\(index)\", \"usage\": {\"input_tokens\": 12, \"output_tokens\": \(configuration.payloadBytes / 4), \"cache_read_input_tokens\": 0, \"cache_creation_input_tokens\": 0}, \"parent_tool_use_id\": null}"
    }

    /// The `message` event of this model, encoded once; per event only the id, sequence and
    /// message index are filled in.
    struct MessageTemplate: Sendable {
        let head: [UInt8]  // "\r\nevent: message\r\ndata: {... "uuid": "msg-"
        let tail: [UInt8]  // "", "usage": ...}\r\n\r\n"

        func encode(streamID: String, seq: Int, index: Int) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(head.count + tail.count + streamID.utf8.count + 32)
            SSEEncoder.appendID(&out, streamID: streamID, seq: seq)
            out.append(contentsOf: head)
            SSEEncoder.appendDecimal(&out, index)
            out.append(contentsOf: tail)
            return out
        }
    }

    func messageTemplate(model: String) -> MessageTemplate {
        templates.template(model: model) { makeMessageTemplate(model: model) }
    }

    private func makeMessageTemplate(model: String) -> MessageTemplate {
        let marker = "\u{1}INDEX\u{1}"
        let full = SSEEncoder.event(streamID: "", seq: nil, name: "message", data: messageData(model: model, index: -1))
        let text = String(decoding: full, as: UTF8.self).replacingOccurrences(of: "msg--1", with: "msg-" + marker)
        let parts = text.components(separatedBy: marker)
        // `event(seq: nil)` starts with "event:"; the id line is added per event.
        return MessageTemplate(head: Array(parts[0].utf8), tail: Array(parts[1].utf8))
    }

    /// `partial` deltas before message `index` (start, deltas, stop).
    func partialData(index: Int) -> [String] {
        let n = configuration.partialsPerMessage
        guard n > 0 else { return [] }
        var out = [
            "{\"type\": \"content_block_start\", \"index\": \(index), \"content_block\": {\"type\": \"text\", \"text\": \"\"}, \"delta\": null}"
        ]
        let chunk = max(1, text.count / max(1, n))
        var start = text.startIndex
        for _ in 0..<n {
            let end = text.index(start, offsetBy: chunk, limitedBy: text.endIndex) ?? text.endIndex
            out.append(
                "{\"type\": \"content_block_delta\", \"index\": \(index), \"content_block\": null, \"delta\": {\"type\": \"text_delta\", \"text\": \(Self.jsonString(String(text[start..<end]))), \"thinking\": null, \"partial_json\": null}}"
            )
            start = end
        }
        out.append("{\"type\": \"content_block_stop\", \"index\": \(index), \"content_block\": null, \"delta\": null}")
        return out
    }

    func resultData(
        sessionID: String, model: String, numTurns: Int, cost: Double, durationMS: Int, isError: Bool
    ) -> String {
        let usage =
            "{\"input_tokens\": \(12 * numTurns), \"output_tokens\": \(numTurns * configuration.payloadBytes / 4), \"cache_read_input_tokens\": 0, \"cache_creation_input_tokens\": 0}"
        return
            "{\"session_id\": \(Self.jsonString(sessionID)), \"is_error\": \(isError), \"is_complete\": true, \"stop_reason\": null, \"duration_ms\": \(durationMS), \"num_turns\": \(numTurns), \"total_cost_usd\": \(cost), \"usage\": \(usage), \"model_usage\": {\(Self.jsonString(model)): \(usage)}, \"result\": \(textJSON), \"structured_output\": null}"
    }

    /// Cost of a run, as the SDK would report it.
    static func cost(turns: Int) -> Double { Double(turns) * 0.0015 }

    /// A JSON string literal with Python `json.dumps` escaping (ensure_ascii).
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value > 0x7E {
                    if u.value > 0xFFFF {
                        let v = u.value - 0x10000
                        out += String(format: "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
                    } else {
                        out += String(format: "\\u%04x", u.value)
                    }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// The message templates made so far, by model.
final class TemplateCache: Sendable {
    /// Models are the client's to choose; past this many, templates are made per run again.
    static let limit = 64
    private let byModel = Mutex<[String: SimulatedAgent.MessageTemplate]>([:])

    func template(model: String, make: () -> SimulatedAgent.MessageTemplate) -> SimulatedAgent.MessageTemplate {
        if let t = byModel.withLock({ $0[model] }) { return t }
        let t = make()
        byModel.withLock { if $0.count < Self.limit { $0[model] = t } }
        return t
    }
}
