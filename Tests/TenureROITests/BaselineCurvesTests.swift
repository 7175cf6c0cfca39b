import Foundation
import Testing
import TenureLifetime
import TenureNumerics
@testable import TenureROI

/// The baseline curves are computed per (x, T) group; they must equal the plain sum over customers
/// of the BG/NBD and Gamma-Gamma forecasts.
@Suite struct BaselineCurvesTests {
    @Test func groupedCurvesEqualThePerCustomerSums() {
        var rng = RNG(seed: 3)
        var xs: [Int32] = [], txs: [Double] = [], Ts: [Double] = [], ms: [Double] = []
        for _ in 0..<600 {
            let T = Double(20 + rng.int(below: 12)), x = Int32(rng.int(below: 6))
            xs.append(x); Ts.append(T)
            txs.append(x == 0 ? 0 : Double(1 + rng.int(below: Int(T))))
            ms.append(x == 0 ? 0 : 5 + 50 * rng.uniform())
        }
        let theta = [0.24, 4.4, 1.5, 2.4, 6.25, 3.74, 15.4]
        let bumped = [0.24, 4.4, 1.5, 2.4, 6.25, 3.9, 15.4]
        let groups = BaselineBuilder.PatternGroups(RFMPatterns(x: xs, tx: txs, T: Ts))
        #expect(groups.count < groups.patterns.count)
        let step = 0.5, points = 9
        let got = BaselineBuilder.curves(theta, groups, xs: xs, ms, points: points, step: step, spendThetas: [bumped])

        let bg = BGNBDModel(r: 0.24, alpha: 4.4, a: 1.5, b: 2.4)
        let gg = GammaGammaModel(p: 6.25, q: 3.74, gamma: 15.4), gg2 = GammaGammaModel(p: 6.25, q: 3.9, gamma: 15.4)
        for i in 0..<points {
            let t = Double(i) * step * BaselineBuilder.unitsPerMonth
            var purchases = 0.0, spend = 0.0, spend2 = 0.0, alive = 0.0
            for c in 0..<xs.count {
                let e = bg.conditionalExpectedPurchases(t, x: xs[c], tx: txs[c], T: Ts[c])
                purchases += e
                spend += gg.conditionalExpectedSpend(x: xs[c], m: ms[c]) * e
                spend2 += gg2.conditionalExpectedSpend(x: xs[c], m: ms[c]) * e
                let survive = t == 0 ? 1 : Special.hyp2f1(bg.r + Double(xs[c]), bg.a, bg.a + bg.b + Double(xs[c]), -t / (bg.alpha + Ts[c]))
                alive += bg.probabilityAlive(x: xs[c], tx: txs[c], T: Ts[c]) * survive
            }
            #expect(abs(got.base.purchases[i] - purchases) <= 1e-11 * max(1, purchases))
            #expect(abs(got.base.spend[i] - spend) <= 1e-11 * max(1, spend))
            #expect(abs(got.spend[0][i] - spend2) <= 1e-11 * max(1, spend2))
            #expect(abs(got.base.alive[i] - alive) <= 1e-11 * max(1, alive))
            #expect(abs(got.base.newCustomer[i] - bg.expectedPurchases(t)) <= 1e-12 * max(1, bg.expectedPurchases(t)))
        }
    }
}
