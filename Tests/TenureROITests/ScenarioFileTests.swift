import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureROI

@Suite struct ScenarioFileTests {
    @Test func parsesTheSpecExample() throws {
        let yaml = """
        horizon: 24 months
        discount_rate: 0.10        # annual
        gross_margin: 0.35
        scenarios:
          - name: Loyalty program
            segment: retail
            cost: { fixed: 50000, per_customer: 2.5 }
            effects: { churn_reduction: [0.05, 0.15] }        # relative, range
          - name: Win-back email
            segment: all
            cost: { per_customer: 0.4 }
            effects: { frequency_lift: 0.03, order_value_lift: [0.0, 0.02] }
          - name: Referral
            horizon: 2 years
            effects:
              new_customers: { dist: triangular, low: 100, mode: 300, high: 500 }
              new_customer_cac: { dist: normal, mean: 40, sd: 5 }
        """
        let f = try ScenarioFile.parse(yaml, file: "s.yaml")
        #expect(f.scenarios.count == 3)
        let s = f.scenarios[0]
        #expect(s.name == "Loyalty program" && s.segment == "retail" && s.horizonMonths == 24)
        #expect(s.discountRate == 0.10 && s.grossMargin == 0.35)
        #expect(s.cost.fixed == .point(50000) && s.cost.perCustomer == .point(2.5))
        #expect(s.effects.churnReduction == .uniform(low: 0.05, high: 0.15))
        #expect(f.scenarios[1].segment == nil)
        #expect(f.scenarios[1].effects.orderValueLift == .uniform(low: 0, high: 0.02))
        #expect(f.scenarios[2].horizonMonths == 24)
        #expect(f.scenarios[2].effects.newCustomers == .triangular(low: 100, mode: 300, high: 500))
        #expect(f.scenarios[2].effects.newCustomerCAC == .normal(mean: 40, sd: 5, low: 0, high: nil))
        #expect(f.costTiming == .start && f.marginTiming == .end)
    }

    func error(_ yaml: String) -> DataError? {
        do { _ = try ScenarioFile.parse(yaml, file: "s.yaml"); return nil } catch let e as DataError { return e } catch { return nil }
    }

    /// Issue #20 row 5: the horizon is bounded up front (every curve and simulation is sized by it).
    @Test func horizonIsBounded() throws {
        let body = "scenarios:\n  - { name: a, segment: all, effects: { churn_reduction: 0.1 } }\n"
        for h in ["100 years", "121 months", "99999999999 years"] {
            do { _ = try ScenarioFile.parse("horizon: \(h)\n" + body, file: "s.yaml"); Issue.record("\(h) accepted") }
            catch let e as DataError { #expect(e.line == 1 && e.column == "horizon" && e.expected.contains("at most 120 months")) }
        }
        #expect(try ScenarioFile.parse("horizon: 10 years\n" + body, file: "s.yaml").scenarios[0].horizonMonths == 120)
    }

    /// Row 5: simulations are bounded before anything is allocated.
    @Test func simulationsAreBounded() throws {
        let f = try ScenarioFile.parse("scenarios:\n  - { name: a, segment: all, effects: { churn_reduction: 0.1 } }\n", file: "s.yaml")
        #expect(throws: SizeLimitError.self) {
            _ = try MonteCarlo.run(f.scenarios[0], timing: (.start, .end), baseline: ProjectionTests.baseline(purchases: { $0 }, spend: { 50 * $0 }), simulations: 1_000_000_000, seed: 1)
        }
    }

    @Test func errorsNameTheLineAndField() throws {
        let bad1 = try #require(error("""
        horizon: 12
        scenarios:
          - name: A
            effects: { churn_reduction: 1.5 }
        """))
        #expect(bad1.line == 4)
        #expect(bad1.column == "scenarios[0].effects.churn_reduction")
        #expect(bad1.value == "1.5")
        #expect(bad1.expected.contains("between 0.0 and 0.99"))

        let bad2 = try #require(error("""
        scenarios:
          - name: A
            effects: { churn_reducton: 0.1 }
        """))
        #expect(bad2.line == 3 && bad2.value == "churn_reducton")
        #expect(bad2.expected.contains("churn_reduction"))

        let bad3 = try #require(error("""
        horizon: forever
        scenarios:
          - name: A
        """))
        #expect(bad3.line == 1 && bad3.column == "horizon")

        let bad4 = try #require(error("""
        scenarios:
          - name: A
            cost: { fixed: [10, 5] }
        """))
        #expect(bad4.line == 3 && bad4.expected.contains("low ≤ high"))

        let bad5 = try #require(error("""
        scenarios:
          - name: A
          - name: A
        """))
        #expect(bad5.line == 3 && bad5.kind == .duplicateKey)

        let bad6 = try #require(error("horizon: 12\n"))
        #expect(bad6.column == "scenarios")

        let bad7 = try #require(error("scenarios: [ {name: A\n"))
        #expect(bad7.kind == .badSchema && bad7.line >= 1)
    }
}

@Suite struct ScenarioExampleTests {
    @Test func exampleParsesAndMatchesTheCommittedFile() throws {
        let f = try ScenarioFile.parse(ScenarioFile.example, file: "example")
        #expect(f.scenarios.count == 4)
        #expect(f.pastInitiatives == [.init(name: "winback_2024", cost: 15000)])
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("datasets/scenarios.yaml")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == ScenarioFile.example)
    }
}

@Suite struct ScenarioHorizonTests {
    /// The horizon is a `TimeSpan` in months or years (a bare number = months), a whole number of months.
    @Test func horizonIsATimeSpan() throws {
        let body = "scenarios:\n  - { name: a, segment: all, effects: { churn_reduction: 0.1 } }\n"
        func months(_ h: String) throws -> Int { try ScenarioFile.parse("horizon: \(h)\n" + body, file: "s.yaml").scenarios[0].horizonMonths }
        #expect(try months("18") == 18 && months("18 months") == 18 && months("2y") == 24 && months("1.5 years") == 18)
        for bad in ["0 months", "90d", "1.5 months", "soon"] {
            do { _ = try months(bad); Issue.record("\(bad) accepted") }
            catch let e as DataError { #expect(e.line == 1 && e.column == "horizon", "\(bad)") }
        }
    }
}

