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

    /// The batch ρ table (one series per run of keys, then quadrature steps down in t) against 40-digit
    /// ₂F₁ values and derivatives (scripts/fixtures/pareto_nbd_rho.py): both branches, α ≈ β, and the
    /// ridge towards one dropout rate, where β is 270–15,000 times α.
    @Test func rhoTableMatchesReference() throws {
        let data = try Data(contentsOf: Fixture.dir.appendingPathComponent("pareto_nbd_rho.json"))
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(rows.count >= 500)
        var byParams: [[Double]: [[String: Any]]] = [:]
        for row in rows { byParams[Fixture.doubles(row["params"]), default: []].append(row) }
        #expect(byParams.count == 7)
        for (th, rows) in byParams {
            let keys = RhoTable.Keys(x: rows.map { Fixture.num($0["x"]) }, t: rows.map { Fixture.num($0["t"]) })
            let table = RhoTable.rho(keys, r: th[0], alpha: th[1], s: th[2], beta: th[3])
            for (i, row) in rows.enumerated() {
                let got = try #require(table[i])
                let ref = Fixture.num(row["log_rho"]), d = Fixture.doubles(row["d_k_s_alpha_beta"])
                let label = "θ \(th) x \(row["x"]!) t \(row["t"]!)"
                #expect(abs(got.log - ref) < 1e-14, "\(label): log ρ \(got.log) vs \(ref)")
                // derivatives as elasticities in α and β (dimensionless, like the others)
                for (j, (a, b)) in [(got.dk, d[0]), (got.ds, d[1]), (got.dal * th[1], d[2] * th[1]), (got.dbe * th[3], d[3] * th[3])].enumerated() {
                    #expect(abs(a - b) <= 1e-11 * max(abs(b), 1e-3), "\(label): derivative \(j) \(a) vs \(b)")
                }
            }
        }
    }

    /// The same table on many keys (runs cut at `RhoTable.run`, integer and fractional ages) against
    /// the series at every key.
    @Test func rhoTableMatchesTheSeriesAtEveryKey() throws {
        var rng = RNG(seed: 16)
        var x: [Int32] = [], tx: [Double] = [], T: [Double] = []
        for i in 0..<4_000 {
            let xi = Int32(i % 7 == 0 ? 0 : i % 97 == 0 ? 400 : Int(rng.uniform() * 40))
            let age = i % 2 == 0 ? (rng.uniform() * 900).rounded() : (rng.uniform() * 120 * 7).rounded() / 7
            let last = xi == 0 ? 0 : i % 2 == 0 ? (rng.uniform() * age).rounded() : (rng.uniform() * age * 7).rounded() / 7
            x.append(xi); tx.append(last); T.append(max(age, last))
        }
        let p = ParetoNBDModel.Prepared(RFMPatterns(x: x, tx: tx, T: T))
        #expect(p.keys.x.count > 2 * RhoTable.run && p.keys.runs.count > 20)
        for th in [[0.5533, 10.5778, 0.6062, 11.6678], [1.45, 335, 99.8, 91_100], [1.2, 500, 0.8, 20],
                   [0.7, 0.5, 1, 5], [150, 5000, 0.6, 12], [1, 50, 2, 50.000_1]] {
            let table = RhoTable.rho(p.keys, r: th[0], alpha: th[1], s: th[2], beta: th[3])
            var worst = (log: 0.0, d: 0.0)
            for i in 0..<p.keys.x.count {
                let ref = try #require(ParetoNBDModel.rho(k: th[0] + p.keys.x[i], s: th[2], alpha: th[1], beta: th[3], t: p.keys.t[i]))
                let got = try #require(table[i])
                worst.log = max(worst.log, abs(got.log - ref.log))
                for (a, b) in [(got.dk, ref.dk), (got.ds, ref.ds), (got.dal * th[1], ref.dal * th[1]), (got.dbe * th[3], ref.dbe * th[3])] {
                    worst.d = max(worst.d, abs(a - b) / max(abs(b), 1e-3))
                }
            }
            #expect(worst.log < 1e-12, "θ \(th): log ρ off by \(worst.log)")
            #expect(worst.d < 1e-9, "θ \(th): a derivative of log ρ off by \(worst.d) relative")
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
