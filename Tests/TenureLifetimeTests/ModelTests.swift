import Foundation
import Testing
import TenureNumerics
@testable import TenureLifetime

/// BTYD models against lifetimes 0.11.3 on the datasets it ships (fixtures: scripts/fixtures/lifetime.py).
@Suite struct LifetimesAgreement {
    let tol = 1e-4

    func check(_ model: any RepeatPurchaseModel, _ ref: [String: Any], names: [String], ours: [String], paramTol: Double = 1e-4,
               seTol: Double = 1e-3) throws {
        let (x, tx, T) = try Fixture.cdnow()
        let params = Fixture.dict(ref["params"])
        for (n, o) in zip(names, ours) {
            let e = relErr(model.fit[o], Fixture.num(params[n]))
            #expect(e < paramTol, "\(type(of: model)) \(n): \(model.fit[o]) vs \(Fixture.num(params[n]))")
        }
        if let se = ref["se"] as? [String: Any] {
            for (k, (n, o)) in zip(names, ours).enumerated() {
                let e = relErr(model.fit.standardErrors[k], Fixture.num(se[n]))
                #expect(e < seTol, "SE \(n): \(model.fit.standardErrors[k]) vs \(Fixture.num(se[n]))")
                _ = o
            }
        }
        // total log-likelihood: ours at our optimum vs lifetimes' function at its optimum (≥ and close)
        let llRef = Fixture.num(ref["ll_at_params"])
        #expect(relErr(model.fit.logLikelihood, llRef) < 1e-8, "LL \(model.fit.logLikelihood) vs \(llRef)")
        #expect(model.fit.logLikelihood >= llRef - 1e-6)
        // the shared fit shape, and the result's summary of it
        let shared = model.modelFit
        #expect(shared.parameters.map(\.estimate) == model.fit.estimates && shared.parameters.map(\.standardError) == model.fit.standardErrors)
        #expect(shared.aic == model.fit.aic && shared.bic == model.fit.bic && shared.logLikelihood == model.fit.logLikelihood)
        let summary = ModelFitSummary(model: shared.model, fit: model.fit)
        #expect(summary.modelFit == shared && summary.aic == model.fit.aic)
        // predictions on selected rows at the fitted parameters
        let rows = (ref["rows"] as? [Int]) ?? []
        _ = rows
        _ = (x, tx, T)
    }

    @Test func bgnbdCDNOW() throws {
        let f = try Fixture.json("cdnow_models.json")
        let (x, tx, T) = try Fixture.cdnow()
        let d = RFMPatterns(x: x, tx: tx, T: T)
        #expect(d.count < x.count)
        let m = try BGNBDModel.fit(d)
        let ref = Fixture.dict(f["bgnbd"])
        try check(m, ref, names: ["r", "alpha", "a", "b"], ours: ["r", "alpha", "a", "b"])
        // predictions at lifetimes' parameters, so formulas are compared exactly
        let p = Fixture.dict(ref["params"])
        let at = BGNBDModel(r: Fixture.num(p["r"]), alpha: Fixture.num(p["alpha"]), a: Fixture.num(p["a"]), b: Fixture.num(p["b"]))
        try predictions(at, ref, f, x, tx, T)
        var llAt = 0.0
        for i in 0..<x.count { llAt += at.logLikelihood(x: x[i], tx: tx[i], T: T[i]) }
        #expect(relErr(llAt, Fixture.num(ref["ll_at_params"])) < 1e-12)
    }

    func predictions(_ m: any RepeatPurchaseModel, _ ref: [String: Any], _ f: [String: Any], _ x: [Int32], _ tx: [Double], _ T: [Double]) throws {
        let rows = (f["rows"] as! [Any]).map { ($0 as! NSNumber).intValue }
        let pa = Fixture.doubles(ref["p_alive"])
        var worst = 0.0
        for (k, i) in rows.enumerated() { worst = max(worst, relErr(m.probabilityAlive(x: x[i], tx: tx[i], T: T[i]), pa[k])) }
        #expect(worst < 1e-10, "P(alive) worst rel err \(worst)")
        let ts = Fixture.doubles(f["t"])
        let ce = Fixture.dict(ref["cond_expected"])
        worst = 0
        for t in ts {
            let key = ce.keys.first { Double($0) == t }!
            let v = Fixture.doubles(ce[key])
            for (k, i) in rows.enumerated() {
                worst = max(worst, relErr(m.conditionalExpectedPurchases(t, x: x[i], tx: tx[i], T: T[i]), v[k]))
            }
        }
        #expect(worst < 1e-9, "conditional expected purchases worst rel err \(worst)")
        let ex = Fixture.doubles(ref["expected"])
        for (t, e) in zip(ts, ex) { #expect(relErr(m.expectedPurchases(t), e) < 1e-9, "E[X(\(t))] \(m.expectedPurchases(t)) vs \(e)") }
    }

    @Test func paretoNBDCDNOW() throws {
        let f = try Fixture.json("cdnow_models.json")
        let (x, tx, T) = try Fixture.cdnow()
        let m = try ParetoNBDModel.fit(RFMPatterns(x: x, tx: tx, T: T))
        let ref = Fixture.dict(f["pareto_nbd"])
        try check(m, ref, names: ["r", "alpha", "s", "beta"], ours: ["r", "alpha", "s", "beta"])
        let p = Fixture.dict(ref["params"])
        let names = ["r", "alpha", "s", "beta"]
        let at = ParetoNBDModel(fit: MLEFit(names: names, estimates: names.map { Fixture.num(p[$0]) }, covariance: Matrix(rows: 4, cols: 4),
                                            logLikelihood: .nan, observations: 0, patterns: 0, iterations: 0, gradientNorm: 0))
        try predictions(at, ref, f, x, tx, T)
        let rows = (f["rows"] as! [Any]).map { ($0 as! NSNumber).intValue }
        let llRows = Fixture.doubles(ref["ll_rows"])
        for (k, i) in rows.enumerated() { #expect(relErr(at.logLikelihood(x: x[i], tx: tx[i], T: T[i]), llRows[k]) < 1e-11) }
        // analytic gradient vs central differences
        var g = [Double](repeating: 0, count: 4)
        let d = RFMPatterns(x: x, tx: tx, T: T)
        let th = m.fit.estimates.map { $0 * 1.1 }
        _ = ParetoNBDModel.negLogLikelihood(th, d, &g)
        for j in 0..<4 {
            var up = th, dn = th
            let h = 1e-4 * th[j]
            up[j] += h; dn[j] -= h
            var tmp = g
            let fd = (ParetoNBDModel.negLogLikelihood(up, d, &tmp) - ParetoNBDModel.negLogLikelihood(dn, d, &tmp)) / (2 * h)
            // the total −log L is ~1e4, so differencing noise is ~1e-6 absolute
            #expect(abs(g[j] - fd) < 1e-5 * max(abs(fd), 1), "grad \(j): \(g[j]) vs \(fd)")
        }
    }

    @Test func mbgnbdCDNOW() throws {
        let f = try Fixture.json("cdnow_models.json")
        let (x, tx, T) = try Fixture.cdnow()
        let m = try MBGNBDModel.fit(RFMPatterns(x: x, tx: tx, T: T))
        let ref = Fixture.dict(f["mbgnbd"])
        try check(m, ref, names: ["r", "alpha", "a", "b"], ours: ["r", "alpha", "a", "b"])
        let p = Fixture.dict(ref["params"])
        let names = ["r", "alpha", "a", "b"]
        let at = MBGNBDModel(fit: MLEFit(names: names, estimates: names.map { Fixture.num(p[$0]) }, covariance: Matrix(rows: 4, cols: 4),
                                         logLikelihood: .nan, observations: 0, patterns: 0, iterations: 0, gradientNorm: 0))
        try predictions(at, ref, f, x, tx, T)
    }

    /// BG/BB on long histories (n up to 150 opportunities, as weekly data give): the likelihood from
    /// the ratio recurrence equals the paper's sum term by term (`Special.logBeta` per term), and
    /// its gradient the central difference of that sum.
    @Test func bgbbLongHistories() {
        let th = [1.3, 4.2, 0.7, 3.1]
        let x: [Int32] = [0, 2, 5, 40, 1], tx = [0.0, 3, 60, 120, 149], n = [150.0, 150, 100, 140, 150]
        func direct(_ t: [Double], _ k: Int) -> Double {
            let (al, be, ga, de) = (t[0], t[1], t[2], t[3]), xd = Double(x[k])
            let lbab = Special.logBeta(al, be), lbgd = Special.logBeta(ga, de)
            var terms = [Special.logBeta(al + xd, be + n[k] - xd) - lbab + Special.logBeta(ga, de + n[k]) - lbgd]
            for j in 0..<Int(n[k] - tx[k]) {
                let jd = Double(j)
                terms.append(Special.logBeta(al + xd, be + tx[k] - xd + jd) - lbab + Special.logBeta(ga + 1, de + tx[k] + jd) - lbgd)
            }
            let m = terms.max()!
            return m + Foundation.log(terms.reduce(0) { $0 + Foundation.exp($1 - m) })
        }
        let d = RFMPatterns(x: x, tx: tx, T: n, weight: [1, 2, 1, 3, 1])
        var g = [Double](repeating: 0, count: 4)
        let nll = BGBBModel.negLogLikelihood(th, d, &g)
        func total(_ t: [Double]) -> Double { (0..<x.count).reduce(0) { $0 - d.weight[$1] * direct(t, $1) } }
        #expect(relErr(nll, total(th)) < 1e-12, "\(nll) vs \(total(th))")
        for i in 0..<4 {
            var up = th, dn = th
            up[i] += 1e-6; dn[i] -= 1e-6
            let fd = (total(up) - total(dn)) / 2e-6
            #expect(abs(g[i] - fd) < 1e-6 * max(1, abs(fd)), "∂/∂θ\(i): \(g[i]) vs \(fd)")
        }
    }

    @Test func bgbbDonations() throws {
        let ref = try Fixture.json("donations_bgbb.json")
        let c = try Fixture.csv("donations.csv")
        let d = RFMPatterns(x: c["frequency"]!.map { Int32($0)! }, tx: c["recency"]!.map { Double($0)! },
                            T: c["periods"]!.map { Double($0)! }, weight: c["weights"]!.map { Double($0)! })
        let m = try BGBBModel.fit(d)
        let names = ["alpha", "beta", "gamma", "delta"]
        let p = Fixture.dict(ref["params"]), se = Fixture.dict(ref["se"])
        for (k, n) in names.enumerated() {
            #expect(relErr(m.fit.estimates[k], Fixture.num(p[n])) < tol, "\(n) \(m.fit.estimates[k]) vs \(Fixture.num(p[n]))")
            #expect(relErr(m.fit.standardErrors[k], Fixture.num(se[n])) < 1e-3, "SE \(n)")
        }
        #expect(relErr(m.fit.logLikelihood, Fixture.num(ref["ll_at_params"])) < 1e-9)
        let at = BGBBModel(fit: MLEFit(names: names, estimates: names.map { Fixture.num(p[$0]) }, covariance: Matrix(rows: 4, cols: 4),
                                       logLikelihood: .nan, observations: 0, patterns: 0, iterations: 0, gradientNorm: 0))
        let llRows = Fixture.doubles(ref["ll_rows"])
        for k in 0..<d.count { #expect(relErr(at.logLikelihood(x: d.x[k], tx: d.tx[k], T: d.T[k]), llRows[k]) < 1e-10) }
        let pa = Fixture.dict(ref["p_alive"])
        for (key, v) in pa {
            let mm = Double(key)!, vals = Fixture.doubles(v)
            for k in 0..<d.count {
                #expect(relErr(at.probabilityAlive(x: d.x[k], tx: d.tx[k], T: d.T[k], future: mm), vals[k]) < 1e-9)
            }
        }
        let ce = Fixture.dict(ref["cond_expected"])
        for (key, v) in ce {
            let mm = Double(key)!, vals = Fixture.doubles(v)
            for k in 0..<d.count {
                #expect(relErr(at.conditionalExpectedPurchases(mm, x: d.x[k], tx: d.tx[k], T: d.T[k]), vals[k]) < 1e-9)
            }
        }
    }

    @Test func gammaGammaAndCLV() throws {
        let ref = try Fixture.json("cdnow_gamma_gamma.json")
        let c = try Fixture.csv("cdnow_monetary.csv")
        let x = c["frequency"]!.map { Int32(Double($0)!) }, m = c["monetary_value"]!.map { Double($0)! }
        let tx = c["recency"]!.map { Double($0)! }, T = c["T"]!.map { Double($0)! }
        let gg = try GammaGammaModel.fit(frequency: x, monetary: m)
        let p = Fixture.dict(ref["params"]), se = Fixture.dict(ref["se"])
        for (k, (n, o)) in zip(["p", "q", "v"], ["p", "q", "gamma"]).enumerated() {
            #expect(relErr(gg.fit[o], Fixture.num(p[n])) < tol, "\(n) \(gg.fit[o]) vs \(Fixture.num(p[n]))")
            #expect(relErr(gg.fit.standardErrors[k], Fixture.num(se[n])) < 1e-3, "SE \(n)")
        }
        #expect(relErr(gg.fit.logLikelihood, Fixture.num(ref["ll_at_params"])) < 1e-9)
        #expect(gg.excluded == x.filter { $0 == 0 }.count)
        let at = GammaGammaModel(p: Fixture.num(p["p"]), q: Fixture.num(p["q"]), gamma: Fixture.num(p["v"]))
        let eap = Fixture.doubles(ref["expected_avg_profit"])
        for i in 0..<eap.count { #expect(relErr(at.conditionalExpectedSpend(x: x[i], m: m[i]), eap[i]) < 1e-12) }
        // CLV: lifetimes' customer_lifetime_value, freq "W": monthly steps of 4.345 weeks, (1+d)^-i
        let bp = Fixture.dict(ref["bgnbd_params"])
        let bg = BGNBDModel(r: Fixture.num(bp["r"]), alpha: Fixture.num(bp["alpha"]), a: Fixture.num(bp["a"]), b: Fixture.num(bp["b"]))
        let clv = Fixture.dict(ref["clv"]), totals = Fixture.dict(ref["clv_total"])
        for (key, v) in clv {
            let parts = key.split(separator: "_")
            let sched = DiscountSchedule.perStep(steps: Int(parts[0])!, stepLength: 4.345, ratePerStep: Double(parts[1])!)
            let vals = Fixture.doubles(v)
            var total = 0.0
            for i in 0..<x.count {
                let value = at.conditionalExpectedSpend(x: x[i], m: m[i]) * Valuation.discountedPurchases(bg, x: x[i], tx: tx[i], T: T[i], schedule: sched)
                if i < vals.count { #expect(relErr(value, vals[i]) < 1e-9, "CLV \(key) row \(i): \(value) vs \(vals[i])") }
                total += value
            }
            #expect(relErr(total, Fixture.num(totals[key])) < 1e-9)
        }
    }

    @Test func annualScheduleMatchesMonthlySteps() {
        // 12 months at 10 %/yr = monthly steps at (1.1)^(1/12) − 1
        let a = DiscountSchedule.annual(horizonDays: 365.25, unit: .week, annualRate: 0.10)
        let b = DiscountSchedule.perStep(steps: 12, stepLength: 365.25 / 12 / 7, ratePerStep: Foundation.pow(1.1, 1.0 / 12) - 1)
        #expect(a.times.count == 12)
        for i in 0..<12 {
            #expect(abs(a.times[i] - b.times[i]) < 1e-12)
            #expect(abs(a.factors[i] - b.factors[i]) < 1e-12)
        }
    }

    @Test func fitErrorWithoutRepeatPurchases() {
        let d = RFMPatterns(x: [0, 0, 0], tx: [0, 0, 0], T: [10, 20, 30])
        #expect(throws: FitError.self) { try BGNBDModel.fit(d) }
        #expect(throws: FitError.self) { try GammaGammaModel.fit(frequency: [0, 0], monetary: [0, 0]) }
    }
}

/// The fast paths (prepared BG/NBD likelihood, cached BG/NBD forecasts) against the plain formulas.
@Suite struct FastPaths {
    @Test func bgnbdPreparedLikelihoodMatches() throws {
        let (x, tx, T) = try Fixture.cdnow()
        let d = RFMPatterns(x: x, tx: tx, T: T)
        let p = BGNBDModel.Prepared(d)
        for th in [[0.24, 4.4, 0.79, 2.4], [1.0, 10, 1.5, 3], [0.05, 0.5, 3, 0.7]] {
            var g1 = [Double](repeating: 0, count: 4), g2 = g1
            let v1 = BGNBDModel.negLogLikelihood(th, d, WeightsByX(x: d.x, weight: d.weight), &g1)
            let v2 = BGNBDModel.negLogLikelihood(th, p, &g2)
            #expect(relErr(v2, v1) < 1e-13, "value \(v2) vs \(v1)")
            for j in 0..<4 { #expect(abs(g2[j] - g1[j]) < 1e-10 * max(1, abs(g1[j])), "gradient \(j): \(g2[j]) vs \(g1[j])") }
        }
    }

    @Test func orderStatisticsEqualSorting() {
        var rng = RNG(seed: 3)
        for n in [1, 2, 3, 10, 101, 1000, 4096] {
            var x = (0..<n).map { _ in (rng.uniform() * 50).rounded() }   // many ties
            let sorted = x.sorted()
            let ranks = [n / 3, 0, n - 1, n / 2, n / 2]
            let got = orderStatistics(&x, ranks: ranks)
            #expect(got == ranks.map { sorted[$0] }, "n = \(n)")
        }
        let s = SegmentSummary.summarise("x", pAlive: [1, 1, 1, 1], expected: [1, 2, 3, 4], clv: [4, 1, 3, 2])
        #expect(s.medianCLV == 2.5 && s.medianCLVLower == 1 && s.medianCLVUpper == 4)
    }

    @Test func bgnbdCachedForecastsMatch() throws {
        let (x, tx, T) = try Fixture.cdnow()
        let d = RFMPatterns(x: x, tx: tx, T: T)
        let m = BGNBDModel(r: 0.243, alpha: 4.41, a: 0.793, b: 2.43)
        let sched = DiscountSchedule.annual(horizonDays: 730, unit: .week, annualRate: 0.1)
        let fast = Valuation.bgnbdForecasts(m, d, schedule: sched)
        for k in 0..<d.count {
            var prev = 0.0, sum = 0.0
            for (t, f) in zip(sched.times, sched.factors) {
                let e = m.conditionalExpectedPurchases(t, x: d.x[k], tx: d.tx[k], T: d.T[k])
                sum += f * (e - prev); prev = e
            }
            #expect(fast.expected[k] == prev && fast.discounted[k] == sum, "pattern \(k)")
            #expect(fast.pAlive[k] == m.probabilityAlive(x: d.x[k], tx: d.tx[k], T: d.T[k]))
        }
    }
}

/// Analytic Hessians (used by the Newton fits and for standard errors) against central differences
/// of the analytic gradients.
@Suite struct AnalyticHessians {
    func check(_ th: [Double], _ f: ([Double], inout [Double], inout Matrix) -> Double, _ label: String) {
        let p = th.count
        var g = [Double](repeating: 0, count: p)
        var h = Matrix(rows: p, cols: p)
        _ = f(th, &g, &h)
        for j in 0..<p {
            var up = th, dn = th
            let step = 1e-5 * th[j]
            up[j] += step; dn[j] -= step
            var gu = g, gd = g, hh = h
            _ = f(up, &gu, &hh); _ = f(dn, &gd, &hh)
            for i in 0..<p {
                let fd = (gu[i] - gd[i]) / (2 * step)
                #expect(abs(h[i, j] - fd) <= 1e-5 * max(abs(fd), abs(h[i, j]), 1), "\(label) H[\(i),\(j)] = \(h[i, j]) vs \(fd)")
            }
        }
    }

    @Test func bgnbd() throws {
        let (x, tx, T) = try Fixture.cdnow()
        let prep = BGNBDModel.Prepared(RFMPatterns(x: x, tx: tx, T: T))
        for th in [[0.243, 4.41, 0.793, 2.43], [1.2, 12, 2.5, 0.8]] {
            check(th, { BGNBDModel.negLogLikelihood($0, prep, &$1, &$2) }, "BG/NBD")
            var g1 = [Double](repeating: 0, count: 4), g2 = g1
            var h = Matrix(rows: 4, cols: 4)
            let v1 = BGNBDModel.negLogLikelihood(th, prep, &g1)
            let v2 = BGNBDModel.negLogLikelihood(th, prep, &g2, &h)
            #expect(v1 == v2)
            for j in 0..<4 { #expect(abs(g1[j] - g2[j]) <= 1e-12 * max(1, abs(g1[j]))) }
        }
    }

    @Test func gammaGamma() throws {
        let c = try Fixture.csv("cdnow_monetary.csv")
        let x = try c["frequency"].unwrap().map { Int32(Double($0) ?? -1) }
        let m = try c["monetary_value"].unwrap().map { Double($0) ?? .nan }
        let (d, _) = GammaGammaModel.prepare(frequency: x, monetary: m)
        for th in [[6.25, 3.74, 15.4], [2, 8, 100]] {
            check(th, { GammaGammaModel.negLogLikelihood($0, d, &$1, &$2) }, "Gamma-Gamma")
        }
    }
}

extension Optional {
    struct Missing: Error {}
    func unwrap() throws -> Wrapped { guard let v = self else { throw Missing() }; return v }
}
