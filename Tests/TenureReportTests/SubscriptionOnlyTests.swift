import Foundation
import Testing
import TenureCohorts
import TenureData
import TenureKPIs
import TenureSurvival
@testable import TenureReport

/// A subscription business's data: customers.csv + subscriptions.csv and no transactions.csv
/// (issue: a dataset needs only the tables its analysis uses). R `survival`'s rossi data in that
/// shape must give R's Cox fit; Fader & Hardie's (2007) "high end" survivors must give their sBG
/// fit; KPIs and the report run on what is there and say what they left out.
@Suite struct SubscriptionOnlyTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func tempDir(_ name: String) -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-subs-\(name)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func write(_ text: String, _ dir: String, _ file: String) throws {
        try text.write(toFile: dir + "/" + file, atomically: true, encoding: .utf8)
    }

    /// rossi (432 released prisoners, arrest within 52 weeks) as subscriptions: every subscription
    /// starts 2000-01-03; an arrest in week w ends it 7·w days later; the others stay open and are
    /// censored at the end of observation, 52 weeks after the start.
    static func rossiDataset() throws -> (String, [String]) {
        let text = try String(contentsOfFile: fixtures.appendingPathComponent("survival/data/rossi.csv").path, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let start = Civil.day(year: 2000, month: 1, day: 3)
        var subs = "customer_id,start_date,end_date\n", cust = "customer_id," + header[2...].joined(separator: ",") + "\n"
        for (i, l) in lines.enumerated() {
            let f = l.split(separator: ",").map(String.init)
            let week = Int32(f[0])!, arrest = f[1] == "1"
            subs += "R\(i),\(Civil.iso(start)),\(arrest ? Civil.iso(start + 7 * week) : "")\n"
            cust += "R\(i)," + f[2...].joined(separator: ",") + "\n"
        }
        let dir = tempDir("rossi")
        try write(subs, dir, "subscriptions.csv")
        try write(cust, dir, "customers.csv")
        return (dir, Array(header[2...]))
    }

    /// Fader & Hardie (2007) Table 1, "high end": 1,000 customers acquired 2000-01-01, survivors at
    /// each anniversary; the losses end on an anniversary, the 491 still there at year 7 stay open.
    static func highEndDataset() throws -> String {
        let survivors = [1000, 869, 743, 653, 593, 551, 517, 491]
        var subs = "customer_id,start_date,end_date\n"
        var id = 0
        for k in 1..<survivors.count {
            for _ in 0..<(survivors[k - 1] - survivors[k]) {
                subs += "H\(id),2000-01-01,\(2000 + k)-01-01\n"; id += 1
            }
        }
        for _ in 0..<survivors.last! { subs += "H\(id),2000-01-01,\n"; id += 1 }
        let dir = tempDir("highend")
        try write(subs, dir, "subscriptions.csv")
        return dir
    }

    static func load(_ dir: String, asOf: String) throws -> Dataset {
        try DatasetLoader.load(directory: dir, options: LoadOptions(asOf: DateParser.day(from: asOf))).dataset
    }

    @Test func rossiAsSubscriptionsGivesRsCoxFit() throws {
        let (dir, covariates) = try Self.rossiDataset()
        let ds = try Self.load(dir, asOf: "2001-01-01")   // 52 weeks after 2000-01-03: the unarrested are censored at week 52
        #expect(!ds.hasTransactions && ds.transactions.count == 0)
        var o = SurvivalOptions()
        o.cox = covariates
        let r = try SurvivalAnalysis.run(ds, options: o)
        #expect(r.subjects == 432 && r.events == 114)
        let cox = try #require(r.cox)
        // R: coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi) (Efron); the
        // reference values are Tests/Fixtures/survival/r_expected.csv, case cox_rossi_efron.
        let ref = try String(contentsOfFile: Self.fixtures.appendingPathComponent("survival/r_expected.csv").path, encoding: .utf8)
        var coef = [Int: Double]()
        for l in ref.split(separator: "\n") where l.hasPrefix("cox_rossi_efron,coef,") {
            let f = l.split(separator: ",", omittingEmptySubsequences: false)
            coef[Int(f[3])!] = Double(f[4])!
        }
        #expect(coef.count == covariates.count)
        for (i, name) in covariates.enumerated() {
            let got = try #require(cox.model.coefficients[name])
            #expect(abs(got - coef[i]!) <= 1e-6 * max(1, abs(coef[i]!)), "\(name): \(got) vs R \(coef[i]!)")
        }
    }

    @Test func highEndSurvivorsGiveFaderHardiesSBGFit() throws {
        let ds = try Self.load(try Self.highEndDataset(), asOf: "2007-12-31")
        var o = CohortOptions()
        o.period = .year
        o.forecast = 5
        let r = try CohortAnalysis.run(ds, options: o)   // no --cohort-by: subscription start without purchases
        #expect(r.cohortBasis == "subscription_start")
        let g = try #require(r.groups.first)
        #expect(g.cohorts.isEmpty)
        let row = try #require(g.contractual?.first)
        #expect(row.size == 1000)
        #expect(row.cells.map(\.survivors) == [1000, 869, 743, 653, 593, 551, 517, 491])
        let f = try #require(g.forecast?.cohorts.first?.fit)
        // Fader & Hardie's own estimates (0.668, 3.806), refitted with scipy: Tests/Fixtures/cohorts/expected_sbg.json
        #expect(abs(f.alpha - 0.6680883728764352) < 1e-4 && abs(f.beta - 3.806095381726049) < 1e-3)
        #expect(abs(f.logLikelihood - -1611.1581473911551) < 1e-6)
        #expect(r.notes.contains { $0.contains("No transactions.csv") })
        // Cohorts by first purchase need purchases, and say so.
        o.cohortBy = .firstPurchase
        let e = try #require(throws: DataError.self) { try CohortAnalysis.run(ds, options: o) }
        #expect(e.expected.contains("transactions.csv for cohorts --cohort-by first-purchase"))
    }

    @Test func kpisRunOnSubscriptionsAloneAndNameWhatIsMissing() throws {
        let ds = try Self.load(try Self.highEndDataset(), asOf: "2007-12-31")
        var o = KPIOptions()
        o.period = .year
        let r = KPIAnalysis.compute(ds, options: o)
        #expect(r["revenue"]?.value == nil)
        #expect(r["revenue"]?.unavailable == "needs transactions.csv")
        #expect(r["aov"]?.unavailable == "needs transactions.csv")
        let churn = try #require(r["churn_rate"]?.value)
        #expect(churn > 0 && churn < 1)
    }

    @Test func analysesThatNeedPurchasesNameTheAnalysisAndTheTable() throws {
        let ds = try Self.load(try Self.highEndDataset(), asOf: "2007-12-31")
        var o = SurvivalOptions()
        o.churn = .inactivity(TimeSpan(parsing: "90d")!)
        let e = try #require(throws: DataError.self) { try SurvivalAnalysis.run(ds, options: o) }
        #expect(e.expected == "transactions.csv for survival --churn-after (churn from purchases)")
        #expect(e.file.hasSuffix("/transactions.csv"))
        #expect(ds.capabilities.filter(\.available).map(\.analysis)
                == ["cohorts (contractual retention, sBG forecast)", "survival (contractual churn)", "kpis"])
    }

    @Test func reportHasEverySectionTheDataSupportsAndSaysWhichItLeftOut() throws {
        let ds = try Self.load(try Self.highEndDataset(), asOf: "2007-12-31")
        var o = ReportOptions()
        o.cohortPeriod = .year
        let doc = ReportBuilder.build(ds, options: o)
        let byId = Dictionary(uniqueKeysWithValues: doc.sections.map { ($0.id, $0) })
        for id in ["kpis", "cohorts", "survival"] { #expect(byId[id]?.unavailable == nil, "\(id): \(byId[id]?.unavailable ?? "")") }
        #expect(byId["clv"]?.unavailable?.contains("transactions.csv for clv") == true, "\(byId["clv"]?.unavailable ?? "")")
        #expect(byId["roi"]?.unavailable?.contains("transactions.csv for roi") == true)
        #expect(doc.allCharts.contains { $0.id == "cohort_retention_heatmap" })
        #expect(!doc.facts.contains { $0.0 == "transactions" })
    }

    @Test func anUnreadableTableSaysSoInsteadOfBeingTakenForMissing() throws {
        let dir = Self.tempDir("dangling")
        try FileManager.default.createSymbolicLink(atPath: dir + "/transactions.csv", withDestinationPath: dir + "/gone.csv")
        let e = try #require(throws: DataError.self) { try DatasetLoader.load(directory: dir) }
        #expect(e.file == dir + "/transactions.csv")
        #expect(e.hint?.contains("symbolic link to \(dir)/gone.csv, which does not exist") == true)
        let d2 = Self.tempDir("dir")
        try FileManager.default.createDirectory(atPath: d2 + "/transactions.csv", withIntermediateDirectories: true)
        let e2 = try #require(throws: DataError.self) { try DatasetLoader.load(directory: d2) }
        #expect(e2.hint?.hasPrefix("it is a directory") == true)
        // validate reports the same problem and lists what can run
        let v = DatasetValidator.validate(directory: dir)
        #expect(v.tables.first { $0.table == "transactions" }?.problems.first?.hint == e.hint)
    }
}
