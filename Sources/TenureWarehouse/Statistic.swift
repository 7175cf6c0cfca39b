/// One reduction query: its name (the file name when emitted, the CSV name when read back), its SQL,
/// and the names and types of the columns it returns, in order.
public struct StatisticQuery: Sendable, Equatable {
    public enum ColumnType: String, Sendable { case int, double, text }
    public var name: String
    public var sql: String
    public var columns: [(name: String, type: ColumnType)]
    public init(name: String, sql: String, columns: [(String, ColumnType)]) {
        self.name = name; self.sql = sql; self.columns = columns.map { (name: $0.0, type: $0.1) }
    }
    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.sql == b.sql && a.columns.map(\.name) == b.columns.map(\.name)
            && a.columns.map(\.type) == b.columns.map(\.type)
    }
}

/// What a statistic query returned: one typed array per column (NULL is nil).
public struct StatisticTable: Sendable {
    public enum Column: Sendable {
        case int([Int64?]), double([Double?]), text([String?])
        var count: Int {
            switch self { case .int(let v): return v.count; case .double(let v): return v.count; case .text(let v): return v.count }
        }
    }
    public var name: String
    public var columnNames: [String]
    public var columns: [Column]
    public var rowCount: Int { columns.first?.count ?? 0 }

    public init(name: String, columnNames: [String], columns: [Column]) {
        self.name = name; self.columnNames = columnNames; self.columns = columns
    }

    /// Orders the rows by a text column's bytes (UTF-8 byte order, NULL first, ties in their
    /// order): statistics with a row per customer come back from the engine unordered (a global
    /// ORDER BY is a sort and, on Spark, one more job) and tenure orders them by id itself. The
    /// columns are replaced one at a time, so the table is never held twice.
    public mutating func sort(byText column: String) throws {
        let keys = try texts(column)
        // compare the first 8 bytes as one big-endian word; equal words fall back to the whole keys
        func prefix(_ s: String?) -> UInt64 {
            guard let s else { return 0 }
            var v: UInt64 = 0, n = 0
            for byte in s.utf8.prefix(8) { v = v << 8 | UInt64(byte); n += 1 }
            return v << (8 * UInt64(8 - n))
        }
        let prefixes = keys.map(prefix)
        let order = keys.indices.sorted { i, j in
            if prefixes[i] != prefixes[j] { return prefixes[i] < prefixes[j] }
            switch (keys[i], keys[j]) {
            case (nil, nil): return i < j
            case (nil, _): return true
            case (_, nil): return false
            case let (a?, b?):
                if a.utf8.elementsEqual(b.utf8) { return i < j }
                return a.utf8.lexicographicallyPrecedes(b.utf8)
            }
        }
        for k in columns.indices {
            switch columns[k] {
            case .int(let v): columns[k] = .int(order.map { v[$0] })
            case .double(let v): columns[k] = .double(order.map { v[$0] })
            case .text(let v): columns[k] = .text(order.map { v[$0] })
            }
        }
    }

    func index(_ column: String) throws -> Int {
        guard let i = columnNames.firstIndex(of: column) else {
            throw WarehouseError.data("statistic \(name) has no column \(column)", hint: nil)
        }
        return i
    }
    public func ints(_ column: String) throws -> [Int64?] {
        guard case .int(let v) = columns[try index(column)] else { throw WarehouseError.data("statistic \(name): column \(column) is not an integer", hint: nil) }
        return v
    }
    public func doubles(_ column: String) throws -> [Double?] {
        switch columns[try index(column)] {
        case .double(let v): return v
        case .int(let v): return v.map { $0.map(Double.init) }
        case .text: throw WarehouseError.data("statistic \(name): column \(column) is not a number", hint: nil)
        }
    }
    public func texts(_ column: String) throws -> [String?] {
        guard case .text(let v) = columns[try index(column)] else { throw WarehouseError.data("statistic \(name): column \(column) is not text", hint: nil) }
        return v
    }
}

/// `v`, a value of column `col` in row `row` of `t`; a NULL there is a data error naming both.
func need(_ v: Int64?, _ t: StatisticTable, _ col: String, _ row: Int) throws -> Int64 {
    guard let v else { throw WarehouseError.data("statistic \(t.name): \(col) is NULL in row \(row + 1)", hint: nil) }
    return v
}

/// Errors of warehouse mode, split by whose problem they are: the engine could not be reached or
/// refused us (`unavailable`, exit 69), or the data or mapping is not what tenure needs (`data`, exit 65).
public enum WarehouseError: Error, Sendable, CustomStringConvertible {
    case unavailable(String, hint: String?)
    case data(String, hint: String?)
    public var description: String {
        switch self {
        case .unavailable(let m, let h), .data(let m, let h): return h.map { "\(m)\n  hint: \($0)" } ?? m
        }
    }
}
