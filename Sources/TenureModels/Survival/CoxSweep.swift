import Foundation
import TenureNumerics

/// The sweep over (stratum, time) groups the Cox partial likelihood is made of, from each group's
/// sums at β: Σw and Σw·x over the group's subjects (`G0`, `G1`) and over its deaths (`D0`, `D1`),
/// w = e^{xβ} of the centred covariates, `G1`/`D1` column-major G × p. Groups are numbered in
/// (stratum, time) order; within a stratum the risk set of group g is every group ≥ g.
///
/// It gives the log-likelihood, the gradient (from Σ over deaths of x, `sumDeathX`), and the parts
/// of the information that need only group sums: the rank-one rows of the tie correction (their
/// Gram is subtracted) and the weights cᵢ with which each subject's w·x·xᵀ enters, cᵢ = Σ over death
/// groups g ≤ g(i) of A_g, less B_{g(i)} for a death (Efron; B = 0 for Breslow), A_g = Σ_k 1/s0_k,
/// B_g = Σ_k (k/d)/s0_k over the group's d deaths, s0_k = S0 − (k/d)·D0.
struct CoxSweep {
    var loglik: Double
    var gradient: [Double]
    var A: [Double], B: [Double]
    /// The tie correction's rows, column-major `rowCount` × p.
    var rows: [Double]
    var rowCount: Int
    let p: Int

    static let ln2 = 0.693147180559945309417232121458176568

    /// `rows`: the rows the correction needs (one per death group, two for Efron groups of ≥ 2 deaths).
    init(deaths: [Int32], strata: [Range<Int>], G0: [Double], D0: [Double], G1: [Double], D1: [Double],
         sumDeathX: [Double], beta: [Double], efron: Bool, rows R: Int) {
        let G = deaths.count, p = beta.count
        self.p = p
        var A = [Double](repeating: 0, count: G), B = A
        var rowsData = [Double](repeating: 0, count: max(R, 1) * p)
        var grad = sumDeathX
        var ll = 0.0
        for j in 0..<p { ll += beta[j] * sumDeathX[j] }
        var s1 = [Double](repeating: 0, count: p)
        var r = 0
        G1.withUnsafeBufferPointer { g1 in
        D1.withUnsafeBufferPointer { d1 in
        rowsData.withUnsafeMutableBufferPointer { rp in
            for range in strata {
                var S0 = 0.0
                for j in 0..<p { s1[j] = 0 }
                for g in range.reversed() {
                    S0 += G0[g]
                    for j in 0..<p { s1[j] += g1[j * G + g] }
                    let d = Int(deaths[g])
                    guard d > 0 else { continue }
                    let Dg = D0[g]
                    var a = 0.0, b = 0.0, al = 0.0, be = 0.0, ga = 0.0
                    if efron && d > 1 {
                        // Σ log s0 as log Π: significands multiplied, exponents added (exact splits),
                        // so one log per group instead of one per death
                        let dd = Double(d)
                        var prod = 1.0, twos = 0
                        for k in 0..<d {
                            let f = Double(k) / dd
                            let s0 = S0 - f * Dg
                            prod *= s0.significand; twos += Int(s0.exponent)
                            if k & 511 == 511 { twos += Int(prod.exponent); prod = prod.significand }
                            let inv = 1 / s0
                            a += inv; b += f * inv
                            al += inv * inv; be += f * inv * inv; ga += f * f * inv * inv
                        }
                        ll -= log(prod) + Double(twos) * Self.ln2
                    } else {
                        let dd = Double(d)
                        ll -= dd * log(S0)
                        a = dd / S0; al = dd / (S0 * S0)
                    }
                    A[g] = a; B[g] = b
                    for j in 0..<p { grad[j] -= a * s1[j] - b * d1[j * G + g] }
                    let sa = al.squareRoot()
                    if efron && d > 1 {
                        let c = be / sa
                        let sv = max(ga - be * be / al, 0).squareRoot()
                        for j in 0..<p {
                            rp[j * R + r] = sa * s1[j] - c * d1[j * G + g]
                            rp[j * R + r + 1] = sv * d1[j * G + g]
                        }
                        r += 2
                    } else {
                        for j in 0..<p { rp[j * R + r] = sa * s1[j] }
                        r += 1
                    }
                }
            }
        }}}
        loglik = ll; gradient = grad; self.A = A; self.B = B; rows = rowsData; rowCount = R
    }

    /// The rows the tie correction needs for these deaths per group.
    static func rowCount(deaths: [Int32], efron: Bool) -> Int {
        deaths.reduce(0) { $0 + ($1 == 0 ? 0 : efron && $1 > 1 ? 2 : 1) }
    }

    /// Per group, cᵢ of its subjects that are not deaths and of its deaths.
    func weights(strata: [Range<Int>]) -> (all: [Double], death: [Double]) {
        var cAll = [Double](repeating: 0, count: A.count), cDeath = cAll
        for range in strata {
            var cumA = 0.0
            for g in range { cumA += A[g]; cAll[g] = cumA; cDeath[g] = max(cumA - B[g], 0) }
        }
        return (cAll, cDeath)
    }

    /// The evaluation, given Σᵢ wᵢcᵢxᵢxᵢᵀ (`weighted`, p × p, symmetric): the tie correction
    /// subtracted and the ridge penalty (λ/2)Σβ² applied.
    func evaluation(info weighted: Matrix, beta: [Double], penalty: Double) -> CoxEngine.Evaluation {
        var info = weighted
        if rowCount > 0 {
            let i2 = Matrix(rows: rowCount, cols: p, data: rows).gram()
            for k in 0..<(p * p) { info.data[k] -= i2.data[k] }
        }
        var pen = loglik, grad = gradient
        if penalty > 0 {
            for j in 0..<p {
                pen -= 0.5 * penalty * beta[j] * beta[j]
                grad[j] -= penalty * beta[j]
                info[j, j] += penalty
            }
        }
        return CoxEngine.Evaluation(loglik: loglik, penalized: pen, gradient: grad, info: info)
    }
}
