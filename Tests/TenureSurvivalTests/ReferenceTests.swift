import Foundation
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

func groupsOf(_ f: Fixtures.Frame, _ c: KMCase) throws -> [(String, SurvivalSample)] {
    let t = try f.num(c.time), e = try f.num(c.event)
    let rows = (0..<f.count).filter { t[$0].isFinite && e[$0].isFinite }
    guard let g = c.group else { return [("all", SurvivalSample(time: rows.map { t[$0] }, event: rows.map { e[$0] != 0 }))] }
    let gv = try f.strings(g)
    return Set(rows.map { gv[$0] }).sorted().map { level in
        let r = rows.filter { gv[$0] == level }
        return (level, SurvivalSample(time: r.map { t[$0] }, event: r.map { e[$0] != 0 }))
    }
}

/// Where S hits 0.5 exactly on an interval R takes the midpoint to the next drop, lifelines the
/// interval's start: the two references differ by design there.
func hitsHalf(_ s: [Double]) -> Bool { s.contains { abs($0 - 0.5) < Double.ulpOfOne.squareRoot() } }

@Test(arguments: kmCases)
func kaplanMeierMatchesR(_ c: KMCase) throws {
    let f = try Fixtures.frame(c.data)
    let ref = try #require(try Fixtures.r()[c.name], "no R fixture for \(c)")
    let lifelines = try Fixtures.lifelines()[c.name]
    for (g, s) in try groupsOf(f, c) {
        let km = try KaplanMeier.fit(s)
        #expect(try km.time == (want(ref, "time", g)), "\(c) \(g) time")
        #expect(try km.atRisk.map(Double.init) == (want(ref, "n.risk", g)))
        #expect(try km.events.map(Double.init) == (want(ref, "n.event", g)))
        #expect(try km.censored.map(Double.init) == (want(ref, "n.censor", g)))
        #expect(try maxRelErr(km.survival, want(ref, "surv", g)) < 1e-12, "\(c) \(g) surv")
        // std.err is +∞ once S = 0 in both (relErr counts equal infinities as equal)
        #expect(try maxRelErr(km.stdErr, want(ref, "std.err", g)) < 1e-12, "\(c) \(g) std.err")
        #expect(try maxRelErr(km.cumulativeHazard, want(ref, "cumhaz", g)) < 1e-12, "\(c) \(g) cumhaz")
        #expect(try maxRelErr(km.cumulativeHazardSE, want(ref, "std.chaz", g)) < 1e-12, "\(c) \(g) std.chaz")
        for type in ConfidenceType.allCases {
            let k = try KaplanMeier.fit(s, confidenceType: type)
            // tenure follows R's no-interval convention, so NaN (R's NA / NaN) must match NaN exactly.
            #expect(try maxRelErr(k.lower, want(ref, "lower.\(type.rawValue)", g)) < 1e-12, "\(c) \(g) lower \(type)")
            #expect(try maxRelErr(k.upper, want(ref, "upper.\(type.rawValue)", g)) < 1e-12, "\(c) \(g) upper \(type)")
            let sm = SurvivalSummary(curve: k, tau: c.tau)
            let med = try want(ref, "median.\(type.rawValue)", g)
            #expect(med.count == 3)
            for (got, w) in zip([sm.median, sm.medianLower, sm.medianUpper], med) {
                #expect(got == w || (got.isNaN && w.isNaN), "\(c) \(g) median \(type): \(got) vs \(w)")
            }
        }
        let sm = SurvivalSummary(curve: km, tau: c.tau)
        #expect(try relErr(sm.rmst, want1(ref, "rmean", g)) < 1e-12, "\(c) \(g) rmean")
        #expect(try relErr(sm.rmstSE, want1(ref, "se.rmean", g)) < 1e-10, "\(c) \(g) se(rmean)")
        let at = c.at.filter { $0 <= (s.time.max() ?? 0) }
        let h = Horizons.evaluate(km, at: at)
        #expect(try maxRelErr(h.map(\.survival), want(ref, "at.surv", g)) < 1e-12, "\(c) \(g) at.surv")
        #expect(try h.map { Double($0.atRisk) } == (want(ref, "at.n.risk", g)))
        #expect(try maxRelErr(h.map(\.lower), want(ref, "at.lower", g)) < 1e-12)
        #expect(try maxRelErr(h.map(\.upper), want(ref, "at.upper", g)) < 1e-12)
        // lifelines: S(t), log-log band, at-risk, Nelson–Aalen, median, RMST
        if let ll = lifelines {
            #expect(try maxRelErr(km.survival, want(ll, "surv", g)) < tolerance, "\(c) \(g) lifelines surv")
            #expect(try maxRelErrInterval(km.lower, want(ll, "lower.log-log", g), survival: km.survival) < tolerance,
                    "\(c) \(g) lifelines lower")
            #expect(try maxRelErrInterval(km.upper, want(ll, "upper.log-log", g), survival: km.survival) < tolerance,
                    "\(c) \(g) lifelines upper")
            #expect(try km.atRisk.map(Double.init) == (want(ll, "n.risk", g)))
            #expect(try maxRelErr(km.cumulativeHazard, want(ll, "cumhaz", g)) < tolerance)
            #expect(try relErr(sm.rmst, want1(ll, "rmean", g)) < tolerance)
            // lifelines writes an unreached median (∞) as NA, as tenure's NaN
            if !hitsHalf(km.survival) {
                #expect(try relErr(sm.median, want1(ll, "median", g)) < tolerance, "\(c) \(g) lifelines median")
            }
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
    let f = try Fixtures.frame(c.data)
    let ref = try #require(try Fixtures.r()[c.name], "no R fixture for \(c)")
    let t = try f.num(c.time), e = try f.num(c.event)
    let (groups, levels) = try f.codes(c.group)
    let strata: [Int32]? = try c.strata.map { try f.codes($0).codes }
    let test = try LogRank.test(SurvivalSample(time: t, event: e.map { $0 != 0 }), group: groups,
                                levels: levels, strata: strata)
    #expect(try relErr(test.chiSquare, want1(ref, "chisq")) < 1e-10, "\(c) chisq \(test.chiSquare)")
    #expect(try Double(test.df) == (want1(ref, "df")))
    #expect(try relErr(test.pValue, want1(ref, "p")) < 1e-8, "\(c) p \(test.pValue)")
    #expect(try maxRelErr(test.observed, want(ref, "obs")) < 1e-12)
    #expect(try maxRelErr(test.expected, want(ref, "exp")) < 1e-12)
    #expect(try maxRelErr(test.variance.flatMap { $0 }, want(ref, "var")) < 1e-10)
    #expect(test.stratified == (c.strata != nil))
    if let ll = try Fixtures.lifelines()[c.name] {
        #expect(try relErr(test.chiSquare, want1(ll, "chisq")) < tolerance)
        #expect(try relErr(test.pValue, want1(ll, "p")) < tolerance)
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
    // 80,000 subjects: the fit's passes run in 8 blocks
    CoxCase(name: "cox_big_efron", data: "gen_big", time: "time", event: "event", covariates: ["x1", "x2", "segment"]),
    CoxCase(name: "cox_big_breslow", data: "gen_big", time: "time", event: "event", covariates: ["x1", "x2", "segment"], ties: .breslow),
]

@Test(arguments: coxCases)
func coxMatchesR(_ c: CoxCase) throws {
    var f = try Fixtures.frame(c.data)
    f = f.subset(try f.complete([c.time, c.event] + c.covariates + (c.strata.map { [$0] } ?? [])))
    let ref = try #require(try Fixtures.r()[c.name], "no R fixture for \(c)")
    let sample = SurvivalSample(time: try f.num(c.time), event: try f.num(c.event).map { $0 != 0 })
    let design = try CoxDesign.build(c.covariates.map { ($0, try f.attribute($0)) }, count: f.count, events: sample.event)
    let strata: [Int32]? = try c.strata.map { s in try f.num(s).map { Int32($0) } }
    let m = try CoxPH.fit(x: design.x, names: design.names, sample: sample, strata: strata,
                          options: CoxOptions(ties: c.ties, penalty: c.penalty))
    let r = { (q: String) in try want(ref, q) }
    #expect(try maxRelErr(m.summary.map(\.coef), r("coef")) < 1e-8, "\(c) coef \(m.summary.map(\.coef))")
    #expect(try maxRelErr(m.summary.map(\.se), r("se")) < 1e-8, "\(c) se")
    #expect(try maxRelErr(m.summary.map(\.lower), r("hr.lower")) < 1e-8)
    #expect(try maxRelErr(m.summary.map(\.upper), r("hr.upper")) < 1e-8)
    // the shared fit shape: the coefficient interval whose exponential is the hazard-ratio interval, to the bit
    let fit = m.modelFit
    #expect(fit.parameters.map(\.estimate) == m.summary.map(\.coef) && fit.parameters.map(\.standardError) == m.summary.map(\.se))
    #expect(fit.parameters.map { exp($0.lower!) } == m.summary.map(\.lower) && fit.parameters.map { exp($0.upper!) } == m.summary.map(\.upper))
    #expect(fit.logLikelihood == m.logLikelihood && fit.iterations == m.iterations && fit.level == m.confidenceLevel)
    #expect(try relErr(m.nullLogLikelihood, want1(ref, "loglik", index: 0)) < 1e-10, "\(c) null loglik")
    #expect(try relErr(m.logLikelihood, want1(ref, "loglik", index: 1)) < 1e-10, "\(c) loglik \(m.logLikelihood)")
    if c.penalty == 0 {
        #expect(try relErr(m.likelihoodRatioTest.statistic, want1(ref, "lr")) < 1e-8)
        #expect(try relErr(m.likelihoodRatioTest.pValue, want1(ref, "lr.p")) < 1e-6)
        #expect(try relErr(m.waldTest.statistic, want1(ref, "wald")) < 1e-8, "\(c) wald")
        #expect(try relErr(m.scoreTest.statistic, want1(ref, "score")) < 1e-8, "\(c) score")
    }
    let cc = try #require(m.concordance)
    #expect(try relErr(cc.value, want1(ref, "concordance")) < 1e-12, "\(c) C \(cc.value)")
    // R: concordant, discordant, tied.x (risk), tied.y (time), summed over strata for a stratified fit
    #expect(try [cc.concordant, cc.discordant, cc.tiedRisk, cc.tiedTime] == (r("concordance.counts")), "\(c) counts \([cc.concordant, cc.discordant, cc.tiedRisk, cc.tiedTime])")
    #expect(try Double(m.n) == (want1(ref, "n")) && Double(m.events) == (want1(ref, "nevent")))
    #expect(m.strata == (c.strata == nil ? 1 : Set(strata ?? []).count))
    if let ll = try Fixtures.lifelines()[c.name] {
        #expect(try maxRelErr(m.summary.map(\.coef), want(ll, "coef")) < tolerance, "\(c) lifelines coef")
        #expect(try maxRelErr(m.summary.map(\.se), want(ll, "se")) < tolerance, "\(c) lifelines se")
        #expect(try relErr(m.logLikelihood, want1(ll, "loglik", index: 1)) < tolerance)
        #expect(try relErr(m.likelihoodRatioTest.statistic, want1(ll, "lr")) < tolerance)
        #expect(try relErr(cc.value, want1(ll, "concordance")) < tolerance)
    }
}

/// The Cox fit on per-step group sums (`CoxPH.fit(grouped:)`, what a warehouse returns per Newton
/// step) against R: the sums are formed here, subject by subject, from the centred design.
@Test(arguments: coxCases)
func coxOnGroupSumsMatchesR(_ c: CoxCase) throws {
    var f = try Fixtures.frame(c.data)
    f = f.subset(try f.complete([c.time, c.event] + c.covariates + (c.strata.map { [$0] } ?? [])))
    let ref = try #require(try Fixtures.r()[c.name], "no R fixture for \(c)")
    let time = try f.num(c.time), event = try f.num(c.event).map { $0 != 0 }
    let design = try CoxDesign.build(c.covariates.map { ($0, try f.attribute($0)) }, count: f.count, events: event)
    let stratum: [Int] = try c.strata.map { s in try f.num(s).map { Int($0) } } ?? [Int](repeating: 0, count: f.count)
    let n = f.count, p = design.names.count
    let mean = (0..<p).map { j in (0..<n).reduce(0.0) { $0 + design.x[$1, j] } / Double(n) }
    let x = (0..<n).map { i in (0..<p).map { design.x[i, $0] - mean[$0] } }
    // groups in (stratum, time) order
    let pairs: [[Double]] = zip(stratum, time).map { (s: Int, t: Double) -> [Double] in [Double(s), t] }
    let keys: [[Double]] = Set(pairs).sorted { (a: [Double], b: [Double]) -> Bool in a[0] != b[0] ? a[0] < b[0] : a[1] < b[1] }
    var index: [[Double]: Int] = [:]
    for (g, k) in keys.enumerated() { index[k] = g }
    let gid = (0..<n).map { index[[Double(stratum[$0]), time[$0]]]! }
    let G = keys.count
    var deaths = [Int32](repeating: 0, count: G), strata: [Range<Int>] = [], start = 0
    for i in 0..<n where event[i] { deaths[gid[i]] += 1 }
    for g in 1...G where g == G || keys[g][0] != keys[g - 1][0] { strata.append(start..<g); start = g }
    var sumDeathX = [Double](repeating: 0, count: p), gram = Matrix(rows: p, cols: p)
    for i in 0..<n {
        for j in 0..<p {
            if event[i] { sumDeathX[j] += x[i][j] }
            for k in 0..<p { gram[j, k] += x[i][j] * x[i][k] }
        }
    }
    let data = CoxGroupedData(names: design.names, deaths: deaths, strata: strata, n: n, sumDeathX: sumDeathX, gram: gram)
    var steps = 0
    let m: CoxModel = try CoxPH.fit(grouped: data, options: CoxOptions(ties: c.ties, penalty: c.penalty)) { (beta: [Double]) throws -> CoxGroupSums in
        steps += 1
        var s = CoxGroupSums(w: .init(repeating: 0, count: G), wDeaths: .init(repeating: 0, count: G),
                             wx: .init(repeating: 0, count: G * p), wxDeaths: .init(repeating: 0, count: G * p),
                             wxx: .init(repeating: 0, count: G * p * p), wxxDeaths: .init(repeating: 0, count: G * p * p))
        for i in 0..<n {
            let w = exp(zip(x[i], beta).reduce(0.0) { $0 + $1.0 * $1.1 }), g = gid[i]
            s.w[g] += w
            if event[i] { s.wDeaths[g] += w }
            for j in 0..<p {
                s.wx[j * G + g] += w * x[i][j]
                if event[i] { s.wxDeaths[j * G + g] += w * x[i][j] }
                for k in 0..<p {
                    s.wxx[g * p * p + k * p + j] += w * x[i][j] * x[i][k]
                    if event[i] { s.wxxDeaths[g * p * p + k * p + j] += w * x[i][j] * x[i][k] }
                }
            }
        }
        return s
    }
    let r = { (q: String) in try want(ref, q) }
    #expect(try maxRelErr(m.summary.map(\.coef), r("coef")) < 1e-8, "\(c) coef \(m.summary.map(\.coef))")
    #expect(try maxRelErr(m.summary.map(\.se), r("se")) < 1e-8, "\(c) se")
    #expect(try relErr(m.nullLogLikelihood, want1(ref, "loglik", index: 0)) < 1e-10, "\(c) null loglik")
    #expect(try relErr(m.logLikelihood, want1(ref, "loglik", index: 1)) < 1e-10, "\(c) loglik \(m.logLikelihood)")
    if c.penalty == 0 {
        #expect(try relErr(m.likelihoodRatioTest.statistic, want1(ref, "lr")) < 1e-8)
        #expect(try relErr(m.waldTest.statistic, want1(ref, "wald")) < 1e-8, "\(c) wald")
        #expect(try relErr(m.scoreTest.statistic, want1(ref, "score")) < 1e-8, "\(c) score")
    }
    #expect(m.concordance == nil)
    #expect(try Double(m.n) == (want1(ref, "n")) && Double(m.events) == (want1(ref, "nevent")))
    #expect(m.strata == (c.strata == nil ? 1 : Set(stratum).count))
    #expect(steps == m.iterations + 1 || steps > m.iterations, "\(c): one evaluation per step (and halvings)")
}
