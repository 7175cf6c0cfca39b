import TenureData
import TenureNumerics
import TenureSurvival

/// The Cox model over a live engine that keeps session relations (SPEC §6): the subjects (per
/// customer: lifetime, churned, stratum and covariate values) are computed once into a relation
/// the engine holds (`StatisticExecutor.materialize`); then
/// - with a numeric covariate, the fit runs on sums (WebDISCO): per Newton step one GROUP BY
///   (stratum, lifetime, churned) returns Σw, Σw·x and Σw·x·xᵀ, w = e^{(x − x̄)β}, over the
///   subjects and over those that churned (`CoxPH.fit(grouped:)`). What comes back grows with the
///   distinct lifetimes, not with the customers;
/// - with text covariates only, the subjects per covariate pattern come back (`CoxPatterns`), as
///   when the engine keeps no relation.
///
/// The design is `CoxDesign`'s: a covariate is numeric when every value is a number as the CSV
/// reader reads one (spaces and tabs around it); a text covariate's reference level is its most
/// frequent one, its other levels dummies; subjects without a value in some covariate (or
/// without a stratum) are left out. Centring makes no difference to the fit but rounding.
public struct CoxQueries: Sendable {
    public let survival: SurvivalQueries
    public let strata: AttributeQueries?
    public let covariates: [AttributeQueries]
    /// The relation holding the subjects: c, base, churned, s (stratum value), v0, v1, … (values as text).
    public let relation: String

    public init(survival: SurvivalQueries, strata: AttributeQueries?, covariates: [AttributeQueries], relation: String) {
        self.survival = survival; self.strata = strata; self.covariates = covariates; self.relation = relation
    }

    /// The SELECT of the subjects relation.
    public static func subjects(_ survival: SurvivalQueries, observationEnd obs: Day, strata: AttributeQueries?,
                                covariates: [AttributeQueries]) -> String {
        let q = survival.transactions.dialect
        var ctes = "", joins = "", selects = ""
        for (k, a) in covariates.enumerated() {
            ctes += ",\n" + a.cte("gc\(k)", observationEnd: obs)
            joins += " LEFT JOIN gc\(k) ON e.c = gc\(k).c"
            selects += ", gc\(k).v AS v\(k)"
        }
        if let strata {
            ctes += ",\n" + strata.cte("gs", observationEnd: obs)
            joins += " LEFT JOIN gs ON e.c = gs.c"
        }
        return """
            WITH \(survival.lifetimes(obs))\(ctes)
            SELECT e.c, \(q.cast("e.base", q.bigint)) AS base, \(q.cast("e.churned", q.bigint)) AS churned, \
            \(strata == nil ? q.cast("NULL", q.text) : "gs.v") AS s\(selects)
            FROM e\(joins)
            """
    }

    var q: Dialect { survival.transactions.dialect }
    var b: String { q.bigint }
    /// Subjects with a value in every covariate (and a stratum with `--strata`).
    var complete: String {
        (covariates.indices.map { "v\($0) IS NOT NULL" } + (strata == nil ? [] : ["s IS NOT NULL"])).joined(separator: " AND ")
    }

    /// Per covariate `k`: the subjects with a value (`n`) and the values that are not numbers
    /// (`text_values`); customers with an end before their start (`churned` = 2) in `k` = −1.
    public func kinds() -> StatisticQuery {
        // a literal tab in the class: the same in PostgreSQL's and Java's regular expressions
        let number = "^[ \t]*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?[ \t]*$"
        func notNumber(_ v: String) -> String {
            q == .spark ? "NOT (\(v) RLIKE \(q.string(number)))" : "\(v) !~ \(q.string(number))"
        }
        let parts = covariates.indices.map { k in
            "SELECT \(k) AS k, \(q.cast("COUNT(v\(k))", b)) AS n, \(q.cast("SUM(CASE WHEN v\(k) IS NOT NULL AND \(notNumber("v\(k)")) THEN 1 ELSE 0 END)", b)) AS text_values FROM \(relation)"
        } + ["SELECT -1 AS k, \(q.cast("COUNT(*)", b)) AS n, \(q.cast("SUM(CASE WHEN churned = 2 THEN 1 ELSE 0 END)", b)) AS text_values FROM \(relation)"]
        return StatisticQuery(name: "cox_covariates", sql: parts.joined(separator: "\nUNION ALL\n"),
                              columns: [("k", .int), ("n", .int), ("text_values", .int)])
    }

    /// The subjects per (lifetime, churned, stratum, covariate values) pattern, as
    /// `SurvivalQueries.coxPatterns` reads them.
    public func patterns() -> StatisticQuery {
        let keys = ["base", "churned", "s"] + covariates.indices.map { "v\($0)" }
        return StatisticQuery(name: "cox_patterns", sql: """
            SELECT base, churned, s AS strata_value\(covariates.indices.map { ", v\($0) AS cov_\($0)" }.joined()), \(q.cast("COUNT(*)", b)) AS customers
            FROM \(relation) GROUP BY \(keys.joined(separator: ", "))
            """, columns: [("base", .int), ("churned", .int), ("strata_value", .text)] + covariates.indices.map { ("cov_\($0)", .text) }
                + [("customers", .int)])
    }

    /// Per text covariate `k` in `text`: each value's complete subjects and how many churned.
    public func levels(_ text: [Int]) -> StatisticQuery {
        let parts = text.map { k in
            "SELECT \(k) AS k, v\(k) AS v, \(q.cast("COUNT(*)", b)) AS n, \(q.cast("SUM(churned)", b)) AS events FROM \(relation) WHERE \(complete) GROUP BY v\(k)"
        }
        return StatisticQuery(name: "cox_levels", sql: parts.joined(separator: "\nUNION ALL\n"),
                              columns: [("k", .int), ("v", .text), ("n", .int), ("events", .int)])
    }

    /// The distinct stratum values of the complete subjects.
    public func strataValues() -> StatisticQuery {
        StatisticQuery(name: "cox_strata", sql: "SELECT s FROM \(relation) WHERE \(complete) GROUP BY s", columns: [("s", .text)])
    }

    /// One design column: covariate k as a number, or the dummy of one of its levels.
    public enum Column: Sendable, Equatable { case numeric(Int), dummy(Int, level: String) }

    func expression(_ c: Column) -> String {
        switch c {
        case .numeric(let k): return q.cast("v\(k)", q.double)
        case .dummy(let k, let level): return "CASE WHEN v\(k) = \(q.string(level)) THEN 1.0 ELSE 0.0 END"
        }
    }
    /// A double literal that reads back as exactly `x`.
    func literal(_ x: Double) -> String { q.cast(x.description, q.double) }

    /// The complete subjects with the design columns `x0`, `x1`, … (centred on `means` when given).
    func design(_ columns: [Column], means: [Double]? = nil) -> String {
        let xs = columns.enumerated().map { j, c in
            let e = expression(c)
            return (means.map { "\(e) - \(literal($0[j]))" } ?? e) + " AS x\(j)"
        }
        return "SELECT s, base, churned, \(xs.joined(separator: ", ")) FROM \(relation) WHERE \(complete)"
    }

    /// n, churned, Σx of the complete subjects.
    public func moments(_ columns: [Column]) -> StatisticQuery {
        StatisticQuery(name: "cox_moments", sql: """
            SELECT \(q.cast("COUNT(*)", b)) AS n, \(q.cast("SUM(churned)", b)) AS events\(columns.indices.map { ", \(q.cast("SUM(x\($0))", q.double)) AS sx\($0)" }.joined())
            FROM (\(design(columns))) u
            """, columns: [("n", .int), ("events", .int)] + columns.indices.map { ("sx\($0)", .double) })
    }

    /// The centred Gram matrix (lower triangle: `g_j_k`, k ≤ j) and Σ over churned subjects of x − x̄ (`d_j`).
    public func centred(_ columns: [Column], means: [Double]) -> StatisticQuery {
        var selects: [String] = [], names: [(String, StatisticQuery.ColumnType)] = []
        for j in columns.indices {
            for k in 0...j { selects.append("\(q.cast("SUM(x\(j) * x\(k))", q.double)) AS g_\(j)_\(k)"); names.append(("g_\(j)_\(k)", .double)) }
            selects.append("\(q.cast("SUM(CASE WHEN churned = 1 THEN x\(j) ELSE 0 END)", q.double)) AS d_\(j)"); names.append(("d_\(j)", .double))
        }
        return StatisticQuery(name: "cox_centred", sql: "SELECT \(selects.joined(separator: ", ")) FROM (\(design(columns, means: means))) u",
                              columns: names)
    }

    /// One Newton step at β: per (stratum value, lifetime, churned) the subjects, Σw, Σw·x_j (`w_j`)
    /// and Σw·x_j·x_k (`w_j_k`, k ≤ j).
    public func step(_ columns: [Column], means: [Double], beta: [Double]) -> StatisticQuery {
        let eta = columns.indices.map { "\(literal(beta[$0])) * x\($0)" }.joined(separator: " + ")
        var selects = ["\(q.cast("SUM(w)", q.double)) AS w"], names: [(String, StatisticQuery.ColumnType)] = [("w", .double)]
        for j in columns.indices {
            selects.append("\(q.cast("SUM(w * x\(j))", q.double)) AS w_\(j)"); names.append(("w_\(j)", .double))
            for k in 0...j { selects.append("\(q.cast("SUM(w * x\(j) * x\(k))", q.double)) AS w_\(j)_\(k)"); names.append(("w_\(j)_\(k)", .double)) }
        }
        return StatisticQuery(name: "cox_step", sql: """
            SELECT s, base, churned, \(q.cast("COUNT(*)", b)) AS n, \(selects.joined(separator: ", "))
            FROM (SELECT s, base, churned, \(columns.indices.map { "x\($0)" }.joined(separator: ", ")), EXP(\(eta)) AS w
                  FROM (\(design(columns, means: means))) u) v
            GROUP BY s, base, churned
            """, columns: [("s", .text), ("base", .int), ("churned", .int), ("n", .int)] + names)
    }
}

extension CoxQueries {
    /// What the engine reduced for the Cox model: the patterns (text covariates only) or the fit on
    /// per-step sums.
    public enum Reduced: Sendable { case patterns(CoxPatterns), fitted(CoxReport) }

    /// Runs the Cox reductions on `executor` (the subjects relation made) and, with a numeric
    /// covariate, the Newton–Raphson fit on per-step sums.
    public func reduce(_ executor: any StatisticExecutor, options o: SurvivalOptions) throws -> Reduced {
        let kinds = try executor.run(self.kinds())
        let ks = try kinds.ints("k"), ns = try kinds.ints("n"), texts = try kinds.ints("text_values")
        var numeric = [Bool](repeating: false, count: covariates.count), subjects = 0
        for r in 0..<kinds.rowCount {
            guard let k = ks[r] else { continue }
            if k < 0 {
                subjects = Int(ns[r] ?? 0)
                if let bad = texts[r], bad > 0 { throw survival.endBeforeStart(Int(bad)) }
            } else if k < covariates.count {
                numeric[Int(k)] = (ns[r] ?? 0) > 0 && texts[r] == 0
            }
        }
        guard numeric.contains(true) else {
            return .patterns(try survival.coxPatterns(try executor.run(patterns()), strata: strata, covariates: covariates))
        }
        // the design: numeric covariates as they are, text ones as dummies of their levels
        let text = covariates.indices.filter { !numeric[$0] }
        var byCovariate: [Int: (levels: [String], counts: [Int], events: [Int])] = [:]
        if !text.isEmpty {
            let lv = try executor.run(levels(text))
            let k = try lv.ints("k"), v = try lv.texts("v"), n = try lv.ints("n"), e = try lv.ints("events")
            for r in 0..<lv.rowCount {
                guard let kk = k[r], let value = v[r] else { continue }
                byCovariate[Int(kk), default: ([], [], [])].levels.append(value)
                byCovariate[Int(kk)]!.counts.append(Int(n[r] ?? 0))
                byCovariate[Int(kk)]!.events.append(Int(e[r] ?? 0))
            }
        }
        var columns: [Column] = [], names: [String] = [], references: [String: String] = [:]
        for (k, a) in covariates.enumerated() {
            if numeric[k] { columns.append(.numeric(k)); names.append(a.name); continue }
            let l = byCovariate[k] ?? ([], [], [])
            let (ref, dummies) = try CoxDesign.dummyLevels(a.name, levels: l.levels, counts: l.counts, events: l.events)
            references[a.name] = l.levels[ref]
            for d in dummies { columns.append(.dummy(k, level: l.levels[d])); names.append("\(a.name)=\(l.levels[d])") }
        }
        // strata codes by `CustomerAttribute`'s grouping of the values
        var stratumOf: [String?: Int32] = [nil: 0]
        if let strata {
            let values = try executor.run(strataValues()).texts("s")
            stratumOf = [:]
            for (v, c) in zip(values, try strata.groups(of: values).group) { stratumOf[v] = c }
        }
        // means, then the centred moments
        let m = try executor.run(moments(columns))
        let n = Int(try need(try m.ints("n").first ?? nil, m, "n", 0))
        guard n > 0 else {
            throw FitError(model: "Cox model", reason: "no subject has a value in every covariate (\(covariates.map(\.name).joined(separator: ", ")))")
        }
        /// The one value of a one-row statistic's column (NaN for NULL).
        func value(_ t: StatisticTable, _ column: String) throws -> Double {
            let v: [Double?] = try t.doubles(column)
            return (v.first ?? nil) ?? .nan
        }
        let means: [Double] = try columns.indices.map { j in try value(m, "sx\(j)") / Double(n) }
        let c = try executor.run(centred(columns, means: means))
        let p = columns.count
        var gram = Matrix(rows: p, cols: p), sumDeathX = [Double](repeating: 0, count: p)
        for j in 0..<p {
            sumDeathX[j] = try value(c, "d_\(j)")
            for k in 0...j { let g = try value(c, "g_\(j)_\(k)"); gram[j, k] = g; gram[k, j] = g }
        }
        // the (stratum, time) groups from the first step (β = 0), kept for the fit's first evaluation
        let zero = [Double](repeating: 0, count: p)
        let first = try executor.run(step(columns, means: means, beta: zero))
        let rows = try stepRows(first, p: p, stratumOf: stratumOf)
        let keys = Set(rows.map(\.key)).sorted { $0.stratum != $1.stratum ? $0.stratum < $1.stratum : $0.time < $1.time }
        var index: [GroupKey: Int] = [:]
        for (g, key) in keys.enumerated() { index[key] = g }
        let G = keys.count
        var deaths = [Int32](repeating: 0, count: G), ranges: [Range<Int>] = [], start = 0
        for r in rows where r.churned { deaths[index[r.key]!] += Int32(r.n) }
        for g in 0..<G where g == G - 1 || keys[g + 1].stratum != keys[g].stratum { ranges.append(start..<(g + 1)); start = g + 1 }
        let data = CoxGroupedData(names: names, deaths: deaths, strata: ranges, n: n, sumDeathX: sumDeathX, gram: gram)
        func sums(_ beta: [Double]) throws -> CoxGroupSums {
            let step = beta == zero ? rows : try stepRows(try executor.run(self.step(columns, means: means, beta: beta)), p: p, stratumOf: stratumOf)
            var s = CoxGroupSums(w: .init(repeating: 0, count: G), wDeaths: .init(repeating: 0, count: G),
                                 wx: .init(repeating: 0, count: G * p), wxDeaths: .init(repeating: 0, count: G * p),
                                 wxx: .init(repeating: 0, count: G * p * p), wxxDeaths: .init(repeating: 0, count: G * p * p))
            for r in step {
                guard let g = index[r.key] else {
                    throw WarehouseError.data("statistic cox_step: a (stratum, lifetime) group appeared that the first step did not have", hint: nil)
                }
                s.w[g] += r.w
                if r.churned { s.wDeaths[g] += r.w }
                let base: Int = g * p * p
                for j in 0..<p {
                    s.wx[j * G + g] += r.wx[j]
                    if r.churned { s.wxDeaths[j * G + g] += r.wx[j] }
                    let packed: Int = j * (j + 1) / 2
                    for k in 0...j {
                        let v: Double = r.wxx[packed + k]
                        let lower: Int = base + k * p + j, upper: Int = base + j * p + k
                        s.wxx[lower] += v
                        if j != k { s.wxx[upper] += v }
                        if r.churned {
                            s.wxxDeaths[lower] += v
                            if j != k { s.wxxDeaths[upper] += v }
                        }
                    }
                }
            }
            return s
        }
        let model = try CoxPH.fit(grouped: data, options: CoxOptions(ties: o.ties, penalty: o.penalty, confidenceLevel: o.confidenceLevel),
                                  sums: sums)
        return .fitted(CoxReport(model: model, columns: o.cox, referenceLevels: references, strataColumn: o.strata,
                                 droppedSubjects: subjects - n))
    }

    struct GroupKey: Hashable { var stratum: Int32; var time: Double }
    struct StepRow { var key: GroupKey; var churned: Bool; var n: Int; var w: Double; var wx: [Double]; var wxx: [Double] }

    /// The rows of a step: its group (stratum code, lifetime in days: + G when churned from
    /// purchases), the subjects and sums; rows without a stratum are left out.
    func stepRows(_ t: StatisticTable, p: Int, stratumOf: [String?: Int32]) throws -> [StepRow] {
        let s = try t.texts("s"), base = try t.ints("base"), churned = try t.ints("churned"), n = try t.ints("n"), w = try t.doubles("w")
        let wx = try (0..<p).map { try t.doubles("w_\($0)") }
        let wxx = try (0..<p).flatMap { j in try (0...j).map { try t.doubles("w_\(j)_\($0)") } }
        var out: [StepRow] = []
        for r in 0..<t.rowCount {
            guard let code = stratumOf[s[r]], code >= 0 else { continue }
            let b = try need(base[r], t, "base", r), c = try need(churned[r], t, "churned", r)
            let time = c == 1 ? Double(b) + (survival.gapDays ?? 0) : Double(b)
            out.append(StepRow(key: GroupKey(stratum: code, time: time), churned: c == 1, n: Int(n[r] ?? 0), w: w[r] ?? .nan,
                               wx: wx.map { $0[r] ?? .nan }, wxx: wxx.map { $0[r] ?? .nan }))
        }
        return out
    }
}
