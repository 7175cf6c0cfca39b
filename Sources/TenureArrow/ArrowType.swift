/// The unit of an Arrow timestamp (and of the values of a `.timestamp` column).
public enum ArrowTimeUnit: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case seconds, millis, micros, nanos

    /// Ticks of this unit in one second.
    public var perSecond: Int64 {
        switch self {
        case .seconds: return 1
        case .millis: return 1_000
        case .micros: return 1_000_000
        case .nanos: return 1_000_000_000
        }
    }

    /// Arrow's short name: s, ms, us, ns.
    public var description: String { ["s", "ms", "us", "ns"][rawValue] }
}

/// The Arrow type of a field as the stream's schema declares it (before widening into an
/// `ArrowColumn`): only the types this reader decodes.
public enum ArrowType: Sendable, Hashable, CustomStringConvertible {
    /// int8/16/32/64 (signed) and uint8/16/32/64 (not signed).
    case int(bitWidth: Int, signed: Bool)
    case float32
    case float64
    case utf8
    case largeUtf8
    case bool
    /// Days since 1970-01-01 (int32).
    case date32
    /// Milliseconds since 1970-01-01 (int64); read as days, each value must be whole days.
    case date64
    /// Ticks of `unit` since 1970-01-01T00:00:00 UTC; `timezone` as the schema gives it
    /// (nil: a "naive" timestamp, wall-clock time in no particular zone).
    case timestamp(ArrowTimeUnit, timezone: String?)
    /// A 128-bit two's-complement integer of `precision` decimal digits, scaled by 10^-scale.
    case decimal128(precision: Int, scale: Int)

    /// Arrow's name for the type, e.g. `int32`, `uint8`, `timestamp[us, tz=UTC]`, `decimal128(10, 2)`.
    public var description: String {
        switch self {
        case .int(let bits, let signed): return (signed ? "int" : "uint") + String(bits)
        case .float32: return "float32"
        case .float64: return "float64"
        case .utf8: return "utf8"
        case .largeUtf8: return "large_utf8"
        case .bool: return "bool"
        case .date32: return "date32"
        case .date64: return "date64"
        case .timestamp(let unit, let tz): return "timestamp[\(unit)" + (tz.map { ", tz=\($0)" } ?? "") + "]"
        case .decimal128(let p, let s): return "decimal128(\(p), \(s))"
        }
    }

    /// What the reader accepts, for error messages and the README.
    public static let supportedList = "int8/16/32/64, uint8/16/32/64, float32, float64, utf8, large_utf8, bool, "
        + "date32, date64, timestamp, decimal128"
}

/// One field (column) of an Arrow schema.
public struct ArrowField: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: ArrowType
    public var nullable: Bool

    public init(name: String, type: ArrowType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    public var description: String { "\(name): \(type)" + (nullable ? "" : " not null") }
}
