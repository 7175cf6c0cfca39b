import Foundation
import Testing
import TenureData
import TenureLifetime
import TenureSynth
@testable import TenureWarehouse

/// `RFMSummary(statistics:)` — what an engine's RFM statistics become — equals the CSV path's
/// `RFMSummary(dataset:)`. The statistics are computed here the plain way (dictionaries, exactly as
/// the SQL states them: customer × period sums, then per customer), independently of both.
@Suite struct RFMStatisticsTests {
    static func statistics(_ ds: Dataset, unit: TimeUnit, cal: Day, obs: Day) -> RFMStatistics {
        struct Cell { var d0 = Day.max; var cents: Int64 = 0; var n: Int64 = 0 }
        var cells: [String: [Int: [Int32: Cell]]] = [:]   // customer → h → period → cell
        let t = ds.transactions
        for i in 0..<t.count where t.day[i] <= obs {
            let id = ds.customers.id(Int(t.customer[i]))
            let h = t.day[i] > cal ? 1 : 0
            let p = unit.period(t.day[i])
            var c = cells[id, default: [:]][h, default: [:]][p, default: Cell()]
            c.d0 = min(c.d0, t.day[i]); c.cents += Int64((t.amount[i] * 100).rounded()); c.n += 1
            cells[id, default: [:]][h, default: [:]][p] = c
        }
        var s = RFMStatistics()
        var firstOf: [String: Int32] = [:]
        for id in cells.keys.sorted() {
            let calC = cells[id]![0] ?? [:], hold = cells[id]![1] ?? [:]
            let fp = calC.keys.min()
            s.ids.append(id); s.firstPeriod.append(fp); s.lastPeriod.append(calC.keys.max() ?? 0)
            s.periods.append(Int32(calC.count)); s.totalCents.append(calC.values.reduce(0) { $0 + $1.cents })
            s.firstPeriodCents.append(fp.map { calC[$0]!.cents } ?? 0); s.firstDay.append(calC.values.map(\.d0).min() ?? 0)
            s.holdoutPeriods.append(Int32(hold.count)); s.holdoutCents.append(hold.values.reduce(0) { $0 + $1.cents })
            s.holdoutRows.append(hold.values.reduce(0) { $0 + $1.n })
            if let fp { firstOf[id] = fp }
        }
        var active: [Int32: Int64] = [:], born: [Int32: Int64] = [:]
        for (id, byH) in cells {
            guard let fp = firstOf[id] else { continue }
            for p in Set(byH.values.flatMap(\.keys)) { active[p, default: 0] += 1; if p == fp { born[p, default: 0] += 1 } }
        }
        for p in active.keys.sorted() { s.activityPeriod.append(p); s.activeCustomers.append(active[p]!); s.newCustomers.append(born[p] ?? 0) }
        return s
    }

    @Test(arguments: [TimeUnit.day, .week, .month], [false, true])
    func summaryFromStatisticsEqualsCSVPath(unit: TimeUnit, holdout: Bool) throws {
        var cfg = SynthConfig(customers: 1_500, seed: 5)
        cfg.initiative = nil
        cfg.tables = [.transactions]
        let ds = try Synth.generate(config: cfg).dataset(orderIds: false)
        let obs = ds.asOf, cal = holdout ? ds.asOf - 200 : ds.asOf
        let options = RFMOptions(timeUnit: unit, calibrationEnd: holdout ? cal : nil, observationEnd: obs)
        let csv = try RFMSummary(dataset: ds, options: options)
        let st = Self.statistics(ds, unit: unit, cal: cal, obs: obs)
        let wh = try RFMSummary(statistics: st, options: options, calibrationEnd: cal, observationEnd: obs, source: "test")
        #expect(wh.count == csv.count)
        #expect(wh.customersFirstSeenInHoldout == csv.customersFirstSeenInHoldout)
        #expect(wh.firstPeriod == csv.firstPeriod)
        #expect(wh.repeatPurchasesByPeriod == csv.repeatPurchasesByPeriod)
        #expect(wh.newCustomersByPeriod == csv.newCustomersByPeriod)
        #expect(wh.durationHoldout == csv.durationHoldout)
        // rows: by id here, by first appearance in the CSV path
        var row: [String: Int] = [:]
        for (i, c) in csv.customer.enumerated() { row[ds.customers.id(Int(c))] = i }
        var mismatches: [String] = []
        for (i, c) in wh.customer.enumerated() {
            let id = st.ids[Int(c)]
            guard let j = row[id] else { mismatches.append("\(id) missing"); continue }
            func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a)) }
            if wh.frequency[i] != csv.frequency[j] || wh.recency[i] != csv.recency[j] || wh.T[i] != csv.T[j]
                || wh.firstDay[i] != csv.firstDay[j] || !close(wh.monetaryValue[i], csv.monetaryValue[j])
                || !close(wh.totalValue[i], csv.totalValue[j]) {
                mismatches.append("\(id): \(wh.frequency[i]) \(wh.recency[i]) \(wh.T[i]) \(wh.monetaryValue[i]) vs \(csv.frequency[j]) \(csv.recency[j]) \(csv.T[j]) \(csv.monetaryValue[j])")
            }
            if holdout && (wh.frequencyHoldout[i] != csv.frequencyHoldout[j] || !close(wh.valueHoldout[i], csv.valueHoldout[j])
                || !close(wh.monetaryValueHoldout[i], csv.monetaryValueHoldout[j])) {
                mismatches.append("\(id) holdout: \(wh.frequencyHoldout[i]) \(wh.valueHoldout[i]) vs \(csv.frequencyHoldout[j]) \(csv.valueHoldout[j])")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(wh.patterns.count == csv.patterns.count)
    }
}
