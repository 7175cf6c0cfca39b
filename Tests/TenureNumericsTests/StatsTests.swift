import Foundation
import Testing
@testable import TenureNumerics

@Suite("Stats")
struct StatsTests {
    @Test func quantileType7MatchesNumpy() {
        // numpy.quantile([1, 2, 3, 4, 10], [0, .1, .25, .5, .9, 1]) = [1, 1.4, 2, 3, 7.6, 10]
        let x = [1.0, 2, 3, 4, 10]
        let expected = [1.0, 1.4, 2, 3, 7.6, 10]
        for (p, e) in zip([0, 0.1, 0.25, 0.5, 0.9, 1], expected) {
            #expect(abs(Stats.quantile(sorted: x, p) - e) < 1e-12)
        }
        #expect(Stats.quantile(sorted: [], 0.5).isNaN)
        #expect(Stats.quantile(sorted: [7], 0.3) == 7)
        #expect(Stats.median([3, 1, 2, 10]) == 2.5)
    }

    @Test func meanVariance() {
        #expect(Stats.mean([1, 2, 3, 4]) == 2.5)
        #expect(abs(Stats.variance([1, 2, 3, 4]) - 5.0 / 3) < 1e-15)
        #expect(Stats.mean([]).isNaN && Stats.variance([1]).isNaN)
        // Large offset: two-pass keeps precision (numpy.var(ddof=1) of 1e9 + [4, 7, 13, 16] = 30).
        #expect(abs(Stats.variance([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]) - 30) < 1e-6)
        #expect(Stats.sum([1e16, 1, -1e16]) == 1)
        #expect(Stats.weightedMean([1, 3], weights: [3, 1]) == 1.5)
        #expect(abs(Stats.correlation([1, 2, 3], [2, 4, 6.5]) - 0.9979487157886733) < 1e-12)
    }

    @Test func wilsonInterval() {
        // statsmodels proportion_confint(7, 20, method="wilson") and (0, 10)
        let w = Stats.wilson(successes: 7, trials: 20)
        #expect(abs(w.lower - 0.18119182410108203) < 1e-14 && abs(w.upper - 0.5671457233147638) < 1e-14, "\(w)")
        let z = Stats.wilson(successes: 0, trials: 10)
        #expect(z.lower == 0 && abs(z.upper - 0.27753279986288926) < 1e-14, "\(z)")
        // n = 0: the share is 0/0, so the interval is missing too (the cohort and KPI copies said NaN,
        // this one said (0, 1); issue #18 settles on NaN).
        let e = Stats.wilson(successes: 0, trials: 0)
        #expect(e.lower.isNaN && e.upper.isNaN)
    }

    @Test func wilsonWithAGivenQuantileIsTheSame() {
        for (s, n) in [(0.0, 5.0), (3, 7), (7, 7), (120, 1000)] {
            for c in [0.8, 0.9, 0.95, 0.99] {
                let a = Stats.wilson(successes: s, trials: n, confidence: c)
                let b = Stats.wilson(successes: s, trials: n, z: Normal.quantile(1 - (1 - c) / 2))
                #expect(a == b)
            }
        }
        // No success: the lower bound is exactly 0; all successes: the upper bound is exactly 1 (the
        // KPI copy gave 0, the cohort copy and this one the residue 1.4e-17).
        for n in [1.0, 7, 15, 1000] {
            #expect(Stats.wilson(successes: 0, trials: n).lower == 0 && Stats.wilson(successes: n, trials: n).upper == 1)
        }
        // The level is used: a 90% interval is inside the 95% one.
        let w90 = Stats.wilson(successes: 3, trials: 10, confidence: 0.90), w95 = Stats.wilson(successes: 3, trials: 10)
        #expect(w95.lower < w90.lower && w90.upper < w95.upper)
    }

    @Test func quantileOfABufferSliceIsTheArrayQuantile() {
        let x = [1.0, 2, 3, 4, 10, -5, 7].sorted()
        for p in [0, 0.1, 0.25, 0.5, 0.9, 1] {
            let a = Stats.quantile(sorted: x, p)
            let b = x.withUnsafeBufferPointer { Stats.quantile(sorted: UnsafeBufferPointer(rebasing: $0[0..<x.count]), p) }
            #expect(a == b)
        }
        #expect(abs([1.0, 2, 3, 4, 10].withUnsafeBufferPointer { Stats.quantile(sorted: $0, 0.9) } - 7.6) < 1e-12)
    }
}
