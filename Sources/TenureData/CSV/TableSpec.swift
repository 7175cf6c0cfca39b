import Foundation

/// How the text of a column becomes a typed value.
public enum ColumnKind: Sendable, Equatable {
    /// A customer id, interned into the dataset-wide `CustomerIndex` (Int32). Empty = -1 when allowed.
    case customer
    /// Text interned per column into a `CategoricalColumn` (Int32 codes, -1 = empty).
    case category
    /// An identifier only compared for equality (order ids): dense Int32 codes (`KeyCodes`), -1 =
    /// empty; the text is not kept.
    case key
    /// An ISO date or datetime → `Day` (UTC). Empty = `Day.missing` when allowed.
    case day
    /// `YYYY-MM` (first day of the month) or an ISO date → `Day`.
    case period
    /// An ISO datetime (or date = midnight UTC) → seconds since the epoch. Empty = `.nan` when allowed.
    case timestamp
    /// A decimal number → `Double`. Empty = `.nan` when allowed.
    case number
    /// csat | nps | ces (any case) → `SurveyKind` code 0, 1, 2.
    case surveyKind
    /// true/false (also yes/no, 1/0, any case) → 1/0; empty = -1.
    case bool

    var isInterned: Bool { self == .customer || self == .category }
    var storesDouble: Bool { self == .timestamp || self == .number }

    public var expected: String {
        switch self {
        case .customer: return "a customer id"
        case .category: return "text"
        case .key: return "an identifier"
        case .day: return "an ISO 8601 date such as 2024-03-01 or 2024-03-01T12:30:00Z"
        case .period: return "a month such as 2024-03 or an ISO date such as 2024-03-01"
        case .timestamp: return "an ISO 8601 datetime such as 2024-03-01T12:30:00Z or a date such as 2024-03-01"
        case .number: return "a number such as 19.99"
        case .surveyKind: return "one of csat, nps, ces"
        case .bool: return "true or false"
        }
    }
}

/// One column a table knows about.
public struct ColumnSpec: Sendable {
    public var name: String
    public var kind: ColumnKind
    /// The header must have it.
    public var required: Bool
    /// An empty value is allowed (and means missing).
    public var allowEmpty: Bool
    /// Other header names accepted for it (`period` for marketing_spend's `date`).
    public var aliases: [String]
    public init(_ name: String, _ kind: ColumnKind, required: Bool = false, allowEmpty: Bool = true, aliases: [String] = []) {
        self.name = name; self.kind = kind; self.required = required; self.allowEmpty = allowEmpty; self.aliases = aliases
    }
}

/// A parsed row's values, by column index (spec columns first, then extra columns), for row checks.
public struct RowView {
    let i32: UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>
    let f64: UnsafeMutablePointer<UnsafeMutablePointer<Double>?>
    let row: Int
    public func int(_ column: Int) -> Int32? { i32[column].map { $0[row] } }
    public func double(_ column: Int) -> Double? { f64[column].map { $0[row] } }
}

/// A failed cross-column check: which column to blame, what was expected.
public struct RowCheckFailure: Sendable {
    public var column: Int
    public var expected: String
    public var hint: String?
    public init(column: Int, expected: String, hint: String? = nil) { self.column = column; self.expected = expected; self.hint = hint }
}

/// A table of SPEC §1 as the reader sees it.
public struct TableSpec: @unchecked Sendable {
    /// Schema key and name used in messages: "transactions".
    public var table: String
    /// "transactions.csv"
    public var file: String
    public var columns: [ColumnSpec]
    /// Header columns no spec names become categorical `extra` columns (customers.csv attributes);
    /// otherwise they are ignored.
    public var keepExtraColumns: Bool
    /// A check across the columns of one parsed row (score within its survey kind's range, …).
    public var check: ((RowView) -> RowCheckFailure?)?
    /// A column whose values must be unique (first occurrence wins). Such tables are read in
    /// one pass with line numbers kept, so duplicates can be reported by line.
    public var uniqueColumn: Int?
    public init(table: String, file: String, columns: [ColumnSpec], keepExtraColumns: Bool = false,
                uniqueColumn: Int? = nil, check: ((RowView) -> RowCheckFailure?)? = nil) {
        self.table = table; self.file = file; self.columns = columns
        self.keepExtraColumns = keepExtraColumns; self.uniqueColumn = uniqueColumn; self.check = check
    }
}

/// The typed columns of one table, in file order.
public struct TableColumns: Sendable {
    public var file: String
    public var rows: Int = 0
    /// Header names as written.
    public var header: [String] = []
    /// Per spec column: was it in the header?
    public var present: [Bool] = []
    /// Per column (spec columns, then extras): Int32 values (ids, codes, days), empty if not stored so.
    public var ints: [[Int32]] = []
    /// Per column: Double values (numbers, timestamps), empty if not stored so.
    public var doubles: [[Double]] = []
    /// Per column: category levels (for `.category` columns).
    public var levels: [[String]] = []
    /// Per column: the number of distinct keys (for `.key` columns; codes are `0 ..< keyCounts[c]`).
    public var keyCounts: [Int] = []
    /// Names of the extra columns (header order), stored after the spec columns.
    public var extraNames: [String] = []
    public var rejects: [RejectedRow] = []
    /// Chunks parsed in parallel (1 = single-threaded pass).
    public var chunks: Int = 1

    public func has(_ column: Int) -> Bool { column < present.count ? present[column] : true }
    public func categorical(_ column: Int) -> CategoricalColumn { CategoricalColumn(codes: ints[column], levels: levels[column]) }
    public func key(_ column: Int) -> KeyColumn { KeyColumn(codes: ints[column], count: keyCounts[column]) }
}
