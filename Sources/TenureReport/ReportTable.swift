import Foundation

/// The one tabular shape every renderer reads. Analyses produce `Codable` results; each result
/// conforms to `Reportable` (in `Tables/<Analysis>+Tables.swift`) by laying itself out as tables.
/// Renderers (terminal, CSV, Markdown, HTML, notebook) only render these; they never compute.
public struct ReportTable: Sendable, Codable, Equatable {
    public struct Column: Sendable, Codable, Equatable {
        public var name: String
        /// Unit shown in headers ("days", "%", "USD"); nil when dimensionless.
        public var unit: String?
        public init(_ name: String, unit: String? = nil) { self.name = name; self.unit = unit }
        /// "name (unit)" for people.
        public var label: String { unit.map { "\(name) (\($0))" } ?? name }
        /// The CSV header: the name in snake_case, with the unit appended where it is not a share
        /// (`median_lifetime_days`, `mean_clv_usd`); shares (`%` columns) are written as fractions
        /// and named without a unit (`survival`, `roi`).
        public var csvHeader: String {
            let base = Self.snake(name)
            guard let unit, unit != "%" else { return base }
            let u = Self.snake(unit)
            return u.isEmpty || base.hasSuffix("_" + u) ? base : base + "_" + u
        }

        /// Lower-case letters and digits joined by single underscores ("95% low" → "95_low", "S(30 days)" → "s_30_days").
        static func snake(_ s: String) -> String {
            var out = "", gap = false
            for ch in s.lowercased() {
                if ch.isLetter || ch.isNumber {
                    if gap && !out.isEmpty { out.append("_") }
                    out.append(ch); gap = false
                } else { gap = true }
            }
            return out
        }
    }

    /// A file-safe identifier ("cohort_retention"), used for CSV file names and anchors.
    public var id: String
    public var title: String
    public var columns: [Column]
    /// A sentence a person needs to read the table right (conventions, what a blank means).
    public var note: String?
    /// Where the rows come from: cells held, or a `RowSource` that lays them out on demand.
    var body: Body

    enum Body: Sendable {
        case cells([[Cell]])
        case source(RowSource)
    }

    public init(id: String, title: String, columns: [Column], rows: [[Cell]], note: String? = nil) {
        self.id = id; self.title = title; self.columns = columns; body = .cells(rows); self.note = note
    }

    /// A table whose rows are laid out one at a time when read (`RowSource`): a million-row table
    /// goes to a CSV file without ever existing as cells.
    public init(id: String, title: String, columns: [Column], note: String? = nil, source: RowSource) {
        self.id = id; self.title = title; self.columns = columns; body = .source(source); self.note = note
    }

    /// The rows as cells (a streamed table lays them out here, once).
    public var rows: [[Cell]] {
        get {
            switch body {
            case .cells(let c): return c
            case .source(let s): return s.cells
            }
        }
        set { body = .cells(newValue) }
    }

    /// Calls `body` with each row in order, without holding the table's cells.
    public func forEachRow(_ body: ([Cell]) throws -> Void) rethrows {
        switch self.body {
        case .cells(let rows): for r in rows { try body(r) }
        case .source(let s): try s.forEachRow(body)
        }
    }

    enum CodingKeys: String, CodingKey { case id, title, columns, rows, note }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), title: try c.decode(String.self, forKey: .title),
                  columns: try c.decode([Column].self, forKey: .columns), rows: try c.decode([[Cell]].self, forKey: .rows),
                  note: try c.decodeIfPresent(String.self, forKey: .note))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(columns, forKey: .columns)
        try c.encode(rows, forKey: .rows)
        try c.encodeIfPresent(note, forKey: .note)
    }

    public static func == (a: ReportTable, b: ReportTable) -> Bool {
        a.id == b.id && a.title == b.title && a.columns == b.columns && a.note == b.note && a.rows == b.rows
    }
}

/// Rows laid out on demand: `emit` puts each row's cells into the `RowSink` it is given and ends the
/// row. The layout code runs once per reading (a CSV file, the cells for other renderers; those are
/// kept after the first time), so a long table costs no memory as cells unless a renderer needs them.
public final class RowSource: @unchecked Sendable {
    let emit: @Sendable (inout RowSink) -> Void
    private let lock = NSLock()
    private var held: [[Cell]]?

    public init(_ emit: @escaping @Sendable (inout RowSink) -> Void) { self.emit = emit }

    func forEachRow(_ body: ([Cell]) throws -> Void) rethrows {
        if let rows = lock.withLock({ held }) { for r in rows { try body(r) }; return }
        try withoutActuallyEscaping(body) { body in
            var failure: Error?
            var sink = RowSink { row in
                guard failure == nil else { return }
                do { try body(row) } catch { failure = error }
            }
            emit(&sink)
            if let failure { throw failure }
        }
    }

    var cells: [[Cell]] {
        if let rows = lock.withLock({ held }) { return rows }
        var rows: [[Cell]] = []
        forEachRow { rows.append($0) }
        lock.withLock { held = rows }
        return rows
    }
}

/// What a `RowSource` writes its rows into: cells one at a time, then `endRow()`.
public struct RowSink {
    var row: [Cell] = []
    let deliver: ([Cell]) -> Void
    init(_ deliver: @escaping ([Cell]) -> Void) { self.deliver = deliver }

    @inline(__always) public mutating func put(_ c: Cell) { row.append(c) }
    /// `n` copies of `c` (blank columns).
    public mutating func put(_ c: Cell, count n: Int) { for _ in 0 ..< n { row.append(c) } }
    public mutating func endRow() {
        deliver(row)
        row.removeAll(keepingCapacity: true)
    }
}

/// One table cell. Numbers keep full precision; `decimals` only guides display.
public enum Cell: Sendable, Codable, Equatable {
    case text(String)
    case int(Int)
    case number(Double, decimals: Int)
    /// A share in [0, 1], displayed as a percentage.
    case percent(Double, decimals: Int)
    /// No value, with the reason shown to a person (e.g. "not observed").
    case missing(String)

    /// The value as written in CSV / notebooks: full precision, no thousands separators.
    public var raw: String {
        switch self {
        case .text(let s): return s
        case .int(let i): return String(i)
        case .number(let x, _), .percent(let x, _): return x.isFinite ? "\(x)" : ""
        case .missing: return ""
        }
    }

    /// The value as shown to a person.
    public var display: String {
        switch self {
        case .text(let s): return s
        case .int(let i): return String(i)
        case .number(let x, let d): return x.isFinite ? formatFixed(x, decimals: d) : "–"
        case .percent(let x, let d): return x.isFinite ? formatFixed(100 * x, decimals: d) + "%" : "–"
        case .missing(let why): return why.isEmpty ? "" : "·"
        }
    }

    public var isNumeric: Bool {
        switch self { case .int, .number, .percent: return true; default: return false }
    }
}

/// Fixed-point formatting without Foundation's locale dependence.
public func formatFixed(_ x: Double, decimals: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    if decimals <= 0 { return String(Int64(x.rounded())) }
    var p = 1.0
    for _ in 0..<decimals { p *= 10 }
    let scaled = (abs(x) * p).rounded()
    guard scaled < 9.0e18 else { return "\(x)" }
    let n = Int64(scaled)
    let whole = n / Int64(p), frac = n % Int64(p)
    var f = String(frac)
    while f.count < decimals { f = "0" + f }
    return (x < 0 && n != 0 ? "-" : "") + "\(whole).\(f)"
}

/// A result an analysis returns, ready for every renderer. It holds results only: which table comes
/// first, colour and timings are the caller's `Presentation`, handed to `Render.render`.
public protocol Reportable: Encodable {
    /// Stable name of the analysis ("cohorts", "survival", "clv", "kpis", "roi").
    var analysis: String { get }
    /// Tables in reading order; the first is the primary one (what `--format csv` prints).
    var tables: [ReportTable] { get }
    /// The primary table alone (default: the first of `tables`); a result whose tables are costly to
    /// lay out gives it without laying out the others.
    var primaryTable: ReportTable { get }
    /// The table with this id: one of `tables`, or one shown only on request (`Presentation.lead`,
    /// e.g. survival's full curve with `--curve`).
    func table(id: String) -> ReportTable?
    /// The result's own terminal view (the cohort heatmaps), or nil to print its tables.
    func terminalView(color: TerminalHeatmap.ColorMode) -> String?
}

extension Reportable {
    public var primaryTable: ReportTable { tables.first ?? ReportTable(id: "empty", title: "", columns: [], rows: []) }
    public func table(id: String) -> ReportTable? { tables.first { $0.id == id } }
    public func terminalView(color: TerminalHeatmap.ColorMode) -> String? { nil }
}
