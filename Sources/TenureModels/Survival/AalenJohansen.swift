import Foundation
import TenureNumerics

/// The cumulative incidence of each cause (Aalen–Johansen), one row per distinct time (event or
/// censoring), as R `survfit(Surv(time, factor(cause)) ~ 1)` lists a competing-risks fit.
///
/// Contract, with n_j at risk, d_jk churns of cause k and d_j of any cause at the j-th time:
/// `incidence[k][j] = Σ_{l ≤ j} S(t_{l−1}) d_lk / n_l`, S the all-cause Kaplan–Meier
/// (`survival[j] = 1 − Σ_k incidence[k][j]`). `stdErr[k][j]` is R's infinitesimal-jackknife standard
/// error: the square root of Σ_i U_i² over subjects, U_i the derivative of the incidence with
/// respect to subject i's case weight. Intervals are R's `survfit_confint` on the incidence with
/// `logse = FALSE` (log: F·exp(±z·se/F), log-log, plain), NaN where none exists (F = 0 for log
/// and log-log, F = 1 for log-log). Agrees with R `survival` 3.5 to ≈1e-12 relative.
public struct CumulativeIncidenceCurve: Sendable, Codable, Equatable {
    public var causes: [String]
    public var time: [Double]
    public var atRisk: [Int]
    /// `events[k][j]`: churns of cause k + 1 at time j.
    public var events: [[Int]]
    public var censored: [Int]
    public var incidence: [[Double]]
    public var stdErr: [[Double]]
    public var lower: [[Double]]
    public var upper: [[Double]]
    /// All-cause survival (the Kaplan–Meier curve of any churn).
    public var survival: [Double]
    public var confidenceType: ConfidenceType
    public var confidenceLevel: Double
    public var subjects: Int

    enum CodingKeys: String, CodingKey {
        case causes, time, events, censored, incidence, lower, upper, survival, subjects
        case atRisk = "at_risk", stdErr = "std_err", confidenceType = "confidence_type", confidenceLevel = "confidence_level"
    }

    /// Row of the last time ≤ t, or nil when t precedes every time.
    public func index(at t: Double) -> Int? {
        var lo = 0, hi = time.count
        while lo < hi { let m = (lo + hi) / 2; if time[m] <= t { lo = m + 1 } else { hi = m } }
        return lo == 0 ? nil : lo - 1
    }

    /// Subjects whose time is ≥ t.
    public func atRisk(at t: Double) -> Int {
        var lo = 0, hi = time.count
        while lo < hi { let m = (lo + hi) / 2; if time[m] < t { lo = m + 1 } else { hi = m } }
        return lo < time.count ? atRisk[lo] : 0
    }
}

public enum AalenJohansen {
    /// Fits the cumulative incidence of every cause of `sample` on the subjects `indices` (all when
    /// nil). O(n) to tabulate whole-day times (a radix sort otherwise) and O(m·K) for the m distinct
    /// times and K causes, variance included.
    public static func fit(_ sample: CompetingSample, indices: [Int]? = nil,
                           confidenceType: ConfidenceType = .logLog, level: Double = 0.95) throws -> CumulativeIncidenceCurve {
        let s = indices.map { sample.subset($0) } ?? sample
        try s.validate(model: "cumulative incidence")
        let K = s.causes.count
        // tabulate: distinct times ascending, churns per cause and censorings at each
        let order = RadixSort.order(s.time)
        var time: [Double] = [], censored: [Int] = []
        var events = [[Int]](repeating: [], count: K)
        var q = 0
        while q < order.count {
            let t = s.time[Int(order[q])]
            var c = 0
            var d = [Int](repeating: 0, count: K)
            while q < order.count && s.time[Int(order[q])] == t {
                let k = Int(s.cause[Int(order[q])])
                if k == 0 { c += 1 } else { d[k - 1] += 1 }
                q += 1
            }
            time.append(t); censored.append(c)
            for k in 0..<K { events[k].append(d[k]) }
        }
        return fit(time: time, events: events, censored: censored, causes: s.causes, confidenceType: confidenceType, level: level)
    }

    /// Fits from a table: distinct times ascending, `events[k][j]` churns of cause k + 1 and
    /// `censored[j]` censorings at time j.
    public static func fit(time: [Double], events: [[Int]], censored: [Int], causes: [String],
                           confidenceType: ConfidenceType = .logLog, level: Double = 0.95) -> CumulativeIncidenceCurve {
        let m = time.count, K = causes.count
        let z = Normal.quantile(1 - (1 - level) / 2)
        let total = censored.reduce(0, +) + events.reduce(0) { $0 + $1.reduce(0, +) }
        var atRisk = [Int](repeating: 0, count: m)
        var incidence = [[Double]](repeating: [Double](repeating: 0, count: m), count: K)
        var stdErr = incidence, lower = incidence, upper = incidence
        var survival = [Double](repeating: 1, count: m)

        // The influence of subject i on F_k(t_j) (derivative in its case weight), with λ_l = d_l/n_l,
        // λ_lk = d_lk/n_l and B(j) = Σ_{l ≤ j} (−λ_l/n_l)/(1 − λ_l):
        //   still at risk after t_j:  P_k(j) = Σ_{l ≤ j} S(t_{l−1}) (−λ_lk/n_l − B(l−1) λ_lk)
        //   leaving at t_J ≤ t_j with cause s (0 = censored):
        //     α_k − C·(F_k(t_j) − F_k(t_J)),  α_k = P_k(J−1) + S(t_{J−1}) ((1[s = k] − λ_Jk)/n_J − B(J−1) λ_Jk),
        //     C = B(J−1) + (1[s ≠ 0] − λ_J)/(n_J (1 − λ_J)).
        // With a = α_k + C·F_k(t_J), Σ_i U_i(t_j)² is (at risk after t_j)·P_k(j)² plus, over those who
        // left, Σ a² − 2 F_k(t_j) Σ a·C + F_k(t_j)² Σ C²: three running sums per cause.
        var n = total
        var sPrev = 1.0, bPrev = 0.0
        var F = [Double](repeating: 0, count: K), P = F
        var sumA2 = F, sumAC = F, sumC2 = F
        for j in 0..<m {
            let nj = Double(n)
            atRisk[j] = n
            var dj = 0
            for k in 0..<K { dj += events[k][j] }
            let lam = nj > 0 ? Double(dj) / nj : 0
            let open = lam < 1                       // someone is left after t_j
            let b = bPrev + (open && nj > 0 ? (-lam / nj) / (1 - lam) : 0)
            // subjects leaving at t_j: C for an event and for a censoring
            let cEvent = bPrev + (open ? (1 - lam) / (nj * (1 - lam)) : 0)
            let cCens = bPrev + (open ? (-lam) / (nj * (1 - lam)) : 0)
            let sNow = sPrev * (1 - lam)
            for k in 0..<K {
                let lk = nj > 0 ? Double(events[k][j]) / nj : 0
                let fNow = F[k] + sPrev * lk
                let base = P[k] + sPrev * (-lk / nj - bPrev * lk)
                let pNow = base                      // P_k(j): no own event
                if nj > 0 {
                    // censored at t_j
                    if censored[j] > 0 {
                        let a = base + cCens * fNow, w = Double(censored[j])
                        sumA2[k] += w * a * a; sumAC[k] += w * a * cCens; sumC2[k] += w * cCens * cCens
                    }
                    // churned at t_j, of each cause
                    for c in 0..<K where events[c][j] > 0 {
                        let alpha = base + (c == k ? sPrev / nj : 0)
                        let a = alpha + cEvent * fNow, w = Double(events[c][j])
                        sumA2[k] += w * a * a; sumAC[k] += w * a * cEvent; sumC2[k] += w * cEvent * cEvent
                    }
                }
                let after = Double(n - dj - censored[j])
                let v = after * pNow * pNow + sumA2[k] - 2 * fNow * sumAC[k] + fNow * fNow * sumC2[k]
                let se = max(v, 0).squareRoot()
                F[k] = fNow; P[k] = pNow
                incidence[k][j] = fNow; stdErr[k][j] = se
                let (lo, hi) = KaplanMeier.interval(fNow, se == 0 ? 0 : se / fNow, z, confidenceType)
                lower[k][j] = lo; upper[k][j] = hi
            }
            survival[j] = sNow
            sPrev = sNow; bPrev = b
            n -= dj + censored[j]
        }
        return CumulativeIncidenceCurve(causes: causes, time: time, atRisk: atRisk, events: events, censored: censored,
                                        incidence: incidence, stdErr: stdErr, lower: lower, upper: upper, survival: survival,
                                        confidenceType: confidenceType, confidenceLevel: level, subjects: total)
    }
}
