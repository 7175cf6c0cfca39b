import Foundation
import TenureNumerics

extension CoxModel: FittedModel {
    /// The Cox fit in the shared shape: coefficients (log hazard ratios) with their standard
    /// errors, Wald intervals at `confidenceLevel` on the coefficient scale (the hazard-ratio
    /// interval is their exponential), z and p; the partial log-likelihood; subjects; iterations.
    public var modelFit: ModelFit {
        let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
        return ModelFit(model: "Cox",
                        parameters: summary.map { c in
                            FittedParameter(name: c.name, estimate: c.coef, standardError: c.se,
                                            lower: c.coef - z * c.se, upper: c.coef + z * c.se, statistic: c.z, pValue: c.p)
                        },
                        level: confidenceLevel, logLikelihood: logLikelihood, observations: Double(n), iterations: iterations)
    }
}
