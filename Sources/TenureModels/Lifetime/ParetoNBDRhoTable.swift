import Foundation
import TenureNumerics

/// ρ (see `ParetoNBDModel`) and its derivatives at many ages t of one x, from one series per run.
///
/// With k = r + x and `g(τ) = (α+τ)^−k (β+τ)^−(s+1)`, ρ(t) = s ∫ₜ^∞ g / E(t), E(t) = (α+t)^−k (β+t)^−s.
/// For t < t' this gives the step
///
/// `ρ(t) = q ρ(t') + s J`,  `q = E(t')/E(t)`,  `J = ∫ₜ^t' g(τ)/E(t) dτ`,
///
/// both terms positive. The keys of one x are taken from the largest t down: the first of each run
/// by the ₂F₁ series (`ParetoNBDModel.rho`, whose cost grows like 1/(1 − z), i.e. like (β+t)/(α+t)
/// when β ≫ α, which is where fits on a ridge towards one dropout rate spend their time), every
/// other by the step. J and its derivatives are 16-point Gauss–Legendre sums over equal pieces of
/// [t, t'], each piece at most half the distance to the nearest singularity (−α, −β) and at most
/// 1/κ long (κ = k/(α+t) + (s+1)/(β+t), the decay rate of the integrand at t), where the rule is
/// exact to about 1e-17 relative; pieces stop once the integrand's bound on the rest is below 1e-18
/// of J (it decreases in τ). The derivatives are carried as those of ρ itself (q, J differentiated
/// in closed form under the integral). Since every step adds positive terms, the relative error of
/// ρ stays at the series' plus a few ulps per step (runs are at most `run` keys). Measured against
/// 40-digit ₂F₁ values (`scripts/fixtures/pareto_nbd_rho.py`): log ρ within 1.4e-15, derivatives
/// within ~1e-13 relative, also on the ridge, where the series alone at small t (10⁵–10⁶ terms)
/// is off by up to 1e-12. Cost: a 16-node sum per key instead of a series of ~39 (β+t)/(α+t) terms.
enum RhoTable {
    /// Most keys a run holds (one series each).
    static let run = 256

    /// Distinct (x, t) pairs, arranged in runs: `order` sorts them by x, then t descending, and
    /// run j is `order[runs[j] ..< runs[j+1]]`, keys of one x, at most `run` of them.
    struct Keys {
        var x: [Double] = [], t: [Double] = []
        var order: [Int32] = [], runs: [Int32] = [0]

        init() {}
        init(x: [Double], t: [Double]) { self.x = x; self.t = t; arrange() }

        mutating func arrange() {
            let x = self.x, t = self.t
            order = (0 ..< Int32(x.count)).sorted { a, b in
                let i = Int(a), j = Int(b)
                return x[i] != x[j] ? x[i] < x[j] : t[i] > t[j]
            }
            runs = []
            var i = 0
            while i < order.count {
                runs.append(Int32(i))
                let x0 = x[Int(order[i])]
                var j = i + 1
                while j < order.count && j - i < run && x[Int(order[j])] == x0 { j += 1 }
                i = j
            }
            runs.append(Int32(order.count))
        }
    }

    /// ρ at every key (nil for a run whose series does not converge), on every core.
    static func rho(_ keys: Keys, r: Double, alpha al: Double, s: Double, beta be: Double) -> [ParetoNBDModel.Rho?] {
        var out = [ParetoNBDModel.Rho?](repeating: nil, count: keys.x.count)
        out.withUnsafeMutableBufferPointer { buf in
            let buf = buf
            keys.order.withUnsafeBufferPointer { order in
                Parallel.forEach(keys.runs.count - 1) { j in
                    let run = UnsafeBufferPointer(rebasing: order[Int(keys.runs[j]) ..< Int(keys.runs[j + 1])])
                    fill(run, x: keys.x, t: keys.t, r: r, alpha: al, s: s, beta: be, into: buf)
                }
            }
        }
        return out
    }

    /// One run: `keys` of one x, t descending.
    static func fill(_ keys: UnsafeBufferPointer<Int32>, x: [Double], t: [Double], r: Double, alpha al: Double, s: Double, beta be: Double,
                     into out: UnsafeMutableBufferPointer<ParetoNBDModel.Rho?>) {
        guard let top = keys.first else { return }
        let k = r + x[Int(top)]
        var tn = t[Int(top)]
        guard let first = ParetoNBDModel.rho(k: k, s: s, alpha: al, beta: be, t: tn) else { return }
        out[Int(top)] = first
        // ρ and ∂ρ/∂(k, s, α, β) at tn
        var v = Foundation.exp(first.log)
        var dk = v * first.dk, ds = v * first.ds, da = v * first.dal, db = v * first.dbe
        let gl = GaussLegendre.sixteen
        for key in keys.dropFirst() {
            let tk = t[Int(key)]
            let len = tn - tk
            let ia = 1 / (al + tk), ib = 1 / (be + tk)
            // q = E(tn)/E(tk) and its log-derivatives
            let lqa = Foundation.log1p(len * ia), lqb = Foundation.log1p(len * ib)
            let q = Foundation.exp(-k * lqa - s * lqb)
            let qk = -lqa, qs = -lqb
            let qa = k * len * ia / (al + tn), qb = s * len * ib / (be + tn)
            // J = ∫ exp(h(u)) du over u ∈ [0, len], h = −k log1p(u/(α+t)) − (s+1) log1p(u/(β+t)) − log(β+t)
            let kappa = k * ia + (s + 1) * ib
            let maxPiece = min(0.5 * (min(al, be) + tk), 1 / kappa)
            let pieces = max(1, Int(min(len / maxPiece, 1e15).rounded(.up)))
            let h = len / Double(pieces)
            var j0 = 0.0, jk = 0.0, js = 0.0, ja = 0.0, jb = 0.0
            for piece in 0 ..< pieces {
                let u0 = Double(piece) * h
                if piece > 0 {
                    // the integrand decreases: the rest is at most its value at u0 times the length left
                    let bound = Foundation.exp(-k * Foundation.log1p(u0 * ia) - (s + 1) * Foundation.log1p(u0 * ib)) * ib * (len - u0)
                    if bound <= 1e-18 * j0 { break }
                }
                for i in 0 ..< gl.nodes.count {
                    let u = u0 + 0.5 * h * (gl.nodes[i] + 1)
                    let la = Foundation.log1p(u * ia), lb = Foundation.log1p(u * ib)
                    let ibu = 1 / (be + tk + u)
                    let f = 0.5 * h * gl.weights[i] * Foundation.exp(-k * la - (s + 1) * lb) * ib
                    j0 += f
                    jk -= f * la
                    js -= f * lb
                    ja += f * k * u * ia / (al + tk + u)
                    jb += f * (s * u * ib - 1) * ibu
                }
            }
            let nv = q * v + s * j0
            dk = q * (qk * v + dk) + s * jk
            ds = q * (qs * v + ds) + s * js + j0
            da = q * (qa * v + da) + s * ja
            db = q * (qb * v + db) + s * jb
            v = nv
            tn = tk
            let iv = 1 / v
            out[Int(key)] = ParetoNBDModel.Rho(log: Foundation.log(v), dk: dk * iv, ds: ds * iv, dal: da * iv, dbe: db * iv)
        }
    }
}
