import Foundation
import Testing
@testable import TenureData

/// The shared definitions of issue #18: one calendar period, one duration parser, one customer
/// attribute resolver, one CSV quoting rule. Each test pins a rule the old copies disagreed on.
@Suite struct CalendarPeriodTests {
    static func d(_ s: String) -> Day { DateParser.day(from: s)! }

    /// `--period week` is the ISO week, Monday to Sunday, labelled `2024-W09` by cohorts and KPIs alike
    /// (KPIs used to label it by its Monday, `2024-02-26`).
    @Test func weeksAreISOWeeks() {
        let w = CalendarPeriod.week
        #expect(w.start(of: 0) == Self.d("1969-12-29") && w.label(of: 0) == "1970-W01")
        #expect(w.label(of: w.index(of: Self.d("2024-02-26"))) == "2024-W09")
        #expect(w.label(of: w.index(of: Self.d("2024-03-03"))) == "2024-W09")  // Sunday ends the week
        #expect(w.label(of: w.index(of: Self.d("2024-03-04"))) == "2024-W10")
        #expect(w.label(of: w.index(of: Self.d("2021-01-03"))) == "2020-W53")  // ISO year of the Thursday
        #expect(w.label(of: w.index(of: Self.d("2024-12-30"))) == "2025-W01")
        for day in stride(from: Self.d("1960-01-01"), through: Self.d("2030-12-31"), by: 1) {
            let p = w.index(of: day)
            #expect(Civil.weekday(w.start(of: p)) == 1 && w.start(of: p) <= day && day <= w.end(of: p))
        }
    }

    @Test func everyPeriodRoundTrips() {
        for period in CalendarPeriod.allCases {
            var last: Int32? = nil
            for day in stride(from: Self.d("1999-11-01"), through: Self.d("2001-03-01"), by: 1) {
                let p = period.index(of: day)
                #expect(period.start(of: p) <= day && day <= period.end(of: p), "\(period) \(Civil.iso(day))")
                if let last { #expect(p == last || p == last + 1) }
                last = p
            }
        }
        let d = Self.d("2024-05-17")
        #expect(CalendarPeriod.day.label(of: CalendarPeriod.day.index(of: d)) == "2024-05-17")
        #expect(CalendarPeriod.month.label(of: CalendarPeriod.month.index(of: d)) == "2024-05")
        #expect(CalendarPeriod.quarter.label(of: CalendarPeriod.quarter.index(of: d)) == "2024-Q2")
        #expect(CalendarPeriod.year.label(of: CalendarPeriod.year.index(of: d)) == "2024")
    }

    /// The BTYD clock buckets by the same calendar periods, now including years (issue #16).
    @Test func timeUnitIsTheCalendarPeriodAndTheMeanLength() {
        #expect(TimeUnit.month.days == 30.4375 && Civil.daysPerMonth == 365.25 / 12 && TimeUnit.year.days == 365.25)
        #expect(TimeUnit.year.period(Self.d("2023-12-31")) + 1 == TimeUnit.year.period(Self.d("2024-01-01")))
        #expect(TimeUnit.year.start(ofPeriod: TimeUnit.year.period(Self.d("2023-07-19"))) == Self.d("2023-01-01"))
        #expect(TimeUnit.week.period(Self.d("2024-03-04")) == CalendarPeriod.week.index(of: Self.d("2024-03-04")))
    }
}

@Suite struct TimeSpanTests {
    @Test func calendarDurations() {
        #expect(TimeSpan(parsing: "90d")?.days == 90)
        #expect(TimeSpan(parsing: "6m")?.days == 6 * 30.4375)
        #expect(TimeSpan(parsing: "2 yr")?.days == 730.5)
        #expect(TimeSpan(parsing: "24h") == nil)  // hours are not a unit of the analyses' durations
        guard case .failure(let e) = TimeSpan.parse("24h", option: "--horizon") else { Issue.record("24h parsed"); return }
        #expect(e.kind == .notADuration && e.description == "--horizon '24h' is not a duration; write it like 90d, 12w, 6m or 1y")
        guard case .failure(let z) = TimeSpan.parse("0m") else { Issue.record("0m parsed"); return }
        #expect(z.kind == .notPositive)
    }

    /// The scenario file's horizon: months or years, a bare number being months.
    @Test func monthsWithABareNumber() {
        func months(_ s: String) -> Double? {
            guard case .success(let t) = TimeSpan.parse(s, units: [.month, .year], bare: .month) else { return nil }
            return t.months
        }
        #expect(months("24") == 24 && months("2 years") == 24 && months("18m") == 18 && months("1.5y") == 18)
        #expect(months("90d") == nil)
    }

    /// The KPI SLA thresholds: hours, a bare number being hours.
    @Test func hours() {
        func hours(_ s: String) -> Double? {
            guard case .success(let t) = TimeSpan.parse(s, units: [.minute, .hour, .day], bare: .hour) else { return nil }
            return t.hours
        }
        #expect(hours("4") == 4 && hours("4h") == 4 && hours("4 hours") == 4 && hours("30min") == 0.5 && hours("2d") == 48)
        #expect(hours("1w") == nil && hours("0") == nil && hours("-2h") == nil && hours("soon") == nil)
    }
}

@Suite struct CustomerAttributeTests {
    /// Customers C0…C3; C0, C1 have transactions; customers.csv has `tier` for C0–C2.
    static func dataset(customerTable: Bool = true, score: [Double]? = nil) -> Dataset {
        var ids = CustomerIndex()
        for i in 0..<4 { _ = ids.intern("C\(i)") }
        var tx = Transactions()
        // C0 first buys on 2024-01-02 twice, on the web and in a shop, then in a shop; C1 only in a shop.
        let rows: [(Int32, String, Int32)] = [(0, "2024-01-05", 1), (0, "2024-01-02", 0), (0, "2024-01-02", 1), (1, "2024-01-03", 1)]
        for (c, d, _) in rows { tx.customer.append(c); tx.day.append(DateParser.day(from: d)!); tx.amount.append(1) }
        tx.channel = CategoricalColumn(codes: rows.map(\.2), levels: ["web", "shop", "phone"])
        var ct: CustomerTable? = nil
        if customerTable {
            var t = CustomerTable()
            t.customer = [2, 0, 1]   // not in index order
            t.attributes["tier"] = .categorical(CategoricalColumn(codes: [0, 1, -1], levels: ["silver", "Gold"]))
            t.attributeNames = ["tier"]
            if let score { t.attributes["score"] = .numeric(score); t.attributeNames.append("score") }
            ct = t
        }
        var subs = Subscriptions()
        subs.customer = [3, 3, 1]
        subs.startDay = [DateParser.day(from: "2024-02-01")!, DateParser.day(from: "2024-01-01")!, DateParser.day(from: "2024-01-01")!]
        subs.endDay = [Day.missing, Day.missing, Day.missing]
        subs.plan = CategoricalColumn(codes: [0, 1, 0], levels: ["pro", "basic"])
        return Dataset(source: "test", customers: ids, transactions: tx, customerTable: ct, subscriptions: subs,
                       asOf: DateParser.day(from: "2024-03-01")!)
    }

    /// customers.csv first; levels in byte order of their names (not file order); missing is −1,
    /// and `(missing)` is the last group where missing customers are shown.
    @Test func customersFirstBytesOrderMissingLast() throws {
        let a = try CustomerAttribute(Self.dataset(), column: "tier")
        #expect(a.source == .customers && a.levels == ["Gold", "silver"])
        #expect(a.codes == [0, -1, 1, -1] && a.missingCount == 2)
        let g = a.withMissingGroup()
        #expect(g.levels == ["Gold", "silver", "(missing)"] && g.codes == [0, 2, 1, 2])
        #expect(CustomerAttribute.missingLabel == "(missing)")
    }

    /// Transactions: the value on the first transaction (earliest day; among same-day rows the
    /// smallest value in byte order, whatever the row order); levels no customer has ("phone", and
    /// "web" that lost C0's tie) are not groups.
    @Test func firstTransaction() throws {
        let a = try CustomerAttribute(Self.dataset(), column: "channel")
        #expect(a.source == .transactions && a.levels == ["shop"] && a.codes == [0, 0, -1, -1])
        // the same with the tied rows swapped, and with the shop row's value missing (web then wins)
        var d = Self.dataset()
        d.transactions.channel = CategoricalColumn(codes: [1, 1, 0, 1], levels: ["web", "shop", "phone"])
        #expect(try CustomerAttribute(d, column: "channel").codes == [0, 0, -1, -1])
        d.transactions.channel = CategoricalColumn(codes: [1, 0, -1, 1], levels: ["web", "shop", "phone"])
        let b = try CustomerAttribute(d, column: "channel")
        #expect(b.levels == ["shop", "web"] && b.codes == [1, 0, -1, -1])
    }

    /// Subscriptions: the plan of the earliest-starting subscription.
    @Test func planOfTheFirstSubscription() throws {
        let a = try CustomerAttribute(Self.dataset(customerTable: false), column: "plan")
        #expect(a.source == .subscriptions && a.levels == ["basic", "pro"] && a.codes == [-1, 1, -1, 0])
    }

    /// A subset of customers gets the levels those customers have.
    @Test func subsetOfCustomers() throws {
        let a = try CustomerAttribute(Self.dataset(), column: "tier", customers: [1, 2])
        #expect(a.levels == ["silver"] && a.codes == [-1, 0])
    }

    /// Numeric columns: one group per value in numeric order, integers without decimals, at most 50.
    @Test func numericColumns() throws {
        let a = try CustomerAttribute(Self.dataset(score: [10, 2.5, .nan]), column: "score")
        #expect(a.levels == ["2.5", "10"] && a.codes == [0, -1, 1, -1])
        var big = Self.dataset()
        big.customerTable!.customer = Array(0..<4)
        big.customerTable!.attributes["score"] = .numeric([1, 2, 3, 4])
        #expect(try CustomerAttribute(big, column: "score").levels == ["1", "2", "3", "4"])
        // 51 distinct values are refused
        var ids = CustomerIndex()
        for i in 0..<51 { _ = ids.intern("C\(i)") }
        var t = CustomerTable()
        t.customer = (0..<51).map { Int32($0) }
        t.attributes["score"] = .numeric((0..<51).map { Double($0) })
        t.attributeNames = ["score"]
        let wide = Dataset(source: "test", customers: ids, transactions: Transactions(), customerTable: t, asOf: 0)
        #expect(throws: DataError.self) { _ = try CustomerAttribute(wide, column: "score") }
    }

    @Test func unknownColumnListsTheNames() {
        do { _ = try CustomerAttribute(Self.dataset(), column: "nosuch"); Issue.record("resolved") }
        catch let e as DataError { #expect(e.kind == .missingColumn && e.expected == "one of: tier, channel, plan") }
        catch { Issue.record("\(error)") }
    }
}

@Suite struct CSVFieldTests {
    /// One rule for every CSV tenure writes. The report's and the scores file's copies did not quote
    /// padded fields; the rejects file's copy compared Characters, so a value holding "\r\n" (one
    /// Character) went out unquoted and broke the row.
    @Test func quotingRule() {
        #expect(CSVField.text("plain") == "plain")
        #expect(CSVField.text("a,b") == "\"a,b\"")
        #expect(CSVField.text("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVField.text("two\r\nlines") == "\"two\r\nlines\"")
        #expect(CSVField.text(" padded") == "\" padded\"" && CSVField.text("tab\t") == "\"tab\t\"")
        #expect(CSVField.text("") == "" && CSVField.text("in side") == "in side")
    }

    @Test func rejectsFileQuotesCRLF() {
        let row = RejectedRow(error: DataError(.badValue, file: "t.csv", line: 3, column: "amount", value: "1,5", expected: "a number"),
                              record: "C1,\"x\r\ny\",1,5")
        let text = RejectsFile.render([row])
        #expect(text == "file,line,column,value,reason,record\nt.csv,3,amount,\"1,5\",expected a number,\"C1,\"\"x\r\ny\"\",1,5\"\n")
    }
}
