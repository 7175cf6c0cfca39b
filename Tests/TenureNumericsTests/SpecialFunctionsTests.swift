import Foundation
import Testing
@testable import TenureNumerics

/// Worst relative error of `f` over fixture rows `[args…, reference]`; the error is
/// `|got − ref| / max(|ref|, floor)` (the floor turns it into an absolute error near zeros).
private func worst(_ file: String, refIndex: Int? = nil, floor: Double = 0, minRef: Double = 0,
                   _ f: ([Double]) -> Double) throws -> (err: Double, at: [Double], count: Int) {
    let rows: [[JNum]] = try Fixtures.load(file)
    var worstErr = 0.0
    var worstAt: [Double] = []
    var offenders: [(Double, [Double])] = []
    defer {
        if ProcessInfo.processInfo.environment["TENURE_NUMERICS_VERBOSE"] != nil {
            for o in offenders.sorted(by: { $0.0 > $1.0 }).prefix(15) { print("\(file): err \(o.0) at \(o.1)") }
        }
    }
    for row in rows {
        let v = row.map(\.v)
        let k = refIndex ?? (v.count - 1)
        let args = Array(v[0..<k])
        let ref = v[k]
        if abs(ref) < minRef { continue }
        let got = f(args)
        let err: Double
        if ref.isInfinite || got.isInfinite {
            err = ref == got ? 0 : .infinity
        } else {
            err = abs(got - ref) / max(abs(ref), floor)
        }
        if !(err <= 1e-15) { offenders.append((err.isNaN ? .infinity : err, args + [ref, got])) }
        if !(err <= worstErr) {  // also catches NaN
            worstErr = err.isNaN ? .infinity : err
            worstAt = args + [ref, got]
        }
    }
    return (worstErr, worstAt, rows.count)
}

@Suite("Special functions vs mpmath")
struct SpecialFunctionsTests {
    @Test func logGamma() throws {
        let r = try worst("logGamma.json", floor: 1e-2) { Special.logGamma($0[0]) }
        #expect(r.count > 150)
        #expect(r.err < 1e-14, "worst \(r.err) at \(r.at)")
    }

    @Test func digamma() throws {
        let pos = try worst("digamma.json", floor: 0) { $0[0] > 0 ? Special.digamma($0[0]) : .nan }
        _ = pos
        let rows: [[JNum]] = try Fixtures.load("digamma.json")
        var worstPos = 0.0, worstNeg = 0.0
        for row in rows {
            let x = row[0].v, ref = row[1].v
            let e = abs(Special.digamma(x) - ref) / abs(ref)
            if x > 0 { worstPos = max(worstPos, e) } else { worstNeg = max(worstNeg, e) }
        }
        #expect(rows.count > 150)
        #expect(worstPos < 2e-15, "x > 0: \(worstPos)")
        #expect(worstNeg < 1e-13, "x < 0: \(worstNeg)")
        #expect(abs(Special.digamma(1) + Special.eulerGamma) < 1e-15)
    }

    @Test func trigamma() throws {
        let r = try worst("trigamma.json") { Special.trigamma($0[0]) }
        #expect(r.err < 1e-14, "worst \(r.err) at \(r.at)")
        #expect(abs(Special.trigamma(1) - Double.pi * Double.pi / 6) < 1e-15)
    }

    @Test func logBeta() throws {
        let r = try worst("logBeta.json", floor: 1) { Special.logBeta($0[0], $0[1]) }
        #expect(r.count > 150)
        #expect(r.err < 1e-14, "worst \(r.err) at \(r.at)")
    }

    @Test func betaRegularized() throws {
        let r = try worst("betaRegularized.json", refIndex: 3) { Special.betaRegularized($0[0], $0[1], $0[2]) }
        #expect(r.count > 200)
        #expect(r.err < 1e-13, "worst \(r.err) at \(r.at)")
        let c = try worst("betaRegularized.json", refIndex: 4, minRef: 1e-30) { Special.betaRegularizedComplement($0[0], $0[1], $0[2]) }
        #expect(c.err < 1e-13, "complement: worst \(c.err) at \(c.at)")
    }

    @Test func incompleteGamma() throws {
        let p = try worst("gammaPQ.json", refIndex: 2) { Special.gammaP($0[0], $0[1]) }
        let q = try worst("gammaPQ.json", refIndex: 3) { Special.gammaQ($0[0], $0[1]) }
        #expect(p.count > 100)
        #expect(p.err < 1e-13, "P: worst \(p.err) at \(p.at)")
        #expect(q.err < 1e-13, "Q: worst \(q.err) at \(q.at)")
    }

    @Test func hyp2f1() throws {
        let r = try worst("hyp2f1.json") { Special.hyp2f1($0[0], $0[1], $0[2], $0[3]) }
        #expect(r.count > 300)
        #expect(r.err < 1e-12, "worst \(r.err) at \(r.at)")
        let l = try worst("hyp2f1.json", floor: 1) { v in
            Special.logHyp2f1(v[0], v[1], v[2], v[3])
        }
        _ = l  // (log of the reference is compared below)
        let rows: [[JNum]] = try Fixtures.load("hyp2f1.json")
        var worstLog = 0.0
        for row in rows where row[4].v > 0 {
            let got = Special.logHyp2f1(row[0].v, row[1].v, row[2].v, row[3].v)
            worstLog = max(worstLog, abs(got - log(row[4].v)) / max(1, abs(log(row[4].v))))
        }
        #expect(worstLog < 1e-12, "log: \(worstLog)")
        // Identities: ₂F₁(1, 1; 2; z) = −log(1 − z)/z; ₂F₁(a, b; b; z) = (1 − z)^{−a}.
        for z in [-5.0, -0.3, 0.2, 0.8, 0.999] {
            #expect(abs(Special.hyp2f1(1, 1, 2, z) / (-log1p(-z) / z) - 1) < 1e-13)
            #expect(abs(Special.hyp2f1(2.5, 3.3, 3.3, z) / pow(1 - z, -2.5) - 1) < 1e-13)
        }
        #expect(Special.hyp2f1(1, 2, 3, 0) == 1)
        #expect(Special.hyp2f1(1, 2, 3, 1.5).isNaN)
    }

    @Test func normal() throws {
        let c = try worst("normalCdf.json", refIndex: 1) { Normal.cdf($0[0]) }
        let s = try worst("normalCdf.json", refIndex: 2) { Normal.sf($0[0]) }
        #expect(c.err < 2e-12, "cdf: worst \(c.err) at \(c.at)")
        #expect(s.err < 2e-12, "sf: worst \(s.err) at \(s.at)")
        let q = try worst("normalQuantile.json") { Normal.quantile($0[0]) }
        #expect(q.count > 150)
        #expect(q.err < 1e-14, "quantile: worst \(q.err) at \(q.at)")
        #expect(Normal.quantile(0.5) == 0)
        #expect(Normal.quantile(0) == -.infinity && Normal.quantile(1) == .infinity)
        #expect(Normal.quantile(-0.1).isNaN)
        #expect(abs(Normal.quantile(0.975) - 1.959963984540054) < 1e-15)
    }

    @Test func chiSquared() throws {
        let q = try worst("chiSquaredQuantile.json") { ChiSquared.quantile($0[1], df: $0[0]) }
        #expect(q.count > 60)
        #expect(q.err < 1e-12, "quantile: worst \(q.err) at \(q.at)")
        // Round trip through the cdf, and the textbook 3.841 critical value.
        #expect(abs(ChiSquared.quantile(0.95, df: 1) - 3.841458820694124) < 1e-12)
        #expect(abs(ChiSquared.cdf(3.841458820694124, df: 1) - 0.95) < 1e-15)
        #expect(abs(ChiSquared.sf(3.841458820694124, df: 1) - 0.05) < 1e-15)
        #expect(abs(ChiSquared.upperQuantile(1e-20, df: 4) / ChiSquared.quantile(1 - 1e-20, df: 4) - 1) < 1e-9
                || ChiSquared.quantile(1 - 1e-20, df: 4) == .infinity)
        #expect(ChiSquared.cdf(0, df: 3) == 0 && ChiSquared.sf(0, df: 3) == 1)
    }
}
