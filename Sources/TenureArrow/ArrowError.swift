/// The one error the Arrow reader throws: what went wrong, where (a byte offset in the stream when
/// there is one) and the column it concerns (when there is one).
public struct ArrowError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The bytes end before a message, its metadata or its body does.
        case truncated
        /// The bytes are not a well-formed Arrow IPC stream (bad flatbuffer, inconsistent lengths,
        /// offsets outside the body, invalid UTF-8, ...).
        case malformed
        /// Well-formed Arrow this reader does not handle: a type, dictionary encoding, compression,
        /// a tensor message, big-endian data, a value that does not fit the Swift column.
        case unsupported
        /// Two streams appended into one table whose schemas differ.
        case schemaMismatch
    }

    public let kind: Kind
    /// The field the error concerns, when it concerns one.
    public let column: String?
    public let message: String

    public init(_ kind: Kind, _ message: String, column: String? = nil) {
        self.kind = kind
        self.message = message
        self.column = column
    }

    public var description: String {
        let head = "Arrow IPC stream: " + (column.map { "column \($0): " } ?? "")
        return head + message
    }

    static func truncated(_ message: String) -> ArrowError { ArrowError(.truncated, message) }
    static func malformed(_ message: String, column: String? = nil) -> ArrowError {
        ArrowError(.malformed, message, column: column)
    }
    static func unsupported(_ message: String, column: String? = nil) -> ArrowError {
        ArrowError(.unsupported, message, column: column)
    }
}
