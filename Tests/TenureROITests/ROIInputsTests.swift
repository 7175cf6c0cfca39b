import Foundation
import Testing
import TenureCohorts
import TenureData
import TenureNumerics
@testable import TenureROI
import TenureSynth

/// The ROI analysis's reduced data (`ROIInputs`, what a warehouse returns too) against direct
/// computations on the generated dataset and its truth.
@Suite struct ROIInputsTests {
    static let data: Result<(Dataset, SyntheticData), Error> = Result {
        let g = try Synth.generate(config: SynthConfig(customers: 2_000, seed: 5))
        return (g.dataset(), g)
    }

    /// The past initiative's uplift from `UpliftCounts` equals the formulas computed here from each
    /// customer's transactions (revenue, purchase in the last 90 days), and its group sizes are the
    /// generator's truth.
    @Test func initiativeUpliftFromCountsMatchesDirectComputation() throws {
        let (ds, g) = try Self.data.get()
        let inputs = try ROIInputs(dataset: ds, windowDays: 90)
        let u = try #require(InitiativeUplift.measure(inputs.initiatives, grossMargin: 0.35, costs: ["winback_2024": 15_000]).first)
        #expect(u.initiative == g.truth.initiative?.name)
        #expect(u.treated == g.truth.initiative?.treatmentCustomers && u.control == g.truth.initiative?.controlCustomers)
        // direct: per customer of each group, revenue and retention
        guard let table = ds.customerTable, case .categorical(let grp)? = table.attributes["group"] else { Issue.record("no group column"); return }
        var rev: [Int: Double] = [:], last: [Int: Day] = [:]
        for i in 0..<ds.transactions.count where ds.transactions.day[i] <= ds.asOf {
            let c = Int(ds.transactions.customer[i])
            rev[c, default: 0] += ds.transactions.amount[i]
            last[c] = max(last[c] ?? Day.min, ds.transactions.day[i])
        }
        var values: [String: [Double]] = [:], kept: [String: Int] = [:]
        for row in 0..<table.count {
            guard let label = grp.value(at: row) else { continue }
            let c = Int(table.customer[row])
            values[label, default: []].append(rev[c] ?? 0)
            if let l = last[c], Int(ds.asOf) - Int(l) < 90 { kept[label, default: 0] += 1 }
        }
        let t = values["treatment"] ?? [], c = values["control"] ?? []
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        func variance(_ x: [Double]) -> Double { let m = mean(x); return x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1) }
        #expect(abs(u.revenueTreated - mean(t)) < 1e-9 && abs(u.revenueControl - mean(c)) < 1e-9)
        let se = (variance(t) / Double(t.count) + variance(c) / Double(c.count)).squareRoot()
        let z = Normal.quantile(0.975)
        #expect(abs(u.revenueUpliftHigh - (mean(t) - mean(c) + z * se)) < 1e-8)
        #expect(abs(u.retentionUplift - (Double(kept["treatment"] ?? 0) / Double(t.count) - Double(kept["control"] ?? 0) / Double(c.count))) < 1e-12)
        #expect(abs(u.realisedROI! - ((mean(t) - mean(c)) * Double(t.count) * 0.35 - 15_000) / 15_000) < 1e-9)
    }

    /// The books' balanced survivor series equals a direct count over the customers' first spells
    /// (`SubscriptionSurvivors.firstSpells`) for every K, overall and per segment; the active
    /// subscriptions' count is that of the table.
    @Test func subscriptionBooksMatchDirectCounts() throws {
        let (ds, _) = try Self.data.get()
        let inputs = try ROIInputs(dataset: ds)
        let books = try #require(inputs.subscriptions)
        let segments = try #require(inputs.segments)
        let subs = try #require(ds.subscriptions)
        let spells = SubscriptionSurvivors.firstSpells(subs, asOf: ds.asOf)
        #expect(spells.count > 100)
        for K in [2, 6, 12, 24] {
            for segment in [nil] + (0..<segments.levels.count).map(Int32.init) {
                var direct = [Double](repeating: 0, count: K + 1)
                for sp in spells where (segment == nil || segments.codes[sp.customer] == segment!)
                    && Civil.wholeMonths(from: sp.start, to: ds.asOf) >= K {
                    for t in 0...min(K, sp.months) { direct[t] += 1 }
                }
                #expect(books.balanced(K: K, include: { segment == nil || $0 == Int(segment!) }) == direct)
            }
        }
        let active = (0..<subs.count).filter { subs.startDay[$0] <= ds.asOf && (subs.endDay[$0] == Day.missing || subs.endDay[$0] > ds.asOf) }.count
        #expect(books.active.map(\.count).reduce(0, +) == Double(active))
    }
}
