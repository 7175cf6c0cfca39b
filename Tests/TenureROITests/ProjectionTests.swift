import Foundation
import Testing
import TenureNumerics
@testable import TenureROI

/// Closed-form checks of the scenario arithmetic on baselines whose curves are known functions.
@Suite struct ProjectionTests {
    /// A baseline on a 0.25-month grid out to 100 months whose curves are the given functions.
    static func baseline(purchases: (Double) -> Double, spend: (Double) -> Double,
                         alive: (Double) -> Double = { _ in 100 }, newCustomer: (Double) -> Double = { _ in 0 },
                         customers: Int = 100, step: Double = 0.25) -> Baseline {
        let grid = (0...Int((100 / step).rounded())).map { Double($0) * step }
        return Baseline(step: step,
                        curves: .init(purchases: grid.map(purchases), spend: grid.map(spend), alive: grid.map(alive),
                                      newCustomer: grid.map(newCustomer)),
                        meanSpend: 50, customers: customers, aliveNow: 100, newPerMonth: 10)
    }

    static func scenario(_ effects: ScenarioFile.Effects = .init(), cost: ScenarioFile.Costs = .init(),
                         horizon: Int = 12, rate: Double = 0.12, margin: Double = 0.5) -> ScenarioFile.Scenario {
        .init(name: "s", segment: nil, horizonMonths: horizon, discountRate: rate, grossMargin: margin, cost: cost, effects: effects)
    }

    static let timing: (cost: ScenarioFile.Timing, margin: ScenarioFile.Timing) = (.start, .end)

    @Test func noEffectLosesExactlyItsCost() {
        let b = Self.baseline(purchases: { 2 * $0 }, spend: { 100 * (1 - exp(-$0 / 10)) })
        var cost = ScenarioFile.Costs()
        cost.fixed = .point(5000); cost.perCustomer = .point(2); cost.perPeriod = .point(100)
        let s = Self.scenario(cost: cost)
        let o = Projection.evaluate(s, timing: Self.timing, baseline: b, draw: ScenarioDraw(center: s))
        #expect(o.roi == -1)
        #expect(o.incrementalRevenue == 0)
        // costs at the start of each month: 5000 + 2·100 now, 100 at the start of months 1…12
        let r = pow(1.12, 1.0 / 12) - 1
        var pvCost = 5200.0
        for k in 0..<12 { pvCost += 100 / pow(1 + r, Double(k)) }
        #expect(abs(o.npv + pvCost) < 1e-9 * pvCost)
        #expect(o.paybackMonths == nil)
    }

    @Test func frequencyLiftMatchesHandComputedDiscountedSum() {
        // spend grows linearly at 100 per month: a 10 % frequency lift adds 10 per month, margin 50 % → 5.
        let b = Self.baseline(purchases: { 2 * $0 }, spend: { 100 * $0 })
        var e = ScenarioFile.Effects(); e.frequencyLift = .point(0.10)
        var cost = ScenarioFile.Costs(); cost.fixed = .point(30)
        let s = Self.scenario(e, cost: cost)
        let o = Projection.evaluate(s, timing: Self.timing, baseline: b, draw: ScenarioDraw(center: s))
        let monthly = pow(1.12, 1.0 / 12)
        var npv = -30.0
        for k in 1...12 { npv += 5 / pow(monthly, Double(k)) }
        #expect(abs(o.npv - npv) < 1e-9)
        #expect(abs(o.incrementalRevenue - 120) < 1e-9)
        #expect(abs(o.incrementalPurchases - 2.4) < 1e-9)
        #expect(abs(o.roi - npv / 30) < 1e-12)
        // cumulative discounted margin passes 30 in month 7 (6 × ~4.9 < 30 < 7 × ~4.8)
        #expect(o.paybackMonths == 7)
    }

    @Test func churnReductionOnAConcaveCurveIsATimeRescaling() {
        // spend(t) = 1000(1 − e^{−t/10}); with churn reduction c the curve is 1000(1 − e^{−(1−c)t/10})/(1−c).
        let h = 0.01
        let b = Self.baseline(purchases: { 20 * (1 - exp(-$0 / 10)) }, spend: { 1000 * (1 - exp(-$0 / 10)) }, step: h)
        var e = ScenarioFile.Effects(); e.churnReduction = .point(0.2)
        let s = Self.scenario(e, horizon: 6, rate: 0, margin: 1)
        let o = Projection.evaluate(s, timing: Self.timing, baseline: b, draw: ScenarioDraw(center: s))
        let expected = 1000 * (1 - exp(-0.8 * 6 / 10)) / 0.8 - 1000 * (1 - exp(-6.0 / 10))
        // The curve is read by linear interpolation: error ≤ h²/8 · max|f''| = h²/8 · 1000/10², and the
        // scaled curve is divided by (1 − c).
        let bound = h * h / 8 * 10 / 0.8
        #expect(abs(o.incrementalRevenue - expected) <= bound)
        #expect(o.incrementalRevenue > 0)
        // On a linear curve nobody is dying, so cutting churn changes nothing.
        let lin = Self.baseline(purchases: { 2 * $0 }, spend: { 100 * $0 })
        let o2 = Projection.evaluate(s, timing: Self.timing, baseline: lin, draw: ScenarioDraw(center: s))
        #expect(abs(o2.incrementalRevenue) < 1e-9)
    }

    @Test func subscriptionsFollowTheSBGHazard() {
        var b = Self.baseline(purchases: { _ in 0 }, spend: { _ in 0 })
        b.subscriptions = .init(alpha: 1, beta: 3, tenures: [0], mrr: [100], count: [1])
        var e = ScenarioFile.Effects(); e.churnReduction = .point(0.5)
        let s = Self.scenario(e, horizon: 2, rate: 0, margin: 1)
        let o = Projection.evaluate(s, timing: Self.timing, baseline: b, draw: ScenarioDraw(center: s))
        // month 1 hazard 1/(1+3+0) = 0.25, month 2 hazard 1/5 = 0.2
        let base1 = 0.75, base2 = 0.75 * 0.8
        let eff1 = 1 - 0.125, eff2 = eff1 * (1 - 0.1)
        #expect(abs(o.incrementalRevenue - 100 * ((eff1 - base1) + (eff2 - base2))) < 1e-12)
        #expect(abs(o.incrementalRetained - (eff2 - base2)) < 1e-12)
    }

    @Test func costlierNeverScoresHigher() {
        let b = Self.baseline(purchases: { 20 * (1 - exp(-$0 / 10)) }, spend: { 1000 * (1 - exp(-$0 / 10)) })
        var e = ScenarioFile.Effects(); e.churnReduction = .point(0.1); e.frequencyLift = .point(0.05)
        var last = Double.infinity, lastROI = Double.infinity
        for fixed in stride(from: 0.0, through: 2000, by: 250) {
            var cost = ScenarioFile.Costs(); cost.fixed = .point(fixed + 1); cost.perPeriod = .point(fixed / 10)
            let s = Self.scenario(e, cost: cost)
            let o = Projection.evaluate(s, timing: Self.timing, baseline: b, draw: ScenarioDraw(center: s))
            #expect(o.npv < last)
            #expect(o.roi < lastROI)
            last = o.npv; lastROI = o.roi
        }
    }

    @Test func newCustomersPayTheirCACAndEarnTheirOrders() {
        // one new customer per month, no repeat orders: each brings one order of 50 and costs 20
        let b = Self.baseline(purchases: { _ in 0 }, spend: { _ in 0 })
        var e = ScenarioFile.Effects(); e.newCustomers = .point(12); e.newCustomerCAC = .point(20)
        let s = Self.scenario(e, horizon: 12, rate: 0, margin: 1)
        let o = Projection.evaluate(s, timing: Self.timing, baseline: b, draw: ScenarioDraw(center: s))
        #expect(abs(o.incrementalRevenue - 600) < 1e-9)
        #expect(abs(o.cost - 240) < 1e-9)
        #expect(abs(o.npv - 360) < 1e-9)
        #expect(o.newCustomers == 12)
    }

    @Test func breakEvenScaleZeroesTheNPV() throws {
        let b = Self.baseline(purchases: { 2 * $0 }, spend: { 100 * $0 })
        var e = ScenarioFile.Effects(); e.frequencyLift = .point(0.10)
        var cost = ScenarioFile.Costs(); cost.fixed = .point(100)
        let s = Self.scenario(e, cost: cost, rate: 0)
        // margin per month at lift k·0.1 is 0.5·100·0.1·k = 5k; over 12 months 60k = 100 → k = 5/3
        let k = try #require(Sensitivity.breakEvenScale(s, timing: Self.timing, baseline: b))
        #expect(abs(k - 5.0 / 3.0) < 1e-6)
    }
}
