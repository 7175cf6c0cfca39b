import Foundation
import TenureData

/// Revenue, orders, AOV, frequency, monthly revenue per customer, CLV (model and subscription),
/// CAC, CLV:CAC, payback, ROI, and the transaction-based growth rates (product upsell, cross-sell).
/// The forward-looking value KPIs are defined in `LifetimeValue`.
enum Value {
    /// Per group: Σ amounts (`revenue`) and rows (`rows`) dated up to as-of (before the window: in
    /// the overall, segment and channel groups only); over purchase rows (amount ≥ 0) the orders
    /// (`orders`: each customer's distinct order ids, credited where first seen, plus rows without
    /// one; every row without an order_id column), customers with a purchase (`active`: per period in
    /// it), Σ of the months of the periods they purchased in (`customer_months`), and the customers
    /// with a repeat purchase (`repeat`), a repeat purchase of a category new to them (`cross`), and
    /// of a product priced above every one they bought before (`up`); new customers (`new`) and their
    /// acquisition costs (`acq_cost`, `acq_cost_n`); marketing spend (`spend`); the model CLV
    /// (`LifetimeValue.modelCLV`) and the cohort revenue of CAC payback.
    static func reduce(_ cx: Context, _ st: inout KPIStatistics) {
        let L = cx.L, ax = cx.axis
        let tx = cx.ds.transactions
        let n = cx.ds.customers.count
        let byC = cx.txByCustomer
        var rev = Acc(L), rows = Acc(L), ord = Acc(L), act = Acc(L), cm = Acc(L)
        var rep = Acc(L), cross = Acc(L), up = Acc(L)

        // Product price tiers: mean positive amount per product, in cents (Σ whole cents / rows, so
        // products at the same price tie exactly, as the engine's integer sums do).
        var tier: [Double] = []
        if let prod = tx.product {
            var sum = [Double](repeating: 0, count: prod.levels.count), cnt = sum
            for r in 0..<tx.count {
                let k = prod.codes[r], a = tx.amount[r], d = tx.day[r]
                if k >= 0 && a > 0 && d != Day.missing && d <= ax.asOf { sum[Int(k)] += (a * 100).rounded(); cnt[Int(k)] += 1 }
            }
            tier = zip(sum, cnt).map { $1 > 0 ? $0 / $1 : .nan }
        }
        let prodCodes = tx.product?.codes ?? []
        let catCodes = tx.category?.codes ?? []
        let hasProd = tx.product != nil, hasCat = tx.category != nil
        var catSeen = [Int32](repeating: -1, count: tx.category?.levels.count ?? 0)
        var dayCats: [Int32] = []
        let orderCodes = tx.orderId?.codes ?? []
        var orderSeen = [Int32](repeating: -1, count: tx.orderId?.count ?? 0)   // customer who last saw it
        let hasOrder = tx.orderId != nil
        let months = cx.monthsOfPeriod

        tx.day.withUnsafeBufferPointer { day in tx.amount.withUnsafeBufferPointer { amt in
            for c in 0..<n {
                let s = cx.seg[c], ch = cx.chan[c]
                var lastP = -1, any = false
                var firstDay = Day.missing, curDay = Day.missing
                var maxTierBefore = -Double.infinity, dayMaxTier = -Double.infinity
                var catBefore = false
                var lastRepP = -1, lastCrossP = -1, lastUpP = -1
                var repAny = false, crossAny = false, upAny = false
                dayCats.removeAll(keepingCapacity: true)
                for i in byC.offsets[c]..<byC.offsets[c + 1] {
                    let r = Int(byC.rows[i])
                    let d = day[r], a = amt[r]
                    guard d != Day.missing, d <= ax.asOf, !a.isNaN else { continue }
                    let p = ax.index(d)
                    rev.add(p: p, s: s, c: ch, a)
                    rows.add(p: p, s: s, c: ch, 1)
                    if a < 0 { continue }  // a refund is not a purchase
                    if hasOrder {
                        let o = orderCodes[r]
                        if o < 0 { ord.add(p: p, s: s, c: ch, 1) } else if orderSeen[Int(o)] != Int32(c) {
                            orderSeen[Int(o)] = Int32(c); ord.add(p: p, s: s, c: ch, 1)
                        }
                    } else { ord.add(p: p, s: s, c: ch, 1) }
                    if p != lastP {
                        lastP = p
                        act.v[L.period(p)] += 1
                        cm.add(p: p, s: s, c: ch, months[p])
                    }
                    any = true
                    // growth: day groups
                    if d != curDay {
                        if curDay != Day.missing {
                            maxTierBefore = max(maxTierBefore, dayMaxTier)
                            for k in dayCats { catSeen[Int(k)] = Int32(c); catBefore = true }
                            dayCats.removeAll(keepingCapacity: true)
                        }
                        curDay = d
                        if firstDay == Day.missing { firstDay = d }
                        if d > firstDay {
                            if lastRepP != p { lastRepP = p; rep.v[L.period(p)] += 1 }
                            repAny = true
                        }
                    }
                    let isRepeat = d > firstDay
                    if hasCat {
                        let k = catCodes[r]
                        if k >= 0 {
                            if isRepeat && catBefore && catSeen[Int(k)] != Int32(c) {
                                if lastCrossP != p { lastCrossP = p; cross.v[L.period(p)] += 1 }
                                crossAny = true
                            }
                            dayCats.append(k)
                        }
                    }
                    if hasProd {
                        let k = prodCodes[r]
                        if k >= 0 {
                            let t = tier[Int(k)]
                            if t.isFinite {
                                if isRepeat && maxTierBefore > -Double.infinity && t > maxTierBefore {
                                    if lastUpP != p { lastUpP = p; up.v[L.period(p)] += 1 }
                                    upAny = true
                                }
                                dayMaxTier = max(dayMaxTier, t)
                            }
                        }
                    }
                }
                if any { act.add(p: -1, s: s, c: ch, 1) }
                if repAny { rep.add(p: -1, s: s, c: ch, 1) }
                if crossAny { cross.add(p: -1, s: s, c: ch, 1) }
                if upAny { up.add(p: -1, s: s, c: ch, 1) }
            }
        } }

        // New customers (acquisition day in the window) and acquisition cost.
        var newC = Acc(L), acqCost = Acc(L), acqCostN = Acc(L)
        let costCol: [Double]? = cx.ds.customerTable?.acquisitionCost.map { col in
            var out = [Double](repeating: .nan, count: n)
            for i in 0..<col.count { out[Int(cx.ds.customerTable!.customer[i])] = col[i] }
            return out
        }
        for c in 0..<n {
            let p = ax.index(cx.acq[c])
            guard p >= 0 else { continue }
            newC.add(p: p, s: cx.seg[c], c: cx.chan[c], 1)
            if let costCol, costCol[c].isFinite {
                acqCost.add(p: p, s: cx.seg[c], c: cx.chan[c], costCol[c])
                acqCostN.add(p: p, s: cx.seg[c], c: cx.chan[c], 1)
            }
        }
        var spend = Acc(L)
        if let ms = cx.ds.marketingSpend {
            let codes = cx.channelCodes(ms.channel)
            for r in 0..<ms.count where ms.amount[r].isFinite {
                let p = ax.index(ms.day[r])
                guard p >= 0 else { continue }
                spend.add(p: p, s: -1, c: codes[r], ms.amount[r])
            }
        }

        for (name, acc) in [("revenue", rev), ("rows", rows), ("orders", ord), ("active", act), ("customer_months", cm),
                            ("repeat", rep), ("cross", cross), ("up", up), ("new", newC), ("acq_cost", acqCost),
                            ("acq_cost_n", acqCostN), ("spend", spend)] { st.put(name, acc) }
        if hasProd { st.flags.insert("product") }
        if hasCat { st.flags.insert("category") }
        if costCol != nil { st.flags.insert("acquisition_cost") }
        if cx.ds.marketingSpend != nil { st.tables.insert("marketing_spend") }
        if cx.ds.hasTransactions { st.tables.insert("transactions") }
        LifetimeValue.modelCLV(cx, &st)
        LifetimeValue.cohortCells(cx, &st)
    }

    static func fill(_ f: KPIFrame, _ st: KPIStatistics, _ b: inout Board, subscribers: SubscriptionBase?) {
        let L = f.L
        let margin = f.opt.grossMargin ?? 1
        let hasProd = st.flags.contains("product"), hasCat = st.flags.contains("category")
        let hasTx = st.tables.contains("transactions"), hasSpend = st.tables.contains("marketing_spend")
        let hasCost = st.flags.contains("acquisition_cost")
        func v(_ name: String) -> [Double] { st.sums[name] ?? [Double](repeating: 0, count: L.G) }
        let rev = v("revenue"), rows = v("rows"), ord = v("orders"), act = v("active"), cm = v("customer_months")
        let rep = v("repeat"), cross = v("cross"), up = v("up"), newC = v("new"), acqCost = v("acq_cost"), acqCostN = v("acq_cost_n")
        let spend = v("spend"), clvSum = v("clv_sum"), clvN = v("clv_n")
        let modelWhy = st.clvUnavailable
        let cohorts = st.cohorts?.cumulative()
        for g in 0..<L.G {
            let isSeg = g >= 1 + L.P && g < 1 + L.P + L.S
            let isPeriod = g >= 1 && g < 1 + L.P
            /// The customer group of `LifetimeValue.cohortRevenue` (nil for periods).
            let cg: Int? = g == 0 ? 0 : isPeriod ? nil : g - L.P
            let noTx = hasTx ? "no purchases in this group" : "needs transactions.csv"
            let noRows = hasTx ? "no transactions in this group" : "needs transactions.csv"
            let none = rows[g] == 0 ? Double.nan : 0  // a group without transactions has no revenue, not zero
            b.set(g, "revenue", rev[g] + none, why: noRows)
            b.set(g, "orders", ord[g] + none, why: noRows)
            b.set(g, "active_customers", act[g] + none, why: noRows)
            b.set(g, "new_customers", newC[g], why: "no customers")
            let aov = ord[g] > 0 ? rev[g] / ord[g] : .nan
            b.set(g, "aov", aov, n: Int(ord[g]), why: hasTx ? "no orders in this group" : noTx)
            b.set(g, "purchase_frequency", act[g] > 0 ? ord[g] / act[g] : .nan, n: Int(act[g]), why: noTx)
            let arpc = cm[g] > 0 ? rev[g] / cm[g] : .nan
            b.set(g, "monthly_revenue_per_customer", arpc, n: Int(act[g]), why: noTx)
            b.share(g, "upsell_rate_product", up[g], rep[g], z: f.z, minSample: f.opt.minSample,
                    why: hasProd ? "no repeat purchasers in this group" : hasTx ? "needs a product column in transactions.csv" : noTx)
            b.share(g, "cross_sell_rate", cross[g], rep[g], z: f.z, minSample: f.opt.minSample,
                    why: hasCat ? "no repeat purchasers in this group" : hasTx ? "needs a category column in transactions.csv" : noTx)
            if !hasProd { b[g, "upsell_rate_product"] = .missing("upsell_rate_product", hasTx ? "needs a product column in transactions.csv" : noTx) }
            if !hasCat { b[g, "cross_sell_rate"] = .missing("cross_sell_rate", hasTx ? "needs a category column in transactions.csv" : noTx) }

            // CLV: the model's, and the subscription formula on its own base
            if isPeriod {
                b[g, "clv"] = .missing("clv", "a forecast per customer, not a quantity of a period: see the overall and segment values")
            } else if let modelWhy {
                b[g, "clv"] = .missing("clv", modelWhy)
            } else {
                b.set(g, "clv", clvN[g] > 0 ? clvSum[g] / clvN[g] : .nan, n: Int(clvN[g]), why: "no purchasing customer in this group")
            }
            if let sb = subscribers, let arpa = sb.arpa {
                let c = sb.churn[g]
                var v = Double.nan, why = "no paying subscriber at the start of a period in this group"
                if !c.isFinite || !arpa[g].isFinite {
                } else if c <= 0 {
                    why = "no subscription churn observed in this group: lifetime unbounded"
                } else {
                    let monthly = 1 - Foundation.pow(1 - c, Civil.daysPerMonth / sb.periodDays[g])
                    v = arpa[g] * margin / monthly
                }
                b.set(g, "clv_subscription", v, why: why)
            } else {
                b[g, "clv_subscription"] = .missing("clv_subscription", subscribers == nil ? "needs subscriptions.csv" : "needs an mrr column in subscriptions.csv")
            }
            let clv = b[g, "clv"]?.value ?? .nan
            let clvWhy = b[g, "clv"]?.unavailable ?? ""

            // CAC
            var cac = Double.nan
            var cacWhy = ""
            if hasSpend && !isSeg {
                cac = newC[g] > 0 ? spend[g] / newC[g] : .nan
                cacWhy = "no new customers in this group"
            } else if hasCost {
                cac = acqCostN[g] > 0 ? acqCost[g] / acqCostN[g] : .nan
                cacWhy = "no new customers with an acquisition_cost in this group"
            } else {
                cacWhy = hasSpend ? "marketing spend is not broken down by segment (give customers.acquisition_cost)"
                                                     : "needs marketing_spend.csv or an acquisition_cost column in customers.csv"
            }
            b.set(g, "cac", cac, n: Int(newC[g]), why: cacWhy)
            if cac.isFinite && cac > 0 {
                b.set(g, "clv_cac_ratio", clv / cac, why: clvWhy)
                if let cg, let cohorts {
                    let (months, why) = LifetimeValue.payback(cohorts, group: cg, cac: cac, margin: margin)
                    b.set(g, "cac_payback_months", months, why: why ?? noTx)
                } else {
                    b[g, "cac_payback_months"] = .missing("cac_payback_months", "payback follows cohorts over later months: see the overall, segment and channel values")
                }
            } else {
                let why = cac.isFinite ? "CAC is zero" : cacWhy
                b[g, "clv_cac_ratio"] = .missing("clv_cac_ratio", why)
                b[g, "cac_payback_months"] = .missing("cac_payback_months", why)
            }

            // ROI
            if f.opt.grossMargin == nil {
                b[g, "roi"] = .missing("roi", "needs --gross-margin")
            } else if !hasSpend {
                b[g, "roi"] = .missing("roi", "needs marketing_spend.csv")
            } else if isSeg {
                b[g, "roi"] = .missing("roi", "marketing spend is not broken down by segment")
            } else {
                b.set(g, "roi", spend[g] > 0 ? (rev[g] * margin - spend[g]) / spend[g] : .nan, why: "no marketing spend in this group")
            }
        }
    }
}
