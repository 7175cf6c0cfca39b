import TenureCohorts

/// Layout of a `CohortResult` as tables (every renderer) and as terminal heatmaps (`--format table`).
/// Nothing here computes a statistic: every number is read from the result.
extension CohortResult: Reportable {
    public var analysis: String { "cohorts" }

    /// In reading order:
    /// 1. `cohorts` — the long form, one row per group × cohort × age (what `--format csv` prints). Observed
    ///    cells carry status `complete` or `partial` (the end of observation falls inside the period: values so
    ///    far, not a drop); with `--forecast`, the sBG projection follows as rows of status `forecast` whose
    ///    observed columns are blank and whose `forecast_*` columns hold the expected survivors, their share of
    ///    the cohort and the projection interval.
    /// 2. `cohort_matrix` — cohort × age of the chosen `--metric` / `--retention` / `--relative-to`.
    /// 3. `cohort_average` — the size-weighted average curve.
    /// 4. `cohort_brackets`, `cohort_contractual`, `cohort_contractual_average`, `cohort_sbg`, `cohort_mrr`
    ///    when present.
    public var tables: [ReportTable] {
        var out: [ReportTable] = []
        if groups.contains(where: { !$0.cohorts.isEmpty }) {
            out = [longTable]
            out += groups.map(matrixTable)
            out.append(averageTable)
        }
        if groups.contains(where: { !$0.cohorts.isEmpty }) { out += [valueCurveTable, valueTable] }
        if groups.contains(where: { $0.brackets != nil }) { out += [bracketTable, bracketAverageTable] }
        if groups.contains(where: { $0.contractual != nil }) { out += [contractualTable, contractualAverageTable] }
        if groups.contains(where: { $0.forecast != nil }) { out.append(sbgTable) }
        if let m = mrr { out.append(Self.mrrTable(m, period: settings.period)) }
        return out
    }

    /// The heatmaps: `CohortTerminal.render`.
    public func terminalView(color: TerminalHeatmap.ColorMode) -> String? { CohortTerminal.render(self, color: color) }

    /// The first of `tables` alone (what `--format csv` prints), without laying out the others: a
    /// day-period matrix would otherwise lay out every table first.
    public var primaryTable: ReportTable { groups.allSatisfy(\.cohorts.isEmpty) && groups.contains { $0.contractual != nil } ? contractualTable : longTable }

    var hasGroups: Bool { settings.by != nil }
    var level: Int { Int((settings.confidence * 100).rounded()) }

    static func opt(_ x: Double?, _ d: Int, percent: Bool = true) -> Cell {
        guard let x else { return .missing("") }
        return percent ? .percent(x, decimals: d) : .number(x, decimals: d)
    }

    /// The group column (only with `--by`).
    func groupCells(_ g: CohortGroup) -> [Cell] { hasGroups ? [.text(g.name ?? "")] : [] }
    var groupColumns: [ReportTable.Column] { hasGroups ? [.init(settings.by ?? "group")] : [] }

    var longTable: ReportTable {
        let hasForecast = groups.contains { $0.forecast != nil }
        var cols = groupColumns + [
            .init("cohort"), .init("cohort_start"), .init("size"), .init("age"), .init("period"), .init("status"),
            .init("customers"), .init("retention"), .init("retention_low"), .init("retention_high"),
            .init("unbounded_customers"), .init("unbounded_retention"), .init("unbounded_low"), .init("unbounded_high"),
            .init("orders"), .init("revenue"), .init("revenue_retention"),
            .init("retention_vs_previous"), .init("unbounded_vs_previous"), .init("revenue_vs_previous"),
        ]
        if hasForecast { cols += [.init("forecast_basis"), .init("forecast_survivors"), .init("forecast_retention"),
                                  .init("forecast_low"), .init("forecast_high")] }
        // Laid out when read (`RowSource`): a daily matrix has a row per cohort and day of age.
        let source = RowSource { [self] sink in
            for g in groups {
                let group: Cell? = hasGroups ? .text(g.name ?? "") : nil
                for r in g.cohorts {
                    let cohort = Cell.text(r.cohort), start = Cell.text(r.start), size = Cell.int(r.size)
                    for c in r.cells {
                        if let group { sink.put(group) }
                        sink.put(cohort); sink.put(start); sink.put(size); sink.put(.int(c.age)); sink.put(.text(c.period ?? ""))
                        sink.put(.text(c.status.rawValue)); sink.put(.int(c.customers)); sink.put(.percent(c.retention, decimals: 1))
                        sink.put(.percent(c.retentionLower, decimals: 1)); sink.put(.percent(c.retentionUpper, decimals: 1))
                        sink.put(.int(c.unboundedCustomers)); sink.put(.percent(c.unbounded, decimals: 1))
                        sink.put(.percent(c.unboundedLower, decimals: 1)); sink.put(.percent(c.unboundedUpper, decimals: 1))
                        sink.put(.int(c.orders)); sink.put(.number(c.revenue, decimals: 2)); sink.put(Self.opt(c.revenueRetention, 1))
                        sink.put(Self.opt(c.retentionVsPrevious, 1)); sink.put(Self.opt(c.unboundedVsPrevious, 1))
                        sink.put(Self.opt(c.revenueVsPrevious, 1))
                        if hasForecast { sink.put(.missing(""), count: 5) }
                        sink.endRow()
                    }
                }
                if let f = g.forecast {
                    let starts = Dictionary((g.contractual?.map { ($0.cohort, $0.start) } ?? []) + g.cohorts.map { ($0.cohort, $0.start) },
                                            uniquingKeysWith: { a, _ in a })
                    for fc in f.cohorts {
                        for c in fc.cells {
                            if let group { sink.put(group) }
                            sink.put(.text(fc.cohort)); sink.put(.text(starts[fc.cohort] ?? "")); sink.put(.int(fc.size)); sink.put(.int(c.age))
                            sink.put(.text(c.period ?? "")); sink.put(.text("forecast"))
                            sink.put(.missing("not observed"), count: 14)
                            sink.put(.text(f.basis)); sink.put(.number(c.survivors, decimals: 1)); sink.put(.percent(c.retention, decimals: 1))
                            sink.put(.percent(c.lower, decimals: 1)); sink.put(.percent(c.upper, decimals: 1))
                            sink.endRow()
                        }
                    }
                }
            }
        }
        var note = "One row per cohort and age (periods since acquisition, \(cohortBasis.replacingOccurrences(of: "_", with: " "))); "
            + "shares are fractions with a \(level)% Wilson interval. status partial = the end of observation (\(asOf)) falls inside "
            + "that period: values so far, not a drop. Ages a cohort has not reached are absent (not observed), never zero."
        if hasForecast {
            note += " status forecast = sBG projection of survivors (basis: \(groups.compactMap { $0.forecast?.basis }.first ?? "")), "
                + "\(level)% projection interval in forecast_low/high; observed columns are blank."
        }
        if !notes.isEmpty { note += " Notes: " + notes.joined(separator: " ") }
        return ReportTable(id: "cohorts", title: "Cohort retention by \(settings.period) (long form)", columns: cols, note: note, source: source)
    }

    /// What the matrix shows, from `--metric`, `--retention` and `--relative-to`.
    struct MatrixSpec {
        var title: String
        var legend: String
        var isShare: Bool
        var value: (CohortRow, CohortCell) -> Double?
        var text: (Double) -> String
    }

    var matrixSpec: MatrixSpec {
        let previous = settings.relativeTo == "previous"
        let pct: (Double) -> String = { formatFixed(100 * $0, decimals: 0) + "%" }
        switch settings.metric {
        case "revenue":
            return MatrixSpec(title: previous ? "Revenue vs previous \(settings.period)" : "Revenue retention (share of age-0 revenue)",
                              legend: previous ? "revenue / previous" : "revenue / age-0 revenue", isShare: true,
                              value: { _, c in previous ? c.revenueVsPrevious : c.revenueRetention }, text: pct)
        case "orders":
            return MatrixSpec(title: "Orders per cohort customer", legend: "orders per customer", isShare: false,
                              value: { r, c in Double(c.orders) / Double(max(1, r.size)) },
                              text: { formatFixed($0, decimals: $0 < 10 ? 2 : 1) })
        default:
            let unb = settings.retention == "unbounded"
            let events = eventBased ? "event " : ""
            let name = unb ? "Unbounded \(events)retention" : (eventBased ? "Event retention" : "Retention")
            return MatrixSpec(title: previous ? "\(name) vs previous \(settings.period)" : "\(name) (share of cohort)",
                              legend: previous ? "vs previous period" : (unb ? "active then or later" : "share active"), isShare: true,
                              value: { _, c in previous ? (unb ? c.unboundedVsPrevious : c.retentionVsPrevious) : (unb ? c.unbounded : c.retention) },
                              text: pct)
        }
    }

    func matrixTable(_ g: CohortGroup) -> ReportTable {
        let spec = matrixSpec
        let width = (g.cohorts.flatMap { $0.cells.map(\.age) }.max() ?? -1) + 1
        let cols: [ReportTable.Column] = [.init("cohort"), .init("size")] + (0..<width).map { .init(String($0)) }
        let rows: [[Cell]] = g.cohorts.map { r in
            var row: [Cell] = [.text(r.cohort), .int(r.size)] + [Cell](repeating: .missing(""), count: width)
            for c in r.cells {
                guard let v = spec.value(r, c) else { continue }
                let cell: Cell = spec.isShare ? .percent(v, decimals: 1) : .number(v, decimals: 2)
                row[2 + c.age] = c.status == .partial ? .text(cell.display + "*") : cell
            }
            return row
        }
        let suffix = g.name.map { " — \(settings.by ?? "group") \($0)" } ?? ""
        return ReportTable(id: g.name == nil ? "cohort_matrix" : "cohort_matrix_" + Self.slug(g.name!),
                           title: "\(spec.title) by \(settings.period) since acquisition\(suffix)", columns: cols, rows: rows,
                           note: "Columns are ages in \(settings.period)s since acquisition. * = partial period (the end of observation falls inside it: values so far, not a drop); blank = not reached yet.")
    }

    static func slug(_ s: String) -> String {
        String(s.lowercased().map { ($0.isLetter || $0.isNumber) && $0.isASCII ? $0 : "_" })
    }

    var averageTable: ReportTable {
        let cols = groupColumns + [.init("age"), .init("cohorts"), .init("size"), .init("customers"), .init("retention"),
                                   .init("retention_low"), .init("retention_high"), .init("unbounded_retention"), .init("revenue_retention")]
        let rows: [[Cell]] = groups.flatMap { g in g.average.map { a in
            groupCells(g) + [.int(a.age), .int(a.cohorts), .int(a.size), .int(a.customers), .percent(a.retention, decimals: 1),
                             .percent(a.retentionLower, decimals: 1), .percent(a.retentionUpper, decimals: 1),
                             .percent(a.unbounded, decimals: 1), Self.opt(a.revenueRetention, 1)]
        } }
        return ReportTable(id: "cohort_average", title: "Average retention curve (size-weighted)", columns: cols, rows: rows,
                           note: "At each age: Σ active / Σ size over the cohorts that have completely reached that age (cohorts counts them); \(level)% Wilson interval. Revenue retention = Σ revenue at the age / Σ age-0 revenue of the same cohorts.")
    }

    /// Active means any event of `settings.activity`, not only a purchase.
    var eventBased: Bool { (settings.activity ?? ["transactions"]) != ["transactions"] }

    var hasMargin: Bool { settings.grossMargin != nil }

    /// The LTV curve: per group and age, the size-weighted average cumulative revenue (and margin) per
    /// acquired customer over the cohorts that have completely reached the age, beside the CAC.
    var valueCurveTable: ReportTable {
        var cols = groupColumns + [.init("age"), .init("cohorts"), .init("size"), .init("cumulative revenue per customer")]
        if hasMargin { cols.append(.init("cumulative margin per customer")) }
        cols += [.init("acquisition cost per customer"), .init("paid back")]
        let rows: [[Cell]] = groups.flatMap { g in g.average.map { a in
            var r = groupCells(g) + [.int(a.age), .int(a.cohorts), .int(a.size), Self.opt(a.cumulativeRevenuePerCustomer, 2, percent: false)]
            if hasMargin { r.append(Self.opt(a.cumulativeMarginPerCustomer, 2, percent: false)) }
            r.append(Self.opt(g.acquisitionCost, 2, percent: false))
            if let cac = g.acquisitionCost, let v = a.cumulativeMarginPerCustomer ?? a.cumulativeRevenuePerCustomer {
                r.append(.text(v >= cac ? "yes" : "no"))
            } else { r.append(.missing("")) }
            return r
        } }
        var note = "Cumulative value per acquired customer by age (the LTV curve): Σ revenue of ages 0…age / Σ size over the cohorts that have completely reached the age (months without a purchase count as zero)."
        if let m = settings.grossMargin { note += " Margin = revenue × \(formatFixed(m, decimals: 2)) (--gross-margin)." }
        let cac = groups.compactMap { g in g.acquisitionCost.map { (g, $0) } }
        if let (g, _) = cac.first, let src = g.acquisitionCostSource {
            note += " Acquisition cost: \(src)."
            for (g, _) in cac {
                let who = g.name.map { "\(settings.by ?? "group") \($0): " } ?? ""
                note += " \(who)" + (g.paybackAge.map { "paid back at age \($0) (\(hasMargin ? "margin" : "revenue"))." } ?? "not paid back within the data.")
            }
        } else {
            note += " No acquisition cost (needs marketing_spend.csv or customers.csv acquisition_cost)."
        }
        return ReportTable(id: "cohort_ltv", title: "Cumulative value per acquired customer (LTV curve) against acquisition cost", columns: cols, rows: rows, note: note)
    }

    /// Per cohort and age: cumulative revenue (and margin) per acquired customer, and the cohort's CAC.
    var valueTable: ReportTable {
        var cols = groupColumns + [.init("cohort"), .init("size"), .init("acquisition cost per customer"), .init("age"), .init("status"),
                                   .init("revenue"), .init("cumulative revenue per customer")]
        if hasMargin { cols.append(.init("cumulative margin per customer")) }
        let rows: [[Cell]] = groups.flatMap { g in g.cohorts.flatMap { r in r.cells.map { c in
            var row = groupCells(g) + [.text(r.cohort), .int(r.size), Self.opt(r.acquisitionCost, 2, percent: false), .int(c.age),
                                       .text(c.status.rawValue), .number(c.revenue, decimals: 2),
                                       .number(c.cumulativeRevenuePerCustomer, decimals: 2)]
            if hasMargin { row.append(Self.opt(c.cumulativeMarginPerCustomer, 2, percent: false)) }
            return row
        } } }
        return ReportTable(id: "cohort_value", title: "Cumulative value per acquired customer, by cohort", columns: cols, rows: rows,
                           note: "Σ revenue of the cohort's customers from acquisition through the age / cohort size (refunds included); a partial age holds the value so far.")
    }

    /// Per bracket, the size-weighted average over the cohorts that have completely reached it.
    var bracketAverageTable: ReportTable {
        let cols = groupColumns + [.init("bracket"), .init("cohorts"), .init("size"), .init("customers"), .init("retention"),
                                   .init("retention_low"), .init("retention_high")]
        let rows: [[Cell]] = groups.flatMap { g in (g.bracketAverage ?? []).map { b in
            groupCells(g) + [.text(b.bracket), .int(b.cohorts), .int(b.size), .int(b.customers), .percent(b.retention, decimals: 1),
                             .percent(b.retentionLower, decimals: 1), .percent(b.retentionUpper, decimals: 1)]
        } }
        return ReportTable(id: "cohort_brackets_average", title: "Bracket retention, size-weighted over cohorts", columns: cols, rows: rows,
                           note: "Σ customers active in the bracket / Σ size over the cohorts that have completed the bracket; \(level)% Wilson interval.")
    }

    var bracketTable: ReportTable {
        let cols = groupColumns + [.init("cohort"), .init("size"), .init("bracket"), .init("status"), .init("customers"),
                                   .init("retention"), .init("retention_low"), .init("retention_high")]
        let rows: [[Cell]] = groups.flatMap { g in (g.brackets ?? []).flatMap { r in r.cells.map { c in
            groupCells(g) + [.text(r.cohort), .int(r.size), .text(c.bracket), .text(c.status.rawValue), .int(c.customers),
                             .percent(c.retention, decimals: 1), .percent(c.retentionLower, decimals: 1), .percent(c.retentionUpper, decimals: 1)]
        } } }
        return ReportTable(id: "cohort_brackets", title: "Bracket retention (active at any age in the bracket)", columns: cols, rows: rows,
                           note: "A bracket is partial while the cohort has not completed its last age.")
    }

    var contractualTable: ReportTable {
        let cols = groupColumns + [.init("cohort"), .init("cohort_start"), .init("size"), .init("age"), .init("period"), .init("status"),
                                   .init("customers"), .init("retention"), .init("retention_low"), .init("retention_high"),
                                   .init("survivors"), .init("survival"), .init("retention_vs_previous")]
        let rows: [[Cell]] = groups.flatMap { g in (g.contractual ?? []).flatMap { r in r.cells.map { c in
            groupCells(g) + [.text(r.cohort), .text(r.start), .int(r.size), .int(c.age), .text(c.period ?? ""), .text(c.status.rawValue),
                             .int(c.customers), .percent(c.retention, decimals: 1), .percent(c.retentionLower, decimals: 1),
                             .percent(c.retentionUpper, decimals: 1), .int(c.survivors), .percent(c.survival, decimals: 1),
                             Self.opt(c.retentionVsPrevious, 1)]
        } } }
        return ReportTable(id: "cohort_contractual", title: "Contractual retention (subscriptions)", columns: cols, rows: rows,
                           note: "Cohort = period of the customer's first subscription start; active = a subscription covers at least one day of the period; survivors = covered then or later.")
    }

    var contractualAverageTable: ReportTable {
        let cols = groupColumns + [.init("age"), .init("cohorts"), .init("size"), .init("customers"), .init("retention"),
                                   .init("retention_low"), .init("retention_high"), .init("survival")]
        let rows: [[Cell]] = groups.flatMap { g in (g.contractualAverage ?? []).map { a in
            groupCells(g) + [.int(a.age), .int(a.cohorts), .int(a.size), .int(a.customers), .percent(a.retention, decimals: 1),
                             .percent(a.retentionLower, decimals: 1), .percent(a.retentionUpper, decimals: 1), .percent(a.unbounded, decimals: 1)]
        } }
        return ReportTable(id: "cohort_contractual_average", title: "Average contractual retention curve (size-weighted)", columns: cols, rows: rows)
    }

    var sbgTable: ReportTable {
        let cols = groupColumns + [.init("cohort"), .init("size"), .init("basis"), .init("fitted_ages"), .init("alpha"), .init("alpha_se"),
                                   .init("beta"), .init("beta_se"), .init("theta"), .init("theta_se"), .init("log_likelihood"), .init("note")]
        /// A fit at the edge is its limiting model: theta, not alpha and beta of 10⁸.
        func fitCells(_ fit: SBGFit?, failure: String?) -> [Cell] {
            let l = fit?.limit
            let shown = l == nil ? fit : nil
            return [Self.opt(shown?.alpha, 4, percent: false), Self.opt(shown?.alphaSE, 4, percent: false),
                    Self.opt(shown?.beta, 4, percent: false), Self.opt(shown?.betaSE, 4, percent: false),
                    Self.opt(l?.theta ?? fit.map { $0.alpha / ($0.alpha + $0.beta) }, 4, percent: false), Self.opt(l?.thetaSE, 4, percent: false),
                    Self.opt(fit?.logLikelihood, 3, percent: false),
                    .text(failure.map { "not fitted: " + $0 } ?? l.map { "\($0.model) limit: \($0.note)" } ?? "")]
        }
        let rows: [[Cell]] = groups.flatMap { g -> [[Cell]] in
            guard let f = g.forecast else { return [] }
            let size = (g.contractual?.map(\.size) ?? g.cohorts.map(\.size)).reduce(0, +)
            let pooled = groupCells(g) + [.text("all (pooled)"), .int(size), .text(f.basis),
                                          .int(f.cohorts.map(\.fittedAges).max() ?? 0)] + fitCells(f.pooled, failure: f.pooledFailure)
            return [pooled] + f.cohorts.map { c in
                groupCells(g) + [.text(c.cohort), .int(c.size), .text(f.basis), .int(c.fittedAges)] + fitCells(c.fit, failure: c.failure)
            }
        }
        let f = groups.compactMap(\.forecast).first
        return ReportTable(id: "cohort_sbg", title: "sBG fit per cohort (Fader & Hardie 2007)", columns: cols, rows: rows,
                           note: "Shifted-beta-geometric model fitted by maximum likelihood on each cohort's complete ages (the first row: all cohorts together, shared alpha and beta); standard errors by the delta method from the inverse Hessian; theta = alpha / (alpha + beta), the mean churn probability in the first period. A fit whose alpha and beta run off together is shown as its limit, the geometric model with churn probability theta. Forecast \(f?.horizon ?? 0) \(settings.period)s past the end of observation; projection intervals: \(f?.intervalMethod ?? "").")
    }

    static func mrrTable(_ m: MRRMovements, period: String) -> ReportTable {
        let cols: [ReportTable.Column] = [.init("period"), .init("snapshot"), .init("status"), .init("opening"), .init("new"), .init("expansion"),
                                          .init("contraction"), .init("churn"), .init("reactivation"), .init("closing"), .init("customers"),
                                          .init("gross_revenue_retention"), .init("net_revenue_retention")]
        let rows: [[Cell]] = m.periods.map { p in
            [.text(p.period), .text(p.snapshot), .text(p.status.rawValue), .number(p.opening, decimals: 2), .number(p.new, decimals: 2),
             .number(p.expansion, decimals: 2), .number(p.contraction, decimals: 2), .number(p.churn, decimals: 2),
             .number(p.reactivation, decimals: 2), .number(p.closing, decimals: 2), .int(p.customers),
             opt(p.grossRevenueRetention, 1), opt(p.netRevenueRetention, 1)]
        }
        return ReportTable(id: "cohort_mrr", title: "MRR movements per \(period)", columns: cols, rows: rows, note: m.note)
    }
}

// MARK: - terminal

/// `tenure cohorts --format table`: one coloured heatmap per `--by` group (the matrix of the chosen metric),
/// the sBG-completed survival triangle with `--forecast`, then the average curve, fits, MRR and notes as
/// plain tables. Readable without colour: every cell prints its value and a shade glyph.
public enum CohortTerminal {
    /// Cohorts (latest) and ages (first) shown per heatmap; the CSV has everything.
    public static let maxRows = 36
    public static let maxColumns = 18
    /// Ages shown: at most `maxColumns`, fewer when the terminal is narrow (about 7 characters an age
    /// after 24 for the cohort labels and sizes).
    static var fittingColumns: Int { TerminalTable.width.map { max(4, min(maxColumns, ($0 - 24) / 7)) } ?? maxColumns }

    public static func render(_ r: CohortResult, color: TerminalHeatmap.ColorMode) -> String {
        var parts: [String] = []
        let spec = r.matrixSpec
        for g in r.groups {
            if g.cohorts.isEmpty, let rows = g.contractual {
                parts.append(TerminalHeatmap.render(contractualGrid(r, g, rows), color: color))
            } else {
                parts.append(TerminalHeatmap.render(grid(r, g, spec), color: color))
            }
            if let f = g.forecast { parts.append(TerminalHeatmap.render(forecastGrid(r, g, f), color: color)) }
        }
        let plain = color != .none
        if r.groups.contains(where: { !$0.cohorts.isEmpty }) {
            parts.append(TerminalTable.render(r.averageTable, color: plain))
            parts.append(TerminalTable.render(r.valueCurveTable, color: plain))
        }
        if r.groups.contains(where: { $0.brackets != nil }) {
            parts.append(TerminalTable.render(r.bracketTable, color: plain))
            parts.append(TerminalTable.render(r.bracketAverageTable, color: plain))
        }
        if r.groups.contains(where: { $0.contractual != nil }) { parts.append(TerminalTable.render(r.contractualAverageTable, color: plain)) }
        if r.groups.contains(where: { $0.forecast != nil }) { parts.append(TerminalTable.render(r.sbgTable, color: plain)) }
        if let m = r.mrr { parts.append(TerminalTable.render(CohortResult.mrrTable(m, period: r.settings.period), color: plain)) }
        if !r.notes.isEmpty { parts.append("Notes:\n" + r.notes.map { "  - " + TerminalTable.sanitize($0) }.joined(separator: "\n") + "\n") }
        return parts.joined(separator: "\n")
    }

    static func title(_ r: CohortResult, _ g: CohortGroup, _ what: String) -> String {
        "\(what) by \(r.settings.period)ly cohort (\(r.cohortBasis.replacingOccurrences(of: "_", with: " ")), as of \(r.asOf))"
            + (g.name.map { " — \(r.settings.by ?? "group") \($0)" } ?? "")
    }

    static func truncationNote(_ shownRows: Int, _ rows: Int, _ shownCols: Int, _ cols: Int) -> String? {
        var bits: [String] = []
        if shownRows < rows { bits.append("latest \(shownRows) of \(rows) cohorts") }
        if shownCols < cols { bits.append("first \(shownCols) of \(cols) ages") }
        return bits.isEmpty ? nil : "Showing the " + bits.joined(separator: " and ") + "; --format csv has every cell."
    }

    static func grid(_ r: CohortResult, _ g: CohortGroup, _ spec: CohortResult.MatrixSpec) -> TerminalHeatmap.Grid {
        let shown = Array(g.cohorts.suffix(maxRows))
        let allAges = (g.cohorts.flatMap { $0.cells.map(\.age) }.max() ?? -1) + 1
        let width = min(fittingColumns, allAges)
        var cells: [[TerminalHeatmap.Cell?]] = []
        var hi = 0.0
        for row in shown {
            var line = [TerminalHeatmap.Cell?](repeating: nil, count: width)
            for c in row.cells where c.age < width {
                guard let v = spec.value(row, c) else { line[c.age] = TerminalHeatmap.Cell(value: nil, text: "–"); continue }
                line[c.age] = TerminalHeatmap.Cell(value: v, text: spec.text(v), mark: c.status == .partial ? .partial : .none)
                if c.age > 0 && v.isFinite { hi = max(hi, v) }
            }
            cells.append(line)
        }
        // The scale spans the later ages (age 0 is 100% by definition for retention) so their differences show.
        if hi <= 0 { hi = cells.flatMap { $0.compactMap { $0?.value } }.filter(\.isFinite).max() ?? 1 }
        let domain = 0...max(spec.isShare ? 0.05 : 1e-9, spec.isShare && r.settings.relativeTo == "previous" ? max(1, hi) : hi)
        var note = "* partial period (end of observation inside it: so far, not a drop); blank = not reached yet."
        if let t = truncationNote(shown.count, g.cohorts.count, width, allAges) { note += " " + t }
        return TerminalHeatmap.Grid(title: title(r, g, spec.title), rowHeader: "cohort", rowLabels: shown.map(\.cohort),
                                    rowNotes: shown.map { String($0.size) }, rowNoteHeader: "size",
                                    columnHeader: "\(r.settings.period)s since acquisition →",
                                    columnLabels: (0..<width).map(String.init), cells: cells, domain: domain,
                                    legend: spec.legend, note: note, legendAsPercent: spec.isShare)
    }

    /// Contractual retention (a subscription covers the age) by cohort: the heatmap of a dataset without purchases.
    static func contractualGrid(_ r: CohortResult, _ g: CohortGroup, _ rows: [ContractualRow]) -> TerminalHeatmap.Grid {
        let shown = Array(rows.suffix(maxRows))
        let allAges = (rows.flatMap { $0.cells.map(\.age) }.max() ?? -1) + 1
        let width = min(fittingColumns, allAges)
        let cells: [[TerminalHeatmap.Cell?]] = shown.map { row in
            var line = [TerminalHeatmap.Cell?](repeating: nil, count: width)
            for c in row.cells where c.age < width {
                line[c.age] = TerminalHeatmap.Cell(value: c.retention, text: Format.value(c.retention, .percent(decimals: 0)),
                                                   mark: c.status == .partial ? .partial : .none)
            }
            return line
        }
        var note = "* partial period (end of observation inside it: so far, not a drop); blank = not reached yet."
        if let t = truncationNote(shown.count, rows.count, width, allAges) { note += " " + t }
        return TerminalHeatmap.Grid(title: title(r, g, "Contractual retention (a subscription covers the period)"), rowHeader: "cohort",
                                    rowLabels: shown.map(\.cohort), rowNotes: shown.map { String($0.size) }, rowNoteHeader: "size",
                                    columnHeader: "\(r.settings.period)s since acquisition →",
                                    columnLabels: (0..<width).map(String.init), cells: cells, domain: 0...1,
                                    legend: "share of the cohort with a subscription covering the period", note: note, legendAsPercent: true)
    }

    static func forecastGrid(_ r: CohortResult, _ g: CohortGroup, _ f: CohortForecast) -> TerminalHeatmap.Grid {
        var observed: [String: [(age: Int, value: Double, partial: Bool)]] = [:]
        if f.basis == "contractual", let rows = g.contractual {
            for row in rows { observed[row.cohort] = row.cells.map { ($0.age, $0.survival, $0.status == .partial) } }
        } else {
            for row in g.cohorts { observed[row.cohort] = row.cells.map { ($0.age, $0.unbounded, $0.status == .partial) } }
        }
        let shown = Array(f.cohorts.suffix(maxRows))
        let allAges = (f.cohorts.map { c in max(observed[c.cohort]?.map(\.age).max() ?? 0, c.cells.map(\.age).max() ?? 0) }.max() ?? 0) + 1
        // Keep the forecast visible: show the last ages when the triangle is wider than the screen.
        let width = min(fittingColumns, allAges)
        let first = allAges - width
        var cells: [[TerminalHeatmap.Cell?]] = []
        for c in shown {
            var line = [TerminalHeatmap.Cell?](repeating: nil, count: width)
            for p in observed[c.cohort] ?? [] where p.age >= first {
                line[p.age - first] = TerminalHeatmap.Cell(value: p.value, text: formatFixed(100 * p.value, decimals: 0) + "%",
                                                           mark: p.partial ? .partial : .none)
            }
            for p in c.cells where p.age >= first && p.age < allAges {
                // The forecast replaces a partial observed cell (its value so far is not a survivor count).
                if let old = line[p.age - first], old.mark != .partial { continue }
                line[p.age - first] = TerminalHeatmap.Cell(value: p.retention, text: formatFixed(100 * p.retention, decimals: 0) + "%", mark: .forecast)
            }
            cells.append(line)
        }
        var note = "~ sBG forecast (expected share; intervals in --format csv/json); * partial period."
        let failed = shown.filter { $0.fit == nil }.count
        if failed > 0 { note += " \(failed) cohort(s) not fitted (see the sBG table)." }
        if let t = truncationNote(shown.count, f.cohorts.count, width, allAges) {
            note += " " + t.replacingOccurrences(of: "first \(width) of", with: "last \(width) of")
        }
        let what = f.basis == "contractual" ? "Contractual survival (subscription covers then or later)" : "Unbounded retention (active then or later)"
        return TerminalHeatmap.Grid(title: title(r, g, what + ", completed by the sBG forecast"), rowHeader: "cohort",
                                    rowLabels: shown.map(\.cohort), rowNotes: shown.map { String($0.size) }, rowNoteHeader: "size",
                                    columnHeader: "\(r.settings.period)s since acquisition →",
                                    columnLabels: (first..<allAges).map(String.init), cells: cells, domain: 0...1,
                                    legend: "share surviving", note: note)
    }
}
