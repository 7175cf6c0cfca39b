import Foundation

/// One set of realised inputs of a scenario: effect sizes, costs, and a parameter perturbation.
public struct ScenarioDraw: Sendable, Equatable {
    public var churnReduction = 0.0, frequencyLift = 0.0, orderValueLift = 0.0, conversionLift = 0.0
    public var newCustomers = 0.0, newCustomerCAC = 0.0
    public var fixedCost = 0.0, perCustomerCost = 0.0, perPeriodCost = 0.0
    /// θ − θ̂ for the baseline's parameters (empty = the fitted values).
    public var delta: [Double] = []

    public init() {}

    /// Every input at its center value, parameters at their estimates.
    public init(center s: ScenarioFile.Scenario) {
        churnReduction = s.effects.churnReduction.center; frequencyLift = s.effects.frequencyLift.center
        orderValueLift = s.effects.orderValueLift.center; conversionLift = s.effects.conversionLift.center
        newCustomers = s.effects.newCustomers.center; newCustomerCAC = s.effects.newCustomerCAC.center
        fixedCost = s.cost.fixed.center; perCustomerCost = s.cost.perCustomer.center; perPeriodCost = s.cost.perPeriod.center
    }

    /// Effects multiplied by `k` (costs unchanged): the break-even search moves along this line.
    func scalingEffects(_ k: Double) -> ScenarioDraw {
        var d = self
        d.churnReduction = min(churnReduction * k, 0.999); d.frequencyLift *= k; d.orderValueLift *= k
        d.conversionLift *= k; d.newCustomers *= k
        return d
    }
}

/// The incremental outcome of a scenario against its baseline, over the horizon.
///
/// Cash-flow timing (SPEC §3): costs at the start of each month, margins at its end, unless the
/// scenario file says otherwise; discounting monthly at (1 + annual rate)^(1/12) − 1.
/// `roi` = NPV / present value of costs, so a scenario with no effect has ROI = −1 exactly.
public struct ScenarioOutcome: Sendable, Codable, Equatable {
    public var incrementalPurchases: Double
    public var incrementalRevenue: Double
    public var incrementalMargin: Double
    /// Extra customers alive (transactional) or subscribed at the end of the horizon, plus the new customers acquired.
    public var incrementalRetained: Double
    public var newCustomers: Double
    public var cost: Double
    public var presentValueMargin: Double
    public var presentValueCost: Double
    public var netGain: Double
    public var npv: Double
    public var roi: Double
    /// First month at whose end the cumulative discounted net cash flow is ≥ 0; nil = not within the horizon.
    public var paybackMonths: Int?
    /// Per month: incremental revenue, margin and cost (undiscounted).
    public var monthlyRevenue: [Double]
    public var monthlyMargin: [Double]
    public var monthlyCost: [Double]

    enum CodingKeys: String, CodingKey {
        case incrementalPurchases = "incremental_purchases", incrementalRevenue = "incremental_revenue",
             incrementalMargin = "incremental_margin", incrementalRetained = "incremental_retained",
             newCustomers = "new_customers", cost, presentValueMargin = "pv_margin", presentValueCost = "pv_cost",
             netGain = "net_gain", npv, roi, paybackMonths = "payback_months", monthlyRevenue = "monthly_revenue",
             monthlyMargin = "monthly_margin", monthlyCost = "monthly_cost"
    }
}

public enum Projection {
    /// Evaluates one draw of a scenario against a baseline. Pure and allocation-light: the Monte
    /// Carlo calls it once per simulation with `keepMonthly: false`.
    public static func evaluate(_ s: ScenarioFile.Scenario, timing: (cost: ScenarioFile.Timing, margin: ScenarioFile.Timing),
                                baseline b: Baseline, draw d: ScenarioDraw, keepMonthly: Bool = true) -> ScenarioOutcome {
        let h = s.horizonMonths
        let c = d.churnReduction, scale = (1 + d.frequencyLift) * (1 - c)
        let monthlyRate = pow(1 + s.discountRate, 1.0 / 12) - 1
        let lnDiscount = -log1p(monthlyRate)
        @inline(__always) func pv(_ x: Double, at month: Int) -> Double { x * exp(lnDiscount * Double(month)) }

        var monthlyRevenue = keepMonthly ? [Double](repeating: 0, count: h) : []
        var monthlyMargin = keepMonthly ? [Double](repeating: 0, count: h) : []
        var monthlyCost = keepMonthly ? [Double](repeating: 0, count: h) : []
        var totalPurchases = 0.0, totalRevenue = 0.0, totalCost = 0.0, pvMargin = 0.0, pvCost = 0.0
        var cumulative = 0.0
        var payback: Int?

        // Transactional customers: effect curves are time-rescaled baseline curves, read from the
        // baseline moved by this draw's parameters.
        let reach = Double(h) * max(1, scale)
        let P = b.shifted(.purchases, delta: d.delta, through: reach)
        let S = b.shifted(.spend, delta: d.delta, through: reach)
        let N = b.shifted(.newCustomer, delta: d.delta, through: Double(h))
        var prevBaseP = 0.0, prevEffP = 0.0, prevBaseS = 0.0, prevEffS = 0.0
        let startBaseP = b.read(P, at: 0)
        let startBaseS = b.read(S, at: 0)
        prevBaseP = startBaseP; prevEffP = startBaseP / (1 - c)
        prevBaseS = startBaseS; prevEffS = (1 + d.orderValueLift) * startBaseS / (1 - c)

        // Subscriptions: the sBG parameters of this draw.
        let book = b.subscriptions
        var alpha = book?.alpha ?? 0, beta = book?.beta ?? 0
        if let book, !d.delta.isEmpty {
            if let i = book.alphaIndex, i < d.delta.count { alpha = max(alpha + d.delta[i], 1e-6) }
            if let i = book.betaIndex, i < d.delta.count { beta = max(beta + d.delta[i], 1e-6) }
        }
        // A subscription of tenure τ survives the next k renewals with probability S(τ + k)/S(τ), where
        // S(n) = Π_{m ≤ n} (1 − h(m)) and h(m) = α/(α+β+m−1) is the sBG hazard; under the effect the
        // hazard is (1 − c)·h(m). One recursion over n serves every tenure group.
        var subscriptionRevenue: [Double] = [], subscriptionRetained = 0.0
        if let book {
            let top = (book.tenures.max() ?? 0) + h
            var sBase = [Double](repeating: 1, count: top + 1), sEff = sBase
            for n in 1...top {
                let hz = alpha / (alpha + beta + Double(n) - 1)
                sBase[n] = sBase[n - 1] * (1 - hz)
                sEff[n] = sEff[n - 1] * (1 - (1 - c) * hz)
            }
            subscriptionRevenue = [Double](repeating: 0, count: h + 1)
            for g in 0..<book.tenures.count {
                let tau = book.tenures[g]
                let wBase = book.mrr[g] / sBase[tau], wEff = book.mrr[g] / sEff[tau]
                for k in 1...h { subscriptionRevenue[k] += wEff * sEff[tau + k] - wBase * sBase[tau + k] }
                subscriptionRetained += book.count[g] * (sEff[tau + h] / sEff[tau] - sBase[tau + h] / sBase[tau])
            }
        }

        // New customers: n per month, acquired at the start of each month.
        let newPerMonth = b.newPerMonth * d.conversionLift + d.newCustomers / Double(h)

        for k in 1...h {
            let t = Double(k)
            // transactional
            let baseP = b.read(P, at: t)
            let effP = b.read(P, at: scale * t) / (1 - c)
            let baseS = b.read(S, at: t)
            let effS = (1 + d.orderValueLift) * b.read(S, at: scale * t) / (1 - c)
            var purchases = (effP - prevEffP) - (baseP - prevBaseP)
            var revenue = (effS - prevEffS) - (baseS - prevBaseS)
            prevBaseP = baseP; prevEffP = effP; prevBaseS = baseS; prevEffS = effS

            // subscriptions renew at the end of each month
            if !subscriptionRevenue.isEmpty { revenue += subscriptionRevenue[k] }

            // new customers acquired at the start of months 1...k: first order in their first month, then
            // the BG/NBD curve; the cohort of month j adds N(k − j + 1) − N(k − j) repeat orders in month k,
            // which sums over j to N(k) − N(0).
            if newPerMonth > 0 {
                let repeatOrders = b.read(N, at: t) - b.read(N, at: 0)
                let orders = newPerMonth * (1 + repeatOrders)
                purchases += orders
                revenue += orders * b.meanSpend
            }

            var cost = d.perPeriodCost + newPerMonth * d.newCustomerCAC
            if k == 1 { cost += d.fixedCost + d.perCustomerCost * Double(b.customers) }
            let margin = s.grossMargin * revenue

            let pvm = pv(margin, at: timing.margin == .end ? k : k - 1)
            let pvc = pv(cost, at: timing.cost == .start ? k - 1 : k)
            totalPurchases += purchases; totalRevenue += revenue; totalCost += cost
            pvMargin += pvm; pvCost += pvc
            cumulative += pvm - pvc
            if payback == nil && cumulative >= 0 && (pvMargin > 0) { payback = k }
            if keepMonthly { monthlyRevenue[k - 1] = revenue; monthlyMargin[k - 1] = margin; monthlyCost[k - 1] = cost }
        }

        let ht = Double(h)
        // Retained customers: a churn reduction c keeps a share c of the customers who would become
        // inactive over the horizon (alive now − alive at the horizon, BG/NBD). A frequency lift does not
        // change who stays: under BG/NBD drop-out happens at purchases, so speeding up the whole process
        // (the time scale above, right for purchases) would lose customers to the lift; it is not applied
        // to P(alive).
        let A = b.shifted(.alive, delta: d.delta, through: ht)
        var retained = c * max(0, b.read(A, at: 0) - b.read(A, at: ht))
        retained += subscriptionRetained
        let newTotal = newPerMonth * ht
        let npv = pvMargin - pvCost
        return ScenarioOutcome(
            incrementalPurchases: totalPurchases, incrementalRevenue: totalRevenue,
            incrementalMargin: s.grossMargin * totalRevenue, incrementalRetained: retained + newTotal,
            newCustomers: newTotal, cost: totalCost, presentValueMargin: pvMargin, presentValueCost: pvCost,
            netGain: s.grossMargin * totalRevenue - totalCost, npv: npv,
            roi: pvCost > 0 ? npv / pvCost : (npv > 0 ? .infinity : 0),
            paybackMonths: payback, monthlyRevenue: monthlyRevenue, monthlyMargin: monthlyMargin, monthlyCost: monthlyCost)
    }
}
