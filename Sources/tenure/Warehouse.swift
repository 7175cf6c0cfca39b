import ArgumentParser
import Foundation
import TenureCohorts
import TenureData
import TenureKPIs
import TenureLifetime
import TenureRegression
import TenureSurvival
import TenureReport
import TenureROI
import TenureSparkConnect
import TenureWarehouse


/// Options of warehouse mode (SPEC §6): the analysis's reductions run in the engine, the fits here.
struct WarehouseOptions: ParsableArguments {
    @Option(name: .customLong("emit-sql"),
            help: ArgumentHelp("Write the reduction queries in this SQL dialect into --out DIR instead of running them; DATA names the schema holding the tables.",
                               valueName: "dialect"))
    var emitSQL: Dialect?

    @Option(name: .customLong("out"), help: ArgumentHelp("Directory for --emit-sql.", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Read the results of emitted queries (NAME.csv beside each NAME.sql) from this directory and fit on them; DATA and the options must be those given to --emit-sql.",
                               valueName: "dir"))
    var aggregates: String?

    func validate() throws {
        if emitSQL != nil && out == nil { throw ValidationError("--emit-sql needs --out DIR (one .sql file per statistic).") }
        if out != nil && emitSQL == nil { throw ValidationError("--out is the directory of --emit-sql; give --emit-sql DIALECT.") }
        if emitSQL != nil && aggregates != nil { throw ValidationError("--emit-sql writes queries and --aggregates reads their results: give one.") }
    }

    /// A mapping that describes exports (files, filters, transforms) is for CSV files; the engine's
    /// tables are mapped by name.
    static func refuseDescriptions(_ schema: Schema) throws {
        guard let s = schema.sources, let t = s.tables.first else { return }
        throw DataError(.badSchema, file: s.file, line: t.line, column: t.table,
                        expected: "in warehouse mode, plain names: `\(t.table): {table: schema.name, customer_id: your_column, …}`",
                        hint: "file:, where:, columns: and presets describe CSV exports; do the transforms in a view in the engine")
    }

    /// Whether DATA and these options ask for warehouse mode rather than a CSV directory.
    func applies(to data: String) -> Bool { Self.isLive(data) || emitSQL != nil || aggregates != nil }

    /// Whether DATA names a live engine: `postgres://…` or `sc://…`.
    static func isLive(_ data: String) -> Bool { PostgresLocation.isPostgres(data) || SparkConnectLocation.isSparkConnect(data) }

    /// The dialect of the live engine DATA names.
    static func dialect(of data: String) -> Dialect { SparkConnectLocation.isSparkConnect(data) ? .spark : .postgres }

    /// Connects to the live engine DATA names.
    static func connect(_ data: String, timeZone: String?) throws -> any LiveExecutor {
        if SparkConnectLocation.isSparkConnect(data) {
            return try SparkConnectExecutor(try SparkConnectLocation(data), timeZone: timeZone ?? "UTC")
        }
        return try PostgresExecutor(try PostgresLocation(data), timeZone: timeZone ?? "UTC")
    }

    /// The tables' location: `postgres://…?schema=S`, `sc://…/;schema=S` or, for emitted SQL, DATA as
    /// the schema name (`.` for none), with the mapping file's `table:`/`parquet:` entries first.
    func tables(data: String, schema: Schema) throws -> WarehouseTables {
        try Self.refuseDescriptions(schema)
        if PostgresLocation.isPostgres(data) { return WarehouseTables(schema: schema, defaultSchema: try PostgresLocation(data).schema) }
        if SparkConnectLocation.isSparkConnect(data) { return WarehouseTables(schema: schema, defaultSchema: try SparkConnectLocation(data).schema) }
        return WarehouseTables(schema: schema, defaultSchema: data == "." ? nil : data)
    }
}

/// Which subscription statistics a cohort analysis reduces in warehouse mode.
struct SubscriptionParts: Equatable {
    var contractual: Bool
    var mrr: Bool

    /// For emitted SQL, where tenure cannot look at the tables: the contractual part when the mapping
    /// file names a subscriptions table (or cohorts are by subscription start), MRR when it also
    /// names the mrr column (`subscriptions: {table: crm.subs, mrr: monthly_amount}`).
    static func emitted(_ tables: WarehouseTables, acquisition: CohortOptions.CohortBy) -> SubscriptionParts {
        let mapped = tables.schema.tables["subscriptions"]
        return SubscriptionParts(contractual: mapped != nil || acquisition == .subscription, mrr: mapped?["mrr"] != nil)
    }

    var setting: String { contractual ? (mrr ? "contractual,mrr" : "contractual") : "" }
}

/// Which ROI reductions run in warehouse mode.
struct ROIParts: Equatable {
    var segment: Bool, books: Bool, initiatives: Bool, group: Bool

    /// For emitted SQL, where tenure cannot look at the tables: segments (from the customers table)
    /// when a scenario targets one, the subscription books when the mapping names the subscriptions'
    /// mrr column (`subscriptions: {table: …, mrr: …}`), the initiatives (customers' `initiative`
    /// and `group`) when the scenario file lists past initiatives.
    static func emitted(_ tables: WarehouseTables, file: ScenarioFile) -> ROIParts {
        ROIParts(segment: file.scenarios.contains { $0.segment != nil }, books: tables.schema.tables["subscriptions"]?["mrr"] != nil,
                 initiatives: !file.pastInitiatives.isEmpty, group: !file.pastInitiatives.isEmpty)
    }

    var setting: String { [segment ? "segment" : nil, books ? "books" : nil, initiatives ? "initiatives" : nil].compactMap { $0 }.joined(separator: ",") }

    /// Every query `roiInputs` runs, for `--emit-sql`.
    func queries(_ q: TransactionQueries, observationEnd end: Day, windowDays: Int) -> [StatisticQuery] {
        let segmentQ = segment ? WarehouseRun.attribute("segment", q) : nil
        let roi = ROIQueries(transactions: q, segment: segmentQ)
        return Array(WarehouseSource.rfmQueries(q, options: RFMOptions(timeUnit: BaselineBuilder.unit), observationEnd: end, by: segmentQ).dropFirst())
            + (books ? [roi.tenures(observationEnd: end), roi.spells(observationEnd: end)] : [])
            + (initiatives ? [roi.initiatives(observationEnd: end, windowDays: windowDays, hasGroup: group)] : [])
    }
}

/// One analysis's run in warehouse mode, up to the statistics: with `--emit-sql` the queries are
/// written and nil is returned; otherwise the executor (a live engine or `--aggregates`, whose
/// manifest must match `settings`), the source and the end of observation.
struct WarehouseRun {
    let source: WarehouseSource
    let executor: any StatisticExecutor
    let observationEnd: Day

    /// `queries(q, end)` lists what the analysis runs for `--emit-sql`; `command` names it in the hint.
    static func open(_ w: WarehouseOptions, data: String, timeZone: String?, tables: WarehouseTables, asOf: Day?, settings: [String: String],
                     command: String, queries: (TransactionQueries, Day) -> [StatisticQuery]) throws -> WarehouseRun? {
        if let dialect = w.emitSQL, let outDir = w.out {
            guard let asOf else { throw ValidationError("--emit-sql needs --as-of: the queries embed the end of observation.") }
            try tables.check(dialect: dialect)
            let q = TransactionQueries(dialect: dialect, tables: tables)
            let list = [q.sourceSummary()] + queries(q, asOf)
            var s = settings; s["dialect"] = dialect.rawValue
            try EmittedQueries.write(list, dialect: dialect, settings: s, to: outDir)
            Terminal.note("wrote \(list.count) queries (\(list.map(\.name).joined(separator: ", "))) to \(outDir); run each on your engine, save its result as NAME.csv there, then: tenure \(command) \(data) --aggregates \(outDir) --as-of \(Civil.iso(asOf))")
            return nil
        }
        let executor: any StatisticExecutor
        var dialect = Dialect.postgres
        if let dir = w.aggregates {
            let agg = try AggregatesDirectory(directory: dir)
            dialect = Dialect(rawValue: agg.manifest.dialect) ?? .postgres
            var wanted = settings; wanted["dialect"] = agg.manifest.dialect
            try agg.check(settings: wanted)
            executor = agg
            try tables.check(dialect: dialect)
        } else {
            try tables.check(dialect: WarehouseOptions.dialect(of: data))
            executor = try WarehouseOptions.connect(data, timeZone: timeZone)
            dialect = WarehouseOptions.dialect(of: data)
        }
        var source = WarehouseSource(executor: executor, queries: TransactionQueries(dialect: dialect, tables: tables))
        let end = try source.endOfObservation(asOf: asOf)
        for n in source.notes { Terminal.note(n) }
        return WarehouseRun(source: source, executor: executor, observationEnd: end)
    }

    /// Notes on the subscriptions rows left out for a missing customer id or start date.
    func subscriptionNotes() throws -> [String] {
        try SubscriptionQueries.sourceNotes(try executor.run(SubscriptionQueries.sourceSummary(source.queries)), source.queries)
    }

    /// With `--timings`: each query's rows, bytes received and seconds, to stderr.
    func printReceived(_ enabled: Bool) {
        guard enabled, let live = executor as? LiveExecutor else { return }
        for r in live.received {
            FileHandle.standardError.write(Data("timing: query \(r.query) \(r.rows) rows \(r.bytes) bytes \(String(format: "%.3f", r.seconds)) s\n".utf8))
        }
    }

    /// Where `--by`/`--strata` NAME is read in emitted SQL, where tenure cannot look at the tables:
    /// the customers table.
    static func attribute(_ name: String?, _ q: TransactionQueries) -> AttributeQueries? {
        name.map { AttributeQueries(name: $0, table: .customers, queries: q) }
    }

    /// Where `--by`/`--strata` NAME is read: over a live engine the first table of the lookup order
    /// that has the column; from `--aggregates`, the customers table the emitted SQL read.
    func attribute(_ name: String?) throws -> AttributeQueries? {
        guard let name else { return nil }
        guard let live = executor as? LiveExecutor else { return Self.attribute(name, source.queries) }
        let tables = source.queries.tables
        return try AttributeQueries.resolve(name, queries: source.queries, columnsOf: { try live.columns(of: $0, in: tables) })
    }

    /// `tenure clv`'s fit on the RFM statistics reduced in the engine (`o.segmentColumn` is `--by`):
    /// the result and the per-customer scores.
    func clv(_ o: LifetimeOptions, headline: String, compareModels: Bool) throws -> (CLVResult, CustomerScores) {
        let (summary, ids, segments) = try source.rfmSummary(options: o.rfm, observationEnd: observationEnd, by: try attribute(o.segmentColumn))
        let out = try LifetimeAnalysis.run(summary: summary, ids: ids, segments: segments, options: o)
        let comparison = compareModels
            ? CLVAnalysis.compareModels(summary: summary, patterns: out.patterns, fitted: out.purchaseModel, kind: o.model) : nil
        return (CLVResult(model: headline, probabilistic: out.result, regression: nil, modelComparison: comparison), out.scores)
    }

    /// `tenure cohorts` from the cohort statistics reduced in the engine (acquisition by first
    /// purchase, the customers table's signup date or the first subscription start; orders are
    /// distinct `orderColumn` values, or an `order_id` column the live engine's table has), with the
    /// contractual part and MRR movements from the subscriptions when `parts` asks for them.
    func cohorts(_ o: CohortOptions, orderColumn mapped: String?, by: String?, acquisition: CohortOptions.CohortBy,
                 subscriptions parts: SubscriptionParts) throws -> CohortResult {
        var orderColumn = mapped
        if orderColumn == nil, let live = executor as? LiveExecutor,
           try live.columns(of: "transactions", in: source.queries.tables).contains("order_id") {
            orderColumn = "order_id"
        }
        let byQ = try attribute(by)
        let queries = CohortQueries(transactions: source.queries, options: o, orderColumn: orderColumn, by: byQ, acquisition: acquisition)
        let subs = SubscriptionQueries(transactions: source.queries, options: o, by: byQ)
        let subCohorts = parts.contractual ? try executor.run(subs.cohorts(observationEnd: observationEnd)) : nil
        let moreValues = try subCohorts.map { try SubscriptionQueries.values($0, by: byQ) } ?? []
        let (st, groups) = try queries.reduce(executor, observationEnd: observationEnd, moreValues: moreValues)
        var contractual: ContractualStatistics? = nil, mrr: MRRStatistics? = nil
        if let subCohorts {
            contractual = try subs.contractual(cohorts: subCohorts, cells: try executor.run(subs.cells(observationEnd: observationEnd)),
                                               groups: groups, observationEnd: observationEnd)
        }
        if parts.mrr {
            mrr = try subs.mrr(movements: try executor.run(subs.mrrMovements(observationEnd: observationEnd)),
                               levels: try executor.run(subs.mrrLevels(observationEnd: observationEnd)), observationEnd: observationEnd)
        }
        var result = try CohortAnalysis.run(statistics: st, contractual: contractual, mrr: mrr, options: o, asOf: observationEnd, basis: queries.basis,
                                            source: source.queries.tables.table("transactions"))
        if parts.contractual { result.notes += try subscriptionNotes() }
        let from = parts.contractual ? "; contractual retention\(parts.mrr ? " and MRR movements" : "") from \(source.queries.tables.table("subscriptions"))" : ""
        result.notes.append("Reduced in \(executor.sourceDescription): cohorts by \(queries.basis.replacingOccurrences(of: "_", with: " "))\(byQ.map { " per \($0.description)" } ?? ""); orders \(orderColumn.map { "= distinct \($0) values + rows without one" } ?? "= rows")\(from). The acquisition cost per customer and the payback age are computed from CSV exports only.")
        return result
    }

    /// `tenure survival` with churn after `churnAfterDays` without a purchase, or contractual churn
    /// from the subscriptions (nil), from the event tables per `options.by` group and
    /// `options.strata` stratum reduced in the engine.
    func survival(churnAfterDays gap: Double?, options: SurvivalOptions) throws -> SurvivalResult {
        let byQ = try attribute(options.by), strataQ = try attribute(options.strata)
        let covariates = try options.cox.map { try attribute($0)! }
        // churn from purchases reads the customer-days (shared with the other analyses of a report)
        let queries = SurvivalQueries(transactions: gap == nil ? source.queries : try source.sharing(source.queries, observationEnd: observationEnd),
                                      gapDays: gap)
        // Cox where the engine keeps the subjects for the session: per covariate pattern, or with a
        // numeric covariate fitted on per-step sums; elsewhere per pattern with the event table
        var cox: CoxQueries.Reduced? = nil
        if !covariates.isEmpty, let relation = try executor.materialize(
            CoxQueries.subjects(queries, observationEnd: observationEnd, strata: strataQ, covariates: covariates), name: "cox_subjects") {
            cox = try CoxQueries(survival: queries, strata: strataQ, covariates: covariates, relation: relation).reduce(executor, options: options)
        }
        let events = try executor.run(queries.events(observationEnd: observationEnd, by: byQ, strata: strataQ,
                                                     covariates: cox == nil ? covariates : []))
        let grouped = try queries.tables(events, by: byQ, strata: strataQ)
        var patterns: CoxPatterns? = nil, fitted: CoxReport? = nil
        switch cox {
        case .patterns(let p): patterns = p
        case .fitted(let f): fitted = f
        case nil: patterns = covariates.isEmpty ? nil : try queries.coxPatterns(events, strata: strataQ, covariates: covariates)
        }
        var result = try SurvivalAnalysis.run(grouped: grouped, cox: patterns, coxFitted: fitted, definition: queries.definition,
                                              asOf: observationEnd, options: options)
        if gap == nil { result.notes += try subscriptionNotes() }
        let coxNote = patterns.map { "; the Cox model on \(Format.count($0.count.count)) covariate patterns" }
            ?? fitted.map { "; the Cox model fitted on the sums per (lifetime, stratum) the engine returned at each Newton step (\($0.model.iterations) iterations; Harrell's C needs every customer's risk score and is not computed)" }
        result.notes.append("Reduced in \(executor.sourceDescription): the event table (lifetimes in days, churned and censored counts)"
                            + ([byQ, strataQ].compactMap { $0?.description }.map { " per \($0)" }.joined(separator: " and"))
                            + (coxNote ?? "") + ".")
        return result
    }

    /// Which ROI reductions run: over a live engine as its tables allow (a segment column anywhere
    /// `--by segment` would find one, subscriptions with an mrr column, a customers table with an
    /// `initiative` column and perhaps `group`); for emitted SQL see `ROIParts.emitted`.
    func roiParts(_ tables: WarehouseTables, file: ScenarioFile) throws -> ROIParts {
        guard let live = executor as? LiveExecutor else { return .emitted(tables, file: file) }
        let subs = try live.columns(of: "subscriptions", in: tables)
        let customers = try live.columns(of: "customers", in: tables)
        return ROIParts(segment: (try? attribute("segment")) != nil, books: subs.contains(tables.column("mrr", in: "subscriptions")),
                        initiatives: customers.contains(tables.column("initiative", in: "customers")),
                        group: customers.contains(tables.column("group", in: "customers")))
    }

    /// The ROI analysis's reduced data from the engine or `--aggregates`: the RFM summary in weeks
    /// (per segment with `parts.segment`), the subscription books and the past initiatives' counts
    /// when `parts` has them.
    func roiInputs(windowDays: Int, parts: ROIParts) throws -> ROIInputs {
        let segment = parts.segment ? try attribute("segment") : nil
        let q = ROIQueries(transactions: parts.initiatives ? try source.sharing(source.queries, observationEnd: observationEnd) : source.queries,
                           segment: segment)
        var tenures: StatisticTable? = nil, spells: StatisticTable? = nil
        if parts.books {
            tenures = try executor.run(q.tenures(observationEnd: observationEnd))
            spells = try executor.run(q.spells(observationEnd: observationEnd))
        }
        let more = segment == nil ? [] : try (tenures?.texts("by_value") ?? []) + (spells?.texts("by_value") ?? [])
        let (summary, _, segments, moreCodes) = try source.rfmSummary(options: RFMOptions(timeUnit: BaselineBuilder.unit), observationEnd: observationEnd,
                                                                     by: segment, moreValues: more)
        var books: SubscriptionBooks? = nil
        if let tenures, let spells {
            let levels = segments?.levels.count ?? 0
            var code: [String?: Int] = [:]
            for (v, c) in zip(more, moreCodes) { code[v] = c < 0 ? levels : Int(c) }
            books = try ROIQueries.books(tenures: tenures, spells: spells, levels: levels, groupOf: { code[$0] ?? levels })
        }
        let initiatives = parts.initiatives
            ? try ROIQueries.uplift(try executor.run(q.initiatives(observationEnd: observationEnd, windowDays: windowDays, hasGroup: parts.group))) : []
        return ROIInputs(asOf: observationEnd, summary: summary, segments: segments, subscriptions: books, initiatives: initiatives,
                         retentionWindowDays: windowDays)
    }

    /// What acquisition is: as asked, or for `auto` signup dates when the live engine's customers
    /// table has a signup_date column (the CSV path's rule), else the first purchase; from
    /// `--aggregates`, `auto` is the first purchase.
    func acquisition(_ cohortBy: CohortOptions.CohortBy, tables: WarehouseTables) throws -> CohortOptions.CohortBy {
        guard cohortBy == .auto else { return cohortBy }
        guard let live = executor as? LiveExecutor,
              try live.columns(of: "customers", in: tables).contains(tables.column("signup_date", in: "customers")) else { return .firstPurchase }
        return .signup
    }

    /// The subscription statistics the cohorts reduce: over a live engine the contractual part when
    /// the subscriptions table exists and MRR movements when it has the mrr column (the CSV path's
    /// rule); from `--aggregates`, what `SubscriptionParts.emitted` wrote.
    func subscriptionParts(_ tables: WarehouseTables, acquisition: CohortOptions.CohortBy) throws -> SubscriptionParts {
        guard let live = executor as? LiveExecutor else { return .emitted(tables, acquisition: acquisition) }
        let columns = try live.columns(of: "subscriptions", in: tables)
        return SubscriptionParts(contractual: !columns.isEmpty, mrr: columns.contains(tables.column("mrr", in: "subscriptions")))
    }

    /// The settings every analysis's manifest records: as-of, the source and the transactions mapping.
    static func settings(data: String, tables: WarehouseTables, asOf: Day?) -> [String: String] {
        ["as_of": asOf.map(Civil.iso) ?? "", "source": data,
         "mapping": tables.table("transactions") + ":" + ["customer_id", "date", "amount"].map { tables.column($0, in: "transactions") }.joined(separator: ",")]
    }
}

extension CLV {
    /// `tenure clv` over `postgres://`, `--emit-sql` or `--aggregates`: the RFM reduction runs in the
    /// engine; the models, CLV and rendering are the CSV path's. Returns false for a CSV directory.
    func runInWarehouse() throws -> Bool {
        guard warehouse.applies(to: data.data) else { return false }
        if model == .regression || regression == .on {
            throw ValidationError("regression CLV needs per-customer features from the CSV tables; over \(data.data) use --model bgnbd|pareto-nbd|mbgnbd|bgbb.")
        }
        let loadOptions = try data.loadOptions()
        let tables = try warehouse.tables(data: data.data, schema: loadOptions.schema)
        var rfm = RFMOptions(timeUnit: timeUnit, calibrationEnd: calibrationEnd, continuous: timeScale == .continuous)
        var settings = WarehouseRun.settings(data: data.data, tables: tables, asOf: loadOptions.asOf)
        settings["time_unit"] = timeUnit.rawValue
        settings["time_scale"] = timeScale.rawValue
        settings["calibration_end"] = calibrationEnd.map(Civil.iso) ?? ""
        settings["by"] = by ?? ""
        guard let run = try WarehouseRun.open(warehouse, data: data.data, timeZone: data.timezone, tables: tables, asOf: loadOptions.asOf, settings: settings,
                                              command: "clv", queries: { q, end in
            Array(WarehouseSource.rfmQueries(q, options: rfm, observationEnd: end, by: WarehouseRun.attribute(by, q)).dropFirst())
        }) else { return true }
        let obs = run.observationEnd
        if let c = rfm.calibrationEnd, c >= obs {
            throw ValidationError("--calibration-end \(Civil.iso(c)) must be before the end of observation \(Civil.iso(obs)) (the holdout would be empty).")
        }
        rfm.observationEnd = obs
        var o = LifetimeOptions()
        o.model = model.purchaseModel
        o.gammaGamma = spend == .gammaGamma
        o.horizonDays = value.horizonDays
        o.annualDiscountRate = value.discountRate
        o.rfm = rfm
        o.segmentColumn = by
        o.uncertainty = ParameterDrawOptions(draws: draws, seed: seed, perCustomer: scores != nil)
        let (result, scores) = try run.clv(o, headline: model.name, compareModels: compareModels)
        if let path = self.scores { try CLVScoresCSV.write(scores, to: path) }
        run.printReceived(timing.timings)
        try output.emit(result)
        return true
    }
}

extension Cohorts {
    /// `tenure cohorts` over `postgres://`, `--emit-sql` or `--aggregates`: the cohort reduction runs
    /// in the engine (`CohortQueries`, and `SubscriptionQueries` for the contractual part and MRR
    /// movements); the matrices, averages, brackets and sBG forecast are the CSV path's, from the
    /// same statistics. Cohorts are by first purchase, signup date or first subscription start (auto:
    /// signup when the live engine's customers table has signup dates, as on CSV; emitted SQL needs
    /// `--cohort-by signup` said), per `--by` value when asked. Returns false for a CSV directory.
    func runInWarehouse() throws -> Bool {
        guard warehouse.applies(to: data.data) else { return false }
        if activity != [.transactions] {
            throw ValidationError("--activity runs on a CSV dataset; warehouse mode reduces purchase activity only (drop --activity, or export the tables).")
        }
        let loadOptions = try data.loadOptions()
        let tables = try warehouse.tables(data: data.data, schema: loadOptions.schema)
        let o = options
        // Orders: the mapped order_id column; over a live engine also an order_id column found in the table.
        let orderColumn = tables.schema.tables["transactions"]?["order_id"]
        let emitted = SubscriptionParts.emitted(tables, acquisition: cohortBy)
        var settings = WarehouseRun.settings(data: data.data, tables: tables, asOf: loadOptions.asOf)
        settings["period"] = period.rawValue
        settings["window"] = window.rawValue
        settings["contractual_window"] = o.contractualWindow.rawValue
        settings["brackets"] = brackets.map { $0.map(\.description).joined(separator: ",") } ?? ""
        settings["orders"] = orderColumn ?? ""
        settings["by"] = by ?? ""
        settings["cohort_by"] = cohortBy.rawValue
        settings["subscriptions"] = emitted.setting
        guard let run = try WarehouseRun.open(warehouse, data: data.data, timeZone: data.timezone, tables: tables, asOf: loadOptions.asOf, settings: settings,
                                              command: "cohorts", queries: { q, end in
            let byQ = WarehouseRun.attribute(by, q)
            let subs = SubscriptionQueries(transactions: q, options: o, by: byQ)
            return CohortQueries(transactions: q, options: o, orderColumn: orderColumn, by: byQ, acquisition: cohortBy).all(observationEnd: end)
                + (emitted.contractual ? subs.all(observationEnd: end, mrr: emitted.mrr) : [])
        }) else {
            if orderColumn == nil {
                Terminal.note("the emitted queries count each row as an order; to count distinct orders, map the column in --schema: `transactions: {order_id: your_column}`")
            }
            if !emitted.contractual {
                Terminal.note("no contractual retention or MRR queries: name the subscriptions table in --schema to get them: `subscriptions: {table: schema.name, mrr: your_column}`")
            }
            return true
        }
        let acquisition = try run.acquisition(cohortBy, tables: tables)
        let result = try run.cohorts(o, orderColumn: orderColumn, by: by, acquisition: acquisition,
                                     subscriptions: try run.subscriptionParts(tables, acquisition: acquisition))
        run.printReceived(timing.timings)
        try output.emit(result)
        return true
    }
}

extension Survival {
    /// `tenure survival` over `postgres://`, `--emit-sql` or `--aggregates`: the event tables per
    /// `--by` group and `--strata` stratum (`SurvivalQueries`; churn from purchases with
    /// `--churn-after`, else contractual from the subscriptions) are reduced in the engine;
    /// Kaplan–Meier, median, RMST, horizons, the log-rank test, the Cox model (on the subjects per
    /// covariate pattern, with `--covariates`) and rendering are the CSV path's. Returns false for a
    /// CSV directory.
    func runInWarehouse() throws -> Bool {
        guard warehouse.applies(to: data.data) else { return false }
        if competing != nil {
            throw ValidationError("--competing runs on a CSV dataset (or an import of one); warehouse mode does not reduce end reasons yet. Export subscriptions (with end_reason) and customers, or run `tenure import` first.")
        }
        let loadOptions = try data.loadOptions()
        let tables = try warehouse.tables(data: data.data, schema: loadOptions.schema)
        var settings = WarehouseRun.settings(data: data.data, tables: tables, asOf: loadOptions.asOf)
        settings["churn_after_days"] = churnAfter.map { String($0.days) } ?? "contractual"
        settings["by"] = by ?? ""
        settings["strata"] = strata ?? ""
        settings["covariates"] = options.cox.joined(separator: ",")
        guard let run = try WarehouseRun.open(warehouse, data: data.data, timeZone: data.timezone, tables: tables, asOf: loadOptions.asOf, settings: settings,
                                              command: "survival", queries: { q, end in
            (churnAfter == nil ? [SubscriptionQueries.sourceSummary(q)] : []) + [SurvivalQueries(transactions: q, gapDays: churnAfter?.days)
                .events(observationEnd: end, by: WarehouseRun.attribute(by, q), strata: WarehouseRun.attribute(strata, q),
                        covariates: options.cox.compactMap { WarehouseRun.attribute($0, q) })]
        }) else { return true }
        if churnAfter == nil, let live = run.executor as? LiveExecutor, try live.columns(of: "subscriptions", in: tables).isEmpty {
            throw WarehouseError.data("survival without --churn-after reads contractual churn from \(tables.table("subscriptions")), which \(run.executor.sourceDescription) does not have",
                                      hint: "say how long a customer may go without buying: --churn-after 90d; or map the table in --schema: `subscriptions: {table: schema.name}`")
        }
        let result = try run.survival(churnAfterDays: churnAfter?.days, options: options)
        run.printReceived(timing.timings)
        try output.emit(result, lead: curve ? "survival_curve" : nil)
        return true
    }
}

extension Report {
    /// `tenure report postgres://…`: cohorts (with the contractual part and MRR movements when there
    /// is a subscriptions table), survival (contractual when there is a subscriptions table, else
    /// churn after `--churn-after` without a purchase), CLV and ROI are reduced in the engine and
    /// fitted here with the report's own settings (`ReportBuilder.cohortOptions` …, the CSV path's);
    /// so are the KPIs (`WarehouseRun.kpis`).
    func warehouseDocument(_ o: ReportOptions, progress: (String) -> Void) throws -> ReportDocument {
        let loadOptions = try data.loadOptions()
        let w = try WarehouseOptions.parse([])   // a live engine: no --emit-sql, no --aggregates
        let tables = try w.tables(data: data.data, schema: loadOptions.schema)
        guard let run = try WarehouseRun.open(w, data: data.data, timeZone: data.timezone, tables: tables, asOf: loadOptions.asOf,
                                              settings: [:], command: "report", queries: { _, _ in [] }) else { preconditionFailure("a live engine") }
        let by = o.by ?? ((try? run.attribute("segment")) != nil ? "segment" : nil)
        let cohortOptions = ReportBuilder.cohortOptions(o)
        let cohorts = Result {
            try run.cohorts(cohortOptions, orderColumn: tables.schema.tables["transactions"]?["order_id"], by: nil,
                            acquisition: try run.acquisition(cohortOptions.cohortBy, tables: tables),
                            subscriptions: try run.subscriptionParts(tables, acquisition: cohortOptions.cohortBy))
        }
        progress("cohorts")
        // contractual churn when there are subscriptions, as the CSV report reads it
        let contractual = try (run.executor as? LiveExecutor)?.columns(of: "subscriptions", in: tables).isEmpty == false
        func survival(by: String?) throws -> SurvivalResult {
            try run.survival(churnAfterDays: contractual ? nil : Double(o.churnAfterDays),
                             options: ReportBuilder.survivalOptions(o, contractual: contractual, by: by))
        }
        let grouped = Result { try survival(by: by) }
        progress("survival")
        let first = run.source.firstDay ?? run.observationEnd
        let clvOptions = ReportBuilder.clvOptions(o, firstPurchase: first, asOf: run.observationEnd, by: by)
        let clv = Result { try run.clv(clvOptions.lifetime, headline: clvOptions.headline ?? clvOptions.lifetime.model.rawValue, compareModels: false).0 }
        progress("CLV")
        let kpis = Result {
            try run.kpis(KPISection.options(o), tables: tables).withTargets(KPISection.targets(o))
        }
        progress("KPIs")
        let facts: [(String, String)] = [("source", run.executor.sourceDescription), ("transactions", Format.count(run.source.rows)),
                                         ("first purchase", Civil.iso(first)), ("observed to", Civil.iso(run.observationEnd))]
        let scenarios = try o.scenarios ?? ScenarioFile.parse(ScenarioFile.example, file: "example scenarios")
        let doc = ReportBuilder.build(computed: ComputedAnalyses(asOf: run.observationEnd, facts: facts, by: by, kpis: kpis,
                                                                 cohorts: cohorts, survival: grouped, survivalForAll: { try survival(by: nil) },
                                                                 clv: clv, roi: { try run.roiInputs(windowDays: 90, parts: try run.roiParts(tables, file: scenarios)) }),
                                      options: o)
        if !o.skipROI { progress("ROI") }
        return doc
    }
}

extension ROI {
    /// `tenure roi` over `postgres://`, `--emit-sql` or `--aggregates`: the RFM summary per segment,
    /// the subscription books and the past initiatives' counts are reduced in the engine
    /// (`ROIQueries`); the baselines, scenarios and simulations are the CSV path's. nil after
    /// `--emit-sql` (the queries are written); not called for a CSV directory.
    func warehouseInputs(_ file: ScenarioFile) throws -> ROIInputs? {
        let loadOptions = try data.loadOptions()
        let tables = try warehouse.tables(data: data.data, schema: loadOptions.schema)
        let emitted = ROIParts.emitted(tables, file: file)
        var settings = WarehouseRun.settings(data: data.data, tables: tables, asOf: loadOptions.asOf)
        settings["retention_window"] = String(retentionWindow)
        settings["roi"] = emitted.setting
        let window = retentionWindow
        guard let run = try WarehouseRun.open(warehouse, data: data.data, timeZone: data.timezone, tables: tables, asOf: loadOptions.asOf,
                                              settings: settings, command: "roi", queries: { q, end in
            emitted.queries(q, observationEnd: end, windowDays: window)
        }) else { return nil }
        let inputs = try run.roiInputs(windowDays: retentionWindow, parts: try run.roiParts(tables, file: file))
        run.printReceived(timing.timings)
        return inputs
    }
}

extension WarehouseRun {
    /// `tenure kpis` over a live engine: every table's reductions run there (`KPIQueries`) and the
    /// KPIs are filled from the statistics by the CSV path's code. A table the engine lacks makes its
    /// KPIs unavailable, as a missing CSV file does; a required column missing is a data error.
    func kpis(_ o: KPIOptions, tables: WarehouseTables) throws -> KPIResult {
        guard let live = executor as? LiveExecutor else {
            // --aggregates: the tables and columns the emitted SQL read
            let queries = KPIQueries.emitted(source.queries)
            let (frame, statistics) = try queries.reduce(source, options: o, observationEnd: observationEnd,
                                                         notes: ["Reduced in \(executor.sourceDescription)."])
            return KPIAnalysis.compute(frame: frame, statistics: statistics)
        }
        var columns: [String: Set<String>] = [:], found: [String: [String]] = [:]
        for spec in Tables.all {
            let source = tables.table(spec.table)
            let names = try live.columns(of: spec.table, in: tables)
            guard !names.isEmpty else { continue }
            found[spec.table] = names
            var mine: Set<String> = []
            for c in spec.columns {
                if tables.column(c, in: spec.table, among: names) != nil { mine.insert(c.name) } else if c.required {
                    throw WarehouseError.data("\(source) has no column \(tables.column(c.name, in: spec.table)) (mapping key \(spec.table).\(c.name)); it has: \(names.sorted().joined(separator: ", "))",
                                              hint: "map it in --schema, e.g. `\(spec.table): {\(c.name): your_column}`")
                }
            }
            columns[spec.table] = mine
        }
        var q = source.queries
        q.tables = tables.resolvingAliases(found)
        let queries = KPIQueries(transactions: q, segment: try? attribute("segment"), channel: try? attribute("channel"), columns: columns)
        let note = "Reduced in \(executor.sourceDescription): \(columns.keys.sorted().joined(separator: ", ")) per period, segment and channel (activity runs, MRR levels and cohorts per customer first); the CLV model fitted on the RFM statistics."
        let (frame, statistics) = try queries.reduce(source, options: o, observationEnd: observationEnd, notes: [note])
        return KPIAnalysis.compute(frame: frame, statistics: statistics)
    }
}

extension KPIs {
    /// `tenure kpis` over `postgres://`, `--emit-sql` or `--aggregates`: see `WarehouseRun.kpis`.
    /// Emitted queries embed the window, so they need `--from` as they need `--as-of`. Nil for a CSV
    /// directory, or after `--emit-sql` (the queries are written).
    func warehouseResult(_ o: KPIOptions, targets goals: [KPITarget]?) throws -> KPIResult?? {
        guard warehouse.applies(to: data.data) else { return nil }
        let loadOptions = try data.loadOptions()
        let tables = try warehouse.tables(data: data.data, schema: loadOptions.schema)
        var settings = WarehouseRun.settings(data: data.data, tables: tables, asOf: loadOptions.asOf)
        let enc = JSONEncoder(); enc.outputFormatting = .sortedKeys
        settings["kpi_options"] = String(decoding: try enc.encode(o), as: UTF8.self)
        settings["from"] = o.from.map(Civil.iso) ?? ""
        settings["kpi_tables"] = KPIQueries.emittedColumns(tables).sorted { $0.key < $1.key }
            .map { "\($0.key)(\($0.value.sorted().joined(separator: ",")))" }.joined(separator: ";")
        if warehouse.emitSQL != nil || warehouse.aggregates != nil, o.from == nil {
            throw ValidationError("kpis with --emit-sql or --aggregates needs --from DATE: the queries embed the window's first day (over postgres:// it is the first purchase).")
        }
        guard let run = try WarehouseRun.open(warehouse, data: data.data, timeZone: data.timezone, tables: tables, asOf: loadOptions.asOf,
                                              settings: settings, command: "kpis", queries: { q, end in
            KPIQueries.emitted(q).all(KPIFrame(options: o, firstDay: o.from!, asOf: end, segLevels: [], chanLevels: [], notes: []))
        }) else { return .some(nil) }
        let r = try run.kpis(o, tables: tables).withTargets(goals)
        run.printReceived(timing.timings)
        return r
    }
}
