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
