import Foundation
import Testing
import TenureData
@testable import TenureCohorts

/// The reduction/fit split (SPEC §6): the result assembled from `CohortAnalysis.statistics` alone —
/// what a warehouse returns — equals the one-step run on the dataset (purchase part, without
/// subscriptions), for every period, window, grouping and brackets, with forecasts.
@Suite struct StatisticsSplitTests {
    @Test(arguments: FixtureTests.configs.filter { $0.cohortBy != .subscription })
    func resultFromStatisticsEqualsDirectRun(_ cfg: FixtureTests.Config) throws {
        let ds = try FixtureData.dataset(withSubscriptions: false)
        var o = cfg.options
        o.forecast = 3
        let direct = try CohortAnalysis.run(ds, options: o)
        let st = try CohortAnalysis.statistics(ds, options: o)
        #expect(st.keys == st.groups.count * st.cohorts && st.customers.count == st.keys * st.ages)
        #expect(st.size.reduce(0, +) > 0)
        // the statistics survive a JSON round trip (the form --aggregates and tests store them in)
        let back = try JSONDecoder().decode(CohortStatistics.self, from: JSONEncoder().encode(st))
        #expect(back == st)
        let split = try CohortAnalysis.run(statistics: back, options: o, asOf: ds.asOf, basis: direct.cohortBasis, source: ds.source)
        #expect(try Self.json(split) == Self.json(direct))
    }

    /// With subscriptions: the purchase, contractual and MRR statistics (each through JSON) give the
    /// one-step run's result, contractual cells and MRR movements included, for every configuration
    /// (cohorts by subscription start too).
    @Test(arguments: FixtureTests.configs)
    func resultFromEveryStatisticEqualsDirectRun(_ cfg: FixtureTests.Config) throws {
        let ds = try FixtureData.dataset(withSubscriptions: true)
        var o = cfg.options
        o.forecast = 3
        let direct = try CohortAnalysis.run(ds, options: o)
        let st = try CohortAnalysis.statistics(ds, options: o)
        let (contractual, mrr) = try CohortAnalysis.subscriptionStatistics(ds, options: o)
        #expect(contractual != nil && mrr != nil)
        #expect((contractual?.active.reduce(0, +) ?? 0) > 0 && (mrr?.closing.reduce(0, +) ?? 0) > 0)
        func roundTrip<T: Codable>(_ v: T) throws -> T { try JSONDecoder().decode(T.self, from: JSONEncoder().encode(v)) }
        #expect(try roundTrip(contractual) == contractual && roundTrip(mrr) == mrr)
        let split = try CohortAnalysis.run(statistics: roundTrip(st), contractual: roundTrip(contractual), mrr: roundTrip(mrr),
                                           options: o, asOf: ds.asOf, basis: direct.cohortBasis, source: ds.source)
        #expect(direct.groups.contains { !($0.contractual ?? []).isEmpty } && direct.mrr != nil)
        #expect(try Self.json(split) == Self.json(direct))
    }

    /// A result as sorted-key JSON, the form two runs are compared in.
    static func json(_ r: CohortResult) throws -> String {
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try enc.encode(r), as: UTF8.self)
    }

    /// The statistics hold every purchase cell: changing one transaction's amount changes exactly the
    /// revenue of its cell (so the equality above is not of two empty results).
    @Test func statisticsMoveWithTheData() throws {
        var ds = try FixtureData.dataset(withSubscriptions: false)
        let o = FixtureTests.configs[0].options
        let a = try CohortAnalysis.statistics(ds, options: o)
        ds.transactions.amount[0] += 1
        let b = try CohortAnalysis.statistics(ds, options: o)
        let changed = zip(a.revenue, b.revenue).filter { $0 != $1 }
        #expect(changed.count == 1)
        if let (x, y) = changed.first { #expect(abs(y - x - 1) < 1e-9) }
    }
}
