import TenureKPIs

extension KPIResult: Reportable {
    public var analysis: String { "kpis" }

    /// The KPI value as a cell in its unit (shares as percentages), or the reason it is missing.
    static func cell(_ v: KPIValue, _ x: Double?) -> Cell {
        guard let x else { return .missing(v.unavailable ?? "") }
        switch v.unit {
        case "share": return .percent(x, decimals: 1)
        case "count": return .number(x, decimals: 0)
        case "points", "months", "hours": return .number(x, decimals: 1)
        case "currency": return .number(x, decimals: 2)
        default: return .number(x, decimals: 3)
        }
    }

    static func note(_ v: KPIValue) -> Cell {
        if let u = v.unavailable { return .text("unavailable: " + u) }
        return .text(v.warning ?? "")
    }

    static func valueCells(_ v: KPIValue) -> [Cell] {
        [cell(v, v.value), .text(v.unit), v.n.map { .int($0) } ?? .missing(""), cell(v, v.lower), cell(v, v.upper), note(v)]
    }

    static let valueColumns: [ReportTable.Column] = [.init("value"), .init("unit"), .init("n"), .init("95% low"), .init("95% high"), .init("note")]

    public var tables: [ReportTable] {
        let names = Dictionary(definitions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let checks = Dictionary((targets ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let level = Int((options.confidence * 100).rounded())
        var cols: [ReportTable.Column] = [.init("family"), .init("KPI"), .init("id")] + Self.valueColumns
        cols[6] = .init("\(level)% low"); cols[7] = .init("\(level)% high")
        if targets != nil { cols += [.init("target"), .init("status")] }
        let overallRows: [[Cell]] = overall.map { v in
            let d = names[v.id]
            var row: [Cell] = [.text(d?.family ?? ""), .text(d?.name ?? v.id), .text(v.id)] + Self.valueCells(v)
            if targets != nil {
                if let c = checks[v.id] {
                    row += [.text("\(c.kind) \(c.direction == .higher ? ">=" : "<=") \(Self.cell(v, c.target).display)"), .text(c.status.rawValue)]
                } else { row += [.missing(""), .missing("")] }
            }
            return row
        }
        var out = [ReportTable(id: "kpis", title: "CRM KPIs, \(windowStart) to \(asOf)", columns: cols, rows: overallRows,
                               note: "Shares are fractions in CSV/JSON and percentages on screen. A KPI without its table or data is unavailable (blank), never zero. Definitions: `tenure help kpis`.")]
        let groupCols: [ReportTable.Column] = [.init("id")] + Self.valueColumns
        out.append(ReportTable(
            id: "kpis_by_period", title: "KPIs per \(options.period.rawValue)",
            columns: [.init("period"), .init("start"), .init("end"), .init("partial")] + groupCols,
            rows: byPeriod.flatMap { g in g.kpis.map { v in
                [.text(g.key), .text(g.start ?? ""), .text(g.end ?? ""), .text(g.partial == true ? "yes" : "")] + [.text(v.id)] + Self.valueCells(v)
            } },
            note: "A period cut short by the end of observation is marked partial."))
        if !bySegment.isEmpty {
            out.append(ReportTable(id: "kpis_by_segment", title: "KPIs per segment", columns: [.init("segment")] + groupCols,
                                   rows: bySegment.flatMap { g in g.kpis.map { v in [.text(g.key), .text(v.id)] + Self.valueCells(v) } },
                                   note: "Rates over periods are pooled within the segment."))
        }
        if !byChannel.isEmpty {
            out.append(ReportTable(id: "kpis_by_channel", title: "KPIs per channel", columns: [.init("channel")] + groupCols,
                                   rows: byChannel.flatMap { g in g.kpis.map { v in [.text(g.key), .text(v.id)] + Self.valueCells(v) } },
                                   note: "Customer KPIs by acquisition channel; engagement and service by the interaction's or ticket's channel; sales by lead source; spend by its channel."))
        }
        if let targets {
            out.append(ReportTable(
                id: "kpi_targets", title: "KPIs against targets and benchmarks",
                columns: [.init("id"), .init("value"), .init("target"), .init("kind"), .init("better"), .init("status"), .init("gap"), .init("unit"), .init("source"), .init("note")],
                rows: targets.map { c in
                    let v = KPIValue(id: c.id, value: c.value)
                    return [.text(c.id), Self.cell(v, c.value), Self.cell(v, c.target), .text(c.kind), .text(c.direction.rawValue),
                            .text(c.status.rawValue), c.gap.map { Self.cell(v, $0) } ?? .missing(""), .text(c.unit),
                            .text(c.source ?? ""), .text(c.note ?? "")]
                }))
        }
        out.append(ReportTable(
            id: "kpi_definitions", title: "KPI definitions",
            columns: [.init("id"), .init("KPI"), .init("unit"), .init("better"), .init("needs"), .init("definition")],
            rows: definitions.map { d in [.text(d.id), .text(d.name), .text(d.unit), .text(d.direction.rawValue),
                                          .text(d.requires.joined(separator: ", ")), .text(d.formula)] },
            note: notes.joined(separator: "; ")))
        return out
    }
}
