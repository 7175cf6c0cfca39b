/// The values of one column, as typed Swift arrays (nil = null). Integers of every width are
/// widened to `Int64`, float32 to `Double`, date64 to days; nothing is rounded or truncated (a
/// value that does not fit, a uint64 above `Int64.max` or a date64 that is not whole days, is an
/// error when the stream is read).
public enum ArrowColumn: Sendable, Equatable {
    /// int8/16/32/64, uint8/16/32, and uint64 whose values all fit.
    case int64([Int64?])
    /// float64; float32 widened exactly.
    case double([Double?])
    /// utf8 and large_utf8.
    case text([String?])
    case bool([Bool?])
    /// Days since 1970-01-01 (date32; date64 divided by 86,400,000 when whole days).
    case date32([Int32?])
    /// Ticks of `unit` since 1970-01-01T00:00:00 UTC.
    case timestamp([Int64?], unit: ArrowTimeUnit, timezone: String?)
    /// Unscaled 128-bit values: the number is `value × 10^-scale`.
    case decimal128([ArrowDecimal128?], precision: Int, scale: Int)

    /// An empty column of the kind `type` is read into.
    public init(empty type: ArrowType) {
        switch type {
        case .int: self = .int64([])
        case .float32, .float64: self = .double([])
        case .utf8, .largeUtf8: self = .text([])
        case .bool: self = .bool([])
        case .date32, .date64: self = .date32([])
        case .timestamp(let unit, let tz): self = .timestamp([], unit: unit, timezone: tz)
        case .decimal128(let p, let s): self = .decimal128([], precision: p, scale: s)
        }
    }

    public var count: Int {
        switch self {
        case .int64(let v): return v.count
        case .double(let v): return v.count
        case .text(let v): return v.count
        case .bool(let v): return v.count
        case .date32(let v): return v.count
        case .timestamp(let v, _, _): return v.count
        case .decimal128(let v, _, _): return v.count
        }
    }

    public var nullCount: Int {
        switch self {
        case .int64(let v): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        case .double(let v): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        case .text(let v): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        case .bool(let v): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        case .date32(let v): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        case .timestamp(let v, _, _): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        case .decimal128(let v, _, _): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        }
    }

    /// Whether `other` holds the same kind of values (same unit and timezone, precision and scale),
    /// so that it can be appended to this column.
    func sameKind(as other: ArrowColumn) -> Bool {
        switch (self, other) {
        case (.int64, .int64), (.double, .double), (.text, .text), (.bool, .bool), (.date32, .date32): return true
        case let (.timestamp(_, u1, z1), .timestamp(_, u2, z2)): return u1 == u2 && z1 == z2
        case let (.decimal128(_, p1, s1), .decimal128(_, p2, s2)): return p1 == p2 && s1 == s2
        default: return false
        }
    }

    /// Appends the values of `other`, of the same kind (checked by the caller), in place: the array is
    /// taken out of the enum first so that appending does not copy it.
    mutating func append(contentsOf other: ArrowColumn) {
        precondition(sameKind(as: other), "appending a column of another kind")
        switch (self, other) {
        case (.int64(var a), .int64(let b)): self = .int64([]); a.append(contentsOf: b); self = .int64(a)
        case (.double(var a), .double(let b)): self = .double([]); a.append(contentsOf: b); self = .double(a)
        case (.text(var a), .text(let b)): self = .text([]); a.append(contentsOf: b); self = .text(a)
        case (.bool(var a), .bool(let b)): self = .bool([]); a.append(contentsOf: b); self = .bool(a)
        case (.date32(var a), .date32(let b)): self = .date32([]); a.append(contentsOf: b); self = .date32(a)
        case (.timestamp(var a, let u, let z), .timestamp(let b, _, _)):
            self = .timestamp([], unit: u, timezone: z); a.append(contentsOf: b); self = .timestamp(a, unit: u, timezone: z)
        case (.decimal128(var a, let p, let s), .decimal128(let b, _, _)):
            self = .decimal128([], precision: p, scale: s); a.append(contentsOf: b); self = .decimal128(a, precision: p, scale: s)
        default: break
        }
    }
}

/// A decimal128 value: a 128-bit two's-complement integer (`high` the upper 64 bits, signed;
/// `low` the lower 64), unscaled — the column's scale says where the point goes. Exact; on
/// platforms with `Int128` see `int128`.
public struct ArrowDecimal128: Sendable, Hashable, CustomStringConvertible {
    public var high: Int64
    public var low: UInt64

    public init(high: Int64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(_ value: Int64) {
        self.init(high: value < 0 ? -1 : 0, low: UInt64(bitPattern: value))
    }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    public init(int128 value: Int128) {
        self.init(high: Int64(truncatingIfNeeded: value >> 64), low: UInt64(truncatingIfNeeded: value))
    }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    public var int128: Int128 { Int128(high) << 64 | Int128(low) }

    public var isNegative: Bool { high < 0 }

    /// The absolute value as (high, low) unsigned words (|-2^127| = 2^127 fits).
    var magnitude: (high: UInt64, low: UInt64) {
        guard isNegative else { return (UInt64(bitPattern: high), low) }
        let low = ~self.low &+ 1
        let high = ~UInt64(bitPattern: self.high) &+ (low == 0 ? 1 : 0)
        return (high, low)
    }

    /// The unscaled integer in decimal, e.g. `-12345`.
    public var description: String {
        var (hi, lo) = magnitude
        var chunks: [UInt64] = []          // base 10^19, least significant first
        let base: UInt64 = 10_000_000_000_000_000_000
        repeat {
            let qHigh = hi / base, r = hi % base
            let (qLow, rem) = base.dividingFullWidth((r, lo))
            chunks.append(rem)
            hi = qHigh
            lo = qLow
        } while hi != 0 || lo != 0
        var text = String(chunks.last!)
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return (isNegative ? "-" : "") + text
    }

    /// The number with the point placed by `scale`, e.g. `-123.45` for 12345 at scale 2 (a negative
    /// scale appends zeros).
    public func string(scale: Int) -> String {
        var digits = description
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        if scale <= 0 {
            if digits != "0" { digits += String(repeating: "0", count: -scale) }
        } else {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return (negative ? "-" : "") + digits
    }

    /// The `Double` nearest to value × 10^-scale (correctly rounded; for display or statistics).
    public func doubleValue(scale: Int) -> Double {
        Double(string(scale: scale)) ?? .nan
    }
}
