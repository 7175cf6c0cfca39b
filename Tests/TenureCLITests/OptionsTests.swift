import ArgumentParser
import Testing
import TenureCohorts
import TenureData
import TenureLifetime
import TenureReport
import TenureSurvival
@testable import tenure

/// Typed options: the parser turns each value into the analysis's type once; help lists the allowed
/// values; a bad value is refused with the option's name and those values (exit status 64).
@Suite struct OptionsTests {
    func message<C: ParsableCommand>(_ c: C.Type, _ args: [String]) -> String {
        do { _ = try C.parse(args); return "" } catch { return C.message(for: error) }
    }

    @Test func enumerationsAreParsedOnceIntoTheirTypes() throws {
        let c = try Cohorts.parse(["d", "--period", "week", "--window", "rolling", "--cohort-by", "first-purchase",
                                   "--metric", "revenue", "--retention", "unbounded", "--relative-to", "previous",
                                   "--on-invalid", "skip", "--format", "csv", "--as-of", "2024-06-30", "--brackets", "0,1-3"])
        let o = c.options
        #expect(o.period == .week && o.window == .rolling && o.cohortBy == .firstPurchase && o.metric == .revenue)
        #expect(o.retention == .unbounded && o.relativeTo == .previous && o.brackets?.count == 2)
        #expect(c.data.onInvalid == .skip && c.data.asOf == 19904 && c.output.format == .csv)
        let s = try Survival.parse(["d", "--unit", "month", "--ties", "breslow", "--ci", "plain", "--churn-after", "90d",
                                    "--horizons", "30d,1y", "--tau", "6m", "--cox", "age, plan"])
        #expect(s.options.unit == .month && s.options.ties == .breslow && s.options.confidenceType == .plain)
        #expect(s.options.churn == .inactivity(TimeSpan(value: 90, unit: .day)) && s.options.horizons.count == 2)
        #expect(s.options.tau?.days == 6 * 30.4375 && s.options.cox == ["age", "plan"])
    }

    @Test func badValuesNameTheOptionAndTheAllowedValues() {
        #expect(message(Survival.self, ["d", "--ties", "exact"])
            == "The value 'exact' is invalid for '--ties <ties>'. Please provide one of 'efron' and 'breslow'.")
        #expect(message(Survival.self, ["d", "--unit", "fortnight"]).contains("Please provide one of 'day', 'week', 'month' or 'year'."))
        #expect(message(Cohorts.self, ["d", "--metric", "profit"]).contains("'--metric <metric>'. Please provide one of 'customers', 'revenue' or 'orders'."))
        #expect(message(CLV.self, ["d", "--model", "cox"]).contains("Please provide one of 'bgnbd', 'pareto-nbd', 'mbgnbd', 'bgbb' or 'regression'."))
        #expect(message(KPIs.self, ["d", "--format", "markdown"]).contains("'--format <format>'. Please provide one of 'table', 'csv', 'json' or 'md'."))
        #expect(message(Validate.self, ["d", "--on-invalid", "ignore"]).contains("'--on-invalid <on-invalid>'. Please provide one of 'fail' and 'skip'."))
    }

    @Test func valuesWithASyntaxSayWhatIsWrong() {
        #expect(message(CLV.self, ["d", "--horizon", "-12m"]).contains("--horizon '-12m' must be positive"))
        #expect(message(CLV.self, ["d", "--horizon", "101y"]).contains("--horizon must be at most 100 years; got 101y."))
        #expect(message(KPIs.self, ["d", "--churn-after", "12h"]).contains("--churn-after '12h'"))
        #expect(message(KPIs.self, ["d", "--churn-after", "0.5d"]).contains("--churn-after must be at least a day; got 0.5d."))
        #expect(message(KPIs.self, ["d", "--sla-response", "soon"]).contains("--sla-response 'soon' is not a positive duration"))
        #expect(message(Validate.self, ["d", "--as-of", "03/01/2024"]).contains("--as-of '03/01/2024' is not an ISO date"))
        #expect(message(Validate.self, ["d", "--as-of", "1800-01-01"]).contains("--as-of '1800-01-01' is out of range"))
        #expect(message(Cohorts.self, ["d", "--brackets", "3-1"]).contains("--brackets '3-1' is not a list"))
        #expect(message(Cohorts.self, ["d", "--by", " "]).contains("--by needs a column name."))
        #expect(message(Survival.self, ["d", "--covariates", "age,age"]).contains("--covariates names 'age' twice."))
        #expect(message(Survival.self, ["d", "--horizons", "30d,soon"]).contains("--horizons '30d,soon' is not a list of durations"))
        #expect(message(Generate.self, ["--customers", "10", "--out", "o", "--tables", "orders"]).contains("--tables: unknown table 'orders'"))
    }

    @Test func helpListsTheAllowedValuesAndDefaults() {
        let cohorts = Cohorts.helpMessage(columns: 400)
        #expect(cohorts.contains("(values: day, week, month, quarter, year; default: month)"))
        #expect(cohorts.contains("(values: auto, first-purchase, signup, subscription; default: auto)"))
        let survival = Survival.helpMessage(columns: 400)
        #expect(survival.contains("(values: log-log, log, plain; default: log-log)"))
        #expect(survival.contains("(values: table, csv, json, md)"))
        let clv = CLV.helpMessage(columns: 400)
        #expect(clv.contains("(values: bgnbd, pareto-nbd, mbgnbd, bgbb, regression; default: bgnbd)"))
        #expect(clv.contains("default: 12m"))
        #expect(KPIs.helpMessage(columns: 400).contains("default: 90d"))
    }

    @Test func clvModelAliasesAndRegression() throws {
        #expect(try CLV.parse(["d", "--model", "PNBD"]).model == .purchase(.paretoNBD))
        #expect(try CLV.parse(["d", "--model", "bg-bb"]).model == .purchase(.bgbb))
        let r = try CLV.parse(["d", "--model", "regression", "--calibration-end", "2024-06-30"])
        #expect(r.model == .regression && r.model.purchaseModel == .bgnbd && r.calibrationEnd == 19904)
        #expect(message(CLV.self, ["d", "--model", "regression"]).contains("give --calibration-end"))
        #expect(message(CLV.self, ["d", "--model", "regression", "--calibration-end", "2024-06-30", "--regression", "off"])
            .contains("drop --regression off"))
    }

    @Test func sharedGroupsGiveTheSameOptionsEverywhere() throws {
        let k = try KPIs.parse(["d", "--churn-after", "12w", "--horizon", "2y", "--gross-margin", "0.4"])
        let r = try Report.parse(["d", "--out", "o", "--churn-after", "12w", "--horizon", "2y", "--gross-margin", "0.4"])
        #expect(k.activity.days == 84 && r.activity.days == 84)
        #expect(k.value.horizonDays == 730.5 && r.value.horizonDays == 730.5)
        let v = try Validate.parse(["d", "--as-of", "2024-06-30", "--on-invalid", "skip"])
        #expect(v.data.asOf == 19904 && v.data.onInvalid == .skip)
    }
}
