import ArgumentParser
import Foundation
import TenureData
import TenureLifetime
import TenureRegression
import TenureReport
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

    @Option(help: ArgumentHelp("Time zone that turns timestamps into business days in the engine (IANA name).", valueName: "zone"))
    var timezone: String = "UTC"

    func validate() throws {
        if emitSQL != nil && out == nil { throw ValidationError("--emit-sql needs --out DIR (one .sql file per statistic).") }
        if out != nil && emitSQL == nil { throw ValidationError("--out is the directory of --emit-sql; give --emit-sql DIALECT.") }
        if emitSQL != nil && aggregates != nil { throw ValidationError("--emit-sql writes queries and --aggregates reads their results: give one.") }
    }

    /// Whether DATA and these options ask for warehouse mode rather than a CSV directory.
    func applies(to data: String) -> Bool { PostgresLocation.isPostgres(data) || emitSQL != nil || aggregates != nil }

    /// The tables' location: `postgres://…?schema=S` or, for emitted SQL, DATA as the schema name
    /// (`.` for none), with the mapping file's `table:` entries first.
    func tables(data: String, schema: Schema) throws -> WarehouseTables {
        if PostgresLocation.isPostgres(data) { return WarehouseTables(schema: schema, defaultSchema: try PostgresLocation(data).schema) }
        return WarehouseTables(schema: schema, defaultSchema: data == "." ? nil : data)
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
        if by != nil { throw ValidationError("--by is not available in warehouse mode yet (the segment of each customer is not reduced in SQL).") }
        let loadOptions = try data.loadOptions()
        let tables = try warehouse.tables(data: data.data, schema: loadOptions.schema)
        var rfm = RFMOptions(timeUnit: timeUnit, calibrationEnd: calibrationEnd)
        let asOf = loadOptions.asOf
        var settings = ["time_unit": timeUnit.rawValue, "calibration_end": calibrationEnd.map(Civil.iso) ?? "", "as_of": asOf.map(Civil.iso) ?? "",
                        "source": data.data, "mapping": tables.table("transactions") + ":" + ["customer_id", "date", "amount"].map { tables.column($0, in: "transactions") }.joined(separator: ",")]

        if let dialect = warehouse.emitSQL, let outDir = warehouse.out {
            guard let asOf else { throw ValidationError("--emit-sql needs --as-of: the queries embed the end of observation.") }
            let queries = WarehouseSource.rfmQueries(TransactionQueries(dialect: dialect, tables: tables), options: rfm, observationEnd: asOf)
            settings["dialect"] = dialect.rawValue
            try EmittedQueries.write(queries, dialect: dialect, settings: settings, to: outDir)
            Terminal.note("wrote \(queries.count) queries (\(queries.map(\.name).joined(separator: ", "))) to \(outDir); run each on your engine, save its result as NAME.csv there, then: tenure clv \(data.data) --aggregates \(outDir) --as-of \(Civil.iso(asOf))")
            return true
        }

        let executor: any StatisticExecutor
        var dialect = Dialect.postgres
        if let dir = warehouse.aggregates {
            let agg = try AggregatesDirectory(directory: dir)
            dialect = Dialect(rawValue: agg.manifest.dialect) ?? .postgres
            var wanted = settings; wanted["dialect"] = agg.manifest.dialect
            try agg.check(settings: wanted)
            executor = agg
        } else {
            executor = try PostgresExecutor(try PostgresLocation(data.data), timeZone: warehouse.timezone)
        }
        defer { (executor as? PostgresExecutor)?.close() }
        var source = WarehouseSource(executor: executor, queries: TransactionQueries(dialect: dialect, tables: tables))
        let obs = try source.endOfObservation(asOf: asOf)
        if let c = rfm.calibrationEnd, c >= obs {
            throw ValidationError("--calibration-end \(Civil.iso(c)) must be before the end of observation \(Civil.iso(obs)) (the holdout would be empty).")
        }
        rfm.observationEnd = obs
        let (summary, ids) = try source.rfmSummary(options: rfm, observationEnd: obs)
        for n in source.notes { Terminal.note(n) }
        var o = LifetimeOptions()
        o.model = model.purchaseModel
        o.gammaGamma = spend == .gammaGamma
        o.horizonDays = value.horizonDays
        o.annualDiscountRate = value.discountRate
        o.rfm = rfm
        let out = try LifetimeAnalysis.run(summary: summary, ids: ids, segments: nil, options: o)
        let comparison = compareModels
            ? CLVAnalysis.compareModels(summary: summary, patterns: out.patterns, fitted: out.purchaseModel, kind: o.model) : nil
        if let scores { try AtomicFile.write(CLVScoresCSV.render(out.scores), to: scores) }
        try output.emit(CLVResult(model: model.name, probabilistic: out.result, regression: nil, modelComparison: comparison))
        return true
    }
}
