import Foundation
import Testing
import TenureNumerics
@testable import TenureLifetime

/// The closed-form Pareto/NBD (issue 16) against 40-digit references (scripts/fixtures/pareto_nbd.py),
/// its analytic gradient against differences, and fits at the edge of the parameter space.
@Suite struct ParetoNBDClosedForm {
    @Test func logLikelihoodMatchesReference() throws {
        let data = try Data(contentsOf: Fixture.dir.appendingPathComponent("pareto_nbd_points.json"))
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(rows.count >= 50)
        var worst = 0.0
        for row in rows {
            let p = Fixture.doubles(row["params"])
            let m = ParetoNBDModel(r: p[0], alpha: p[1], s: p[2], beta: p[3])
            let x = Int32(Fixture.num(row["x"])), tx = Fixture.num(row["tx"]), T = Fixture.num(row["T"])
            let ref = Fixture.num(row["ll"])
            let got = m.logLikelihood(x: x, tx: tx, T: T)
            let e = abs(got - ref) / max(1, abs(ref))
            worst = max(worst, e)
            #expect(e < 1e-11, "params \(p) x=\(x) tx=\(tx) T=\(T): \(got) vs \(ref)")
            let pa = m.probabilityAlive(x: x, tx: tx, T: T)
            #expect(pa > 0 && pa <= 1 + 1e-15)
        }
        #expect(worst < 1e-11)
    }

    @Test func gradientMatchesDifferences() throws {
        let d = RFMPatterns(x: [0, 0, 1, 3, 3, 10, 25, 2], tx: [0, 0, 10, 51.9, 52, 30.5, 77, 1e-3], T: [52, 1, 52, 52, 52, 78, 78, 40])
        for th in [[0.5533, 10.5778, 0.6062, 11.6678], [1.2, 20, 0.8, 20], [0.7, 30, 1, 5], [1.5, 50, 96, 13100], [150, 5000, 0.6, 12]] {
            var g = [Double](repeating: 0, count: 4), tmp = g
            let v = ParetoNBDModel.negLogLikelihood(th, d, &g)
            #expect(v.isFinite)
            for j in 0..<4 {
                var up = th, dn = th
                let h = 1e-6 * th[j]
                up[j] += h; dn[j] -= h
                let fd = (ParetoNBDModel.negLogLikelihood(up, d, &tmp) - ParetoNBDModel.negLogLikelihood(dn, d, &tmp)) / (2 * h)
                #expect(abs(g[j] - fd) < 1e-6 * max(abs(fd), abs(v) * 1e-3, 1), "θ \(th) ∂\(j): \(g[j]) vs \(fd)")
            }
        }
    }

    /// Data without heterogeneity: every customer buys every 4 weeks and nobody leaves. The fits run to
    /// the edge and are reported as limiting models, quickly, instead of failing.
    @Test func noHeterogeneityIsReportedAsLimit() throws {
        var x: [Int32] = [], tx: [Double] = [], T: [Double] = []
        for i in 0..<3_000 {
            let age = Double(20 + i % 81)
            let n = Int32(age / 4)
            x.append(n); tx.append(4 * Double(n)); T.append(age)
        }
        let d = RFMPatterns(x: x, tx: tx, T: T)
        let start = Date()
        let p = try ParetoNBDModel.fit(d)
        let l = try #require(p.fit.limit)
        #expect(l.parameters.contains { $0.hasPrefix("alpha") || $0.hasPrefix("r ") }, "\(l.parameters)")
        #expect(abs(try #require(l.limitParameters["lambda"]) - 0.25) < 0.01)
        #expect(!l.note.isEmpty && p.fit.logLikelihood.isFinite)
        let b = try BGNBDModel.fit(d)
        #expect(b.fit.limit != nil)
        #expect(Date().timeIntervalSince(start) < 60)
    }
}
