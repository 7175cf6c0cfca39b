import TenureData
import TenureNumerics

// Event-based retention (`--activity`) and the acquisition cost of the value curve, on the CSV path.

extension Engine {
    /// The rows of `o.activity` as transactions: customer, UTC day (interactions by their timestamp),
    /// amount 0. Purchases keep their rows.
    func activityRows() throws -> Transactions {
        var t = Transactions()
        if o.activity.contains(.transactions) {
            t.customer = ds.transactions.customer; t.day = ds.transactions.day
        }
        if o.activity.contains(.interactions) {
            try ds.require(.interactions, for: "cohorts --activity interactions (retention from any event)")
            let it = ds.interactions!
            t.customer.append(contentsOf: it.customer)
            t.day.append(contentsOf: it.timestamp.map { $0.isFinite ? Day(($0 / 86400).rounded(.down)) : Day.missing })
        }
        t.amount = [Double](repeating: 0, count: t.customer.count)
        return t
    }

    /// `st` with its activity counts (customers, unbounded customers, brackets) taken from the rows
    /// of `o.activity` instead of the purchases, for the same customers, cohorts and ages.
    func withActivity(_ st: CohortStatistics) throws -> CohortStatistics {
        var events = ds
        events.transactions = try activityRows()
        let e = Engine(events, o)
        e.acquired = acq; e.grouping = group; e.halvesFrom = halvesFrom
        let ev: CohortStatistics
        do { ev = try e.reduce().0 } catch let error as DataError where error.kind == .other || error.kind == .emptyFile {
            throw DataError(.other, file: ds.source, expected: "rows of \(o.activity.map(\.rawValue).joined(separator: ", ")) on or before the end of observation \(Civil.iso(asOf))")
        }
        precondition(ev.firstCohort == st.firstCohort && ev.cohorts == st.cohorts && ev.ages == st.ages, "activity layout differs")
        var out = st
        out.customers = ev.customers; out.unbounded = ev.unbounded; out.brackets = ev.brackets
        let tables = o.activity.map { $0 == .transactions ? "a purchase" : "an interaction" }.joined(separator: " or ")
        out.notes.append("Active means \(tables) in the period (--activity \(o.activity.map(\.rawValue).joined(separator: ","))); revenue and orders are purchases.")
        if o.activity.contains(.interactions) {
            let before = ev.rowsBeforeAcquisition - (o.activity.contains(.transactions) ? st.rowsBeforeAcquisition : 0)
            if before > 0 { out.notes.append("\(before) interaction(s) dated before their customer's acquisition were left out.") }
        }
        return out
    }

    /// The acquisition cost per customer of each cohort and group, and the payback age of each
    /// group's value curve (`CohortGroup.acquisitionCost`, `paybackAge`): marketing spend booked in
    /// the cohort's period / the cohort's size when marketing_spend.csv exists and the breakdown is
    /// none or `channel` (the KPI `cac`'s rule), else the mean customers.csv acquisition_cost of the
    /// cohort's customers that have one.
    func addAcquisitionCost(_ r: inout CohortResult) {
        let n = ds.customers.count
        guard !acq.isEmpty, key.count == n else { return }
        let keys = group.levels.count * slots
        var cost = [Double](repeating: 0, count: keys), count = [Double](repeating: 0, count: keys)
        var source: String?
        if let ms = ds.marketingSpend, ms.count > 0, o.by == nil || o.by == "channel" {
            var size = [Double](repeating: 0, count: keys)
            for c in 0..<n where key[c] >= 0 { size[Int(key[c])] += 1 }
            let levelOfChannel = ms.channel.levels.map { name in group.levels.firstIndex(of: name) ?? -1 }
            for i in 0..<ms.count where ms.day[i] != Day.missing && ms.day[i] <= asOf {
                let slot = Int(cal.index(of: ms.day[i]) - pMin)
                guard slot >= 0, slot < slots else { continue }
                let g = o.by == nil ? 0 : (ms.channel.codes[i] >= 0 ? levelOfChannel[Int(ms.channel.codes[i])] : -1)
                guard g >= 0 else { continue }
                cost[g * slots + slot] += ms.amount[i]
            }
            count = size
            source = "marketing spend in the cohort's \(cal.rawValue) / customers acquired"
        } else if let t = ds.customerTable, let ac = t.acquisitionCost {
            for r in 0..<t.count where ac[r].isFinite {
                let k = key[Int(t.customer[r])]
                guard k >= 0 else { continue }
                cost[Int(k)] += ac[r]; count[Int(k)] += 1
            }
            source = "mean customers.csv acquisition_cost"
        }
        guard let source else { return }
        for gi in r.groups.indices {
            guard let name = r.groups[gi].name ?? (group.levels.count == 1 ? group.levels[0] : nil),
                  let g = group.levels.firstIndex(of: name) else { continue }
            var total = 0.0, customers = 0.0
            for ri in r.groups[gi].cohorts.indices {
                let row = r.groups[gi].cohorts[ri]
                let slot = Int(cal.index(of: DateParser.day(from: row.start) ?? 0) - pMin)
                guard slot >= 0, slot < slots else { continue }
                let k = g * slots + slot
                if count[k] > 0 { r.groups[gi].cohorts[ri].acquisitionCost = cost[k] / count[k] }
                total += cost[k]; customers += count[k]
            }
            guard customers > 0 else { continue }
            let cac = total / customers
            r.groups[gi].acquisitionCost = cac
            r.groups[gi].acquisitionCostSource = source
            r.groups[gi].paybackAge = r.groups[gi].average.first { cell in
                guard let v = cell.cumulativeMarginPerCustomer ?? cell.cumulativeRevenuePerCustomer else { return false }
                return v >= cac
            }?.age
        }
    }
}
