import Foundation
import TenureNumerics

/// A design matrix with named columns (column 0 is the intercept when `names[0] == "intercept"`).
public struct DesignMatrix: Sendable {
    public var X: Matrix
    public var names: [String]
    public init(X: Matrix, names: [String]) { self.X = X; self.names = names }

    /// Rows `rows` of the matrix.
    public func subset(_ rows: [Int]) -> DesignMatrix {
        var m = Matrix(rows: rows.count, cols: X.cols)
        for j in 0..<X.cols { for (k, i) in rows.enumerated() { m[k, j] = X[i, j] } }
        return DesignMatrix(X: m, names: names)
    }
}

/// One coefficient with its standard error and t (or z) statistic (`statistic`; no interval).
public typealias Coefficient = FittedParameter

/// A fitted linear predictor (OLS, ridge or GLM).
public struct LinearFit: Sendable, Codable, Equatable {
    public var method: String
    public var coefficients: [Coefficient]
    /// R² on the training rows (for the GLM: deviance-based pseudo R², 1 − D/D₀).
    public var rSquared: Double
    public var adjustedRSquared: Double?
    /// Residual variance (OLS/ridge) or dispersion (quasi-Poisson Pearson χ²/(n−p)).
    public var scale: Double
    public var observations: Int
    public var rank: Int
    /// Ridge penalty (on standardised features), when ridge.
    public var lambda: Double?
    /// GLM: iterations and deviance.
    public var iterations: Int?
    public var deviance: Double?
    enum CodingKeys: String, CodingKey {
        case method, coefficients, scale, observations, rank, lambda, iterations, deviance
        case rSquared = "r_squared", adjustedRSquared = "adjusted_r_squared"
    }

    public var estimates: [Double] { coefficients.map(\.estimate) }
}

extension LinearFit: FittedModel {
    /// The fit in the shared shape: the coefficients with their errors and t/z statistics, no
    /// likelihood (least squares; the GLM's quasi-likelihood has none either), the IRLS iterations.
    public var modelFit: ModelFit {
        ModelFit(model: method, parameters: coefficients, logLikelihood: nil, observations: Double(observations),
                 iterations: iterations)
    }
}

/// Ordinary least squares via LAPACK `dgelsd` (SVD, minimum norm); standard errors from
/// `σ² (XᵀX)⁻¹`, σ² = SSR / (n − p) (statsmodels' `OLS(...).fit()` nonrobust covariance).
public enum OLS {
    public static func fit(_ d: DesignMatrix, _ y: [Double]) throws -> LinearFit {
        let n = d.X.rows, p = d.X.cols
        guard n > p else { throw FitError(model: "ols", reason: "needs more customers (\(n)) than features (\(p))") }
        let ls: (solution: [Double], rank: Int, singularValues: [Double])
        do { ls = try LinearAlgebra.leastSquares(d.X, y) } catch { throw FitError(model: "ols", reason: "\(error)") }
        let beta = ls.solution
        let fitted = d.X.times(beta)
        var ssr = 0.0
        for i in 0..<n { ssr += (y[i] - fitted[i]) * (y[i] - fitted[i]) }
        let ybar = y.reduce(0, +) / Double(n)
        var sst = 0.0
        for v in y { sst += (v - ybar) * (v - ybar) }
        let hasIntercept = d.names.first == "intercept"
        let r2 = hasIntercept ? 1 - ssr / sst : 1 - ssr / y.reduce(0) { $0 + $1 * $1 }
        let dfResid = Double(n - ls.rank)
        let sigma2 = ssr / dfResid
        var se = [Double](repeating: .nan, count: p)
        if ls.rank == p, let inv = try? LinearAlgebra.inverseSPD(d.X.gram()) {
            se = inv.diagonal.map { ($0 * sigma2).squareRoot() }
        }
        let adj = 1 - (1 - r2) * Double(n - (hasIntercept ? 1 : 0)) / dfResid
        return LinearFit(method: "ols", coefficients: coefficients(d.names, beta, se), rSquared: r2, adjustedRSquared: adj,
                         scale: sigma2, observations: n, rank: ls.rank, lambda: nil, iterations: nil, deviance: nil)
    }

    static func coefficients(_ names: [String], _ b: [Double], _ se: [Double]) -> [Coefficient] {
        names.indices.map { Coefficient(name: names[$0], estimate: b[$0], standardError: se[$0], statistic: b[$0] / se[$0]) }
    }
}

/// Ridge regression: `(XᵀX + λ D) β = Xᵀy` with D = diag(0, 1, …, 1) (intercept not penalised),
/// solved by Cholesky (LAPACK `dposv`).
public enum Ridge {
    /// Closed-form ridge on the columns as given.
    public static func solve(_ X: Matrix, _ y: [Double], lambda: Double, penalizeFirst: Bool = false) throws -> [Double] {
        var a = X.gram()
        for j in 0..<X.cols where j > 0 || penalizeFirst { a[j, j] += lambda }
        let rhs = X.times(y, transposed: true)
        do { return try LinearAlgebra.choleskySolve(a, rhs) } catch { throw FitError(model: "ridge", reason: "\(error)") }
    }

    /// Column means and standard deviations of the non-intercept columns (sd 1 when constant).
    static func standardisation(_ X: Matrix) -> (mean: [Double], sd: [Double]) {
        var mean = [Double](repeating: 0, count: X.cols), sd = [Double](repeating: 1, count: X.cols)
        let n = Double(X.rows)
        for j in 1..<X.cols {
            var s = 0.0
            for i in 0..<X.rows { s += X[i, j] }
            let m = s / n
            var v = 0.0
            for i in 0..<X.rows { v += (X[i, j] - m) * (X[i, j] - m) }
            mean[j] = m
            let sdv = (v / n).squareRoot()
            sd[j] = sdv > 0 ? sdv : 1
        }
        return (mean, sd)
    }

    static func standardise(_ X: Matrix, _ st: (mean: [Double], sd: [Double])) -> Matrix {
        var z = X
        for j in 1..<X.cols { for i in 0..<X.rows { z[i, j] = (X[i, j] - st.mean[j]) / st.sd[j] } }
        return z
    }

    /// Ridge with λ chosen by k-fold cross-validation (mean squared error) over a log grid
    /// λ ∈ n·[1e-6, 1e2] on standardised features (column 0 must be the intercept). Folds come
    /// from a seeded shuffle. Returns the fit on all rows at the chosen λ, coefficients mapped back
    /// to the original feature scale, with sandwich standard errors
    /// `σ² (XᵀX + λD)⁻¹ XᵀX (XᵀX + λD)⁻¹` (on the standardised scale, then mapped back).
    public static func fitCV(_ d: DesignMatrix, _ y: [Double], folds k: Int = 5, seed: UInt64 = 2024,
                             grid: Int = 25) throws -> (fit: LinearFit, lambdas: [Double], cvMSE: [Double]) {
        let n = d.X.rows, p = d.X.cols
        guard n >= 2 * k, d.names.first == "intercept" else {
            throw FitError(model: "ridge", reason: "needs an intercept column and at least \(2 * k) rows")
        }
        var order = Array(0..<n)
        var rng = RNG(seed: seed)
        rng.shuffle(&order)
        var fold = [Int](repeating: 0, count: n)
        for (pos, i) in order.enumerated() { fold[i] = pos % k }
        let lambdas = (0..<grid).map { Double(n) * Foundation.pow(10, -6 + 8 * Double($0) / Double(grid - 1)) }
        var cv = [Double](repeating: 0, count: grid)
        for f in 0..<k {
            let train = (0..<n).filter { fold[$0] != f }, test = (0..<n).filter { fold[$0] == f }
            let dt = d.subset(train), dv = d.subset(test)
            let st = standardisation(dt.X)
            let zt = standardise(dt.X, st), zv = standardise(dv.X, st)
            let yt = train.map { y[$0] }
            for (g, lam) in lambdas.enumerated() {
                let b = try solve(zt, yt, lambda: lam)
                let pred = zv.times(b)
                for (k2, i) in test.enumerated() { cv[g] += (pred[k2] - y[i]) * (pred[k2] - y[i]) }
            }
        }
        cv = cv.map { $0 / Double(n) }
        let best = cv.indices.min { cv[$0] < cv[$1] }!
        let lam = lambdas[best]
        let st = standardisation(d.X)
        let z = standardise(d.X, st)
        let bz = try solve(z, y, lambda: lam)
        // back to the original scale
        var b = [Double](repeating: 0, count: p)
        b[0] = bz[0]
        for j in 1..<p { b[j] = bz[j] / st.sd[j]; b[0] -= bz[j] * st.mean[j] / st.sd[j] }
        let fitted = d.X.times(b)
        var ssr = 0.0, sst = 0.0
        let ybar = y.reduce(0, +) / Double(n)
        for i in 0..<n { ssr += (y[i] - fitted[i]) * (y[i] - fitted[i]); sst += (y[i] - ybar) * (y[i] - ybar) }
        // sandwich covariance on the standardised scale, then the linear map back
        var se = [Double](repeating: .nan, count: p)
        let g = z.gram()
        var a = g
        for j in 1..<p { a[j, j] += lam }
        if let ai = try? LinearAlgebra.inverseSPD(a) {
            let sigma2 = ssr / Double(n - p)
            let covZ = sigma2 * (ai * g * ai)
            // β = M βz with M: β_j = βz_j / sd_j (j ≥ 1), β_0 = βz_0 − Σ βz_j mean_j / sd_j
            var m = Matrix(rows: p, cols: p)
            m[0, 0] = 1
            for j in 1..<p { m[j, j] = 1 / st.sd[j]; m[0, j] = -st.mean[j] / st.sd[j] }
            let cov = m * covZ * m.transposed
            se = cov.diagonal.map { $0 > 0 ? $0.squareRoot() : .nan }
        }
        let fit = LinearFit(method: "ridge", coefficients: OLS.coefficients(d.names, b, se), rSquared: 1 - ssr / sst,
                            adjustedRSquared: nil, scale: ssr / Double(n - p), observations: n, rank: p, lambda: lam,
                            iterations: nil, deviance: nil)
        return (fit, lambdas, cv)
    }
}

/// Poisson quasi-likelihood GLM with log link, fitted by iteratively reweighted least squares
/// (statsmodels' `GLM(y, X, family=Poisson())`). Handles zeros and non-integer y ≥ 0, so it suits
/// skewed, zero-heavy revenue: E[y] = exp(Xβ), Var[y] = φ·E[y]. Each step solves the weighted
/// normal equations `XᵀWX β = XᵀWz` (W = μ, z = η + (y − μ)/μ) by Cholesky; it starts from
/// μ = (y + ȳ)/2 like statsmodels and stops when the deviance changes by < 1e-15 relative; a step
/// that raises the deviance or overflows is halved (as R's glm.fit), and a fit that cannot descend
/// is a `FitError`, never a set of coefficients.
/// Standard errors: `sqrt(φ · diag((XᵀWX)⁻¹))` with φ = Pearson χ²/(n − p) (quasi-Poisson; statsmodels
/// `fit(scale="X2")`); `rawStandardErrors` gives the φ = 1 Poisson ones.
public enum PoissonGLM {
    public static func fit(_ d: DesignMatrix, _ y: [Double], maxIterations: Int = 100) throws -> (fit: LinearFit, rawStandardErrors: [Double]) {
        let n = d.X.rows, p = d.X.cols
        guard n > p else { throw FitError(model: "poisson-glm", reason: "needs more rows (\(n)) than features (\(p))") }
        if let bad = y.first(where: { !($0 >= 0) }) {
            throw FitError(model: "poisson-glm", reason: "the log-link GLM needs non-negative targets; got \(bad)")
        }
        let ybar = y.reduce(0, +) / Double(n)
        guard ybar > 0 else { throw FitError(model: "poisson-glm", reason: "every target is zero") }
        var mu = y.map { ($0 + ybar) / 2 }
        var eta = mu.map { Foundation.log($0) }
        var beta = [Double](repeating: 0, count: p)
        func deviance(_ mu: [Double]) -> Double {
            var dv = 0.0
            for i in 0..<n { dv += 2 * ((y[i] > 0 ? y[i] * Foundation.log(y[i] / mu[i]) : 0) - (y[i] - mu[i])) }
            return dv
        }
        var dev = deviance(mu)
        var iters = 0
        var xtwx = Matrix(rows: p, cols: p)
        for it in 1...maxIterations {
            iters = it
            // weighted normal equations
            var xw = d.X
            var z = [Double](repeating: 0, count: n)
            for i in 0..<n {
                z[i] = eta[i] + (y[i] - mu[i]) / mu[i]
                let sw = mu[i].squareRoot()
                z[i] *= sw
                for j in 0..<p { xw[i, j] = d.X[i, j] * sw }
            }
            xtwx = xw.gram()
            let rhs = xw.times(z, transposed: true)
            let previous = beta
            do { beta = try LinearAlgebra.choleskySolve(xtwx, rhs) } catch {
                throw FitError(model: "poisson-glm", reason: "weighted normal equations are singular: \(error)")
            }
            eta = d.X.times(beta)
            mu = eta.map { Foundation.exp($0) }
            var nd = mu.contains(where: { !$0.isFinite }) ? Double.infinity : deviance(mu)
            // Step-halving (R's glm.fit): a step that overflows or raises the deviance is halved back
            // toward the previous coefficients; 30 halvings without improvement is a divergence.
            if it > 1 {
                var halvings = 0
                while !(nd <= dev * (1 + 1e-12)) {
                    halvings += 1
                    guard halvings <= 30 else {
                        throw FitError(model: "poisson-glm", reason: "IRLS diverged: the deviance rose at iteration \(it) and 30 step-halvings did not bring it down")
                    }
                    for j in 0..<p { beta[j] = (beta[j] + previous[j]) / 2 }
                    eta = d.X.times(beta)
                    mu = eta.map { Foundation.exp($0) }
                    nd = mu.contains(where: { !$0.isFinite }) ? .infinity : deviance(mu)
                }
            } else if !nd.isFinite {
                throw FitError(model: "poisson-glm", reason: "diverged (μ overflowed at the first step)")
            }
            let done = abs(nd - dev) <= 1e-15 * max(abs(nd), 1) && it > 1
            dev = nd
            if done { break }
            if it == maxIterations { throw FitError(model: "poisson-glm", reason: "IRLS did not converge in \(maxIterations) iterations") }
        }
        // information at the final β
        var xw = d.X
        for i in 0..<n { let sw = mu[i].squareRoot(); for j in 0..<p { xw[i, j] = d.X[i, j] * sw } }
        xtwx = xw.gram()
        let inv: Matrix
        do { inv = try LinearAlgebra.inverseSPD(xtwx) } catch { throw FitError(model: "poisson-glm", reason: "\(error)") }
        var chi2 = 0.0
        for i in 0..<n { chi2 += (y[i] - mu[i]) * (y[i] - mu[i]) / mu[i] }
        let phi = chi2 / Double(n - p)
        let raw = inv.diagonal.map { $0.squareRoot() }
        let se = raw.map { $0 * phi.squareRoot() }
        // null deviance (intercept only: μ = ȳ)
        let dev0 = deviance([Double](repeating: ybar, count: n))
        let fit = LinearFit(method: "poisson-glm", coefficients: OLS.coefficients(d.names, beta, se), rSquared: 1 - dev / dev0,
                            adjustedRSquared: nil, scale: phi, observations: n, rank: p, lambda: nil, iterations: iters,
                            deviance: dev)
        return (fit, raw)
    }

    /// exp(Xβ).
    public static func predict(_ X: Matrix, _ beta: [Double]) -> [Double] { X.times(beta).map { Foundation.exp($0) } }
}
