import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureSurvival

/// The reduction/fit split (SPEC §6): the result fitted from an event table alone — what a warehouse
/// returns — equals the one-step run on the dataset for churn from purchases, including fractional
/// gaps (churn times off the day grid) and a reporting unit other than days.
@Suite struct EventTableSplitTests {
    static let csv = handPurchases + "\n" + """
    d,2024-02-01,7
    d,2024-02-03,7
    f,2024-04-10,3
    g,2023-11-30,3
    g,2024-06-29,3
    h,2024-06-20,4
    """

    @Test(arguments: [(90.0, TimeUnit.day), (30.5, .week), (45, .month)])
    func resultFromEventTableEqualsDirectRun(_ gap: Double, _ unit: TimeUnit) throws {
        let d = try transactions(Self.csv, asOf: "2024-06-30")
        var o = SurvivalOptions()
        o.churn = .inactivity(TimeSpan(value: gap, unit: .day))
        o.unit = unit
        o.horizons = [TimeSpan(value: 30, unit: .day)]
        let direct = try SurvivalAnalysis.run(d, options: o)
        let churn = try ChurnEvents.inactivity(d, gapDays: gap)
        let table = EventTable.tabulate(churn.sample)
        #expect(table.total == 7 && table.events.reduce(0, +) > 0 && table.censored.reduce(0, +) > 0)
        let split = try SurvivalAnalysis.run(grouped: GroupedEventTables(all: table), definition: churn.definition, asOf: d.asOf, options: o)
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        #expect(String(decoding: try enc.encode(split), as: UTF8.self) == String(decoding: try enc.encode(direct), as: UTF8.self))
    }

    @Test func emptyTableIsAFitError() {
        #expect(throws: FitError.self) {
            try SurvivalAnalysis.run(grouped: GroupedEventTables(all: EventTable()), definition: .inactivity(gapDays: 90), asOf: 0, options: SurvivalOptions())
        }
    }
}

/// `--by` and `--strata` from event tables per (stratum, group): the curves, the stratified log-rank
/// test and the notes about customers without a value equal the one-step run. The tables are built
/// here from each customer's own churn time and attribute codes, as an engine's GROUP BY would.
@Suite struct GroupedEventTableSplitTests {
    /// 300 customers, one to four purchases each; segment and channel on the rows (the first row's
    /// value is the customer's), some of them empty.
    static var csv: String {
        var s = "customer_id,date,amount,segment,channel\n"
        for i in 0..<300 {
            let segment = i % 17 == 0 ? "" : ["a", "b", "c"][i % 3]
            let channel = i % 11 == 0 ? "" : ["x", "y"][(i / 3) % 2]
            var day = 19_000 + (i * 37) % 400
            for k in 0...(i % 4) {
                s += "c\(i),\(Civil.iso(Day(day))),\(10 + k),\(segment),\(channel)\n"
                day += 20 + (i * 13 + k * 29) % 150
            }
        }
        return s
    }

    @Test(arguments: [(90.0, nil as String?), (45.5, "channel")])
    func groupedTablesEqualDirectRun(_ gap: Double, _ strata: String?) throws {
        let d = try transactions(Self.csv, asOf: "2053-06-30")
        var o = SurvivalOptions()
        o.churn = .inactivity(TimeSpan(value: gap, unit: .day))
        o.by = "segment"
        o.strata = strata
        let direct = try SurvivalAnalysis.run(d, options: o)
        #expect(direct.logRank != nil && direct.groups.count == 3 && !direct.notes.isEmpty)

        let churn = try ChurnEvents.inactivity(d, gapDays: gap)
        let g = try CustomerAttribute(d, column: "segment", customers: churn.customer)
        let s = try strata.map { try CustomerAttribute(d, column: $0, customers: churn.customer) }
        let k = g.levels.count, nStrata = s?.levels.count ?? 1
        var cells = [[Int]](repeating: [], count: nStrata * k), unstratified = [[Int]](repeating: [], count: k), missing: [Int] = []
        for i in 0..<churn.sample.count {
            let gi = Int(g.codes[i]), si = s.map { Int($0.codes[i]) } ?? 0
            if gi < 0 { missing.append(i) } else if si < 0 { unstratified[gi].append(i) } else { cells[si * k + gi].append(i) }
        }
        let table = { (ix: [Int]) in EventTable.tabulate(churn.sample, indices: ix) }
        let grouped = GroupedEventTables(levels: g.levels, strata: (0..<nStrata).map { st in (0..<k).map { table(cells[st * k + $0]) } },
                                         unstratified: unstratified.map(table), missingGroup: table(missing))
        let split = try SurvivalAnalysis.run(grouped: grouped, definition: churn.definition, asOf: d.asOf, options: o)
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        #expect(String(decoding: try enc.encode(split), as: UTF8.self) == String(decoding: try enc.encode(direct), as: UTF8.self))
    }
}
