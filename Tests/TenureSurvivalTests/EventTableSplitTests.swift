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
        let split = try SurvivalAnalysis.run(table: table, definition: churn.definition, asOf: d.asOf, options: o)
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        #expect(String(decoding: try enc.encode(split), as: UTF8.self) == String(decoding: try enc.encode(direct), as: UTF8.self))
    }

    @Test func emptyTableIsAFitError() {
        #expect(throws: FitError.self) {
            try SurvivalAnalysis.run(table: EventTable(), definition: .inactivity(gapDays: 90), asOf: 0, options: SurvivalOptions())
        }
    }
}
