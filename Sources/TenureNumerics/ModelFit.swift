import Foundation

/// One fitted parameter: a row of a fit's summary (lifelines' `summary`, statsmodels' table).
///
/// Encoded with the keys `name`, `estimate`, `standard_error` and, when present, `lower`, `upper`
/// (the interval at the fit's level, on the estimate's scale), `statistic` (estimate / SE: z, or t
/// for least squares) and `p_value`; a value a fitter does not report is left out, not NaN.
public struct FittedParameter: Sendable, Codable, Equatable {
    public var name: String
    public var estimate: Double
    public var standardError: Double
    public var lower: Double?
    public var upper: Double?
    public var statistic: Double?
    public var pValue: Double?
    public init(name: String, estimate: Double, standardError: Double, lower: Double? = nil, upper: Double? = nil,
                statistic: Double? = nil, pValue: Double? = nil) {
        self.name = name; self.estimate = estimate; self.standardError = standardError
        self.lower = lower; self.upper = upper; self.statistic = statistic; self.pValue = pValue
    }
    enum CodingKeys: String, CodingKey {
        case name, estimate, lower, upper, statistic
        case standardError = "standard_error", pValue = "p_value"
    }

    /// A parameter with its Wald interval `estimate ± z · SE`.
    public static func wald(_ name: String, _ estimate: Double, _ se: Double, z: Double) -> FittedParameter {
        FittedParameter(name: name, estimate: estimate, standardError: se, lower: estimate - z * se, upper: estimate + z * se)
    }
}

/// What every fitted model reports, in one shape: the parameters with standard errors and
/// intervals, the log-likelihood and the criteria built on it, iterations and convergence.
///
/// Contract: `aic` = 2k − 2 log L and `bic` = k ln n − 2 log L, k the number of parameters, n the
/// observations (nil when the fit has no likelihood, or for BIC no observation count). Intervals
/// are at `level` on the parameter's own scale (Cox: the coefficient, not the hazard ratio).
/// A fitter returns a `ModelFit` only for a fit that converged by its documented rule (fits that
/// do not, throw `FitError`), so `converged` is true unless a fitter says otherwise.
public struct ModelFit: Sendable, Equatable {
    /// The model's name in output: `bgnbd`, `gamma-gamma`, `sBG`, `Cox`, `ols`, …
    public var model: String
    public var parameters: [FittedParameter]
    /// Confidence level of the intervals (0.95).
    public var level: Double
    /// Maximised log-likelihood (Cox: the partial log-likelihood); nil for least squares.
    public var logLikelihood: Double?
    /// Observations the likelihood sums over (customers, subjects; weights applied).
    public var observations: Double?
    public var iterations: Int?
    public var converged: Bool
    /// The limiting model in words when the fit ended on a bound of the parameter space.
    public var limit: String?

    public init(model: String, parameters: [FittedParameter], level: Double = 0.95, logLikelihood: Double?,
                observations: Double?, iterations: Int?, converged: Bool = true, limit: String? = nil) {
        self.model = model; self.parameters = parameters; self.level = level; self.logLikelihood = logLikelihood
        self.observations = observations; self.iterations = iterations; self.converged = converged; self.limit = limit
    }

    public var aic: Double? { logLikelihood.map { Self.aic(logLikelihood: $0, parameters: parameters.count) } }
    public var bic: Double? {
        guard let ll = logLikelihood, let n = observations else { return nil }
        return Self.bic(logLikelihood: ll, parameters: parameters.count, observations: n)
    }
    public subscript(_ name: String) -> FittedParameter? { parameters.first { $0.name == name } }

    /// Akaike's criterion, 2k − 2 log L.
    public static func aic(logLikelihood ll: Double, parameters k: Int) -> Double { 2 * Double(k) - 2 * ll }
    /// Schwarz's criterion, k ln n − 2 log L.
    public static func bic(logLikelihood ll: Double, parameters k: Int, observations n: Double) -> Double {
        Double(k) * Foundation.log(n) - 2 * ll
    }

}

/// A fitted model that reports its fit in the shared shape.
public protocol FittedModel {
    var modelFit: ModelFit { get }
}
