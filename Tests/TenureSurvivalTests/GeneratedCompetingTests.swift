import Foundation
import Testing
import TenureData
import TenureNumerics
import TenureSynth
@testable import TenureSurvival

/// The generator's end reasons (truth.json `end_reasons`) recovered from its data by the competing
/// risks estimators: the reason mix, the cumulative incidence and the cause-specific hazard of each
/// reason per segment, within sampling error.
@Suite struct GeneratedCompetingTests {
    /// Without reactivations a customer's contractual lifetime is the first sBG spell, so the truth's
    /// closed forms (per month of a first spell) apply exactly.
    static let generated: Result<(SyntheticData, Dataset), Error> = Result {
        var config = SynthConfig(customers: 60_000, seed: 11)
        config.subscriptions.reactivation = 0
        config.tables = [.transactions, .customers, .subscriptions]
        let data = try Synth.generate(config: config)
        return (data, data.dataset())
    }

    @Test func endReasonsAreWrittenWhereRowsEnd() throws {
        let (data, d) = try Self.generated.get()
        let s = try #require(d.subscriptions), reason = try #require(s.endReason)
        let truth = try #require(data.truth.endReasons)
        for i in 0..<s.count {
            let r = reason.value(at: i)
            if s.endDay[i] == Day.missing { #expect(r == nil); continue }
            let text = try #require(r)
            #expect(truth.reasons.contains(text) || truth.planChanges.contains(text), "row \(i): \(text)")
        }
    }

    @Test func reasonMixCumulativeIncidenceAndHazardsAreRecovered() throws {
        let (data, d) = try Self.generated.get()
        let truth = try #require(data.truth.endReasons)
        let cc = try ChurnEvents.contractualCauses(d)
        #expect(cc.unknownReasons == 0)
        #expect(Set(cc.sample.causes) == Set(truth.reasons))
        let seg = try CustomerAttribute(d, column: "segment", customers: cc.churn.customer)
        for t in truth.segments {
            let k = try #require(seg.levels.firstIndex(of: t.name))
            let rows = (0..<cc.sample.count).filter { seg.codes[$0] == Int32(k) }
            let curve = try AalenJohansen.fit(cc.sample, indices: rows)
            // the reason mix among churns: binomial standard error
            let counts = cc.sample.subset(rows).eventCounts, churns = Double(counts.reduce(0, +))
            #expect(churns > 1000, "\(t.name): \(churns) churns")
            for (j, name) in truth.reasons.enumerated() {
                let c = try #require(cc.sample.causes.firstIndex(of: name))
                let share = Double(counts[c]) / churns, se = (t.mix[j] * (1 - t.mix[j]) / churns).squareRoot()
                #expect(abs(share - t.mix[j]) < 4 * se, "\(t.name) \(name): share \(share) vs \(t.mix[j])")
            }
            // cumulative incidence after m months (between the m-th and the next anniversary), within
            // four of its infinitesimal-jackknife standard errors; and the cause-specific hazard at the
            // m-th renewal, [F(m) − F(m − 1)] / S(m − 1), within four binomial standard errors
            let at = (0...6).map { Double($0) * Civil.daysPerMonth + 10 }
            let points = CompetingHorizons.evaluate(curve, at: at)
            for (j, name) in truth.reasons.enumerated() {
                let c = try #require(curve.causes.firstIndex(of: name))
                for m in 1...6 {
                    let got = points[m].incidence[c], want = t.cumulativeIncidence[j][m], se = points[m].stdErr[c]
                    #expect(abs(got - want) < 4 * se, "\(t.name) \(name) F(\(m)) = \(got) vs \(want) ± \(se)")
                    let survivalBefore = 1 - points[m - 1].incidence.reduce(0, +)
                    let hazard = (points[m].incidence[c] - points[m - 1].incidence[c]) / survivalBefore
                    let h = t.hazard[j][m - 1], n = Double(curve.atRisk(at: at[m - 1] + 5))
                    #expect(abs(hazard - h) < 4 * (h * (1 - h) / n).squareRoot() + 1e-12,
                            "\(t.name) \(name) h(\(m)) = \(hazard) vs \(h) (n = \(n))")
                }
            }
        }
        // the mixes differ by segment (migrated: 5 % retail, 50 % enterprise): Gray's test sees it
        let tests = try Gray.test(cc.sample, group: seg.codes, levels: seg.levels)
        let migrated = try #require(tests.first { $0.cause == "migrated" })
        #expect(migrated.pValue < 1e-6 && migrated.df == 2)
    }
}
