import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServerConfig

/// `POST /api/v1/query` (SSE) and `POST /api/v1/query/single` (JSON).
struct QueryRoutes {
    let state: ServerState

    static let sseHeaders: HTTPFields = [
        .contentType: "text/event-stream; charset=utf-8",
        .cacheControl: "no-cache",
        .connection: "keep-alive",
        .accelBuffering: "no",
    ]

    /// The streaming route; its requests run in their own task (`RequestTaskResponder`).
    static let streamPath = "/api/v1/query"

    func register(on router: Router<StampedeRequestContext>) {
        router.post(RouterPath(Self.streamPath)) { request, context in try await stream(request, context) }
        router.post("/api/v1/query/single") { request, context in try await single(request, context) }
    }

    func stream(_ request: Request, _ context: StampedeRequestContext) async throws -> Response {
        if let last = request.headers[.lastEventID] {
            return try resume(lastEventID: last, context: context)
        }
        let query = try await QueryRequest.decode(request, maxBytes: state.configuration.maxBodyBytes)
        if let size = state.configuration.socketSendBuffer {
            try? await context.channel.setOption(
                ChannelOptions.socketOption(.so_sndbuf), value: SocketOptionValue(size)
            ).get()
        }
        let stream = state.streams.make()
        stream.attach(channel: context.channel)
        let state = self.state
        let channel = context.channel
        Task {
            await AgentRun(state: state, request: query, stream: stream).start { _ in stream.finishProducer() }
        }
        return Response(
            status: .ok, headers: Self.sseHeaders,
            body: ResponseBody { writer in
                try await Self.write(
                    stream, to: &writer, state: state, retry: state.configuration.sseRetry, channel: channel)
            })
    }

    /// `Last-Event-ID: <stream>:<seq>` on a resumable stream: the missing events, then the rest.
    func resume(lastEventID: String, context: StampedeRequestContext) throws -> Response {
        guard let (streamID, seq) = SSEEncoder.parseEventID(lastEventID), let stream = state.streams.stream(streamID)
        else {
            throw APIError(
                .notFound, code: "STREAM_NOT_FOUND", message: "No resumable stream for Last-Event-ID \(lastEventID)")
        }
        switch stream.resume(after: seq, channel: context.channel) {
        case .resumed:
            let state = self.state
            let channel = context.channel
            return Response(
                status: .ok, headers: Self.sseHeaders,
                body: ResponseBody { writer in
                    try await Self.write(stream, to: &writer, state: state, retry: nil, channel: channel)
                })
        case .gap(let from, let to):
            state.metrics.resumeGaps.inc()
            throw APIError(
                .gone, code: "RESUME_GAP", message: "Events \(from)-\(to) of stream \(streamID) are no longer held",
                details: ["first_missing": String(from), "last_missing": String(to)])
        case .notResumable:
            throw APIError(
                .conflict, code: "STREAM_NOT_RESUMABLE", message: "Stream \(streamID) is still attached or closed")
        }
    }

    /// Hands the stream to the connection's `SSEConnectionHandler`, which writes it from the event
    /// loop, and waits for it to end; then ends the response (or reports the client gone).
    static func write(
        _ stream: EventStream, to writer: inout any ResponseBodyWriter, state: ServerState, retry: Duration?,
        channel: any Channel
    )
        async throws
    {
        let metrics = state.metrics
        metrics.activeStreams.inc()
        metrics.streamsStarted.inc()
        defer { metrics.activeStreams.dec() }
        if let retry {
            try await writer.write(ByteBuffer(bytes: SSEEncoder.retry(milliseconds: Int(retry.seconds * 1000))))
        }
        // The handler is found and started on the event loop it runs on; one suspension here.
        let outcome = await withCheckedContinuation {
            (cont: CheckedContinuation<SSEConnectionHandler.Outcome, Never>) in
            channel.eventLoop.execute {
                guard let handler = try? channel.pipeline.syncOperations.handler(type: SSEConnectionHandler.self) else {
                    return cont.resume(returning: .gone)
                }
                handler.start(stream: stream, metrics: metrics) { cont.resume(returning: $0) }
            }
        }
        let resumable = stream.detach()
        switch outcome {
        case .final, .end:
            if !resumable { state.streams.remove(stream) }
            try await writer.finish(nil)
        case .gone:
            // The client went away. A resumable stream waits for it; otherwise the run stops.
            if !resumable {
                stream.abandon()
                state.streams.remove(stream)
            }
            throw CancellationError()
        }
    }

    /// Non-streaming query: the run's events are produced and discarded, then the JSON response.
    func single(_ request: Request, _ context: StampedeRequestContext) async throws -> Response {
        let query = try await QueryRequest.decode(request, maxBytes: state.configuration.maxBodyBytes)
        // The events are produced (with every side effect) and dropped as they come.
        let stream = EventStream(id: "single", capacity: nil, retainForResume: 0, metrics: state.metrics)
        let allocator = ByteBufferAllocator()
        let discard: @Sendable () -> Void = { while case .bytes = stream.take(allocator: allocator) {} }
        stream.setWake(discard)
        discard()
        let outcome = await AgentRun(state: state, request: query, stream: stream).run()
        _ = stream.detach()
        let cost = SimulatedAgent.cost(turns: outcome.numTurns)
        let body: [String: Any] = [
            "session_id": outcome.sessionID, "model": query.model,
            "content": [["type": "text", "text": state.agent.text]],
            "is_error": outcome.isError, "is_complete": true, "stop_reason": NSNull(),
            "duration_ms": 0, "num_turns": outcome.numTurns, "total_cost_usd": cost,
            "usage": [
                "input_tokens": 12 * outcome.numTurns,
                "output_tokens": outcome.numTurns * state.configuration.agent.payloadBytes / 4,
            ],
            "result": state.agent.text, "structured_output": NSNull(),
        ]
        return JSON.response(body)
    }
}
