import Foundation
import TenureData
import TenureNumerics
import TenureLifetime
import TenureRegression

/// `tenure clv` as tables. The first (primary, what `--format csv` prints) is CLV by segment;
/// `--model regression` shows the holdout comparison of the regression models and the
/// probabilistic model (`clv_regression_comparison`) first instead (`Presentation.lead`).
extension CLVResult: Reportable {
    public var analysis: String { "clv" }

    public var tables: [ReportTable] {
        let p = probabilistic
        var out: [ReportTable] = []
        out.append(Self.segmentTable(p))
        out.append(Self.parameterTable(p))
        out.append(Self.fitTable(p))
        if let h = p.holdout {
            out.append(Self.holdoutErrorTable(p, h))
            out.append(Self.trackingTable(p, h))
            out.append(Self.calibrationTable(p, h))
        }
        if let modelComparison { out.append(Self.modelComparisonTable(modelComparison, holdout: p.holdout != nil)) }
        if let r = regression {
            out.append(Self.regressionComparisonTable(r))
            out.append(Self.coefficientTable(r))
            out.append(Self.ridgeTable(r))
        }
        out.append(Self.settingsTable(p))
        return out
    }

    // MARK: segments

    static func money(_ x: Double) -> Cell { x.isFinite ? .number(x, decimals: 2) : .missing("no spend model") }

    static func segmentTable(_ p: LifetimeResult) -> ReportTable {
        let s = p.settings
        let drawn = p.parameterUncertainty
        let rows = ([p.overall] + p.segments).map { g -> [Cell] in
            var row: [Cell] = [.text(g.segment), .int(g.customers), .percent(g.meanPAlive, decimals: 1),
                               .number(g.expectedPurchases, decimals: 1), .number(g.meanExpectedPurchases, decimals: 3),
                               money(g.meanCLV), money(g.meanCLVLower), money(g.meanCLVUpper)]
            if drawn != nil {
                let iv = g.parameterInterval
                row += [money(iv?.meanLower ?? .nan), money(iv?.meanUpper ?? .nan)]
            }
            row += [money(g.medianCLV), money(g.medianCLVLower), money(g.medianCLVUpper),
                    money(g.totalCLV), money(g.totalCLVLower), money(g.totalCLVUpper)]
            if drawn != nil {
                let iv = g.parameterInterval
                row += [money(iv?.totalLower ?? .nan), money(iv?.totalUpper ?? .nan)]
            }
            return row
        }
        let unit = s.timeUnit.rawValue
        let level = drawn?.levelText ?? ""
        var columns: [ReportTable.Column] = [
            .init(p.segmentColumn ?? "segment"), .init("customers"), .init("mean P(alive)"),
            .init("expected purchases"), .init("expected purchases per customer"),
            .init("mean CLV"), .init("mean CLV 95% low"), .init("mean CLV 95% high")]
        if drawn != nil { columns += [.init("mean CLV parameters \(level) low"), .init("mean CLV parameters \(level) high")] }
        columns += [.init("median CLV"), .init("median CLV 95% low"), .init("median CLV 95% high"),
                    .init("total CLV"), .init("total CLV 95% low"), .init("total CLV 95% high")]
        if drawn != nil { columns += [.init("total CLV parameters \(level) low"), .init("total CLV parameters \(level) high")] }
        var note = "The first row is all customers. Expected purchases are repeat purchase \(unit)s over the horizon; CLV is expected spend discounted at \(formatFixed(100 * s.annualDiscountRate, decimals: 1))% a year. The \"95%\" intervals describe customer-to-customer variation given the fitted models (mean: normal interval; median: order-statistic interval; total: customers × the mean's interval), not parameter uncertainty."
        if let d = drawn {
            note += " The \"parameters\" intervals carry the uncertainty of the estimated parameters instead: \(d.method)."
        } else if let why = p.parameterUncertaintyUnavailable {
            note += " No parameter-uncertainty intervals: \(why)."
        }
        note += " A customer whose segment is missing is in \"(missing)\"."
        return ReportTable(
            id: "clv_segments",
            title: "CLV \(p.segmentColumn.map { "by \($0)" } ?? "of all customers"): \(horizonText(s)) horizon, \(s.model)\(s.spendModel.map { " + \($0)" } ?? ""), calibration to \(s.calibrationEnd)",
            columns: columns, rows: rows, note: note)
    }

    static func horizonText(_ s: LifetimeSettings) -> String {
        let d = s.horizonDays
        let months = d / Civil.daysPerMonth
        if abs(months - months.rounded()) < 1e-6 && months >= 1 { return "\(Int(months.rounded()))-month" }
        return "\(formatFixed(d, decimals: d == d.rounded() ? 0 : 1))-day"
    }

    // MARK: models

    static func parameterTable(_ p: LifetimeResult) -> ReportTable {
        let models = [p.purchaseModel] + (p.spendModel.map { [$0] } ?? [])
        return .parameters(
            id: "clv_parameters", title: "Model parameters (maximum likelihood)", fits: models.map(\.modelFit),
            columns: [.model(), .name("parameter"), .estimate(decimals: 4), .standardError(decimals: 4),
                      .lower("95% low", decimals: 4), .upper("95% high", decimals: 4)],
            note: "Standard errors from the inverse observed information (Hessian of the log-likelihood on log-parameters, delta method), as lifetimes; intervals are estimate ± 1.96 SE. Rates are per \(p.settings.timeUnit.rawValue). Gamma-Gamma's gamma is lifetimes' v."
                + limitNotes(models))
    }

    /// " Limiting model: …" sentences for the fits that ended on a bound (empty when none did).
    static func limitNotes(_ models: [ModelFitSummary]) -> String {
        models.compactMap { m in
            m.limitingModel.map { l in
                " Limiting model (\(m.model)): \(l.note)" + (l.limitParameters.isEmpty ? "" : " Limit parameters: "
                    + l.limitParameters.sorted { $0.key < $1.key }.map { "\($0.key) = \(formatFixed($0.value, decimals: 6))" }.joined(separator: ", ") + ".")
            }
        }.joined()
    }

    static func fitTable(_ p: LifetimeResult) -> ReportTable {
        var rows: [[Cell]] = []
        for m in [p.purchaseModel] + (p.spendModel.map { [$0] } ?? []) {
            rows.append([.text(m.model), .number(m.logLikelihood, decimals: 3), .number(m.aic, decimals: 3), .number(m.bic, decimals: 3),
                         .number(m.customers, decimals: 0), .int(m.patterns), .int(m.iterations)])
        }
        var note = "Fitted on \(p.data.customers) customers with a purchase on or before \(p.settings.calibrationEnd)"
        if p.data.customersFirstSeenInHoldout > 0 { note += " (\(p.data.customersFirstSeenInHoldout) first seen after it are left out)" }
        note += "; patterns = distinct (frequency, recency, T) triples, the sufficient statistics."
        for m in [p.purchaseModel] + (p.spendModel.map { [$0] } ?? []) {
            if let l = m.limitingModel { note += " \(m.model) is at its limit: \(l.model) (log-likelihood at the search bound)." }
        }
        if let ex = p.spendModelExcluded, ex > 0 {
            note += " Gamma-Gamma leaves out \(ex) customers without a repeat purchase or with non-positive mean repeat spend; their expected spend is the population mean."
        }
        return ReportTable(
            id: "clv_model_fit", title: "Model fit",
            columns: [.init("model"), .init("log-likelihood"), .init("AIC"), .init("BIC"), .init("customers"), .init("patterns"), .init("iterations")],
            rows: rows, note: note)
    }

    // MARK: holdout

    static func holdoutErrorTable(_ p: LifetimeResult, _ h: HoldoutValidation) -> ReportTable {
        func row(_ what: String, _ e: ForecastError) -> [Cell] {
            [.text(what), .int(e.customers), .number(e.actualTotal, decimals: 2), .number(e.predictedTotal, decimals: 2),
             .number(e.mae, decimals: 4), .number(e.rmse, decimals: 4), .number(e.bias, decimals: 4)]
        }
        var rows = [row("repeat purchases", h.purchases)]
        if let v = h.value { rows.append(row("spend", v)) }
        return ReportTable(
            id: "clv_holdout", title: "Holdout check, \(p.settings.calibrationEnd) to \(p.settings.observationEnd) (\(formatFixed(h.duration, decimals: 0)) \(p.settings.timeUnit.rawValue)s)",
            columns: [.init("quantity"), .init("customers"), .init("actual total"), .init("forecast total"),
                      .init("MAE per customer"), .init("RMSE per customer"), .init("bias per customer")],
            rows: rows,
            note: "Per-customer errors of the forecast made from the calibration period alone: repeat purchase \(p.settings.timeUnit.rawValue)s (\(p.settings.model) conditional expectation) and spend (that times Gamma-Gamma's expected spend per purchase). Each customer's error is in the --scores file.")
    }

    static func trackingTable(_ p: LifetimeResult, _ h: HoldoutValidation) -> ReportTable {
        ReportTable(
            id: "clv_tracking", title: "Cumulative repeat purchases: actual vs \(p.settings.model) forecast",
            columns: [.init("period"), .init("start"), .init("actual cumulative"), .init("forecast cumulative"), .init("holdout")],
            rows: h.tracking.map { [.int($0.period), .text($0.start), .number($0.actualCumulative, decimals: 0),
                                    .number($0.predictedCumulative, decimals: 1), .text($0.holdout ? "yes" : "")] },
            note: "Per \(p.settings.trackingUnit.rawValue), repeat purchases of the calibration customers; the forecast is Σ over acquisition \(p.settings.trackingUnit.rawValue)s of the customers acquired × E[X(age)], the model's unconditional expectation fitted on the calibration period only.")
    }

    static func calibrationTable(_ p: LifetimeResult, _ h: HoldoutValidation) -> ReportTable {
        ReportTable(
            id: "clv_calibration", title: "Holdout purchases by calibration-period frequency",
            columns: [.init("calibration frequency"), .init("customers"), .init("actual mean holdout purchases"), .init("forecast mean holdout purchases")],
            rows: h.calibration.map { [.text($0.frequency), .int($0.customers), .number($0.actualMean, decimals: 4), .number($0.predictedMean, decimals: 4)] },
            note: "Customers grouped by their repeat purchases in the calibration period; a good model tracks the actual means in every group.")
    }

    static func modelComparisonTable(_ c: [PurchaseModelComparison], holdout: Bool) -> ReportTable {
        func n(_ x: Double?, _ d: Int) -> Cell { x.map { .number($0, decimals: d) } ?? .missing("") }
        return ReportTable(
            id: "clv_model_comparison", title: "Repeat-purchase models on the same data",
            columns: [.init("model"), .init("log-likelihood"), .init("AIC"), .init("BIC"), .init("holdout actual"), .init("holdout forecast"),
                      .init("holdout MAE"), .init("holdout RMSE"), .init("tracking error"), .init("note")],
            rows: c.map { m in
                [.text(m.model), n(m.logLikelihood, 3), n(m.aic, 3), n(m.bic, 3), n(m.holdout?.actualTotal, 0), n(m.holdout?.predictedTotal, 1),
                 n(m.holdout?.mae, 4), n(m.holdout?.rmse, 4), m.trackingError.map { .percent($0, decimals: 2) } ?? .missing(""),
                 .text(m.error.map { "fit failed: \($0)" } ?? m.limitingModel.map { "limiting model: \($0.model)" } ?? "")]
            },
            note: holdout ? "Every model fitted on the calibration period and scored on the holdout: repeat purchases per customer (MAE, RMSE) and the mean relative error of the cumulative tracking curve over the holdout periods. BG/BB treats each period as one transaction opportunity."
                          : "No holdout (give --calibration-end): only the fits are compared.")
    }

    // MARK: regression

    static func regressionComparisonTable(_ r: RegressionCLVResult) -> ReportTable {
        ReportTable(
            id: "clv_regression_comparison", title: "Holdout spend per customer: regression models vs the probabilistic model",
            columns: [.init("model"), .init("test customers"), .init("MAE"), .init("RMSE"), .init("bias"), .init("R²")],
            rows: r.comparison.map { [.text($0.model), .int($0.customers), .number($0.mae, decimals: 4), .number($0.rmse, decimals: 4),
                                      .number($0.bias, decimals: 4), .number($0.rSquared, decimals: 4)] },
            note: "Target: \(r.target). Regressions are trained on \(r.trainCustomers) customers (seeded split, seed \(r.seed)) and every model, the probabilistic one included (fitted on the calibration period only), is scored on the same \(r.testCustomers) test customers. R² = 1 − SSE/SST on the test customers.")
    }

    static func coefficientTable(_ r: RegressionCLVResult) -> ReportTable {
        let fits = [r.ols, r.ridge, r.glm].map { f -> String in
            var s = "\(f.method): R² \(formatFixed(f.rSquared, decimals: 4))"
            if let a = f.adjustedRSquared { s += " (adjusted \(formatFixed(a, decimals: 4)))" }
            if let l = f.lambda { s += ", λ = \(l)" }
            if let i = f.iterations { s += ", \(i) IRLS iterations" }
            return s
        }
        return .parameters(
            id: "clv_regression_coefficients", title: "Regression coefficients (training customers)",
            fits: [r.ols, r.ridge, r.glm].map(\.modelFit),
            columns: [.model(), .name("term"), .estimate(decimals: 6), .standardError(decimals: 6), .statistic("t / z", decimals: 3)],
            note: fits.joined(separator: "; ") + ". OLS: σ²(XᵀX)⁻¹ errors (dgelsd). Ridge: λ by 5-fold CV on standardised features, sandwich errors. GLM: log link, Poisson quasi-likelihood by IRLS, errors scaled by the Pearson dispersion; coefficients act on log spend; R² is the deviance pseudo-R². \(r.glmClippedTargets > 0 ? "\(r.glmClippedTargets) negative targets (refunds) set to 0 for the GLM." : "")")
    }

    static func ridgeTable(_ r: RegressionCLVResult) -> ReportTable {
        ReportTable(
            id: "clv_ridge_cv", title: "Ridge: cross-validated error by λ",
            columns: [.init("lambda"), .init("CV mean squared error"), .init("chosen")],
            rows: zip(r.ridgeLambdas, r.ridgeCVMSE).map { l, m in [.number(l, decimals: 6), .number(m, decimals: 4), .text(l == r.ridge.lambda ? "yes" : "")] },
            note: "5-fold cross-validation on the training customers; λ penalises standardised coefficients, the intercept is free.")
    }

    // MARK: settings

    static func settingsTable(_ p: LifetimeResult) -> ReportTable {
        let s = p.settings, d = p.data
        var rows: [[Cell]] = [
            [.text("repeat-purchase model"), .text(s.model)],
            [.text("spend model"), .text(s.spendModel ?? "none")],
            [.text("time unit"), .text(s.timeUnit.rawValue)],
            [.text("time scale"), .text(s.timeScale)],
            [.text("calibration end"), .text(s.calibrationEnd)],
            [.text("observation end"), .text(s.observationEnd)],
            [.text("horizon (days)"), .number(s.horizonDays, decimals: 2)],
            [.text("horizon (\(s.timeUnit.rawValue)s)"), .number(s.horizon, decimals: 4)],
            [.text("annual discount rate"), .number(s.annualDiscountRate, decimals: 4)],
            [.text("customers"), .int(d.customers)],
            [.text("customers with a repeat purchase"), .int(d.repeatCustomers)],
            [.text("customers first seen in the holdout (left out)"), .int(d.customersFirstSeenInHoldout)],
            [.text("distinct (x, t_x, T) patterns"), .int(d.patterns)],
            [.text("mean frequency"), .number(d.meanFrequency, decimals: 4)],
            [.text("mean recency"), .number(d.meanRecency, decimals: 4)],
            [.text("mean T"), .number(d.meanT, decimals: 4)],
            [.text("discounting"), .text(s.discounting)],
            [.text("RFM conventions"), .text(s.conventions)],
        ]
        if let ex = p.spendModelExcluded { rows.insert([.text("customers left out of the spend model"), .int(ex)], at: 11) }
        return ReportTable(id: "clv_settings", title: "Settings and data", columns: [.init("item"), .init("value")], rows: rows)
    }
}

/// The per-customer scores file of `tenure clv --scores FILE.csv`: one row per customer with a
/// calibration-period purchase, full-precision numbers (whole numbers as integers, others in the
/// shortest round-trip form, `CSVNumber`), RFC 4180. Written straight from the columns to the file
/// (no table of cells), in batches of rows formatted on every core.
public enum CLVScoresCSV {
    /// Writes the file at `path` atomically.
    public static func write(_ s: CustomerScores, to path: String) throws {
        try AtomicFile.stream(to: path) { try write(s, to: &$0) }
    }

    /// The file's text (tests; `write` for files).
    public static func render(_ s: CustomerScores) -> String {
        var out: [UInt8] = []
        let t = ScoreTable(s)
        t.appendHeader(to: &out)
        t.appendRows(0 ..< s.count, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ s: CustomerScores, to w: inout ByteWriter) throws {
        let t = ScoreTable(s)
        var head: [UInt8] = []
        t.appendHeader(to: &head)
        try w.write(head)
        // Batches of rows, each formatted on every core and written in order.
        let n = s.count, batch = 131_072
        for start in stride(from: 0, to: n, by: batch) {
            try w.writeRows(count: min(n, start + batch) - start, minimumPerBlock: 8_192, bytesPerRow: 16 + 14 * t.names.count) { range, p in
                t.appendRows(start + range.lowerBound ..< start + range.upperBound, to: &p)
            }
        }
    }

    /// The file's columns: the two text columns, then the numbers (the frequency, an integer,
    /// first) as columns of doubles read straight from the scores — no closure or `Cell` per value.
    struct ScoreTable: @unchecked Sendable {
        var names: [String] = []
        let ids: [String]
        let segments: [String]?
        let frequency: [Int32]
        var numbers: [[Double]] = []

        init(_ s: CustomerScores) {
            ids = s.id; segments = s.segment; frequency = s.frequency
            names = ["customer_id"] + (s.segment == nil ? [] : ["segment"]) + ["frequency"]
            func num(_ name: String, _ v: [Double]) { names.append(name); numbers.append(v) }
            num("recency", s.recency); num("T", s.T); num("monetary_value", s.monetaryValue)
            num("p_alive", s.pAlive); num("expected_purchases", s.expectedPurchases)
            if let v = s.expectedSpend { num("expected_spend_per_purchase", v) }
            if let v = s.expectedRevenue { num("expected_revenue", v) }
            if let v = s.clv { num("clv", v) }
            if let lo = s.clvLower, let hi = s.clvUpper { num("clv_lower", lo); num("clv_upper", hi) }
            if let a = s.holdoutActualPurchases, let p = s.holdoutPredictedPurchases {
                num("holdout_actual_purchases", a); num("holdout_forecast_purchases", p)
                num("holdout_purchases_error", zip(p, a).map { $0 - $1 })
            }
            if let a = s.holdoutActualValue { num("holdout_actual_spend", a) }
            if let p = s.holdoutPredictedValue { num("holdout_forecast_spend", p) }
            for (name, v) in zip(s.extraColumns, s.extraValues) { num(name, v) }
        }

        func appendHeader(to b: inout [UInt8]) {
            for (k, name) in names.enumerated() {
                if k > 0 { b.append(UInt8(ascii: ",")) }
                CSVField.append(name, to: &b)
            }
            b.append(UInt8(ascii: "\n"))
        }

        func appendRows(_ rows: Range<Int>, to b: inout [UInt8]) {
            guard !rows.isEmpty else { return }
            // The number columns as one array of pointers, so the loop reads values without retains.
            let cols = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: max(numbers.count, 1))
            defer { cols.deallocate() }
            for (k, v) in numbers.enumerated() { cols[k] = v.withUnsafeBufferPointer { $0.baseAddress! } }
            withExtendedLifetime(numbers) {
                for i in rows {
                    CSVField.append(ids[i], to: &b)
                    if let segments { b.append(UInt8(ascii: ",")); CSVField.append(segments[i], to: &b) }
                    b.append(UInt8(ascii: ","))
                    CSVNumber.append(Int(frequency[i]), to: &b)
                    for k in 0 ..< numbers.count {
                        b.append(UInt8(ascii: ","))
                        appendNumber(cols[k][i], &b)
                    }
                    b.append(UInt8(ascii: "\n"))
                }
            }
        }
    }

    /// Whole numbers below 2^53 as integers, others in the shortest round-trip form, NaN/∞ empty.
    @inline(__always) static func appendNumber(_ x: Double, _ b: inout [UInt8]) {
        guard x.isFinite else { return }
        if x == x.rounded(), abs(x) < 9.0e15 { CSVNumber.append(Int(x), to: &b); return }
        CSVNumber.append(x, to: &b)
    }
}
