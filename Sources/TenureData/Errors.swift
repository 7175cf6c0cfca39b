/// A problem with input data, located precisely. The CLI turns it into a message; nothing else prints it.
public struct DataError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case badValue, missingColumn, missingFile, emptyFile, unterminatedQuote, invalidUTF8,
             wrongFieldCount, badSchema, duplicateKey, other
    }
    public var kind: Kind
    public var file: String
    /// 1-based physical line where the record starts; 0 when the problem is not on a line.
    public var line: Int
    /// Column name (header) when known.
    public var column: String?
    public var value: String?
    /// What was expected, phrased for a person ("an ISO date such as 2024-03-01").
    public var expected: String
    /// How to fix it, when there is something specific to say.
    public var hint: String?
    /// Byte offset in the file, for problems found below the level of a value (invalid UTF-8, quotes).
    public var offset: Int?

    public init(_ kind: Kind, file: String, line: Int = 0, column: String? = nil, value: String? = nil,
                expected: String, hint: String? = nil, offset: Int? = nil) {
        self.kind = kind; self.file = file; self.line = line; self.column = column
        self.value = value; self.expected = expected; self.hint = hint; self.offset = offset
    }

    public var description: String {
        var s = file
        if line > 0 { s += ":\(line)" }
        if let column { s += ": column '\(column)'" }
        if let value { s += ": got '\(value.count > 60 ? String(value.prefix(60)) + "…" : value)'" }
        s += s.hasSuffix(file) ? ": " : ", "
        s += "expected \(expected)"
        if let hint { s += " — \(hint)" }
        return s
    }
}
