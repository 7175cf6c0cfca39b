import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import TenureArrow
import TenureWarehouse

/// A blocking Spark Connect client for tenure's reductions: one Spark session (a new UUID unless the
/// URL names one) over one HTTP/2 connection, one `ExecutePlan` call per query with the SQL text as
/// the plan's root relation.
///
/// The contract of `query`: the rows are returned only when the call ends with gRPC status OK,
/// every Arrow batch read (`TenureArrow`) and appended in the order sent. Executions are not
/// reattachable (Spark's default for a request without `reattach_options`), so the server streams
/// the whole result in this one call and OK means it has all been sent; a stream that stops before
/// (network loss, a server going away) ends with an error status, which is an error here too, never
/// a partial result; so is a batch whose chunks did not all arrive. Calls block the calling thread;
/// they must not be made from inside a Swift concurrency task.
final class SparkConnectClient: @unchecked Sendable {
    let location: SparkConnectLocation
    let sessionID: String
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let service: Spark_Connect_SparkConnectService.Client<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, any Error>
    private var closed = false

    /// Arrow batches of up to Spark's 4 MiB (`spark.connect.grpc.arrow.maxBatchSize`) plus framing,
    /// or larger when a server is configured so; as Spark's own clients allow.
    static let maxMessageBytes = 128 << 20

    init(_ location: SparkConnectLocation) throws {
        self.location = location
        sessionID = location.sessionID ?? UUID().uuidString.lowercased()
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: location.host, port: location.port),
                transportSecurity: location.useTLS ? .tls : .plaintext)
        } catch {
            throw WarehouseError.unavailable("cannot set up a connection to \(location): \(error)", hint: nil)
        }
        let client = GRPCClient(transport: transport)
        self.client = client
        service = Spark_Connect_SparkConnectService.Client(wrapping: client)
        connections = Task.detached { try await client.runConnections() }
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        client.beginGracefulShutdown()
        let connections = self.connections
        _ = try? Self.blocking { try await connections.value }
    }

    /// The rows `sql` returns, with the bytes of Arrow data received. `deadline` bounds the whole call
    /// (nil: none, for reductions that may run long).
    func query(_ sql: String, deadline: Duration? = nil) throws -> (table: ArrowTable, bytes: Int) {
        var request = Spark_Connect_ExecutePlanRequest()
        request.sessionID = sessionID
        request.userContext.userID = location.userID
        request.userContext.userName = location.userID
        request.clientType = location.userAgent
        request.operationID = UUID().uuidString.lowercased()
        request.plan.root.sql.query = sql

        var metadata = Metadata()
        if let token = location.token { metadata.addString("Bearer \(token)", forKey: "authorization") }
        for h in location.headers { metadata.addString(h.value, forKey: h.name) }

        var options = CallOptions.defaults
        options.maxRequestMessageBytes = Self.maxMessageBytes
        options.maxResponseMessageBytes = Self.maxMessageBytes
        options.waitForReady = false   // a server that is not there fails the call at once
        options.timeout = deadline

        let service = self.service, call = ClientRequest(message: request, metadata: metadata), callOptions = options
        return try Self.blocking {
            try await service.executePlan(request: call,
                                          serializer: ProtobufSerializer(), deserializer: ProtobufDeserializer(),
                                          options: callOptions) { response in
                var table: ArrowTable? = nil
                var bytes = 0
                var chunks: [Data] = []
                for try await message in response.messages {
                    switch message.responseType {
                    case .arrowBatch(let batch)?:
                        bytes += batch.data.count
                        let parts = batch.hasNumChunksInBatch ? Int(batch.numChunksInBatch) : 1
                        chunks.append(batch.data)
                        guard chunks.count >= parts else { continue }
                        let part = try ArrowStream.read(chunks.count == 1 ? chunks[0] : chunks.reduce(into: Data()) { $0.append($1) })
                        chunks = []
                        if table == nil { table = part } else { try table!.append(part) }
                    case .resultComplete?, nil:
                        continue   // the end marker of reattachable executions; metrics, schema, progress
                    }
                }
                // the loop ends normally only on status OK; a batch still missing chunks is a cut stream
                guard chunks.isEmpty else { throw SparkConnectError.incomplete }
                return (table ?? ArrowTable(fields: []), bytes)
            }
        }
    }

    /// Runs `body` on the concurrency pool and waits for it on this thread.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// A result handed from a task to the thread waiting on it (written before the semaphore is signalled).
private final class ResultBox<T>: @unchecked Sendable { var result: Result<T, any Error>? }

/// How a Spark Connect call failed, before it is put in the user's terms (`SparkConnectExecutor`).
enum SparkConnectError: Error {
    /// The response stream ended inside a chunked Arrow batch.
    case incomplete
}
