/// Chart specifications: already-computed series plus how to show them. Producers (the report
/// sections) copy numbers out of analysis results into these; renderers (SVG, notebook) only lay
/// them out. Nothing here or in a renderer computes a statistic: bands, intervals, medians and
/// orderings arrive ready-made.
public enum Chart: Sendable, Codable, Equatable {
    case lines(LineChart)
    case heatmap(Heatmap)
    case intervals(IntervalChart)
    case tornado(TornadoChart)
    case bars(BarChart)

    public var id: String {
        switch self {
        case .lines(let c): return c.id
        case .heatmap(let c): return c.id
        case .intervals(let c): return c.id
        case .tornado(let c): return c.id
        case .bars(let c): return c.id
        }
    }

    public var title: String {
        switch self {
        case .lines(let c): return c.title
        case .heatmap(let c): return c.title
        case .intervals(let c): return c.title
        case .tornado(let c): return c.title
        case .bars(let c): return c.title
        }
    }

    /// One sentence saying what the chart shows, for alt text and notebooks.
    public var caption: String? {
        switch self {
        case .lines(let c): return c.caption
        case .heatmap(let c): return c.caption
        case .intervals(let c): return c.caption
        case .tornado(let c): return c.caption
        case .bars(let c): return c.caption
        }
    }
}

/// How numbers on an axis or in a label are written. Formatting only: no rounding of data.
public enum ValueFormat: Sendable, Codable, Equatable {
    /// Plain number with this many decimals and thousands separators.
    case number(decimals: Int)
    /// A share in [0, 1] written as a percentage.
    case percent(decimals: Int)
    /// Money with a currency code or symbol ("USD", "$").
    case currency(String, decimals: Int)
    /// A day number (days since 1970-01-01) written as an ISO date, or as `YYYY-MM` when `monthOnly`.
    case date(monthOnly: Bool)
}

public struct Axis: Sendable, Codable, Equatable {
    /// What is measured ("age", "survival probability").
    public var label: String
    /// Unit shown in brackets ("months", "%", "USD"); nil when dimensionless.
    public var unit: String?
    public var format: ValueFormat
    /// Fixed ends; nil lets the renderer span the data (with "nice" rounded ends).
    public var min: Double?
    public var max: Double?
    /// Draw the axis on a log scale (values must be positive).
    public var log: Bool

    public init(_ label: String, unit: String? = nil, format: ValueFormat = .number(decimals: 0),
                min: Double? = nil, max: Double? = nil, log: Bool = false) {
        self.label = label; self.unit = unit; self.format = format; self.min = min; self.max = max; self.log = log
    }

    public var title: String { unit.map { "\(label) (\($0))" } ?? label }
}

public enum LineStyle: String, Sendable, Codable, Equatable { case solid, dashed, dotted }

/// One line: points (x[i], y[i]), optionally a band lower[i]…upper[i] around it.
public struct Series: Sendable, Codable, Equatable {
    public enum Interpolation: String, Sendable, Codable, Equatable {
        case linear
        /// Right-continuous steps (Kaplan–Meier): y[i] holds from x[i] until x[i+1].
        case step
    }
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var lower: [Double]?
    public var upper: [Double]?
    public var style: LineStyle
    public var interpolation: Interpolation
    /// Colour slot in the palette; series sharing a slot share a colour (observed + its forecast).
    public var color: Int?
    /// Mark each point with a dot (short series).
    public var markers: Bool
    /// Name of the band in the legend ("95% CI"); nil hides it from the legend.
    public var bandLabel: String?

    public init(name: String, x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
                style: LineStyle = .solid, interpolation: Interpolation = .linear, color: Int? = nil,
                markers: Bool = false, bandLabel: String? = nil) {
        self.name = name; self.x = x; self.y = y; self.lower = lower; self.upper = upper
        self.style = style; self.interpolation = interpolation; self.color = color
        self.markers = markers; self.bandLabel = bandLabel
    }
}

/// A labelled vertical line (calibration end, today).
public struct Marker: Sendable, Codable, Equatable {
    public var x: Double
    public var label: String
    public init(x: Double, label: String) { self.x = x; self.label = label }
}

/// Numbers at risk under a survival plot: `counts[g][k]` subjects of series `g` at `times[k]`.
public struct AtRiskTable: Sendable, Codable, Equatable {
    public var times: [Double]
    public var names: [String]
    public var counts: [[Int]]
    public init(times: [Double], names: [String], counts: [[Int]]) {
        self.times = times; self.names = names; self.counts = counts
    }
}

public struct LineChart: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var caption: String?
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    public var markers: [Marker]
    public var atRisk: AtRiskTable?
    /// Stacked areas: each series is drawn as a filled band on top of the ones before it (series
    /// must share their x values; bands are not drawn). For shares that add up, such as the
    /// cumulative incidence of each churn reason.
    public var stacked: Bool

    public init(id: String, title: String, caption: String? = nil, xAxis: Axis, yAxis: Axis,
                series: [Series], markers: [Marker] = [], atRisk: AtRiskTable? = nil, stacked: Bool = false) {
        self.id = id; self.title = title; self.caption = caption; self.xAxis = xAxis; self.yAxis = yAxis
        self.series = series; self.markers = markers; self.atRisk = atRisk; self.stacked = stacked
    }
}

/// A matrix of values shown as coloured cells (cohort × age). `nil` = not observed (drawn hatched,
/// never as a low value).
public struct Heatmap: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var caption: String?
    public var rowAxis: String
    public var columnAxis: String
    public var rowLabels: [String]
    /// A short note after each row label ("n = 1,204"); optional.
    public var rowNotes: [String]?
    public var columnLabels: [String]
    public var values: [[Double?]]
    /// Cells drawn with a dotted outline: forecast, not observed (e.g. the sBG completion).
    public var forecast: [[Bool]]?
    public var format: ValueFormat
    /// Colour scale ends; values outside are clamped. nil spans the finite values.
    public var domain: ClosedRange<Double>?
    /// What the colour means, for the legend ("retention").
    public var legendLabel: String

    public init(id: String, title: String, caption: String? = nil, rowAxis: String, columnAxis: String,
                rowLabels: [String], rowNotes: [String]? = nil, columnLabels: [String], values: [[Double?]],
                forecast: [[Bool]]? = nil, format: ValueFormat = .percent(decimals: 0),
                domain: ClosedRange<Double>? = nil, legendLabel: String) {
        self.id = id; self.title = title; self.caption = caption; self.rowAxis = rowAxis
        self.columnAxis = columnAxis; self.rowLabels = rowLabels; self.rowNotes = rowNotes
        self.columnLabels = columnLabels; self.values = values; self.forecast = forecast
        self.format = format; self.domain = domain; self.legendLabel = legendLabel
    }
}

/// Estimates with intervals per category (CLV by segment, ROI per scenario).
public struct IntervalChart: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var label: String
        public var estimate: Double
        public var lower: Double?
        public var upper: Double?
        /// Text after the row (e.g. "P(ROI>0) = 87%", "n = 1,204").
        public var note: String?
        public init(label: String, estimate: Double, lower: Double? = nil, upper: Double? = nil, note: String? = nil) {
            self.label = label; self.estimate = estimate; self.lower = lower; self.upper = upper; self.note = note
        }
    }
    public enum Style: String, Sendable, Codable, Equatable {
        /// A bar from the reference (0) to the estimate, whisker for the interval.
        case bar
        /// A dot at the estimate with a whisker (forest plot).
        case point
    }
    public var id: String
    public var title: String
    public var caption: String?
    public var axis: Axis
    public var rows: [Row]
    public var style: Style
    /// A vertical reference line (0 for ROI, 1 for a hazard ratio).
    public var reference: Double?
    /// Legend words for the estimate and the interval ("mean CLV", "95% CI").
    public var estimateLabel: String
    public var intervalLabel: String?

    public init(id: String, title: String, caption: String? = nil, axis: Axis, rows: [Row], style: Style = .bar,
                reference: Double? = nil, estimateLabel: String, intervalLabel: String? = nil) {
        self.id = id; self.title = title; self.caption = caption; self.axis = axis; self.rows = rows
        self.style = style; self.reference = reference; self.estimateLabel = estimateLabel
        self.intervalLabel = intervalLabel
    }
}

/// One-way sensitivity: the result at each input's low and high value around a baseline.
public struct TornadoChart: Sendable, Codable, Equatable {
    public struct Bar: Sendable, Codable, Equatable {
        public var label: String
        /// Result when the input is at its low end / high end.
        public var low: Double
        public var high: Double
        /// Input values shown beside the bar ("5%", "15%").
        public var lowInput: String?
        public var highInput: String?
        public init(label: String, low: Double, high: Double, lowInput: String? = nil, highInput: String? = nil) {
            self.label = label; self.low = low; self.high = high; self.lowInput = lowInput; self.highInput = highInput
        }
    }
    public var id: String
    public var title: String
    public var caption: String?
    public var axis: Axis
    public var baseline: Double
    public var baselineLabel: String
    /// In the order to draw, top first (producers sort by swing).
    public var bars: [Bar]

    public init(id: String, title: String, caption: String? = nil, axis: Axis, baseline: Double,
                baselineLabel: String = "baseline", bars: [Bar]) {
        self.id = id; self.title = title; self.caption = caption; self.axis = axis; self.baseline = baseline
        self.baselineLabel = baselineLabel; self.bars = bars
    }
}

/// Grouped or stacked vertical bars over categories (MRR movements per period, KPI per period).
public struct BarChart: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var name: String
        public var values: [Double?]
        public var color: Int?
        public init(name: String, values: [Double?], color: Int? = nil) {
            self.name = name; self.values = values; self.color = color
        }
    }
    public var id: String
    public var title: String
    public var caption: String?
    public var categories: [String]
    public var categoryAxis: String
    public var axis: Axis
    public var groups: [Group]
    /// Stack the groups (signed values stack up and down from zero) instead of side by side.
    public var stacked: Bool

    public init(id: String, title: String, caption: String? = nil, categories: [String], categoryAxis: String,
                axis: Axis, groups: [Group], stacked: Bool = false) {
        self.id = id; self.title = title; self.caption = caption; self.categories = categories
        self.categoryAxis = categoryAxis; self.axis = axis; self.groups = groups; self.stacked = stacked
    }
}

/// A KPI against its target, shown as a tile.
public struct KPITile: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, Equatable { case met, missed, noTarget = "no_target", unavailable }
    public var name: String
    /// The value as a person reads it ("72.4%", "$1,204").
    public var value: String
    public var status: Status
    /// "target ≥ 80%" or "benchmark 45".
    public var target: String?
    /// Small print: sample size, interval, period.
    public var detail: String?
    public init(name: String, value: String, status: Status = .noTarget, target: String? = nil, detail: String? = nil) {
        self.name = name; self.value = value; self.status = status; self.target = target; self.detail = detail
    }
}
