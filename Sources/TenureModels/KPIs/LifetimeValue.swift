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
    /// The model CLV's Σ and count per group (`clv_sum`, `clv_n`; customers with a purchase, credited
    /// to their segment and channel), or why there is none (`clvUnavailable`).
    static func modelCLV(_ cx: Context, _ st: inout KPIStatistics) {
        let (clv, why) = modelCLV(cx)
        st.clvUnavailable = why
        var sum = Acc(cx.L), n = Acc(cx.L)
        for c in 0..<clv.count where clv[c].isFinite {
            sum.add(p: -1, s: cx.seg[c], c: cx.chan[c], clv[c])
            n.add(p: -1, s: cx.seg[c], c: cx.chan[c], 1)
        }
        st.put("clv_sum", sum); st.put("clv_n", n)
    }

    /// Per-customer model CLV × margin (`nan` when a customer has none), or why there is none.
    static func modelCLV(_ cx: Context) -> (clv: [Double], why: String?) {
        let n = cx.ds.customers.count
        guard cx.ds.hasTransactions, cx.ds.transactions.count > 0 else { return ([], "needs transactions.csv") }
        do {
            let out = try LifetimeAnalysis.run(dataset: cx.ds, options: KPIAnalysis.clvOptions(cx.opt, asOf: cx.ds.asOf))
            guard let v = out.scores.clv else { return ([], KPIAnalysis.noSpendModel) }
            var clv = [Double](repeating: .nan, count: n)
            let margin = cx.opt.grossMargin ?? 1
            for (k, c) in out.summary.customer.enumerated() { clv[Int(c)] = v[k] * margin }
            return (clv, nil)
        } catch {
            return ([], KPIAnalysis.clvNotFitted(error))
        }
    }

    /// Cumulative revenue per acquired customer by month of age, per customer group (0 overall,
    /// 1 + segment, 1 + S + channel): `(revenue[g][k], customers[g][k])` summed over the cohorts that
    /// have completely observed age k (revenue of ages 0 … k).
    struct CohortRevenue {
        var revenue: [[Double]]
        var customers: [[Double]]
    }

    /// Month index (year × 12 + month − 1) of a day.
    static func month(_ d: Day) -> Int { let c = Civil.date(d); return c.year * 12 + c.month - 1 }

    /// The customers acquired in the window by acquisition month (`sizes`) and their revenue by
    /// month of age (rows from the acquisition day to as-of, refunds included), per customer group.
    static func cohortCells(_ cx: Context, _ st: inout KPIStatistics) {
        let asOf = cx.ds.asOf
        let tx = cx.ds.transactions, byC = cx.txByCustomer
        for c in 0..<cx.acq.count {
            let a = cx.acq[c]
            guard a != .max, cx.axis.index(a) >= 0 else { continue }
            let m0 = month(a)
            st.addCohortSize(cx.f, cohortMonth: m0, segment: cx.seg[c], channel: cx.chan[c], 1)
            for i in byC.offsets[c]..<byC.offsets[c + 1] {
                let r = Int(byC.rows[i])
                let d = tx.day[r], x = tx.amount[r]
                guard d != Day.missing, d >= a, d <= asOf, x.isFinite else { continue }
                st.addCohortRevenue(cx.f, cohortMonth: m0, age: month(d) - m0, segment: cx.seg[c], channel: cx.chan[c], x)
            }
        }
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

extension KPIAnalysis {
    /// The settings of the `clv` KPI's model: `tenure clv`'s defaults (BG/NBD + Gamma-Gamma in weeks,
    /// calibration on every purchase up to `asOf`) with the KPI options' horizon and discount rate,
    /// point estimates only.
    public static func clvOptions(_ opt: KPIOptions, asOf: Day) -> LifetimeOptions {
        var o = LifetimeOptions()
        o.rfm = RFMOptions(timeUnit: .week, calibrationEnd: nil, observationEnd: asOf)
        o.horizonDays = opt.clvHorizonDays
        o.annualDiscountRate = opt.annualDiscountRate
        o.uncertainty.draws = 0   // the KPI is the point estimate
        return o
    }
    public static let noSpendModel = "no spend model could be fitted"
    public static func clvNotFitted(_ error: Error) -> String { "the CLV model could not be fitted: \(error)" }
}
