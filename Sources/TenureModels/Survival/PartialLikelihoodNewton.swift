import TenureNumerics

/// One evaluation of a concave (partial) log-likelihood: the value Newton climbs, its gradient and
/// the information (negative Hessian).
protocol NewtonEvaluation {
    var objective: Double { get }
    var gradient: [Double] { get }
    var info: Matrix { get }
}

/// Newton–Raphson from `start` (already evaluated as `first`) as the Cox and Fine–Gray fits use it
/// (R `coxph`'s rule): the step solves info · δ = gradient (Cholesky); a step that lowers the
/// objective (beyond 1e-12 relative) or makes it non-finite is halved, up to 40 times; converged
/// when the objective changes by ≤ 1e-12 relative or the largest step, in the covariates' own
/// scale (`scale`), is < 1e-11. Throws `FitError` for a singular information or no convergence
/// within `maxIterations` (`notConverged(β)` says why).
func partialLikelihoodNewton<E: NewtonEvaluation>(start: [Double], first: E, evaluate: ([Double]) throws -> E, scale: [Double],
                                                 maxIterations: Int, model: String,
                                                 notConverged: ([Double]) -> String) throws -> (beta: [Double], at: E, iterations: Int) {
    var beta = start, cur = first
    var iterations = 0
    while iterations < maxIterations {
        iterations += 1
        let delta: [Double]
        do { delta = try LinearAlgebra.choleskySolve(cur.info, cur.gradient) } catch {
            throw FitError(model: model, reason: "the information matrix became singular at iteration \(iterations) (collinear covariates or a diverging coefficient)")
        }
        var trial = zip(beta, delta).map { $0 + $1 }
        var next = try evaluate(trial)
        var halvings = 0
        while !(next.objective.isFinite && next.objective >= cur.objective - 1e-12 * abs(cur.objective)) && halvings < 40 {
            for j in trial.indices { trial[j] = (trial[j] + beta[j]) / 2 }
            next = try evaluate(trial)
            halvings += 1
        }
        let change = abs(next.objective - cur.objective)
        beta = trial; cur = next
        let stepMax = delta.indices.reduce(0.0) { max($0, abs(delta[$1]) * scale[$1]) }
        if change <= 1e-12 * max(1, abs(cur.objective)) || stepMax < 1e-11 { return (beta, cur, iterations) }
    }
    throw FitError(model: model, reason: notConverged(beta))
}

extension CoxEngine.Evaluation: NewtonEvaluation {
    /// Cox climbs the penalised partial log-likelihood.
    var objective: Double { penalized }
}

extension FineGrayEngine.Evaluation: NewtonEvaluation {
    var objective: Double { loglik }
}
