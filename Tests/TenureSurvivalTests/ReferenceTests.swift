import Testing
import TenureData
import TenureNumerics
@testable import TenureSurvival

/// Every number against R `survival` 3.5 and lifelines 0.30.3 (fixtures from scripts/fixtures/survival.py).
let tolerance = 1e-6

struct KMCase: Sendable, CustomStringConvertible {
    var name: String, data: String, time: String, event: String, group: String?, tau: Double, at: [Double]
    var description: String { name }
}

let kmCases: [KMCase] = [
    KMCase(name: "km_waltons", data: "waltons", time: "T", event: "E", group: nil, tau: 60, at: [10, 30, 50]),
    KMCase(name: "km_waltons_group", data: "waltons", time: "T", event: "E", group: "group", tau: 50, at: [10, 30, 50]),
    KMCase(name: "km_rossi_fin", data: "rossi", time: "week", event: "arrest", group: "fin", tau: 52, at: [13, 26, 52]),
    KMCase(name: "km_lung", data: "lung", time: "time", event: "status", group: nil, tau: 730, at: [90, 365, 730]),
    KMCase(name: "km_lung_sex", data: "lung", time: "time", event: "status", group: "sex", tau: 700, at: [90, 365, 730]),
    KMCase(name: "km_gbsg2", data: "gbsg2", time: "time", event: "cens", group: "horTh", tau: 2000, at: [365, 1095, 1825]),
    KMCase(name: "km_gen_ties", data: "gen_ties", time: "time", event: "event", group: "group", tau: 200, at: [30, 90, 180]),
    KMCase(name: "km_gen_cont", data: "gen_cont", time: "time", event: "event", group: nil, tau: 3, at: [0.5, 1, 2]),
]

func groupsOf(_ f: Fixtures.Frame, _ c: KMCase) -> [(String, SurvivalSample)] {
    let t = f.num(c.time), e = f.num(c.event)
    let rows = (0..<f.count).filter { t[$0].isFinite && e[$0].isFinite }
    guard let g = c.group else { return [("all", SurvivalSample(time: rows.map { t[$0] }, event: rows.map { e[$0] != 0 }))] }
    let gv = f.columns[g]!
    return Set(rows.map { gv[$0] }).sorted().map { level in
        let r = rows.filter { gv[$0] == level }
        return (level, SurvivalSample(time: r.map { t[$0] }, event: r.map { e[$0] != 0 }))
    }
}

@Test(arguments: kmCases)
func kaplanMeierMatchesR(_ c: KMCase) throws {
    let f = Fixtures.frame(c.data)
    let ref = try #require(Fixtures.r[c.name])
    for (g, s) in groupsOf(f, c) {
        let km = try KaplanMeier.fit(s)
        #expect(km.time == ref["time"]![g]!, "\(c) \(g) time")
        #expect(km.atRisk.map(Double.init) == ref["n.risk"]![g]!)
        #expect(km.events.map(Double.init) == ref["n.event"]![g]!)
        #expect(km.censored.map(Double.init) == ref["n.censor"]![g]!)
        #expect(maxRelErr(km.survival, ref["surv"]![g]!) < 1e-12, "\(c) \(g) surv")
        #expect(maxRelErr(km.stdErr, ref["std.err"]![g]!) < 1e-12, "\(c) \(g) std.err")
        #expect(maxRelErr(km.cumulativeHazard, ref["cumhaz"]![g]!) < 1e-12, "\(c) \(g) cumhaz")
        #expect(maxRelErr(km.cumulativeHazardSE, ref["std.chaz"]![g]!) < 1e-12, "\(c) \(g) std.chaz")
        for type in ConfidenceType.allCases {
            let k = try KaplanMeier.fit(s, confidenceType: type)
            let lo = ref["lower.\(type.rawValue)"]![g]!, hi = ref["upper.\(type.rawValue)"]![g]!
            // R gives NA where S = 1 under log-log; tenure gives 1 there (the limit), so compare finite R values.
            #expect(maxRelErr(k.lower, lo) < 1e-12, "\(c) \(g) lower \(type)")
            #expect(maxRelErr(k.upper, hi) < 1e-12, "\(c) \(g) upper \(type)")
            let sm = SurvivalSummary(curve: k, tau: c.tau)
            let med = ref["median.\(type.rawValue)"]![g]!
            for (got, want) in zip([sm.median, sm.medianLower, sm.medianUpper], med) {
                #expect(got == want || (got.isNaN && want.isNaN), "\(c) \(g) median \(type): \(got) vs \(want)")
            }
        }
        let sm = SurvivalSummary(curve: km, tau: c.tau)
        #expect(relErr(sm.rmst, ref["rmean"]![g]![0]) < 1e-12, "\(c) \(g) rmean")
        #expect(relErr(sm.rmstSE, ref["se.rmean"]![g]![0]) < 1e-10, "\(c) \(g) se(rmean) \(sm.rmstSE) \(ref["se.rmean"]![g]![0])")
        let at = c.at.filter { $0 <= (s.time.max() ?? 0) }
        let h = Horizons.evaluate(km, at: at)
        if let want = ref["at.surv"]?[g] {
            #expect(maxRelErr(h.map(\.survival), want) < 1e-12, "\(c) \(g) at.surv")
            #expect(h.map { Double($0.atRisk) } == ref["at.n.risk"]![g]!)
            #expect(maxRelErr(h.map(\.lower), ref["at.lower"]![g]!) < 1e-12)
            #expect(maxRelErr(h.map(\.upper), ref["at.upper"]![g]!) < 1e-12)
        }
        // lifelines: S(t), log-log band, at-risk, Nelson–Aalen, median, RMST
        if let ll = Fixtures.lifelines[c.name] {
            #expect(maxRelErr(km.survival, ll["surv"]![g]!) < tolerance, "\(c) \(g) lifelines surv")
            #expect(maxRelErr(km.lower, ll["lower.log-log"]![g]!) < tolerance)
            #expect(maxRelErr(km.upper, ll["upper.log-log"]![g]!) < tolerance)
            #expect(km.atRisk.map(Double.init) == ll["n.risk"]![g]!)
            #expect(maxRelErr(km.cumulativeHazard, ll["cumhaz"]![g]!) < tolerance)
            #expect(relErr(sm.rmst, ll["rmean"]![g]![0]) < tolerance)
            let m = ll["median"]![g]![0]
            if m.isFinite { #expect(relErr(sm.median, m) < tolerance || sm.median.isNaN == false) }
        }
    }
}

struct LRCase: Sendable, CustomStringConvertible {
    var name: String, data: String, time: String, event: String, group: String, strata: String?
    var description: String { name }
}

let lrCases: [LRCase] = [
    LRCase(name: "lr_waltons", data: "waltons", time: "T", event: "E", group: "group", strata: nil),
    LRCase(name: "lr_rossi_fin", data: "rossi", time: "week", event: "arrest", group: "fin", strata: nil),
    LRCase(name: "lr_rossi_fin_by_race", data: "rossi", time: "week", event: "arrest", group: "fin", strata: "race"),
    LRCase(name: "lr_lung_sex", data: "lung", time: "time", event: "status", group: "sex", strata: nil),
    LRCase(name: "lr_gbsg2_tgrade", data: "gbsg2", time: "time", event: "cens", group: "tgrade", strata: nil),
    LRCase(name: "lr_gen_ties", data: "gen_ties", time: "time", event: "event", group: "group", strata: nil),
    LRCase(name: "lr_gen_ties_strata", data: "gen_ties", time: "time", event: "event", group: "group", strata: "stratum"),
]

@Test(arguments: lrCases)
func logRankMatchesR(_ c: LRCase) throws {
    let f = Fixtures.frame(c.data)
    let ref = try #require(Fixtures.r[c.name])
    let t = f.num(c.time), e = f.num(c.event), gv = f.columns[c.group]!
    let levels = Set(gv).sorted()
    let code = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
    let strata: [Int32]? = c.strata.map { s in
        let sv = f.columns[s]!; let sl = Set(sv).sorted()
        let sc = Dictionary(uniqueKeysWithValues: sl.enumerated().map { ($1, Int32($0)) })
        return sv.map { sc[$0]! }
    }
    let test = try LogRank.test(SurvivalSample(time: t, event: e.map { $0 != 0 }), group: gv.map { code[$0]! },
                                levels: levels, strata: strata)
    #expect(relErr(test.chiSquare, ref["chisq"]![""]![0]) < 1e-10, "\(c) chisq \(test.chiSquare)")
    #expect(Double(test.df) == ref["df"]![""]![0])
    #expect(relErr(test.pValue, ref["p"]![""]![0]) < 1e-8, "\(c) p \(test.pValue) vs \(ref["p"]![""]![0])")
    #expect(maxRelErr(test.observed, ref["obs"]![""]!) < 1e-12)
    #expect(maxRelErr(test.expected, ref["exp"]![""]!) < 1e-12)
    #expect(maxRelErr(test.variance.flatMap { $0 }, ref["var"]![""]!) < 1e-10)
    if let ll = Fixtures.lifelines[c.name] {
        #expect(relErr(test.chiSquare, ll["chisq"]![""]![0]) < tolerance)
        #expect(relErr(test.pValue, ll["p"]![""]![0]) < tolerance)
    }
}

struct CoxCase: Sendable, CustomStringConvertible {
    var name: String, data: String, time: String, event: String, covariates: [String]
    var ties: CoxTies = .efron, strata: String? = nil, penalty: Double = 0
    var description: String { name }
}

let rossiCovariates = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
let gbsgCovariates = ["horTh", "age", "menostat", "tsize", "tgrade", "pnodes", "progrec", "estrec"]
let genCovariates = ["x1", "x2", "x3", "segment"]
let coxCases: [CoxCase] = [
    CoxCase(name: "cox_rossi_efron", data: "rossi", time: "week", event: "arrest", covariates: rossiCovariates),
    CoxCase(name: "cox_rossi_breslow", data: "rossi", time: "week", event: "arrest", covariates: rossiCovariates, ties: .breslow),
    CoxCase(name: "cox_rossi_strata", data: "rossi", time: "week", event: "arrest",
            covariates: ["fin", "age", "race", "mar", "paro", "prio"], strata: "wexp"),
    CoxCase(name: "cox_rossi_ridge", data: "rossi", time: "week", event: "arrest", covariates: rossiCovariates, penalty: 2),
    CoxCase(name: "cox_lung", data: "lung", time: "time", event: "status", covariates: ["age", "sex", "ph.ecog"]),
    CoxCase(name: "cox_gbsg2_efron", data: "gbsg2", time: "time", event: "cens", covariates: gbsgCovariates),
    CoxCase(name: "cox_gbsg2_breslow", data: "gbsg2", time: "time", event: "cens", covariates: gbsgCovariates, ties: .breslow),
    CoxCase(name: "cox_gen_ties_efron", data: "gen_ties", time: "time", event: "event", covariates: genCovariates),
    CoxCase(name: "cox_gen_ties_breslow", data: "gen_ties", time: "time", event: "event", covariates: genCovariates, ties: .breslow),
    CoxCase(name: "cox_gen_ties_strata", data: "gen_ties", time: "time", event: "event", covariates: genCovariates, strata: "stratum"),
    CoxCase(name: "cox_gen_ties_ridge", data: "gen_ties", time: "time", event: "event", covariates: ["x1", "x2", "x3"],
            ties: .breslow, penalty: 5),
    CoxCase(name: "cox_gen_cont", data: "gen_cont", time: "time", event: "event", covariates: ["x1", "x2", "x3"]),
]

@Test(arguments: coxCases)
func coxMatchesR(_ c: CoxCase) throws {
    var f = Fixtures.frame(c.data)
    f = f.subset(f.complete([c.time, c.event] + c.covariates + (c.strata.map { [$0] } ?? [])))
    let ref = try #require(Fixtures.r[c.name])
    let sample = SurvivalSample(time: f.num(c.time), event: f.num(c.event).map { $0 != 0 })
    let design = try CoxDesign.build(c.covariates.map { ($0, f.attribute($0)) }, count: f.count, events: sample.event)
    let strata: [Int32]? = c.strata.map { s in f.num(s).map { Int32($0) } }
    let m = try CoxPH.fit(x: design.x, names: design.names, sample: sample, strata: strata,
                          options: CoxOptions(ties: c.ties, penalty: c.penalty))
    let r = { (q: String) in ref[q]![""]! }
    #expect(maxRelErr(m.summary.map(\.coef), r("coef")) < 1e-8, "\(c) coef \(m.summary.map(\.coef)) vs \(r("coef"))")
    #expect(maxRelErr(m.summary.map(\.se), r("se")) < 1e-8, "\(c) se")
    #expect(maxRelErr(m.summary.map(\.lower), r("hr.lower")) < 1e-8)
    #expect(maxRelErr(m.summary.map(\.upper), r("hr.upper")) < 1e-8)
    #expect(relErr(m.nullLogLikelihood, r("loglik")[0]) < 1e-10, "\(c) null loglik")
    #expect(relErr(m.logLikelihood, r("loglik")[1]) < 1e-10, "\(c) loglik \(m.logLikelihood) vs \(r("loglik")[1])")
    if c.penalty == 0 {
        #expect(relErr(m.likelihoodRatioTest.statistic, r("lr")[0]) < 1e-8)
        #expect(relErr(m.likelihoodRatioTest.pValue, r("lr.p")[0]) < 1e-6)
        #expect(relErr(m.waldTest.statistic, r("wald")[0]) < 1e-8, "\(c) wald")
        #expect(relErr(m.scoreTest.statistic, r("score")[0]) < 1e-8, "\(c) score")
    }
    let cc = try #require(m.concordance)
    #expect(relErr(cc.value, r("concordance")[0]) < 1e-12, "\(c) C \(cc.value) vs \(r("concordance")[0])")
    #expect([cc.concordant, cc.discordant, cc.tiedRisk, cc.tiedTime] == r("concordance.counts"), "\(c) counts")
    #expect(Double(m.n) == r("n")[0] && Double(m.events) == r("nevent")[0])
    if let ll = Fixtures.lifelines[c.name] {
        let l = { (q: String) in ll[q]![""]! }
        #expect(maxRelErr(m.summary.map(\.coef), l("coef")) < tolerance, "\(c) lifelines coef")
        #expect(maxRelErr(m.summary.map(\.se), l("se")) < tolerance)
        #expect(relErr(m.logLikelihood, l("loglik")[1]) < tolerance)
        #expect(relErr(m.likelihoodRatioTest.statistic, l("lr")[0]) < tolerance)
        #expect(relErr(cc.value, l("concordance")[0]) < tolerance)
    }
}
