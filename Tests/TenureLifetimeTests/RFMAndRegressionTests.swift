import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureLifetime
@testable import TenureRegression

/// Loads Tests/Fixtures/lifetime/transactions/transactions.csv (lifetimes' example transactions with
/// seeded amounts; or another fixture file of the same columns) into columns without the dataset
/// loader, so this suite tests RFM logic alone.
func exampleTransactions(_ file: String = "transactions/transactions.csv") throws -> (ids: [String], customer: [Int32], day: [Day], amount: [Double]) {
    let c = try Fixture.csv(file)
    var index = [String: Int32](), ids = [String]()
    var cust = [Int32](), day = [Day](), amt = [Double]()
    for (i, id) in c["customer_id"]!.enumerated() {
        let k: Int32
        if let e = index[id] { k = e } else { k = Int32(ids.count); index[id] = k; ids.append(id) }
        cust.append(k)
        day.append(DateParser.day(from: c["date"]![i])!)
        amt.append(Double(c["amount"]![i])!)
    }
    return (ids, cust, day, amt)
}

@Suite struct RFMSummaryAgreement {
    func compare(unit: TimeUnit, key: String, holdout: Bool) throws {
        let ref = Fixture.dict(try Fixture.json("transactions_rfm.json")[key])
        let t = try exampleTransactions()
        let asOf = t.day.max()!
        var o = RFMOptions(timeUnit: unit)
        if holdout { o.calibrationEnd = Civil.day(year: 2014, month: 9, day: 1); o.observationEnd = Civil.day(year: 2014, month: 12, day: 31) }
        let s = try RFMSummary.build(customer: t.customer, day: t.day, amount: t.amount, customers: t.ids.count, options: o, asOf: asOf)
        let ids = (ref["id"] as! [Any]).map { "\($0)" }
        #expect(ids.count == s.count)
        var row = [String: Int]()
        for i in 0..<s.count { row[t.ids[Int(s.customer[i])]] = i }
        let sfx = holdout ? "_cal" : ""
        let f = Fixture.doubles(ref["frequency" + sfx]), r = Fixture.doubles(ref["recency" + sfx])
        let T = Fixture.doubles(ref["T" + sfx]), m = Fixture.doubles(ref["monetary_value" + sfx])
        let fh = holdout ? Fixture.doubles(ref["frequency_holdout"]) : []
        let mh = holdout ? Fixture.doubles(ref["monetary_value_holdout"]) : []
        let dh = holdout ? Fixture.doubles(ref["duration_holdout"]) : []
        var bad = 0
        for (k, id) in ids.enumerated() {
            guard let i = row[id] else { bad += 1; continue }
            if Double(s.frequency[i]) != f[k] || s.recency[i] != r[k] || s.T[i] != T[k] || abs(s.monetaryValue[i] - m[k]) > 1e-9 * max(1, m[k]) { bad += 1 }
            if holdout {
                if Double(s.frequencyHoldout[i]) != fh[k] || abs(s.monetaryValueHoldout[i] - mh[k]) > 1e-9 * max(1, mh[k]) { bad += 1 }
                if s.durationHoldout != dh[k] { bad += 1 }
            }
        }
        #expect(bad == 0, "\(key): \(bad) customers differ from lifetimes")
    }

    @Test func daily() throws { try compare(unit: .day, key: "D", holdout: false) }
    @Test func weekly() throws { try compare(unit: .week, key: "W", holdout: false) }
    @Test func dailyHoldout() throws { try compare(unit: .day, key: "D_holdout", holdout: true) }
    @Test func weeklyHoldout() throws { try compare(unit: .week, key: "W_holdout", holdout: true) }

    /// The continuous clock (days / 7) on CDNOW's raw purchases equals lifetimes with `freq="D",
    /// freq_multiplier=7` (whose calibration part is its published `load_cdnow_summary`), and BG/NBD
    /// fitted on it gives Fader, Hardie & Lee's (2005) estimates.
    @Test func continuousWeeksOnCDNOW() throws {
        let ref = Fixture.dict(try Fixture.json("cdnow_continuous.json"))
        let t = try exampleTransactions("cdnow_transactions/transactions.csv")
        let o = RFMOptions(timeUnit: .week, calibrationEnd: Civil.day(year: 1997, month: 9, day: 30),
                           observationEnd: Civil.day(year: 1998, month: 6, day: 30), continuous: true)
        let s = try RFMSummary.build(customer: t.customer, day: t.day, amount: t.amount, customers: t.ids.count, options: o, asOf: t.day.max()!)
        let ids = (ref["id"] as! [Any]).map { "\($0)" }
        #expect(ids.count == 2357 && s.count == 2357)
        var row = [String: Int]()
        for i in 0..<s.count { row[t.ids[Int(s.customer[i])]] = i }
        let f = Fixture.doubles(ref["frequency_cal"]), r = Fixture.doubles(ref["recency_cal"]), T = Fixture.doubles(ref["T_cal"])
        let m = Fixture.doubles(ref["monetary_value_cal"]), fh = Fixture.doubles(ref["frequency_holdout"])
        let dh = Fixture.doubles(ref["duration_holdout"])
        var bad = 0
        for (k, id) in ids.enumerated() {
            guard let i = row[id] else { bad += 1; continue }
            if Double(s.frequency[i]) != f[k] || abs(s.recency[i] - r[k]) > 1e-12 * max(1, r[k]) || abs(s.T[i] - T[k]) > 1e-12 * T[k]
                || abs(s.monetaryValue[i] - m[k]) > 1e-9 * max(1, m[k]) || Double(s.frequencyHoldout[i]) != fh[k]
                || abs(s.durationHoldout - dh[k]) > 1e-12 * dh[k] { bad += 1 }
        }
        #expect(bad == 0, "\(bad) customers differ from lifetimes")
        let bg = try BGNBDModel.fit(s.patterns)
        for (got, paper, name) in [(bg.r, 0.243, "r"), (bg.alpha, 4.414, "alpha"), (bg.a, 0.793, "a"), (bg.b, 2.426, "b")] {
            #expect(abs(got - paper) < 6e-4, "\(name) = \(got), published \(paper)")
        }
        // the calendar clock is a different summary (whole ISO weeks), with other estimates
        var calendar = o; calendar.continuous = false
        let w = try RFMSummary.build(customer: t.customer, day: t.day, amount: t.amount, customers: t.ids.count, options: calendar, asOf: t.day.max()!)
        #expect(w.T.allSatisfy { $0 == $0.rounded() } && s.T.contains { $0 != $0.rounded() })
    }

    @Test func patternsCompress() throws {
        let t = try exampleTransactions()
        let s = try RFMSummary.build(customer: t.customer, day: t.day, amount: t.amount, customers: t.ids.count,
                                     options: RFMOptions(timeUnit: .week), asOf: t.day.max()!)
        let p = s.patterns
        #expect(p.totalWeight == Double(s.count))
        #expect(p.count < s.count)
        for i in 0..<s.count {
            let k = Int(p.pattern[i])
            #expect(p.x[k] == s.frequency[i] && p.tx[k] == s.recency[i] && p.T[k] == s.T[i])
        }
    }

    @Test func monthsAreCalendarMonths() {
        let u = TimeUnit.month
        #expect(u.period(Civil.day(year: 2024, month: 3, day: 31)) - u.period(Civil.day(year: 2024, month: 2, day: 1)) == 1)
        #expect(u.start(ofPeriod: u.period(Civil.day(year: 2023, month: 7, day: 19))) == Civil.day(year: 2023, month: 7, day: 1))
        let w = TimeUnit.week
        // 2024-03-04 is a Monday; the Sunday before belongs to the previous week
        #expect(w.period(Civil.day(year: 2024, month: 3, day: 4)) == w.period(Civil.day(year: 2024, month: 3, day: 10)))
        #expect(w.period(Civil.day(year: 2024, month: 3, day: 3)) == w.period(Civil.day(year: 2024, month: 3, day: 4)) - 1)
        #expect(w.start(ofPeriod: w.period(Civil.day(year: 2024, month: 3, day: 7))) == Civil.day(year: 2024, month: 3, day: 4))
    }
}

@Suite struct RegressionAgreement {
    func load() throws -> (DesignMatrix, [Double], [String: Any]) {
        let ref = try Fixture.json("regression.json")
        let rows = (ref["X"] as! [Any]).map { Fixture.doubles($0) }
        let X = Matrix(rowMajor: rows)
        let names = ["intercept", "frequency", "recency", "T", "monetary_value"]
        return (DesignMatrix(X: X, names: names), Fixture.doubles(ref["y"]), ref)
    }

    @Test func olsMatchesStatsmodels() throws {
        let (d, y, ref) = try load()
        let fit = try OLS.fit(d, y)
        let o = Fixture.dict(ref["ols"])
        let b = Fixture.doubles(o["params"]), se = Fixture.doubles(o["bse"])
        for j in 0..<b.count {
            #expect(relErr(fit.estimates[j], b[j]) < 1e-8, "β\(j) \(fit.estimates[j]) vs \(b[j])")
            #expect(relErr(fit.coefficients[j].standardError, se[j]) < 1e-8)
        }
        #expect(relErr(fit.rSquared, Fixture.num(o["rsquared"])) < 1e-8)
        #expect(relErr(fit.adjustedRSquared ?? .nan, Fixture.num(o["rsquared_adj"])) < 1e-8)
        #expect(relErr(fit.scale, Fixture.num(o["scale"])) < 1e-8)
    }

    @Test func ridgeClosedFormMatchesNumpy() throws {
        let (d, y, ref) = try load()
        for (key, v) in Fixture.dict(ref["ridge"]) {
            let b = try Ridge.solve(d.X, y, lambda: Double(key) ?? .nan)
            let e = Fixture.doubles(v)
            for j in 0..<e.count { #expect(relErr(b[j], e[j]) < 1e-8, "ridge λ=\(key) β\(j)") }
        }
    }

    @Test func ridgeCVPicksAGridPoint() throws {
        let (d, y, _) = try load()
        let r = try Ridge.fitCV(d, y, folds: 5, seed: 7)
        #expect(r.lambdas.contains(r.fit.lambda!))
        #expect(r.cvMSE.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(r.fit.coefficients.allSatisfy { $0.standardError.isFinite })
        // at a tiny λ ridge is OLS
        let ols = try OLS.fit(d, y)
        let tiny = try Ridge.solve(d.X, y, lambda: 1e-10)
        for j in 0..<tiny.count { #expect(relErr(tiny[j], ols.estimates[j]) < 1e-6) }
    }

    @Test func poissonGLMMatchesStatsmodels() throws {
        let (d, y, ref) = try load()
        let r = try PoissonGLM.fit(d, y)
        let g = Fixture.dict(ref["glm_poisson"]), q = Fixture.dict(ref["glm_poisson_quasi"])
        let b = Fixture.doubles(g["params"]), se = Fixture.doubles(g["bse"]), seq = Fixture.doubles(q["bse"])
        for j in 0..<b.count {
            #expect(relErr(r.fit.estimates[j], b[j]) < 1e-8, "β\(j) \(r.fit.estimates[j]) vs \(b[j])")
            #expect(relErr(r.rawStandardErrors[j], se[j]) < 1e-8, "SE\(j)")
            #expect(relErr(r.fit.coefficients[j].standardError, seq[j]) < 1e-8, "quasi SE\(j)")
        }
        #expect(relErr(r.fit.deviance!, Fixture.num(g["deviance"])) < 1e-8)
        #expect(relErr(r.fit.scale, Fixture.num(q["scale"])) < 1e-8)
    }
}

/// A regression model whose holdout predictions are useless is marked failed, so the report never
/// charts it (issue 12, point 4).
@Suite struct FailedModelTests {
    @Test func overflowingOrFarOffPredictionsAreFailures() {
        let actual = [10.0, 0, 25, 3, 8, 0, 14]
        #expect(ModelComparison(model: "ok", predicted: actual.map { $0 + 1 }, actual: actual).failure == nil)
        let overflow = ModelComparison(model: "glm", predicted: actual.map { _ in Double.infinity }, actual: actual)
        #expect(overflow.failure?.contains("overflowed") == true)
        let far = ModelComparison(model: "glm", predicted: actual.map { $0 * 300 + 5_000 }, actual: actual)
        #expect(far.rSquared < ModelComparison.minUsableRSquared && far.failure?.contains("far worse than predicting the mean") == true)
    }

    /// IRLS halves a step that raises the deviance: a design with a huge feature still converges to
    /// the same fit as the rescaled one (coefficients scale inversely), instead of diverging.
    @Test func poissonGLMAgreesUnderRescaling() throws {
        var rng = RNG(seed: 3)
        let n = 400
        var x = [Double](), y = [Double]()
        for _ in 0..<n { let v = rng.uniform() * 4; x.append(v); y.append(Double(Int(exp(0.5 + 0.6 * v) * rng.uniform() * 2))) }
        func fit(_ scale: Double) throws -> [Double] {
            var X = Matrix(rows: n, cols: 2)
            for i in 0..<n { X[i, 0] = 1; X[i, 1] = x[i] * scale }
            return try PoissonGLM.fit(DesignMatrix(X: X, names: ["intercept", "x"]), y).fit.estimates
        }
        let a = try fit(1), b = try fit(1_000)
        #expect(abs(a[0] - b[0]) < 1e-6 && abs(a[1] - b[1] * 1_000) < 1e-6, "\(a) vs \(b)")
    }
}
