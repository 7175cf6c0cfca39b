import Foundation
import Testing
import TenureData
import TenureNumerics
import TenureSynth
@testable import TenureLifetime

/// Parameter recovery: data generated in-process by TenureSynth (what `tenure generate` writes)
/// from known BG/NBD and Gamma-Gamma parameters; fits must land within sampling error of
/// `truth.json`.
///
/// Within a segment the generator is exactly BG/NBD with (r, alpha / rate multiplier, a, b) per
/// week and Gamma-Gamma with (p, q, gamma × spend multiplier) — `Truth.segments`. The past
/// initiative (a temporary rate lift for treated customers) would break the model, so it is
/// switched off here.
///
/// Time: purchases are dated `signup + floor(7 t)` days and the observation window ends at the end
/// of `observation_end`, so the daily RFM summary gives the model's quantities in weeks as
/// tx = recency / 7 (rounded down by < 1 day, < 0.1% of a typical T) and T = (T + 1) / 7 exactly.
/// Purchases on the same day merge into one period (λ ≈ 0.03 a week: a negligible share).
///
/// Tolerance: |estimate − truth| < 3.5 standard errors (from the Hessian) for each of the 21
/// parameters (7 per segment × 3 segments): with a correct estimator the chance that any of them
/// fails is about 21 × 4.7e-4 ≈ 1%, and the seed is fixed, so the outcome is deterministic.
@Suite struct SyntheticRecovery {
    static let zLimit = 3.5

    func z(_ fit: MLEFit, _ truth: [Double], _ label: String) -> [String] {
        var bad: [String] = []
        for (k, name) in fit.names.enumerated() {
            let se = fit.standardErrors[k]
            let zk = (fit.estimates[k] - truth[k]) / se
            if !(abs(zk) < Self.zLimit) {
                bad.append("\(label) \(name): fitted \(fit.estimates[k]) ± \(se), truth \(truth[k]), z = \(zk)")
            }
        }
        return bad
    }

    @Test func bgnbdAndGammaGammaPerSegment() throws {
        var cfg = SynthConfig(customers: 60_000, seed: 11)
        cfg.initiative = nil
        cfg.tables = [.transactions]
        let data = try Synth.generate(config: cfg)
        let truth = data.truth
        let ds = data.dataset(orderIds: false)
        let s = try RFMSummary(dataset: ds, options: RFMOptions(timeUnit: .day))
        #expect(s.count == cfg.customers)
        let seg = try CustomerSegments(dataset: ds, column: "segment")
        try #require(truth.segments.count == 3)
        var failures: [String] = []
        var checked = 0
        for st in truth.segments {
            let level = try #require(seg.levels.firstIndex(of: st.name), "segment \(st.name) missing from the data")
            let rows = (0..<s.count).filter { seg.codes[Int(s.customer[$0])] == Int32(level) }
            try #require(rows.count > 1000)
            let x = rows.map { s.frequency[$0] }
            let pat = RFMPatterns(x: x, tx: rows.map { s.recency[$0] / 7 }, T: rows.map { (s.T[$0] + 1) / 7 })
            let bg = try BGNBDModel.fit(pat)
            let t = st.bgnbd
            failures += z(bg.fit, [t.r, t.alpha, t.a, t.b], "\(st.name) BG/NBD")
            let gg = try GammaGammaModel.fit(frequency: x, monetary: rows.map { s.monetaryValue[$0] })
            let g = st.gammaGamma
            failures += z(gg.fit, [g.p, g.q, g.gamma], "\(st.name) Gamma-Gamma")
            checked += 7
            // standard errors are sampling errors, not zero or huge
            for se in bg.fit.standardErrors + gg.fit.standardErrors { #expect(se > 0 && se.isFinite) }
        }
        #expect(checked == 21)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// With many patterns BG/NBD starts from a fit to a sample of them; the optimum must be the one
    /// the default starts reach.
    @Test func bgnbdWarmStartReachesTheSameOptimum() throws {
        var cfg = SynthConfig(customers: 60_000, seed: 3)
        cfg.initiative = nil
        cfg.tables = [.transactions]
        let ds = try Synth.generate(config: cfg).dataset(orderIds: false)
        let pat = try RFMSummary(dataset: ds, options: RFMOptions(timeUnit: .day)).patterns
        try #require(pat.count / 8_000 >= 4, "\(pat.count) patterns: too few for the warm start")
        let warm = try BGNBDModel.fit(pat).fit
        let cold = try BGNBDModel.fitPatterns(pat, starts: BGNBDModel.defaultStarts(pat))
        for k in 0..<4 {
            #expect(abs(warm.estimates[k] - cold.estimates[k]) < 1e-5 * cold.estimates[k], "\(warm.names[k]): \(warm.estimates[k]) vs \(cold.estimates[k])")
        }
        #expect(abs(warm.logLikelihood - cold.logLikelihood) < 1e-12 * abs(cold.logLikelihood))
        #expect(warm.iterations < cold.iterations)
    }

    /// The pooled fit through the whole `tenure clv` path (`LifetimeAnalysis`) on data where every
    /// segment has the same rates: the weekly BG/NBD in days has alpha × 7.
    @Test func pooledThroughLifetimeAnalysis() throws {
        var cfg = SynthConfig(customers: 30_000, seed: 5)
        cfg.initiative = nil
        cfg.tables = [.transactions]
        for k in cfg.segments.indices { cfg.segments[k].purchaseRateMultiplier = 1; cfg.segments[k].spendMultiplier = 1 }
        let data = try Synth.generate(config: cfg)
        let t = data.truth.bgnbd, g = data.truth.gammaGamma
        var o = LifetimeOptions()
        o.rfm = RFMOptions(timeUnit: .day)
        o.segmentColumn = "segment"
        let ds = data.dataset(orderIds: false)
        let out = try LifetimeAnalysis.run(dataset: ds, options: o)
        // T counted to the start of observation_end's day: alpha in days ≈ 7 × weekly alpha (the
        // 1-day offset in T is below 0.5% of the mean T, far inside the standard error).
        var failures = z(out.purchaseModel.fit, [t.r, 7 * t.alpha, t.a, t.b], "pooled BG/NBD (days)")
        let gg = try #require(out.spendModel)
        failures += z(gg.fit, [g.p, g.q, g.gamma], "pooled Gamma-Gamma")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // CLV is non-negative for non-negative spend; segments partition the customers
        let clv = try #require(out.scores.clv)
        #expect(clv.allSatisfy { $0 >= 0 && $0.isFinite })
        #expect(out.result.segments.map(\.customers).reduce(0, +) == out.result.overall.customers)
        #expect(out.scores.pAlive.allSatisfy { $0 > 0 && $0 <= 1 })
    }
}
