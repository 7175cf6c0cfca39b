/// The report as a document: sections in reading order, each made of text, tables, charts and KPI
/// tiles. Every output format (HTML, Markdown, notebook) renders this one value, so they say the
/// same thing. Built by `ReportBuilder` from analysis results; renderers never compute.
public struct ReportDocument: Sendable {
    public var title: String
    /// One line under the title ("Dataset datasets/sample · observed to 2024-06-30").
    public var subtitle: String?
    /// Facts about the run, shown as a definition list ("customers" → "12,000").
    public var facts: [(String, String)]
    public var sections: [ReportSection]
    /// The analysis results themselves, encoded into results.json.
    public var results: [NamedResult]
    /// Where the data came from, as the user wrote it (goes into the notebook's parameters cell).
    public var dataPath: String

    public init(title: String, subtitle: String? = nil, facts: [(String, String)] = [], sections: [ReportSection] = [],
                results: [NamedResult] = [], dataPath: String = "") {
        self.title = title; self.subtitle = subtitle; self.facts = facts; self.sections = sections
        self.results = results; self.dataPath = dataPath
    }

    /// Every table of every section, in order (each is written to tables/<id>.csv).
    public var allTables: [ReportTable] {
        sections.flatMap { $0.blocks.compactMap { if case .table(let t, _) = $0 { return t } else { return nil } } }
    }

    /// Every chart of every section, in order.
    public var allCharts: [Chart] {
        sections.flatMap { $0.blocks.compactMap { if case .chart(let c) = $0 { return c } else { return nil } } }
    }
}

/// A result with the key it has in results.json.
public struct NamedResult: @unchecked Sendable {
    public var key: String
    public var result: any Encodable
    public init(key: String, result: any Encodable) { self.key = key; self.result = result }
}

public struct ReportSection: Sendable {
    /// Anchor and notebook-cell prefix; file-safe.
    public var id: String
    public var title: String
    /// The headline findings, a short sentence each, shown first.
    public var highlights: [String]
    public var blocks: [ReportBlock]
    /// Set when the analysis could not run on this data (missing table, failed fit): said instead of content.
    public var unavailable: String?

    public init(id: String, title: String, highlights: [String] = [], blocks: [ReportBlock] = [], unavailable: String? = nil) {
        self.id = Escape.identifier(id); self.title = title; self.highlights = highlights
        self.blocks = blocks; self.unavailable = unavailable
    }
}

/// How much of a table to show in the page and notebook (the CSV always has every row).
public enum TableDisplay: Sendable, Equatable {
    /// Show it, first `maxRows` rows (the rest is in the CSV).
    case shown(maxRows: Int)
    /// Folded away under a "show table" disclosure (long detail tables).
    case folded(maxRows: Int)

    public var maxRows: Int {
        switch self { case .shown(let n), .folded(let n): return n }
    }
    public static let standard = TableDisplay.shown(maxRows: 60)
}

public enum ReportBlock: Sendable {
    /// A paragraph of plain text (escaped by each renderer).
    case text(String)
    /// A sub-heading inside a section.
    case heading(String)
    case table(ReportTable, TableDisplay)
    case chart(Chart)
    case tiles([KPITile])
    /// A fenced note ("Fit did not converge for cohort 2023-04; shown without forecast.").
    case warning(String)
}

extension ReportSection {
    /// A section that shows a result's tables as they are, with no charts; the default layout of any
    /// `Reportable` the report has no dedicated layout for.
    public static func tables(of result: any Reportable, id: String? = nil, title: String, intro: String? = nil) -> ReportSection {
        var blocks: [ReportBlock] = []
        if let intro { blocks.append(.text(intro)) }
        for t in result.tables { blocks.append(.table(t, .standard)) }
        return ReportSection(id: id ?? result.analysis, title: title, blocks: blocks)
    }
}
