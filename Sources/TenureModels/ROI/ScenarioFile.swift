import Foundation
import TenureData
import Yams

/// The scenario file of SPEC §5, validated. Every error names the file, the line and the field.
///
/// ```yaml
/// horizon: 24 months          # months, or "2 years"
/// discount_rate: 0.10         # annual
/// gross_margin: 0.35
/// timing: { costs: start, margins: end }      # the default
/// scenarios:
///   - name: Loyalty program
///     segment: retail          # a segment label, or "all"
///     cost: { fixed: 50000, per_customer: 2.5, per_period: 1000 }
///     effects: { churn_reduction: [0.05, 0.15] }
/// past_initiatives:            # realised ROI of initiatives recorded in customers.csv
///   - { name: Spring pilot, cost: 12000 }
/// ```
/// Costs: `fixed` once at the start; `per_customer` once for each targeted customer at the start;
/// `per_period` at the start of every month of the horizon.
/// Effects: `churn_reduction` (relative cut of the dropout probability / churn hazard, in [0, 1)),
/// `frequency_lift` (relative rise of the purchase rate), `order_value_lift` (relative rise of spend
/// per order), `conversion_lift` (relative rise of monthly new-customer acquisition),
/// `new_customers` (extra customers acquired over the horizon, evenly per month) with
/// `new_customer_cac` (their acquisition cost each).
public struct ScenarioFile: Sendable, Codable, Equatable {
    public enum Timing: String, Sendable, Codable { case start, end }

    public struct Costs: Sendable, Codable, Equatable {
        public var fixed: Uncertain = .point(0)
        public var perCustomer: Uncertain = .point(0)
        public var perPeriod: Uncertain = .point(0)
        enum CodingKeys: String, CodingKey { case fixed, perCustomer = "per_customer", perPeriod = "per_period" }
    }

    public struct Effects: Sendable, Codable, Equatable {
        public var churnReduction: Uncertain = .point(0)
        public var frequencyLift: Uncertain = .point(0)
        public var orderValueLift: Uncertain = .point(0)
        public var conversionLift: Uncertain = .point(0)
        public var newCustomers: Uncertain = .point(0)
        public var newCustomerCAC: Uncertain = .point(0)
        enum CodingKeys: String, CodingKey {
            case churnReduction = "churn_reduction", frequencyLift = "frequency_lift",
                 orderValueLift = "order_value_lift", conversionLift = "conversion_lift",
                 newCustomers = "new_customers", newCustomerCAC = "new_customer_cac"
        }
    }

    public struct Scenario: Sendable, Codable, Equatable {
        public var name: String
        /// nil = every customer.
        public var segment: String?
        public var horizonMonths: Int
        public var discountRate: Double
        public var grossMargin: Double
        public var cost: Costs
        public var effects: Effects
        enum CodingKeys: String, CodingKey {
            case name, segment, cost, effects, horizonMonths = "horizon_months", discountRate = "discount_rate",
                 grossMargin = "gross_margin"
        }
    }

    public struct PastInitiative: Sendable, Codable, Equatable {
        public var name: String
        public var cost: Double
        /// Where it was given (for errors about it): the scenario file and line.
        public var file: String?
        public var line: Int?
        public init(name: String, cost: Double, file: String? = nil, line: Int? = nil) {
            self.name = name; self.cost = cost; self.file = file; self.line = line
        }
        enum CodingKeys: String, CodingKey { case name, cost }
        /// Equal when the initiative and its cost are (where it was written does not matter).
        public static func == (a: Self, b: Self) -> Bool { a.name == b.name && a.cost == b.cost }
    }

    /// The file-level gross margin (scenarios may override it); used for past initiatives too.
    public var grossMargin: Double = 1
    public var costTiming: Timing = .start
    public var marginTiming: Timing = .end
    public var scenarios: [Scenario]
    public var pastInitiatives: [PastInitiative] = []

    enum CodingKeys: String, CodingKey {
        case scenarios, grossMargin = "gross_margin", costTiming = "cost_timing", marginTiming = "margin_timing", pastInitiatives = "past_initiatives"
    }
}

extension ScenarioFile {
    /// Longest horizon a scenario may have: every curve, simulation and break-even search is sized by it.
    public static let maxHorizonMonths = 120

    public static func load(path: String) throws -> ScenarioFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(.missingFile, file: path, expected: "a readable YAML scenario file (see `tenure help roi`)")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> ScenarioFile {
        let p = Parser(file: file)
        guard let root = try YAMLFile.compose(text, file: file) else {
            throw DataError(.emptyFile, file: file, expected: "a scenario file with a `scenarios:` list")
        }
        let top = try p.mapping(root, "the top level", allowed: ["horizon", "discount_rate", "gross_margin", "timing",
                                                                "scenarios", "past_initiatives"])
        let horizon = try top["horizon"].map { try p.months($0, "horizon") } ?? 12
        let rate = try top["discount_rate"].map { try p.number($0, "discount_rate", 0, 1) } ?? 0.10
        let margin = try top["gross_margin"].map { try p.number($0, "gross_margin", 0, 1) } ?? 1.0

        var out = ScenarioFile(scenarios: [])
        out.grossMargin = margin
        if let t = top["timing"] {
            let m = try p.mapping(t, "timing", allowed: ["costs", "margins"])
            if let c = m["costs"] { out.costTiming = try p.timing(c, "timing.costs") }
            if let c = m["margins"] { out.marginTiming = try p.timing(c, "timing.margins") }
        }
        guard let list = top["scenarios"] else {
            throw DataError(.badSchema, file: file, line: root.mark?.line ?? 1, column: "scenarios",
                            expected: "a `scenarios:` list with at least one scenario")
        }
        guard let items = list.sequence, !items.isEmpty else {
            throw DataError(.badSchema, file: file, line: list.mark?.line ?? 0, column: "scenarios",
                            expected: "a non-empty list of scenarios (`- name: ...`)")
        }
        var names = Set<String>()
        for (i, item) in items.enumerated() {
            let path = "scenarios[\(i)]"
            let m = try p.mapping(item, path, allowed: ["name", "segment", "cost", "effects", "horizon", "discount_rate", "gross_margin"])
            guard let nameNode = m["name"], let name = nameNode.string, !name.isEmpty else {
                throw DataError(.badSchema, file: file, line: item.mark?.line ?? 0, column: "\(path).name",
                                expected: "a scenario name")
            }
            guard names.insert(name).inserted else {
                throw DataError(.duplicateKey, file: file, line: nameNode.mark?.line ?? 0, column: "\(path).name",
                                value: name, expected: "a name used by one scenario only")
            }
            var s = Scenario(name: name, segment: nil,
                             horizonMonths: try m["horizon"].map { try p.months($0, "\(path).horizon") } ?? horizon,
                             discountRate: try m["discount_rate"].map { try p.number($0, "\(path).discount_rate", 0, 1) } ?? rate,
                             grossMargin: try m["gross_margin"].map { try p.number($0, "\(path).gross_margin", 0, 1) } ?? margin,
                             cost: Costs(), effects: Effects())
            if let seg = m["segment"] {
                guard let v = seg.string else {
                    throw DataError(.badSchema, file: file, line: seg.mark?.line ?? 0, column: "\(path).segment",
                                    expected: "a segment label or `all`")
                }
                s.segment = v.lowercased() == "all" ? nil : v
            }
            if let c = m["cost"] {
                let cm = try p.mapping(c, "\(path).cost", allowed: ["fixed", "per_customer", "per_period"])
                if let v = cm["fixed"] { s.cost.fixed = try p.uncertain(v, "\(path).cost.fixed", 0, .infinity) }
                if let v = cm["per_customer"] { s.cost.perCustomer = try p.uncertain(v, "\(path).cost.per_customer", 0, .infinity) }
                if let v = cm["per_period"] { s.cost.perPeriod = try p.uncertain(v, "\(path).cost.per_period", 0, .infinity) }
            }
            if let e = m["effects"] {
                let em = try p.mapping(e, "\(path).effects", allowed: ["churn_reduction", "frequency_lift", "order_value_lift",
                                                                      "conversion_lift", "new_customers", "new_customer_cac"])
                let f = "\(path).effects"
                if let v = em["churn_reduction"] { s.effects.churnReduction = try p.uncertain(v, "\(f).churn_reduction", 0, 0.99) }
                if let v = em["frequency_lift"] { s.effects.frequencyLift = try p.uncertain(v, "\(f).frequency_lift", -0.99, 10) }
                if let v = em["order_value_lift"] { s.effects.orderValueLift = try p.uncertain(v, "\(f).order_value_lift", -0.99, 10) }
                if let v = em["conversion_lift"] { s.effects.conversionLift = try p.uncertain(v, "\(f).conversion_lift", -0.99, 10) }
                if let v = em["new_customers"] { s.effects.newCustomers = try p.uncertain(v, "\(f).new_customers", 0, .infinity) }
                if let v = em["new_customer_cac"] { s.effects.newCustomerCAC = try p.uncertain(v, "\(f).new_customer_cac", 0, .infinity) }
            }
            out.scenarios.append(s)
        }
        if let past = top["past_initiatives"] {
            guard let list = past.sequence else {
                throw DataError(.badSchema, file: file, line: past.mark?.line ?? 0, column: "past_initiatives",
                                expected: "a list of `{name: ..., cost: ...}`")
            }
            for (i, item) in list.enumerated() {
                let m = try p.mapping(item, "past_initiatives[\(i)]", allowed: ["name", "cost"])
                guard let name = m["name"]?.string, let c = m["cost"] else {
                    throw DataError(.badSchema, file: file, line: item.mark?.line ?? 0, column: "past_initiatives[\(i)]",
                                    expected: "both `name` and `cost`")
                }
                out.pastInitiatives.append(PastInitiative(name: name, cost: try p.number(c, "past_initiatives[\(i)].cost", 0, .infinity),
                                                          file: file, line: item.mark?.line))
            }
        }
        return out
    }

    /// Reads YAML nodes into typed values, throwing `DataError`s that point at the node.
    struct Parser {
        let file: String

        func fail(_ n: Node, _ field: String, _ expected: String) -> DataError {
            DataError(.badSchema, file: file, line: n.mark?.line ?? 0, column: field,
                      value: n.scalar?.string, expected: expected)
        }

        func mapping(_ n: Node, _ field: String, allowed: Set<String>) throws -> [String: Node] {
            guard let m = n.mapping else { throw fail(n, field, "a mapping of keys to values") }
            var out: [String: Node] = [:]
            for (k, v) in m {
                guard let key = k.string, allowed.contains(key) else {
                    throw DataError(.badSchema, file: file, line: k.mark?.line ?? 0, column: field, value: k.string,
                                    expected: "one of the keys " + allowed.sorted().joined(separator: ", "))
                }
                out[key] = v
            }
            return out
        }

        func number(_ n: Node, _ field: String, _ lo: Double, _ hi: Double) throws -> Double {
            guard let s = n.scalar?.string, let x = Double(s.replacingOccurrences(of: "_", with: "")), x.isFinite else {
                throw fail(n, field, "a number")
            }
            guard x >= lo && x <= hi else {
                throw fail(n, field, hi.isInfinite ? "a number ≥ \(lo)" : "a number between \(lo) and \(hi)")
            }
            return x
        }

        func timing(_ n: Node, _ field: String) throws -> Timing {
            guard let s = n.string, let t = Timing(rawValue: s) else { throw fail(n, field, "`start` or `end` of the period") }
            return t
        }

        /// `24`, `24 months`, `2 years`, `2y`, `18m`, `1.5 years` (a `TimeSpan` in months or years,
        /// a bare number being months), a whole number of months.
        func months(_ n: Node, _ field: String) throws -> Int {
            guard let raw = n.scalar?.string else { throw fail(n, field, "a duration such as `24 months` or `2 years`") }
            let span: TimeSpan
            switch TimeSpan.parse(raw, option: field, units: [.month, .year], bare: .month) {
            case .success(let t): span = t
            case .failure(let e) where e.kind == .notPositive: throw fail(n, field, "a positive duration such as `24 months`")
            case .failure: throw fail(n, field, "a duration in months or years, such as `24 months` or `2 years`")
            }
            let months = span.months ?? 0
            guard months <= Double(ScenarioFile.maxHorizonMonths) else {
                throw fail(n, field, "a horizon of at most \(ScenarioFile.maxHorizonMonths) months (\(ScenarioFile.maxHorizonMonths / 12) years)")
            }
            guard months == months.rounded() else { throw fail(n, field, "a whole number of months, such as `18 months`") }
            return Int(months)
        }

        func uncertain(_ n: Node, _ field: String, _ lo: Double, _ hi: Double) throws -> Uncertain {
            let value: Uncertain
            if n.scalar != nil {
                value = .point(try number(n, field, lo, hi))
            } else if let seq = n.sequence {
                guard seq.count == 2 else { throw fail(n, field, "a range `[low, high]` of two numbers") }
                let a = try number(seq[0], field, lo, hi), b = try number(seq[1], field, lo, hi)
                guard a <= b else { throw fail(n, field, "a range `[low, high]` with low ≤ high") }
                value = .uniform(low: a, high: b)
            } else {
                let m = try mapping(n, field, allowed: ["dist", "low", "mode", "high", "mean", "sd"])
                let num = { (k: String) throws -> Double? in try m[k].map { try number($0, "\(field).\(k)", -.infinity, .infinity) } }
                switch m["dist"]?.string {
                case "triangular":
                    guard let a = try num("low"), let c = try num("mode"), let b = try num("high") else {
                        throw fail(n, field, "a triangular distribution with `low`, `mode` and `high`")
                    }
                    value = .triangular(low: a, mode: c, high: b)
                case "normal":
                    guard let mu = try num("mean"), let sd = try num("sd"), sd >= 0 else {
                        throw fail(n, field, "a normal distribution with `mean` and a non-negative `sd`")
                    }
                    let a = try num("low") ?? (lo.isFinite ? lo : nil), b = try num("high") ?? (hi.isFinite ? hi : nil)
                    value = .normal(mean: mu, sd: sd, low: a, high: b)
                case "uniform":
                    guard let a = try num("low"), let b = try num("high") else {
                        throw fail(n, field, "a uniform distribution with `low` and `high`")
                    }
                    value = .uniform(low: a, high: b)
                default:
                    throw fail(n, field, "a number, a range `[low, high]`, or `{dist: triangular|normal|uniform, ...}`")
                }
            }
            guard value.within(lo, hi) else {
                throw fail(n, field, hi.isInfinite ? "values ≥ \(lo)" : "values between \(lo) and \(hi)")
            }
            return value
        }
    }
}
