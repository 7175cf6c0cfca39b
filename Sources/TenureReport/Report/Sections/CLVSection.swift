import TenureData
import TenureLifetime
import TenureRegression

/// Customer lifetime value: BG/NBD + Gamma-Gamma fitted on a calibration period, CLV by segment
/// with intervals, the holdout tracking plot, the calibration-by-frequency check and the
/// regression models side by side.
enum CLVSection {
    static let title = "Customer lifetime value"

    /// The name a model goes by in the literature ("bgnbd" → "BG/NBD").
    static func modelName(_ id: String) -> String {
        switch id.lowercased() {
        case "bgnbd", "bg-nbd", "bg/nbd": return "BG/NBD"
        case "pareto-nbd", "paretonbd", "pareto/nbd": return "Pareto/NBD"
        case "mbgnbd", "mbg-nbd", "mbg/nbd": return "MBG/NBD"
        case "bgbb", "bg-bb", "bg/bb": return "BG/BB"
        case "gamma-gamma", "gammagamma": return "Gamma-Gamma"
        default: return id
        }
    }

    /// Default calibration end: the last quarter of the observed span (at least 8 weeks, at most a
    /// year) is kept as the holdout. A choice of dates, not a statistic.
    static func calibrationEnd(_ ds: Dataset) -> Day? {
        var first = Day.max
        for d in ds.transactions.day where d != Day.missing && d < first { first = d }
        return first == Day.max ? nil : calibrationEnd(firstPurchase: first, asOf: ds.asOf)
    }

    /// The same from the first purchase day and the end of observation.
    static func calibrationEnd(firstPurchase first: Day, asOf: Day) -> Day? {
        let span = Int(asOf) - Int(first)
        let holdout = min(365, max(56, span / 4))
        guard span > holdout + 56 else { return nil }
        return Day(Int(asOf) - holdout)
    }

    /// The CLV options the report runs with (weeks, the calibration end of `calibrationEnd`).
    static func options(_ o: ReportOptions, calibrationEnd cal: Day?, asOf: Day, by: String?) -> CLVOptions {
        var opts = CLVOptions()
        opts.lifetime.rfm = RFMOptions(timeUnit: .week, calibrationEnd: cal, observationEnd: asOf)
        opts.lifetime.segmentColumn = by
        opts.lifetime.horizonDays = o.horizonDays
        opts.lifetime.annualDiscountRate = o.annualDiscountRate
        opts.seed = o.seed
        return opts
    }

    static func make(_ ds: Dataset, _ o: ReportOptions, by: String?) -> (section: ReportSection, result: NamedResult?) {
        let opts = options(o, calibrationEnd: o.calibrationEnd ?? calibrationEnd(ds), asOf: ds.asOf, by: by)
        return make(Result { try CLVAnalysis.run(dataset: ds, options: opts).result })
    }

    /// The section of a result computed elsewhere (or why there is none).
    static func make(_ result: Result<CLVResult, Error>) -> (section: ReportSection, result: NamedResult?) {
        let r: CLVResult
        switch result {
        case .success(let x): r = x
        case .failure(let error): return (ReportBuilder.unavailable(id: "clv", title: title, error), nil)
        }
        let p = r.probabilistic
        let s = p.settings
        let horizon = s.horizonDays >= 360 ? "\(Format.grouped(s.horizonDays / Civil.daysPerYear, decimals: 0))-year" : "\(Format.grouped(s.horizonDays, decimals: 0))-day"
        var blocks: [ReportBlock] = []
        blocks.append(.text("Repeat purchases are modelled with \(modelName(s.model)) and spend per purchase with \(s.spendModel.map(modelName) ?? "no spend model"), fitted by maximum likelihood on the calibration period (to \(s.calibrationEnd)); the rest of the data, to \(s.observationEnd), is the holdout that checks the forecast. CLV is the expected \(horizon) revenue per customer discounted at \(pct(s.annualDiscountRate, 0)) a year. Conventions: \(s.conventions)."))

        var highlights: [String] = []
        let o1 = p.overall
        if o1.meanCLV.isFinite {
            let spread = "customer-to-customer 95% interval \(Format.grouped(o1.meanCLVLower, decimals: 2)) to \(Format.grouped(o1.meanCLVUpper, decimals: 2))"
            if let iv = o1.parameterInterval, let d = p.parameterUncertainty {
                highlights.append("Mean \(horizon) CLV, forecast from the calibration end \(s.calibrationEnd), is \(Format.grouped(o1.meanCLV, decimals: 2)) per customer: \(Format.grouped(iv.meanLower, decimals: 2)) to \(Format.grouped(iv.meanUpper, decimals: 2)) with the parameters' estimation uncertainty (\(d.levelText), \(d.draws) draws; \(spread)). \(Format.count(o1.customers)) customers, total \(Format.grouped(o1.totalCLV, decimals: 0)) (\(Format.grouped(iv.totalLower, decimals: 0)) to \(Format.grouped(iv.totalUpper, decimals: 0))).")
            } else {
                highlights.append("Mean \(horizon) CLV, forecast from the calibration end \(s.calibrationEnd), is \(Format.grouped(o1.meanCLV, decimals: 2)) per customer (\(spread)); \(Format.count(o1.customers)) customers, total \(Format.grouped(o1.totalCLV, decimals: 0)).")
            }
        }
        highlights.append("Mean P(alive) is \(pct(o1.meanPAlive)); \(Format.grouped(o1.expectedPurchases, decimals: 0)) repeat purchases are expected over the horizon.")
        let params = Format.parameters(p.purchaseModel.modelFit, decimals: 3)
        highlights.append("\(modelName(p.purchaseModel.model)) parameters: \(params); log-likelihood \(Format.grouped(p.purchaseModel.logLikelihood, decimals: 1)).")
        if let l = p.purchaseModel.limitingModel { highlights.append(l.note) }
        if let gg = p.spendModel {
            highlights.append("Gamma-Gamma spend parameters: " + Format.parameters(gg.modelFit, decimals: 3, standardErrors: false) + ".")
        }

        // CLV by segment
        let segs = p.segments.isEmpty ? [p.overall] : p.segments
        if segs.contains(where: { $0.meanCLV.isFinite }) {
            // The interval a reader of "mean CLV of this segment" wants is the parameters' uncertainty when drawn.
            let drawn = p.parameterUncertainty != nil && segs.allSatisfy { $0.parameterInterval != nil }
            let level = p.parameterUncertainty?.levelText ?? "95%"
            blocks.append(.chart(.intervals(IntervalChart(
                id: "clv_by_segment", title: "Mean \(horizon) CLV per customer" + (p.segmentColumn.map { " by \($0)" } ?? ""),
                caption: drawn
                    ? "Discounted expected revenue per customer over the horizon, mean with its \(level) interval over draws of the models' parameters (the uncertainty of the estimate); the note gives the customers in each group."
                    : "Discounted expected revenue per customer over the horizon, mean with its 95% interval of customer-to-customer variation (without the parameters' uncertainty); the note gives the customers in each group.",
                axis: Axis("CLV per customer", unit: "currency", format: .number(decimals: 0)),
                rows: segs.map { g in
                    .init(label: g.segment, estimate: g.meanCLV,
                          lower: drawn ? g.parameterInterval!.meanLower : g.meanCLVLower,
                          upper: drawn ? g.parameterInterval!.meanUpper : g.meanCLVUpper,
                          note: "n = \(Format.count(g.customers)) · P(alive) \(pct(g.meanPAlive, 0))")
                },
                style: .bar, estimateLabel: "mean CLV", intervalLabel: drawn ? "\(level) interval (parameters)" : "95% interval"))))
        }

        if let h = p.holdout {
            blocks.append(.heading("Holdout check"))
            let pts = h.tracking.compactMap { t -> (Double, TrackingPoint)? in DateParser.day(from: t.start).map { (Double($0), t) } }
            if pts.count >= 2 {
                let x = pts.map(\.0)
                let cal = DateParser.day(from: s.calibrationEnd).map(Double.init)
                blocks.append(.chart(.lines(LineChart(
                    id: "clv_tracking", title: "Cumulative repeat purchases: actual vs \(modelName(s.model))",
                    caption: "Repeat purchases of the calibration customers, cumulated by \(s.trackingUnit.rawValue); the model line is its unconditional expectation, fitted on the calibration period only. Right of the marker is the holdout.",
                    xAxis: Axis(s.trackingUnit.rawValue, format: .date(monthOnly: true)),
                    yAxis: Axis("cumulative repeat purchases", unit: "purchases", format: .number(decimals: 0), min: 0),
                    series: [Series(name: "actual", x: x, y: pts.map(\.1.actualCumulative), color: 6),
                             Series(name: modelName(s.model) + " forecast", x: x, y: pts.map(\.1.predictedCumulative), style: .dashed, color: 1)],
                    markers: cal.map { [Marker(x: $0, label: "calibration end")] } ?? []))))
            }
            if !h.calibration.isEmpty {
                blocks.append(.chart(.bars(BarChart(
                    id: "clv_calibration_frequency", title: "Holdout purchases by calibration frequency",
                    caption: "Mean repeat purchases in the holdout for customers grouped by their calibration-period frequency: actual against the model's conditional expectation.",
                    categories: h.calibration.map(\.frequency), categoryAxis: "repeat purchases in the calibration period",
                    axis: Axis("mean holdout purchases", unit: "purchases", format: .number(decimals: 1)),
                    groups: [.init(name: "actual", values: h.calibration.map(\.actualMean), color: 6),
                             .init(name: "model", values: h.calibration.map(\.predictedMean), color: 1)]))))
            }
            highlights.append("Holdout: \(Format.grouped(h.purchases.actualTotal, decimals: 0)) repeat purchases happened, \(Format.grouped(h.purchases.predictedTotal, decimals: 0)) were forecast (MAE per customer \(Format.grouped(h.purchases.mae, decimals: 3))).")
        }

        if let reg = r.regression, !reg.comparison.isEmpty {
            let usable = reg.comparison.filter { $0.failure == nil }
            blocks.append(.heading("Regression-based CLV, side by side"))
            blocks.append(.text("OLS, ridge and a log-link GLM predict each customer's holdout spend from calibration features (\(reg.features.joined(separator: ", "))), trained on \(Format.count(reg.trainCustomers)) customers and scored, with the probabilistic model, on the same \(Format.count(reg.testCustomers)) test customers."))
            blocks.append(.chart(.bars(BarChart(
                id: "clv_model_comparison", title: "Holdout spend error by model",
                caption: "Mean absolute error and root mean squared error of each model's prediction of holdout spend per test customer (lower is better).",
                categories: usable.map(\.model), categoryAxis: "model",
                axis: Axis("error per customer", unit: "currency", format: .number(decimals: 1)),
                groups: [.init(name: "MAE", values: usable.map(\.mae), color: 0),
                         .init(name: "RMSE", values: usable.map(\.rmse), color: 4)]))))
            for m in reg.comparison where m.failure != nil {
                blocks.append(.warning("\(m.model) is left out of the chart: \(m.failure!)."))
            }
            if let best = usable.min(by: { $0.mae < $1.mae }) {
                highlights.append("Lowest holdout error: \(best.model) (MAE \(Format.grouped(best.mae, decimals: 2)), R² \(Format.grouped(best.rSquared, decimals: 3))).")
            }
        }
        let tables = ReportBuilder.tables(of: r)
        for (i, t) in tables.enumerated() { blocks.append(.table(t, i == 0 ? .standard : .folded(maxRows: 60))) }
        return (ReportSection(id: "clv", title: title, highlights: highlights, blocks: blocks), NamedResult(key: "clv", result: r))
    }
}
