import Foundation
import TenureNumerics

/// How pointwise confidence intervals for S(t) are formed from the Greenwood standard error
/// `σ(t) = sqrt(Σ d/(n(n−d)))` of log S(t) — the formulas of R `survival::survfit` (`conf.type`).
public enum ConfidenceType: String, Sendable, Codable, CaseIterable {
    /// `exp(−exp(log(−log S) ± z σ / log S))`: R `conf.type="log-log"`, lifelines' default.
    case logLog = "log-log"
    /// `S·exp(±z σ)`, upper capped at 1: R's default `conf.type="log"`.
    case log
    /// `S ± z σ S`, clipped to [0, 1].
    case plain
}

/// A Kaplan–Meier survival curve with Greenwood variance and the Nelson–Aalen cumulative hazard,
/// one row per distinct time (event or censoring), as R's `survfit(..., ctype=1)` lists it.
///
/// Contract: `survival[i] = Π_{t_j ≤ t_i} (1 − d_j/n_j)`; `stdErr[i]` is the Greenwood standard error
/// of log S (R's `std.err`; +∞ once S = 0); `lower`/`upper` follow `confidenceType` exactly as R does.
///
/// No-interval convention (R's): where the interval does not exist the limits are NaN — at S = 0
/// for every type (log S = −∞, std.err = ∞; R gives NA, or NaN for "plain"), and at S = 1 for
/// log-log (log(−log 1) = −∞; R gives NA). lifelines reports the degenerate [S, S] there instead;
/// renderers show NaN as "–" and JSON as "nan". `cumulativeHazard[i] = Σ d_j/n_j` with standard error
/// `sqrt(Σ d_j/n_j²)` (R's `std.chaz`). Agrees with R and lifelines to rounding (≈1e-14 relative).
public struct KaplanMeierCurve: Sendable, Codable, Equatable {
    public var time: [Double]
    public var atRisk: [Int]
    public var events: [Int]
    public var censored: [Int]
    public var survival: [Double]
    public var stdErr: [Double]
    public var lower: [Double]
    public var upper: [Double]
    public var cumulativeHazard: [Double]
    public var cumulativeHazardSE: [Double]
    public var confidenceLevel: Double
    public var confidenceType: ConfidenceType
    public var subjects: Int
    public var eventCount: Int

    enum CodingKeys: String, CodingKey {
        case time, events, censored, survival, lower, upper
        case atRisk = "at_risk", stdErr = "std_err", cumulativeHazard = "cumulative_hazard"
        case cumulativeHazardSE = "cumulative_hazard_se", confidenceLevel = "confidence_level"
        case confidenceType = "confidence_type", subjects, eventCount = "event_count"
    }

    /// Value of the step function at `t` (right-continuous): S(t) = survival at the last time ≤ t,
    /// 1 before the first time. Returns the index of that row, or nil when t precedes every time.
    public func index(at t: Double) -> Int? {
        var lo = 0, hi = time.count            // first index with time > t
        while lo < hi { let m = (lo + hi) / 2; if time[m] <= t { lo = m + 1 } else { hi = m } }
        return lo == 0 ? nil : lo - 1
    }

    /// Number at risk just before `t` (subjects whose time is ≥ t), as R `summary(fit, times=)` reports.
    public func atRisk(at t: Double) -> Int {
        var lo = 0, hi = time.count            // first index with time ≥ t
        while lo < hi { let m = (lo + hi) / 2; if time[m] < t { lo = m + 1 } else { hi = m } }
        return lo < time.count ? atRisk[lo] : 0
    }
}

public enum KaplanMeier {
    /// Fits the Kaplan–Meier estimator. O(n) for integral times in a compact range, else O(n log n).
    public static func fit(_ sample: SurvivalSample, indices: [Int]? = nil,
                           confidenceType: ConfidenceType = .logLog, level: Double = 0.95) throws -> KaplanMeierCurve {
        let (table, valid) = EventTable.tabulateChecked(sample, indices: indices)   // one pass checks and counts
        if !valid { try sample.validate(model: "Kaplan–Meier") }
        return fit(table: table, confidenceType: confidenceType, level: level)
    }

    /// Fits from an event table (distinct times ascending).
    public static func fit(table: EventTable, confidenceType: ConfidenceType = .logLog, level: Double = 0.95) -> KaplanMeierCurve {
        let m = table.times.count
        let z = Normal.quantile(1 - (1 - level) / 2)
        var c = KaplanMeierCurve(time: table.times, atRisk: [], events: table.events, censored: table.censored,
                                 survival: [], stdErr: [], lower: [], upper: [], cumulativeHazard: [],
                                 cumulativeHazardSE: [], confidenceLevel: level, confidenceType: confidenceType,
                                 subjects: table.total, eventCount: table.events.reduce(0, +))
        c.atRisk.reserveCapacity(m); c.survival.reserveCapacity(m); c.stdErr.reserveCapacity(m)
        c.lower.reserveCapacity(m); c.upper.reserveCapacity(m)
        c.cumulativeHazard.reserveCapacity(m); c.cumulativeHazardSE.reserveCapacity(m)
        var n = table.total
        var s = 1.0, greenwood = 0.0, h = 0.0, vh = 0.0
        for i in 0..<m {
            let d = table.events[i]
            let nd = Double(n), dd = Double(d)
            if d > 0 {
                s *= 1 - dd / nd
                greenwood += n > d ? dd / (nd * (nd - dd)) : .infinity
                h += dd / nd
                vh += dd / (nd * nd)
            }
            let se = greenwood.squareRoot()
            let (lo, hi) = interval(s, se, z, confidenceType)
            c.atRisk.append(n); c.survival.append(s); c.stdErr.append(se)
            c.lower.append(lo); c.upper.append(hi)
            c.cumulativeHazard.append(h); c.cumulativeHazardSE.append(vh.squareRoot())
            n -= d + table.censored[i]
        }
        return c
    }

    /// R's `survfit_confint` with `logse = TRUE`.
    @inline(__always)
    static func interval(_ p: Double, _ se: Double, _ z: Double, _ type: ConfidenceType) -> (Double, Double) {
        switch type {
        case .plain:
            let w = se * p * z
            if w.isNaN { return (.nan, .nan) }
            return (max(p - w, 0), min(p + w, 1))
        case .log:
            if p == 0 { return (.nan, .nan) }
            return (Foundation.exp(Foundation.log(p) - z * se), min(Foundation.exp(Foundation.log(p) + z * se), 1))
        case .logLog:
            if p == 0 || p == 1 { return (.nan, .nan) }
            let lp = Foundation.log(p)
            let w = z * se / lp
            let ll = Foundation.log(-lp)
            return (Foundation.exp(-Foundation.exp(ll - w)), Foundation.exp(-Foundation.exp(ll + w)))
        }
    }
}

/// Median survival with its confidence interval and the restricted mean, computed the way R's
/// `print.survfit` (`survival:::survmean`) does.
public struct SurvivalSummary: Sendable, Codable, Equatable {
    /// Median: the first time S(t) ≤ 0.5; when S equals 0.5 (within 1.5e-8) on an interval, the
    /// midpoint of that interval's start and the next time S drops (R's rule). NaN when S never reaches 0.5.
    public var median: Double
    /// Confidence limits of the median: the same rule applied to the lower and upper pointwise bands.
    public var medianLower: Double
    public var medianUpper: Double
    /// Restricted mean survival time: ∫₀^τ S(t) dt.
    public var rmst: Double
    /// Its standard error: sqrt(Σ_{t_i ≤ τ} A_i² d_i/(n_i(n_i − d_i))), A_i = ∫_{t_i}^τ S (R's `se(rmean)`).
    public var rmstSE: Double
    public var tau: Double

    enum CodingKeys: String, CodingKey {
        case median, tau, rmst
        case medianLower = "median_lower", medianUpper = "median_upper", rmstSE = "rmst_se"
    }

    public init(curve c: KaplanMeierCurve, tau: Double) {
        median = Self.minmin(c.survival, c.time)
        medianLower = Self.minmin(c.lower, c.time)
        medianUpper = Self.minmin(c.upper, c.time)
        self.tau = tau
        // restricted mean (survmean's pfun with start.time = min(0, time))
        let start = min(0, c.time.first ?? 0)
        var times: [Double] = [], surv: [Double] = [], hh: [Double] = []
        for i in c.time.indices where c.time[i] <= tau {
            times.append(c.time[i]); surv.append(c.survival[i])
            let n = Double(c.atRisk[i]), d = Double(c.events[i])
            hh.append(n - d == 0 ? 0 : d / (n * (n - d)))
        }
        if times.isEmpty { times = [tau]; surv = [1]; hh = [0] } else {
            times.append(tau); surv.append(surv[surv.count - 1]); hh.append(0)
        }
        let k = times.count
        var rect = [Double](repeating: 0, count: k)
        var prevT = start
        for i in 0..<k {
            rect[i] = (times[i] - prevT) * (i == 0 ? 1 : surv[i - 1])
            prevT = times[i]
        }
        rmst = rect.reduce(0, +) + start
        // varmean = sum(cumsum(rev(rect[-1]))^2 * rev(hh)[-1])
        var acc = 0.0, v = 0.0
        var j = k - 1
        while j >= 1 {                    // rev(rect[-1]) runs rect[k-1], ..., rect[1]; rev(hh)[-1] runs hh[k-2], ..., hh[0]
            acc += rect[j]
            v += acc * acc * hh[j - 1]
            j -= 1
        }
        rmstSE = v.squareRoot()
    }

    /// R's `minmin`: first x where y < 0.5 + tol (NaN skipped), midpoint rule at exactly 0.5.
    static func minmin(_ y: [Double], _ x: [Double]) -> Double {
        let tol = Double.ulpOfOne.squareRoot()
        var first = -1
        for i in y.indices where !y[i].isNaN && y[i] < 0.5 + tol { first = i; break }
        guard first >= 0 else { return .nan }
        if abs(y[first] - 0.5) < tol {
            for j in (first + 1)..<max(first + 1, y.count) where !y[j].isNaN && y[j] < y[first] {
                return (x[first] + x[j]) / 2
            }
        }
        return x[first]
    }
}
