import Foundation
import Testing
import TenureData
@testable import TenureKPIs

/// The split of the event-table KPI families into statistics and a fill (`KPIStatistics`, what
/// warehouse mode has the engine compute): filling from the statistics alone gives every KPI of
/// those families exactly as the whole CSV run does, and the others say they were not reduced.
@Suite struct KPIStatisticsTests {
    @Test func kpisFromTheStatisticsEqualTheDirectRun() throws {
        let ds = try DatasetLoader.load(directory: GeneratedDataTests.root.appendingPathComponent("datasets/sample").path,
                                        options: LoadOptions()).dataset
        var o = KPIOptions(slaResponseHours: 4, slaResolutionHours: 48)
        o.period = .quarter
        let direct = KPIAnalysis.compute(ds, options: o)
        let cx = Context(ds, o)
        let split = KPIAnalysis.compute(frame: cx.f, statistics: KPIAnalysis.statistics(cx), unreduced: "not reduced")
        let reduced = Set(KPICatalog.all.map(\.id)).subtracting(Set(direct.overall.map(\.id)).filter {
            split[$0]?.unavailable == "not reduced"
        })
        #expect(reduced.count == 18, "\(reduced.sorted())")
        func groups(_ r: KPIResult) -> [[KPIValue]] { [r.overall] + (r.byPeriod + r.bySegment + r.byChannel).map(\.kpis) }
        #expect(direct.byChannel.map(\.key) == split.byChannel.map(\.key))
        var compared = 0
        for (a, b) in zip(groups(direct), groups(split)) {
            for (x, y) in zip(a, b) where reduced.contains(x.id) {
                #expect(x == y, "\(x.id): \(x) vs \(y)")
                compared += 1
            }
        }
        #expect(compared == 18 * groups(direct).count)
        // Every group of the sample has values for these families, so the comparison is not vacuous.
        #expect(direct.overall.filter { reduced.contains($0.id) && $0.value != nil }.count == 18)
    }

    /// Channel names from the tables' own channel columns follow the customers' channels in byte order
    /// (as the engine can list them), whatever order the rows come in.
    @Test func tableChannelsAreInByteOrder() {
        #expect(KPIFrame.channelLevels(customer: ["web", "app"], tables: ["phone", "app", "Email", "chat", "phone"])
                == ["web", "app", "Email", "chat", "phone"])
    }
}
