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
        let e = Stats.wilson(successes: 0, trials: 0)
        #expect(e.lower == 0 && e.upper == 1)
    }
}
