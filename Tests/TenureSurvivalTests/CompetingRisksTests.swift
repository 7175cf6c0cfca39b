import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureSurvival

/// Competing risks against R `survival` 3.5 (Aalen–Johansen, coxph, finegray) and `cmprsk` 2.2
/// (cuminc's Gray test, crr): fixtures and datasets from scripts/fixtures/competing.R.
enum CompetingFixtures {
    static let dir = Fixtures.dir.deletingLastPathComponent().appendingPathComponent("competing")
    private static let table = Result { try Fixtures.load("../competing/r_expected.csv") }
    static func r() throws -> Fixtures.Table { try table.get() }

    /// A dataset of the fixtures (mgus2, gen), read as `tenure` reads it, observed to 2020-12-31.
    static func dataset(_ name: String) throws -> Dataset {
        try DatasetLoader.load(directory: dir.appendingPathComponent(name).path,
                               options: LoadOptions(asOf: DateParser.day(from: "2020-12-31"))).dataset
    }

    /// cont.csv: time, status (censored | a | b), x1, x2.
    static func continuous() throws -> (sample: CompetingSample, x: Matrix, causes: [String]) {
        let text = try String(contentsOf: dir.appendingPathComponent("cont.csv"), encoding: .utf8)
        var time: [Double] = [], status: [String] = [], x1: [Double] = [], x2: [Double] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            time.append(Double(f[0])!); status.append(f[1]); x1.append(Double(f[2])!); x2.append(Double(f[3])!)
        }
        var count: [String: Int] = [:]
        for s in status where s != "censored" { count[s, default: 0] += 1 }
        let causes = count.keys.sorted { (count[$0]!, $1) > (count[$1]!, $0) }
        let cause = status.map { s in Int32((causes.firstIndex(of: s) ?? -1) + 1) }
        return (CompetingSample(time: time, cause: cause, causes: causes), Matrix(columns: [x1, x2]), causes)
    }
}

@Suite struct CompetingRisksTests {
    /// Every row of every curve (events, at-risk, incidence, IJ std.err, three interval types) and
    /// the values at horizons.
    @Test(arguments: [("cif_mgus2", "mgus2", nil as String?), ("cif_mgus2_sex", "mgus2", "sex"), ("cif_gen_segment", "gen", "segment")])
    func aalenJohansenMatchesR(_ c: (String, String, String?)) throws {
        let (name, data, by) = c
        let ref = try #require(try CompetingFixtures.r()[name])
        let d = try CompetingFixtures.dataset(data)
        let cc = try ChurnEvents.contractualCauses(d)
        var groups: [(String, [Int]?)] = [("all", nil)]
        if let by {
            let g = try CustomerAttribute(d, column: by, customers: cc.churn.customer)
            groups = g.levels.indices.map { k in (g.levels[k], (0..<cc.sample.count).filter { g.codes[$0] == Int32(k) }) }
        }
        for (g, rows) in groups {
            for type in ConfidenceType.allCases {
                let f = try AalenJohansen.fit(cc.sample, indices: rows, confidenceType: type)
                for (k, cause) in f.causes.enumerated() {
                    let key = "\(g)|\(cause)"
                    if type == .logLog {
                        #expect(try f.time == want(ref, "time", key), "\(name) \(key) time")
                        #expect(try f.atRisk.map(Double.init) == want(ref, "n.risk", key))
                        #expect(try f.events[k].map(Double.init) == want(ref, "n.event", key))
                        #expect(try f.censored.map(Double.init) == want(ref, "n.censor", key))
                        #expect(try maxRelErr(f.incidence[k], want(ref, "pstate", key)) < 1e-12, "\(name) \(key) pstate")
                        #expect(try maxRelErr(f.stdErr[k], want(ref, "std.err", key)) < 1e-10, "\(name) \(key) std.err")
                    }
                    #expect(try maxRelErr(f.lower[k], want(ref, "lower.\(type.rawValue)", key)) < 1e-10, "\(name) \(key) lower \(type)")
                    #expect(try maxRelErr(f.upper[k], want(ref, "upper.\(type.rawValue)", key)) < 1e-10, "\(name) \(key) upper \(type)")
                }
            }
            let f = try AalenJohansen.fit(cc.sample, indices: rows)
            let at = try want(ref, "at.n.risk", "\(g)|\(f.causes[0])").count
            let horizons = (name.hasPrefix("cif_gen") ? [30.0, 90, 180, 365] : [12.0, 60, 120, 240, 400]).prefix(at)
            let pts = CompetingHorizons.evaluate(f, at: Array(horizons))
            for (k, cause) in f.causes.enumerated() {
                let key = "\(g)|\(cause)"
                #expect(try maxRelErr(pts.map { $0.incidence[k] }, want(ref, "at.pstate", key)) < 1e-12)
                #expect(try maxRelErr(pts.map { $0.stdErr[k] }, want(ref, "at.std.err", key)) < 1e-10)
                #expect(try pts.map { Double($0.atRisk) } == want(ref, "at.n.risk", key))
            }
        }
    }

    @Test(arguments: [("gray_mgus2_sex", "mgus2", "sex", nil as String?), ("gray_gen_segment", "gen", "segment", nil),
                      ("gray_gen_segment_strata", "gen", "segment", "region")])
    func grayTestMatchesCmprsk(_ c: (String, String, String, String?)) throws {
        let (name, data, by, strata) = c
        let ref = try #require(try CompetingFixtures.r()[name])
        let d = try CompetingFixtures.dataset(data)
        let cc = try ChurnEvents.contractualCauses(d)
        let g = try CustomerAttribute(d, column: by, customers: cc.churn.customer)
        let s = try strata.map { try CustomerAttribute(d, column: $0, customers: cc.churn.customer).codes }
        let tests = try Gray.test(cc.sample, group: g.codes, levels: g.levels, strata: s)
        #expect(tests.map(\.cause) == cc.sample.causes)
        for t in tests {
            #expect(try relErr(t.statistic, want1(ref, "stat", t.cause)) < 1e-9, "\(name) \(t.cause) stat \(t.statistic)")
            // cuminc's p (1 − pchisq) is exact only to ~1e-16 absolute; the upper tail to 1e-8 relative
            #expect(try abs(t.pValue - want1(ref, "pv", t.cause)) < 1e-14, "\(name) \(t.cause) p")
            #expect(try relErr(t.pValue, want1(ref, "p.upper", t.cause)) < 1e-8, "\(name) \(t.cause) p upper tail")
            #expect(try Double(t.df) == want1(ref, "df", t.cause))
        }
    }

    @Test(arguments: [("fg_mgus2", "mgus2", ["age", "sex", "hgb"]), ("fg_gen", "gen", ["x1", "plan", "segment"])])
    func fineGrayAndCauseSpecificCoxMatchR(_ c: (String, String, [String])) throws {
        let (name, data, covariates) = c
        let ref = try #require(try CompetingFixtures.r()[name])
        let d = try CompetingFixtures.dataset(data)
        let cc = try ChurnEvents.contractualCauses(d)
        let cols = try covariates.map { ($0, try CustomerAttribute.values(d, column: $0).0) }
        let design = try CoxDesign.build(cols, count: cc.sample.count, subjects: cc.churn.customer)
        let sample = cc.sample.subset(design.rows)
        #expect(try Double(sample.count) == want1(ref, "n"))
        for (k, cause) in sample.causes.enumerated() {
            let fg = try FineGray.fit(x: design.x, names: design.names, sample: sample, cause: Int32(k + 1))
            #expect(try maxRelErr(fg.summary.map(\.coef), want(ref, "coef", cause)) < 1e-7, "\(name) \(cause) coef \(fg.summary.map(\.coef))")
            #expect(try maxRelErr(fg.summary.map(\.se), want(ref, "se", cause)) < 1e-7, "\(name) \(cause) se \(fg.summary.map(\.se))")
            #expect(try relErr(fg.logLikelihood, want1(ref, "loglik", cause)) < 1e-10, "\(name) \(cause) loglik")
            #expect(try relErr(fg.nullLogLikelihood, want1(ref, "loglik.null", cause)) < 1e-12)
            #expect(try Double(fg.events) == want1(ref, "events", cause))
            let cs = try CoxPH.fit(x: design.x, names: design.names,
                                   sample: SurvivalSample(time: sample.time, event: sample.cause.map { $0 == Int32(k + 1) }),
                                   options: CoxOptions(computeConcordance: false))
            #expect(try maxRelErr(cs.summary.map(\.coef), want(ref, "cs.coef", cause)) < 1e-8, "\(name) \(cause) cs coef")
            #expect(try maxRelErr(cs.summary.map(\.se), want(ref, "cs.se", cause)) < 1e-8)
            #expect(try relErr(cs.logLikelihood, want1(ref, "cs.loglik", cause, index: 1)) < 1e-10)
        }
    }

    /// Without tied times crr and coxph on finegray's weighted data give the same coefficients.
    @Test func fineGrayWithoutTiesMatchesCrrAndFinegray() throws {
        let ref = try #require(try CompetingFixtures.r()["fg_cont"])
        let (sample, x, causes) = try CompetingFixtures.continuous()
        for (k, cause) in causes.enumerated() {
            let fg = try FineGray.fit(x: x, names: ["x1", "x2"], sample: sample, cause: Int32(k + 1))
            #expect(try maxRelErr(fg.summary.map(\.coef), want(ref, "coef", cause)) < 1e-7)
            #expect(try maxRelErr(fg.summary.map(\.coef), want(ref, "finegray.coef", cause)) < 1e-7)
            #expect(try maxRelErr(fg.summary.map(\.se), want(ref, "se", cause)) < 1e-7)
        }
        let ref2 = try #require(try CompetingFixtures.r()["cif_cont"])
        let f = try AalenJohansen.fit(sample)
        for (k, cause) in causes.enumerated() {
            #expect(try maxRelErr(f.incidence[k], want(ref2, "pstate", "all|\(cause)")) < 1e-12)
            #expect(try maxRelErr(f.stdErr[k], want(ref2, "std.err", "all|\(cause)")) < 1e-10)
        }
    }
}
