import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureSurvival

/// Churn definitions worked by hand, durations, and every documented fit error.

func transactions(_ csv: String, asOf: String) throws -> Dataset {
    var o = LoadOptions()
    let day = try #require(DateParser.day(from: asOf))
    o.asOf = day
    return try DatasetLoader.loadTransactions(csv: Array(csv.utf8), options: o).dataset
}

func subject(_ c: ChurnData, _ d: Dataset, _ id: String) throws -> (time: Double, event: Bool) {
    let k = try #require(c.customer.firstIndex { d.customers.id(Int($0)) == id }, "no subject \(id)")
    return (c.sample.time[k], c.sample.event[k])
}

/// Purchases whose churn times are worked out by hand below (and reused by `EventTableSplitTests`).
let handPurchases = """
    customer_id,date,amount
    a,2024-01-01,10
    a,2024-01-20,10
    a,2024-06-01,10
    b,2024-05-15,5
    b,2024-03-01,5
    c,2024-02-01,5
    """

@Test func inactivityChurnByHand() throws {
    let d = try transactions(handPurchases + "\ne,2024-07-15,5", asOf: "2024-06-30")
    let c = try ChurnEvents.inactivity(d, gapDays: 90)
    // a: gap Jan 20 → Jun 1 is 133 > 90 days, churned 90 days after Jan 20 = day 19 + 90
    #expect(try subject(c, d, "a") == (109, true))
    // b (rows out of order): last purchase 46 days before the as-of date → censored, Mar 1 → Jun 30
    #expect(try subject(c, d, "b") == (121, false))
    // c: one purchase 150 days before the as-of date → churned at 90
    #expect(try subject(c, d, "c") == (90, true))
    // e: first purchase after the as-of date → not a subject
    #expect(c.customer.allSatisfy { d.customers.id(Int($0)) != "e" })
    #expect(c.definition == .inactivity(gapDays: 90))
}

@Test func contractualChurnByHand() throws {
    var d = try transactions("customer_id,date,amount\na,2024-01-01,1\nb,2024-01-01,1\nc,2024-01-01,1\n", asOf: "2024-12-31")
    var s = Subscriptions()
    let day = { (x: String) in DateParser.day(from: x) ?? Day.missing }
    // a: two subscriptions, both ended → churned at the last end; b: one still open → censored;
    // c: ends after the as-of date → still a customer then
    s.customer = [0, 0, 1, 1, 2]
    s.startDay = [day("2024-01-01"), day("2024-03-01"), day("2024-02-01"), day("2024-04-01"), day("2024-06-01")]
    s.endDay = [day("2024-02-15"), day("2024-05-01"), day("2024-03-01"), Day.missing, day("2025-03-01")]
    d.subscriptions = s
    let c = try ChurnEvents.contractual(d)
    #expect(try subject(c, d, "a") == (121, true))     // Jan 1 → May 1
    #expect(try subject(c, d, "b") == (334, false))    // Feb 1 → Dec 31
    #expect(try subject(c, d, "c") == (213, false))    // Jun 1 → Dec 31
    s.endDay[0] = day("2023-12-01")
    d.subscriptions = s
    #expect(throws: DataError.self) { try ChurnEvents.contractual(d) }
}

@Test func durations() {
    #expect(TimeSpan(parsing: "90d")?.days == 90)
    #expect(TimeSpan(parsing: "12w")?.days == 84)
    #expect(TimeSpan(parsing: "6m")?.days == 6 * 30.4375)
    #expect(TimeSpan(parsing: "1y")?.days == 365.25)
    #expect(TimeSpan(parsing: "30") == nil)   // days, weeks or months? a unit is required
    guard case .failure(let e) = TimeSpan.parse("12", option: "--horizon") else { Issue.record("12 parsed"); return }
    #expect(e.description == "--horizon '12' has no unit: write 12m (months), 12w (weeks) or 12d (days)")
    #expect(TimeSpan(parsing: "2 months")?.days == 2 * 30.4375)
    for bad in ["", "d", "soon", "-3d", "0", "1x", "nan"] { #expect(TimeSpan(parsing: bad) == nil, "\(bad)") }
    #expect(TimeSpan.list("30d,90d,1y")?.map(\.days) == [30, 90, 365.25])
    #expect(TimeSpan.list("30d,,x") == nil)
}

/// A small Cox data set: time, event and three covariates.
func coxSample(n: Int = 400, seed: UInt64 = 7) -> (SurvivalSample, [[Double]]) {
    var rng = RNG(seed: seed)
    var t: [Double] = [], e: [Bool] = [], x1: [Double] = [], x2: [Double] = []
    for _ in 0..<n {
        let a = rng.normal(), b = rng.uniform()
        let life = rng.exponential(rate: 0.01 * Foundation.exp(0.5 * a - 0.8 * b))
        let cens = 50 + 300 * rng.uniform()
        t.append(min(life, cens).rounded(.up)); e.append(life <= cens); x1.append(a); x2.append(b)
    }
    return (SurvivalSample(time: t, event: e), [x1, x2])
}

func reason(_ body: () throws -> Void) -> String {
    do { try body(); return "" } catch let e as FitError { return e.reason } catch { return "\(error)" }
}

@Test func coxErrorsNameTheProblem() throws {
    let (s, x) = coxSample()
    let n = s.count
    func fit(_ cols: [[Double]], _ names: [String], sample: SurvivalSample? = nil) throws {
        _ = try CoxPH.fit(x: Matrix(rows: n, cols: cols.count, data: cols.flatMap { $0 }), names: names, sample: sample ?? s)
    }
    #expect(reason { try fit(x, ["a", "b"]) } == "")
    #expect(reason { try fit(x + [[Double](repeating: 3, count: n)], ["a", "b", "k"]) }.contains("'k' is constant"))
    let coll = zip(x[0], x[1]).map { 2 * $0 - $1 }
    let msg = reason { try fit(x + [coll], ["a", "b", "c"]) }
    #expect(msg.contains("collinear") && msg.contains("'c'"), "\(msg)")
    let none = SurvivalSample(time: s.time, event: s.event.map { _ in false })
    #expect(reason { try fit(x, ["a", "b"], sample: none) }.contains("no events"))
    // perfect separation: events only where the indicator is 1 → β → ∞
    let sep = (0..<n).map { s.event[$0] ? 1.0 : 0.0 }
    #expect(reason { try fit([x[0], sep], ["a", "sep"]) }.contains("diverges"))
    var opts = CoxOptions(); opts.maxIterations = 1
    #expect(reason { _ = try CoxPH.fit(x: Matrix(rows: n, cols: 2, data: x.flatMap { $0 }), names: ["a", "b"], sample: s, options: opts) }
        .contains("did not converge"))
}

@Test func coxDesignCodesTextAndRefusesLevelsWithoutEvents() throws {
    let seg = CategoricalColumn(codes: [0, 1, 1, 2, 1, 0, -1, 2], levels: ["b", "a", "c"])
    let num = AttributeColumn.numeric([1, 2, 3, 4, 5, 6, 7, .nan])
    let d = try CoxDesign.build([("seg", .categorical(seg)), ("n", num)], count: 8,
                                events: [true, true, false, true, true, true, true, true])
    #expect(d.rows == [0, 1, 2, 3, 4, 5])           // row 6 lacks seg, row 7 lacks n
    #expect(d.droppedRows == 2)
    #expect(d.referenceLevels == ["seg": "a"])       // most frequent
    #expect(d.names == ["seg=b", "seg=c", "n"])
    #expect(d.x.column(0) == [1, 0, 0, 0, 0, 1] && d.x.column(1) == [0, 0, 0, 1, 0, 0])
    let msg = reason {
        _ = try CoxDesign.build([("seg", .categorical(seg))], count: 8, events: [false, true, true, false, true, false, true, true])
    }
    #expect(msg.contains("level 'b' of 'seg' has no churn events"), "\(msg)")
}

@Test func coxDesignReadsColumnsThroughSubjectIndices() throws {
    let seg = CategoricalColumn(codes: [0, 1, 1, 2, 1, 0, -1, 2, 1], levels: ["b", "a", "c"])
    let num: [Double] = [1, 2, 3, 4, 5, 6, 7, .nan, 9]
    let cols: [(name: String, column: AttributeColumn)] = [("seg", .categorical(seg)), ("n", .numeric(num))]
    // 10 subjects over 9 customers: some twice, customer 8 not at all, 6 and 7 lack a value
    let subjects: [Int32] = [7, 0, 1, 1, 2, 3, 4, 5, 6, 5]
    let events = [true, true, false, true, true, true, false, true, true, true]
    let via = try CoxDesign.build(cols, count: 10, events: events, subjects: subjects)
    let gathered = try CoxDesign.build(
        [("seg", .categorical(CategoricalColumn(codes: subjects.map { seg.codes[Int($0)] }, levels: seg.levels))),
         ("n", .numeric(subjects.map { num[Int($0)] }))], count: 10, events: events)
    #expect(via.x == gathered.x && via.rows == gathered.rows && via.names == gathered.names)
    #expect(via.rows == [1, 2, 3, 4, 5, 6, 7, 9] && via.droppedRows == 2)
    // subjects 0, 1, 2, … read the columns' first entries, as without indices
    let first = try CoxDesign.build([("n", .numeric(num))], count: 7, subjects: Array(0..<7))
    #expect(first.x.column(0) == Array(num[0..<7]))
    #expect(reason { _ = try CoxDesign.build(cols, count: 2, subjects: [0, 9]) }.contains("has 9 values for 10 subjects"))
}

@Test func coxFitLeavesTheCallersMatrixAlone() throws {
    let (s, cols) = coxSample(n: 300, seed: 5)
    let x = Matrix(rows: 300, cols: 2, data: cols[0] + cols[1])
    let before = x
    let m = try CoxPH.fit(x: x, names: ["a", "b"], sample: s)
    #expect(x == before)   // the fit centres its own copy
    let again = try CoxPH.fit(x: x, names: ["a", "b"], sample: s)
    #expect(m == again)
}

@Test func coxRefusesNonFiniteCovariates() {
    let (s, cols) = coxSample(n: 300, seed: 5)
    var a = cols[0]; a[7] = .infinity
    #expect(reason { _ = try CoxPH.fit(x: Matrix(rows: 300, cols: 2, data: a + cols[1]), names: ["a", "b"], sample: s) }
        .contains("a covariate value is inf"))
    var b = cols[1]; b[3] = .nan
    #expect(reason { _ = try CoxPH.fit(x: Matrix(rows: 300, cols: 2, data: cols[0] + b), names: ["a", "b"], sample: s) }
        .contains("a covariate value is nan"))
}

@Test func logRankWithoutEventsFails() {
    let s = SurvivalSample(time: [1, 2, 3, 4], event: [false, false, false, false])
    #expect(reason { _ = try LogRank.test(s, group: [0, 1, 0, 1], levels: ["x", "y"]) }.contains("no group has a churn event"))
}

@Test func kaplanMeierProperties() throws {
    let (s, _) = coxSample(n: 2000, seed: 11)
    for type in ConfidenceType.allCases {
        let km = try KaplanMeier.fit(s, confidenceType: type)
        #expect(zip(km.survival, km.survival.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(km.survival.allSatisfy { $0 >= 0 && $0 <= 1 })
        for i in km.time.indices where km.lower[i].isFinite {
            #expect(km.lower[i] <= km.survival[i] + 1e-15 && km.survival[i] <= km.upper[i] + 1e-15)
        }
        #expect(km.atRisk.first == s.count)
        #expect(km.events.reduce(0, +) == s.eventCount)
    }
    for bad in [[1, .nan], [2, -1], [.infinity, 3], [0.5, .nan, 2.5], [.nan, .nan]] as [[Double]] {
        #expect(throws: FitError.self, "\(bad)") {
            try KaplanMeier.fit(SurvivalSample(time: bad, event: bad.map { _ in true }))
        }
    }
    let single = try KaplanMeier.fit(SurvivalSample(time: [5], event: [true]))
    #expect(single.survival == [0] && single.lower[0].isNaN && single.upper[0].isNaN && single.stdErr[0] == .infinity)
}
