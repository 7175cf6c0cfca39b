import Foundation
import Testing
import TenureData
import TenureNumerics
import TenureSynth
@testable import TenureCohorts

/// Event-based retention (`--activity`) and the cumulative value per cohort (the LTV curve, CAC,
/// payback, bracket averages) against a direct computation from the raw rows of a generated dataset:
/// per customer its signup month, the months of its purchases and interactions, its amounts.
@Suite struct ActivityAndValueTests {
    static let data: Result<Dataset, Error> = Result { try Synth.generate(config: SynthConfig(customers: 3_000, seed: 21)).dataset() }

    /// Calendar month index of a day.
    static func month(_ d: Day) -> Int { let (y, m, _) = Civil.date(d); return y * 12 + m - 1 }

    /// The direct computation: cohort (signup month) → size, and per age the customers active by the
    /// chosen tables, the unbounded counts, the bracket counts and the revenue.
    struct Direct {
        var size: [Int: Int] = [:]
        var active: [Int: [Int: Int]] = [:]
        var unbounded: [Int: [Int: Int]] = [:]
        var brackets: [Int: [Int: Int]] = [:]
        var revenue: [Int: [Int: Double]] = [:]
    }

    static func direct(_ ds: Dataset, purchases: Bool, interactions: Bool, brackets: [AgeBracket]) -> Direct {
        let t = ds.customerTable!
        var acq = [Day](repeating: Day.missing, count: ds.customers.count)
        for r in 0..<t.count where t.signupDay![r] != Day.missing && t.signupDay![r] <= ds.asOf { acq[Int(t.customer[r])] = t.signupDay![r] }
        var ages = [Set<Int>](repeating: [], count: ds.customers.count)
        var out = Direct()
        func add(_ c: Int, _ d: Day) {
            guard acq[c] != Day.missing, d != Day.missing, d <= ds.asOf, d >= acq[c] else { return }
            ages[c].insert(month(d) - month(acq[c]))
        }
        let tx = ds.transactions
        for i in 0..<tx.count {
            let c = Int(tx.customer[i]), d = tx.day[i]
            if purchases { add(c, d) }
            if acq[c] != Day.missing, d != Day.missing, d <= ds.asOf, d >= acq[c] {
                out.revenue[month(acq[c]), default: [:]][month(d) - month(acq[c]), default: 0] += tx.amount[i]
            }
        }
        if interactions, let it = ds.interactions {
            for i in 0..<it.count { add(Int(it.customer[i]), Day((it.timestamp[i] / 86400).rounded(.down))) }
        }
        for c in 0..<acq.count where acq[c] != Day.missing {
            let k = month(acq[c])
            out.size[k, default: 0] += 1
            for a in ages[c] { out.active[k, default: [:]][a, default: 0] += 1 }
            if let last = ages[c].max() { for a in 0...last { out.unbounded[k, default: [:]][a, default: 0] += 1 } }
            for (b, br) in brackets.enumerated() where ages[c].contains(where: { br.lower <= $0 && $0 <= br.upper }) {
                out.brackets[k, default: [:]][b, default: 0] += 1
            }
        }
        return out
    }

    static func cohortMonth(_ row: CohortRow) -> Int { month(DateParser.day(from: row.start)!) }

    @Test(arguments: [(true, true), (false, true), (true, false)])
    func eventRetentionMatchesTheRows(_ c: (Bool, Bool)) throws {
        let ds = try Self.data.get()
        let brackets = AgeBracket.parseList("0,1-3,4-7")!
        var o = CohortOptions()
        o.period = .month; o.brackets = brackets
        o.activity = (c.0 ? [.transactions] : []) + (c.1 ? [.interactions] : [])
        let r = try CohortAnalysis.run(ds, options: o)
        let want = Self.direct(ds, purchases: c.0, interactions: c.1, brackets: brackets)
        let g = try #require(r.groups.first)
        #expect(r.settings.activity == o.activity.map(\.rawValue))
        var checked = 0
        var avgN = [Int: Int](), avgS = [Int: Int]()
        for row in g.cohorts {
            let k = Self.cohortMonth(row)
            #expect(row.size == want.size[k], "\(row.cohort) size")
            for cell in row.cells {
                #expect(cell.customers == want.active[k]?[cell.age] ?? 0, "\(row.cohort) age \(cell.age) active")
                #expect(cell.unboundedCustomers == want.unbounded[k]?[cell.age] ?? 0, "\(row.cohort) age \(cell.age) unbounded")
                #expect(abs(cell.revenue - (want.revenue[k]?[cell.age] ?? 0)) < 1e-6, "\(row.cohort) age \(cell.age) revenue (purchases)")
                if cell.status == .complete {
                    avgN[cell.age, default: 0] += cell.customers; avgS[cell.age, default: 0] += row.size
                }
                checked += 1
            }
        }
        #expect(checked > 300)
        for a in g.average { #expect(a.retention == Double(avgN[a.age]!) / Double(avgS[a.age]!)) }
        for row in try #require(g.brackets) {
            let k = Self.month(DateParser.day(from: g.cohorts.first { $0.cohort == row.cohort }!.start)!)
            for (b, cell) in row.cells.enumerated() { #expect(cell.customers == want.brackets[k]?[b] ?? 0, "\(row.cohort) bracket \(cell.bracket)") }
        }
    }

    @Test func cumulativeValueCACPaybackAndBracketAverages() throws {
        let ds = try Self.data.get()
        let brackets = AgeBracket.parseList("0,1-2,3-5")!
        var o = CohortOptions()
        o.period = .month; o.brackets = brackets; o.grossMargin = 0.4
        let r = try CohortAnalysis.run(ds, options: o)
        let want = Self.direct(ds, purchases: true, interactions: false, brackets: brackets)
        let g = try #require(r.groups.first)
        // per cohort: cumulative revenue and margin per acquired customer
        var sumCum = [Int: Double](), sumSize = [Int: Int]()
        for row in g.cohorts {
            let k = Self.cohortMonth(row)
            var cum = 0.0
            for cell in row.cells {
                cum += want.revenue[k]?[cell.age] ?? 0
                let per = cum / Double(row.size)
                #expect(abs(cell.cumulativeRevenuePerCustomer - per) <= 1e-9 * max(1, abs(per)), "\(row.cohort) age \(cell.age)")
                #expect(abs((cell.cumulativeMarginPerCustomer ?? .nan) - 0.4 * per) <= 1e-9 * max(1, abs(per)))
                if cell.status == .complete { sumCum[cell.age, default: 0] += cum; sumSize[cell.age, default: 0] += row.size }
            }
        }
        // the LTV curve: size-weighted over the cohorts that have completely reached each age
        for a in g.average {
            let v = sumCum[a.age]! / Double(sumSize[a.age]!)
            #expect(abs((a.cumulativeRevenuePerCustomer ?? .nan) - v) <= 1e-9 * max(1, v), "average age \(a.age)")
            #expect(abs((a.cumulativeMarginPerCustomer ?? .nan) - 0.4 * v) <= 1e-9 * max(1, v))
        }
        // CAC: marketing spend booked in each cohort month / its size (the generator's spend is the
        // acquisition costs of the month's customers, so it equals the mean acquisition_cost too)
        let ms = try #require(ds.marketingSpend)
        var spend = [Int: Double]()
        for i in 0..<ms.count where ms.day[i] <= ds.asOf { spend[Self.month(ms.day[i]), default: 0] += ms.amount[i] }
        var totalSpend = 0.0, totalSize = 0
        for row in g.cohorts {
            let k = Self.cohortMonth(row)
            let cac = (spend[k] ?? 0) / Double(row.size)
            #expect(abs((row.acquisitionCost ?? .nan) - cac) <= 1e-9 * max(1, cac), "\(row.cohort) CAC")
            totalSpend += spend[k] ?? 0; totalSize += row.size
        }
        let cac = totalSpend / Double(totalSize)
        #expect(abs((g.acquisitionCost ?? .nan) - cac) <= 1e-9 * cac)
        let payback = g.average.first { ($0.cumulativeMarginPerCustomer ?? 0) >= cac }?.age
        #expect(g.paybackAge == payback)
        // bracket averages: Σ customers / Σ size over the cohorts whose bracket is complete
        let ba = try #require(g.bracketAverage)
        for (b, cell) in ba.enumerated() {
            var n = 0, s = 0
            for row in try #require(g.brackets) where row.cells.count > b && row.cells[b].status == .complete {
                n += row.cells[b].customers; s += row.size
            }
            #expect(cell.customers == n && cell.size == s && cell.retention == Double(n) / Double(s), "bracket \(cell.bracket)")
        }
        // without marketing spend the CAC is the mean acquisition_cost of the cohort's customers
        var noSpend = ds
        noSpend.marketingSpend = nil
        let r2 = try CohortAnalysis.run(noSpend, options: o)
        let t = try #require(ds.customerTable), ac = try #require(t.acquisitionCost)
        var costBy = [Int: (Double, Int)]()
        for i in 0..<t.count where ac[i].isFinite && t.signupDay![i] <= ds.asOf {
            let k = Self.month(t.signupDay![i]); let v = costBy[k] ?? (0, 0); costBy[k] = (v.0 + ac[i], v.1 + 1)
        }
        for row in try #require(r2.groups.first).cohorts {
            let v = costBy[Self.cohortMonth(row)]!
            #expect(abs((row.acquisitionCost ?? .nan) - v.0 / Double(v.1)) <= 1e-9 * v.0)
        }
        #expect(r2.groups.first?.acquisitionCostSource == "mean customers.csv acquisition_cost")
    }
}
