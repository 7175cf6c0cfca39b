import Foundation
import TenureData
import TenureLifetime

/// The value KPIs that look past the window: the model-based CLV, the subscription CLV and CAC payback.
///
/// Contract (each value is in the same currency as the amounts, times `--gross-margin`, 1 when not given):
/// - `clv`: the mean over a group's customers of the BG/NBD + Gamma-Gamma CLV that `tenure clv` computes
///   with the same settings (calibration on all purchases up to the end of observation, weeks,
///   `KPIOptions.clvHorizonDays`, `annualDiscountRate`), times the gross margin. Customers without a
///   purchase have no CLV and are not averaged. Per calendar period it is unavailable (it is a forecast
///   per customer, not a quantity of a period).
/// - `clv_subscription`: ARPA × margin / monthly subscription churn, where ARPA is the mean MRR per
///   paying subscriber at the start of each period (subscriptions.csv `mrr`) and the churn is
///   `churn_rate` turned into a monthly rate. Revenue and churn of one base: the subscribers.
/// - `cac_payback_months`: the smallest k ≥ 1 such that the cumulative gross margin per acquired
///   customer over ages 0 … k−1 (calendar months since acquisition, the group's cohorts acquired in the
///   window that have completely observed age k−1, months without purchases counting as zero) reaches
///   the group's CAC. Unavailable, with the margin reached, when no observed k does.
enum LifetimeValue {
    /// Per-customer model CLV × margin (`nan` when a customer has none), or why there is none.
    static func modelCLV(_ cx: Context) -> (clv: [Double], why: String?) {
        let n = cx.ds.customers.count
        guard cx.ds.hasTransactions, cx.ds.transactions.count > 0 else { return ([], "needs transactions.csv") }
        var o = LifetimeOptions()
        o.rfm = RFMOptions(timeUnit: .week, calibrationEnd: nil, observationEnd: cx.ds.asOf)
        o.horizonDays = cx.opt.clvHorizonDays
        o.annualDiscountRate = cx.opt.annualDiscountRate
        o.uncertainty.draws = 0   // the KPI is the point estimate
        do {
            let out = try LifetimeAnalysis.run(dataset: cx.ds, options: o)
            guard let v = out.scores.clv else { return ([], "no spend model could be fitted") }
            var clv = [Double](repeating: .nan, count: n)
            let margin = cx.opt.grossMargin ?? 1
            for (k, c) in out.summary.customer.enumerated() { clv[Int(c)] = v[k] * margin }
            return (clv, nil)
        } catch {
            return ([], "the CLV model could not be fitted: \(error)")
        }
    }

    /// Cumulative revenue per acquired customer by month of age, per customer group (0 overall,
    /// 1 + segment, 1 + S + channel): `(revenue[g][k], customers[g][k])` summed over the cohorts that
    /// have completely observed age k (revenue of ages 0 … k).
    struct CohortRevenue {
        var revenue: [[Double]]
        var customers: [[Double]]
    }

    static func cohortRevenue(_ cx: Context) -> CohortRevenue {
        let L = cx.L, CG = 1 + L.S + L.C
        let asOf = cx.ds.asOf
        func month(_ d: Day) -> Int { let c = Civil.date(d); return c.year * 12 + c.month - 1 }
        // The last month whose every day is observed.
        let lastComplete = month(asOf + 1) - 1
        let tx = cx.ds.transactions, byC = cx.txByCustomer
        // Cohort (acquisition month) × age revenue and sizes, per group.
        var sizes: [[Int: Double]] = Array(repeating: [:], count: CG)
        var rev: [[Int: [Double]]] = Array(repeating: [:], count: CG)
        for c in 0..<cx.acq.count {
            let a = cx.acq[c]
            guard a != .max, cx.axis.index(a) >= 0 else { continue }
            let m0 = month(a)
            guard m0 <= lastComplete else { continue }
            let width = lastComplete - m0 + 1
            let gs = Retention.groups(cx, c)
            each3(gs) { g in
                sizes[g][m0, default: 0] += 1
                if rev[g][m0] == nil { rev[g][m0] = [Double](repeating: 0, count: width) }
            }
            for i in byC.offsets[c]..<byC.offsets[c + 1] {
                let r = Int(byC.rows[i])
                let d = tx.day[r], x = tx.amount[r]
                guard d != Day.missing, d >= a, d <= asOf, x.isFinite else { continue }
                let age = month(d) - m0
                guard age < width else { continue }
                each3(gs) { g in rev[g][m0]![age] += x }
            }
        }
        var out = CohortRevenue(revenue: [], customers: [])
        for g in 0..<CG {
            let maxAge = (sizes[g].keys.min().map { lastComplete - $0 + 1 }) ?? 0
            var cumRev = [Double](repeating: 0, count: maxAge), cust = cumRev
            for (m0, n) in sizes[g] {
                var run = 0.0
                for (age, x) in rev[g][m0]!.enumerated() { run += x; cumRev[age] += run; cust[age] += n }
            }
            out.revenue.append(cumRev); out.customers.append(cust)
        }
        return out
    }

    /// CAC payback in months for customer group `cg` of `cohorts`, or why there is none.
    static func payback(_ cohorts: CohortRevenue, group cg: Int, cac: Double, margin: Double) -> (Double, String?) {
        let rev = cohorts.revenue[cg], n = cohorts.customers[cg]
        var last = Double.nan
        for k in 0..<rev.count where n[k] > 0 {
            last = margin * rev[k] / n[k]
            if last >= cac { return (Double(k + 1), nil) }
        }
        guard last.isFinite else { return (.nan, "no cohort has completed a month of age in the window") }
        return (.nan, "not reached within the data: cumulative gross margin per acquired customer is "
                    + "\(String(format: "%.2f", last)) after \(rev.count) months against a CAC of \(String(format: "%.2f", cac))")
    }
}
