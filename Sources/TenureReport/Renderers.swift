import Foundation
import TenureData

/// Output formats of the analysis commands.
public enum OutputFormat: String, CaseIterable, Sendable, Codable {
    case table, csv, json, md
}

/// Version of the JSON documents tenure writes. Bump on any breaking change of a result's shape.
public let schemaVersion = 1

/// How the command line shows a result: presentation choices, never part of a result.
public struct Presentation: Sendable, Equatable {
    /// Colours of terminal tables and heatmaps (`.none` off a terminal or with `NO_COLOR`).
    public var color: TerminalHeatmap.ColorMode
    /// For table and Markdown output, the ids of the tables to show (nil: all).
    public var only: Set<String>?
    /// Id of a table to show first — and the one CSV writes — (`survival --curve`, `clv --model regression`).
    public var lead: String?
    public init(color: TerminalHeatmap.ColorMode = .none, only: Set<String>? = nil, lead: String? = nil) {
        self.color = color; self.only = only; self.lead = lead
    }
}

/// Renders one `Reportable` result in the requested format: the one path of every analysis command.
public enum Render {
    /// Table output is the result's own terminal view when it has one (and no table is asked first),
    /// else its tables; CSV is the lead or primary table; JSON the whole result; Markdown its tables.
    public static func render(_ result: any Reportable, as format: OutputFormat, presentation p: Presentation = .init()) throws -> String {
        switch format {
        case .table:
            if p.lead == nil, p.only == nil, let view = result.terminalView(color: p.color) { return view }
            return shown(result, p).map { TerminalTable.render($0, color: p.color != .none) }.joined(separator: "\n")
        case .csv: return CSVWriter.render(csvTable(result, p))
        case .json: return try JSONOutput.encode(result)
        case .md: return shown(result, p).map(MarkdownWriter.render).joined(separator: "\n")
        }
    }

    /// The table CSV output writes: the lead table, else the primary one.
    public static func csvTable(_ result: any Reportable, _ p: Presentation) -> ReportTable {
        p.lead.flatMap(result.table(id:)) ?? result.primaryTable
    }

    /// The tables shown, in order: the lead first, then the rest (those in `only`, when given).
    static func shown(_ result: any Reportable, _ p: Presentation) -> [ReportTable] {
        var out = result.tables
        if let ids = p.only { out = out.filter { ids.contains($0.id) } }
        if let id = p.lead, let lead = result.table(id: id) { out = [lead] + out.filter { $0.id != id } }
        return out
    }
}

/// JSON documents: `{"schema_version": 1, "analysis": ..., "result": ...}`, keys sorted, so same input gives same bytes.
public enum JSONOutput {
    struct Envelope<T: Encodable>: Encodable {
        let schema_version: Int
        let analysis: String
        let result: T
    }
    struct AnyEncodable: Encodable {
        let value: any Encodable
        func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
    }

    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    public static func encode(_ result: any Reportable) throws -> String {
        let data = try encoder().encode(Envelope(schema_version: schemaVersion, analysis: result.analysis,
                                                 result: AnyEncodable(value: result)))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// RFC 4180 CSV of one table: header row of column names (unit in brackets), raw values.
public enum CSVWriter {
    /// RFC 4180 text of the table (`write`, into memory).
    public static func render(_ t: ReportTable) -> String {
        var out: [UInt8] = []
        appendHeader(t, to: &out)
        t.forEachRow { appendRow($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the table as RFC 4180 CSV: the header, then the rows as the table lays them out
    /// (a `RowSource` table is never held as cells), in batches of 16,384 rows formatted on every
    /// core — writing numbers is the cost — and written in order. Fields are `Cell.raw`, quoted by
    /// `CSVField`'s rule.
    public static func write(_ t: ReportTable, to w: inout ByteWriter) throws {
        var head: [UInt8] = []
        appendHeader(t, to: &head)
        try w.write(head)
        let batchRows = 16_384
        var cells: [Cell] = []
        var ends: [Int] = []   // row r is cells[(r == 0 ? 0 : ends[r - 1]) ..< ends[r]]
        cells.reserveCapacity(batchRows * max(1, t.columns.count))
        ends.reserveCapacity(batchRows)
        func drain(_ w: inout ByteWriter) throws {
            try cells.withUnsafeBufferPointer { c in
                try ends.withUnsafeBufferPointer { e in
                    let (c, e) = (c, e)
                    try w.writeRows(count: e.count, minimumPerBlock: 2_048, bytesPerRow: 8 * max(1, t.columns.count) + 1) { range, p in
                        for r in range { appendRow(c[(r == 0 ? 0 : e[r - 1]) ..< e[r]], to: &p) }
                    }
                }
            }
            cells.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
        }
        try t.forEachRow { row in
            cells.append(contentsOf: row)
            ends.append(cells.count)
            if ends.count == batchRows { try drain(&w) }
        }
        try drain(&w)
    }

    static func appendHeader(_ t: ReportTable, to out: inout [UInt8]) {
        for (k, c) in t.columns.enumerated() {
            if k > 0 { out.append(44) }
            CSVField.append(c.csvHeader, to: &out)
        }
        out.append(10)
    }

    @inline(__always) static func appendRow<C: Collection<Cell>>(_ row: C, to out: inout [UInt8]) {
        var first = true
        for c in row {
            if !first { out.append(44) }
            first = false
            switch c {
            case .text(let s): CSVField.append(s, to: &out)
            case .int(let i): CSVNumber.append(i, to: &out)
            case .number(let x, _), .percent(let x, _): if x.isFinite { CSVNumber.append(x, to: &out) }
            case .missing: break
            }
        }
        out.append(10)
    }

    /// One field, quoted by the package's one CSV rule (`CSVField`).
    public static func field(_ s: String) -> String { CSVField.text(s) }
}

/// GitHub-flavoured Markdown tables; data labels are escaped so they cannot break the table or inject HTML.
public enum MarkdownWriter {
    public static func render(_ t: ReportTable) -> String {
        var out = "### \(escape(t.title))\n\n"
        if t.columns.isEmpty { return out }
        out += "| " + t.columns.map { escape($0.label) }.joined(separator: " | ") + " |\n"
        let first = t.rows.first ?? []
        let aligns: [String] = t.columns.indices.map { i in i < first.count && first[i].isNumeric ? " ---: " : " --- " }
        out += "|" + aligns.joined(separator: "|") + "|\n"
        for row in t.rows { out += "| " + row.map { escape($0.display) }.joined(separator: " | ") + " |\n" }
        if let note = t.note { out += "\n_\(escape(note))_\n" }
        return out
    }

    /// Escapes Markdown/HTML metacharacters and flattens newlines (see `Escape.markdown`).
    public static func escape(_ s: String) -> String { Escape.markdown(s) }
}
