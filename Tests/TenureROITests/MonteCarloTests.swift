import Foundation
import Testing
import TenureNumerics
@testable import TenureROI

@Suite struct MonteCarloTests {
    let b = ProjectionTests.baseline(purchases: { 20 * (1 - exp(-$0 / 10)) }, spend: { 1000 * (1 - exp(-$0 / 10)) })

    func scenario(churn: Uncertain, lift: Uncertain = .point(0)) -> ScenarioFile.Scenario {
        var e = ScenarioFile.Effects(); e.churnReduction = churn; e.frequencyLift = lift
        var c = ScenarioFile.Costs(); c.fixed = .point(50)
        return ProjectionTests.scenario(e, cost: c)
    }

    @Test func intervalsAreOrderedAndNarrowAsRangesShrink() throws {
        var widths: [Double] = []
        for half in [0.10, 0.05, 0.01] {
            let s = scenario(churn: .uniform(low: 0.15 - half, high: 0.15 + half))
            let m = try MonteCarlo.run(s, timing: ProjectionTests.timing, baseline: b, simulations: 4000, seed: 7)
            #expect(m.npv.p5 <= m.npv.p50 && m.npv.p50 <= m.npv.p95)
            #expect(m.roi.p5 <= m.roi.p50 && m.roi.p50 <= m.roi.p95)
            widths.append(m.npv.p95 - m.npv.p5)
        }
        #expect(widths[0] > widths[1] && widths[1] > widths[2])
        // a point-valued scenario has no spread and equals the deterministic evaluation
        let point = scenario(churn: .point(0.15))
        let m = try MonteCarlo.run(point, timing: ProjectionTests.timing, baseline: b, simulations: 100, seed: 7)
        let o = Projection.evaluate(point, timing: ProjectionTests.timing, baseline: b, draw: ScenarioDraw(center: point))
        #expect(m.npv.p5 == o.npv && m.npv.p95 == o.npv)
        #expect(m.probabilityPositive == (o.npv > 0 ? 1 : 0))
    }

    @Test func sameSeedSameResultsDifferentSeedDifferent() throws {
        let s = scenario(churn: .triangular(low: 0.0, mode: 0.1, high: 0.3), lift: .normal(mean: 0.02, sd: 0.01, low: nil, high: nil))
        let a = try MonteCarlo.run(s, timing: ProjectionTests.timing, baseline: b, simulations: 2000, seed: 42)
        let a2 = try MonteCarlo.run(s, timing: ProjectionTests.timing, baseline: b, simulations: 2000, seed: 42)
        let c = try MonteCarlo.run(s, timing: ProjectionTests.timing, baseline: b, simulations: 2000, seed: 43)
        #expect(a == a2)
        #expect(a != c)
    }

    @Test func parameterUncertaintyWidensTheInterval() throws {
        var withCov = b
        withCov.parameterNames = ["scale"]
        // one parameter that scales the whole spend curve by (1 + δ)
        withCov.jacobian = [.init(purchases: b.purchases, spend: b.spend, alive: b.alive.map { _ in 0 }, newCustomer: b.newCustomer)]
        withCov.covariance = Matrix(rows: 1, cols: 1, data: [0.01])
        let s = scenario(churn: .point(0.1))
        let m0 = try MonteCarlo.run(s, timing: ProjectionTests.timing, baseline: b, simulations: 3000, seed: 1)
        let m1 = try MonteCarlo.run(s, timing: ProjectionTests.timing, baseline: withCov, simulations: 3000, seed: 1)
        #expect(m0.npv.p95 - m0.npv.p5 == 0)
        #expect(m1.npv.p95 - m1.npv.p5 > 0)
        // the median stays at the point value (δ symmetric, outcome linear in δ)
        #expect(abs(m1.npv.p50 - m0.npv.p50) < 0.05 * abs(m0.npv.p50) + 1)
        let bars = Sensitivity.tornado(s, timing: ProjectionTests.timing, baseline: withCov)
        #expect(bars.map(\.input) == ["model: scale"])
        #expect(bars[0].npvAtHigh > bars[0].npvAtLow)
    }

    @Test func tornadoRanksTheInputThatMovesNPVMost() {
        var e = ScenarioFile.Effects()
        e.churnReduction = .uniform(low: 0.0, high: 0.3)
        e.orderValueLift = .uniform(low: 0.0, high: 0.01)
        var c = ScenarioFile.Costs(); c.fixed = .uniform(low: 40, high: 60)
        let s = ProjectionTests.scenario(e, cost: c)
        let bars = Sensitivity.tornado(s, timing: ProjectionTests.timing, baseline: b)
        #expect(bars.first?.input == "churn_reduction")
        #expect(Set(bars.map(\.input)) == ["churn_reduction", "order_value_lift", "cost.fixed"])
        #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.swing >= $1.swing })
    }
}
