import TenureNumerics

extension SBGFit: FittedModel {
    /// The sBG fit in the shared shape: alpha and beta with their delta-method standard errors (no
    /// intervals: the sBG fit does not report them), the log-likelihood and the iterations. The
    /// observation count is the cohort's, which the fit does not keep.
    public var modelFit: ModelFit {
        ModelFit(model: "sBG",
                 parameters: [FittedParameter(name: "alpha", estimate: alpha, standardError: alphaSE),
                              FittedParameter(name: "beta", estimate: beta, standardError: betaSE)],
                 logLikelihood: logLikelihood, observations: nil, iterations: iterations,
                 limit: limit.map { "\($0.model): \($0.note)" })
    }
}
