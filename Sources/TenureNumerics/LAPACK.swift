import Foundation
import CLAPACK

/// A LAPACK routine reported failure (`info != 0`) or was handed unusable input.
///
/// `routine` is the LAPACK name (`"dpotrf"`), `info` its return code (0 when the input was rejected
/// before the call, e.g. for NaN), `message` a sentence for a person.
public struct LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
    public var routine: String
    public var info: Int
    public var message: String
    public init(routine: String, info: Int, message: String) {
        self.routine = routine
        self.info = info
        self.message = message
    }
    public var description: String { "\(routine): \(message)" }
}

/// Dense linear algebra through LAPACK (OpenBLAS). Inputs are never modified (each call works on a
/// copy); every routine checks `info` and throws `LinearAlgebraError`. Inputs containing NaN or
/// infinity are rejected before the call.
public enum LinearAlgebra {
    // MARK: Cholesky (symmetric positive definite)

    /// Solve `A X = B` for symmetric positive-definite `A` (dposv, lower triangle of `A` used).
    /// Throws when `A` is not positive definite, naming the failing leading minor.
    public static func choleskySolve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        try checkSquare(a, "dposv")
        precondition(b.rows == a.rows, "choleskySolve: B has \(b.rows) rows, A is \(a.rows)×\(a.cols)")
        try checkFinite(a, "dposv")
        try checkFinite(b, "dposv")
        var n = Int32(a.rows), nrhs = Int32(b.cols), lda = Int32(max(1, a.rows)), ldb = Int32(max(1, b.rows))
        var info: Int32 = 0
        var ac = a.data
        var x = b
        if a.rows == 0 || b.cols == 0 { return x }
        var uplo = CChar(UInt8(ascii: "L"))
        dposv_(&uplo, &n, &nrhs, &ac, &lda, &x.data, &ldb, &info)
        try check(info, "dposv")
        return x
    }

    /// Solve `A x = b` for symmetric positive-definite `A` (dposv).
    public static func choleskySolve(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        try choleskySolve(a, Matrix(rows: b.count, cols: 1, data: b)).data
    }

    /// Lower-triangular `L` with `A = L Lᵀ` (dpotrf; strictly upper part zeroed).
    public static func cholesky(_ a: Matrix) throws -> Matrix {
        try checkSquare(a, "dpotrf")
        try checkFinite(a, "dpotrf")
        var l = a
        if a.rows == 0 { return l }
        var n = Int32(a.rows), lda = Int32(a.rows), info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "L"))
        dpotrf_(&uplo, &n, &l.data, &lda, &info)
        try check(info, "dpotrf")
        for j in 0..<a.cols { for i in 0..<j { l[i, j] = 0 } }
        return l
    }

    /// `log det A` for symmetric positive-definite `A` (from the Cholesky factor: `2 Σ log Lᵢᵢ`).
    public static func logDeterminantSPD(_ a: Matrix) throws -> Double {
        let l = try cholesky(a)
        var s = 0.0
        for i in 0..<a.rows { s += log(l[i, i]) }
        return 2 * s
    }

    /// `A⁻¹` for symmetric positive-definite `A` (dpotrf + dpotri), returned full symmetric.
    public static func inverseSPD(_ a: Matrix) throws -> Matrix {
        try checkSquare(a, "dpotrf")
        try checkFinite(a, "dpotrf")
        var m = a
        if a.rows == 0 { return m }
        var n = Int32(a.rows), lda = Int32(a.rows), info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "L"))
        dpotrf_(&uplo, &n, &m.data, &lda, &info)
        try check(info, "dpotrf")
        dpotri_(&uplo, &n, &m.data, &lda, &info)
        try check(info, "dpotri")
        m.fillUpperFromLower()
        return m
    }

    // MARK: General (LU)

    /// Solve `A X = B` for general square `A` (dgesv, LU with partial pivoting).
    public static func solve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        try checkSquare(a, "dgesv")
        precondition(b.rows == a.rows, "solve: B has \(b.rows) rows, A is \(a.rows)×\(a.cols)")
        try checkFinite(a, "dgesv")
        try checkFinite(b, "dgesv")
        var x = b
        if a.rows == 0 || b.cols == 0 { return x }
        var n = Int32(a.rows), nrhs = Int32(b.cols), lda = Int32(a.rows), ldb = Int32(b.rows), info: Int32 = 0
        var ac = a.data
        var ipiv = [Int32](repeating: 0, count: a.rows)
        dgesv_(&n, &nrhs, &ac, &lda, &ipiv, &x.data, &ldb, &info)
        try check(info, "dgesv")
        return x
    }

    /// Solve `A x = b` for general square `A` (dgesv).
    public static func solve(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        try solve(a, Matrix(rows: b.count, cols: 1, data: b)).data
    }

    /// `A⁻¹` for general square `A` (dgetrf + dgetri, workspace queried).
    public static func inverse(_ a: Matrix) throws -> Matrix {
        try checkSquare(a, "dgetrf")
        try checkFinite(a, "dgetrf")
        var m = a
        if a.rows == 0 { return m }
        var n = Int32(a.rows), lda = Int32(a.rows), info: Int32 = 0
        var ipiv = [Int32](repeating: 0, count: a.rows)
        dgetrf_(&n, &n, &m.data, &lda, &ipiv, &info)
        try check(info, "dgetrf")
        var lwork: Int32 = -1
        var wq = 0.0
        dgetri_(&n, &m.data, &lda, &ipiv, &wq, &lwork, &info)
        try check(info, "dgetri")
        lwork = Int32(max(Double(a.rows), wq.rounded(.up)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgetri_(&n, &m.data, &lda, &ipiv, &work, &lwork, &info)
        try check(info, "dgetri")
        return m
    }

    // MARK: Least squares

    /// Minimum-norm least-squares solution of `min ‖A x − b‖₂` by SVD with divide and conquer (dgelsd).
    /// Works for any shape and rank. Singular values `sᵢ ≤ rcond · s₁` are treated as zero;
    /// `rcond < 0` means `ε · max(m, n)` (numpy's `lstsq` default), so exactly collinear columns
    /// count as one. Returns the solution (length `A.cols`), the effective
    /// rank and the singular values (descending).
    public static func leastSquares(_ a: Matrix, _ b: [Double], rcond: Double = -1) throws
        -> (solution: [Double], rank: Int, singularValues: [Double]) {
        precondition(b.count == a.rows, "leastSquares: b has \(b.count) entries, A has \(a.rows) rows")
        try checkFinite(a, "dgelsd")
        if b.contains(where: { !$0.isFinite }) {
            throw LinearAlgebraError(routine: "dgelsd", info: 0, message: "right-hand side contains NaN or infinity")
        }
        let m = a.rows, n = a.cols
        let minmn = min(m, n)
        if minmn == 0 { return ([Double](repeating: 0, count: n), 0, []) }
        let ldbN = max(1, max(m, n))
        var bb = [Double](repeating: 0, count: ldbN)
        for i in 0..<m { bb[i] = b[i] }
        var ac = a.data
        var s = [Double](repeating: 0, count: minmn)
        var mm = Int32(m), nn = Int32(n), nrhs: Int32 = 1, lda = Int32(max(1, m)), ldb = Int32(ldbN)
        var rc = rcond < 0 ? Double.ulpOfOne * Double(max(m, n)) : rcond
        var rank: Int32 = 0, info: Int32 = 0
        var lwork: Int32 = -1
        var wq = 0.0
        var iwq: Int32 = 0
        dgelsd_(&mm, &nn, &nrhs, &ac, &lda, &bb, &ldb, &s, &rc, &rank, &wq, &lwork, &iwq, &info)
        try check(info, "dgelsd")
        // Integer workspace: LAPACK ≥ 3.2 reports it in iwork[0]; guard with the documented formula.
        let smlsiz = 25.0
        let nlvl = max(0, Int((log(Double(minmn) / (smlsiz + 1)) / log(2.0)).rounded(.down)) + 1)
        let liwork = max(Int(iwq), 3 * minmn * nlvl + 11 * minmn, 1)
        lwork = Int32(max(1, wq.rounded(.up)))
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: liwork)
        dgelsd_(&mm, &nn, &nrhs, &ac, &lda, &bb, &ldb, &s, &rc, &rank, &work, &lwork, &iwork, &info)
        try check(info, "dgelsd")
        return (Array(bb[0..<n]), Int(rank), s)
    }

    // MARK: Eigen

    /// Eigen-decomposition of symmetric `A` (dsyev, lower triangle used): eigenvalues ascending and the
    /// orthonormal eigenvectors as the columns of `vectors` (column `k` pairs with `values[k]`).
    public static func symmetricEigen(_ a: Matrix) throws -> (values: [Double], vectors: Matrix) {
        try checkSquare(a, "dsyev")
        try checkFinite(a, "dsyev")
        var v = a
        if a.rows == 0 { return ([], v) }
        var n = Int32(a.rows), lda = Int32(a.rows), info: Int32 = 0
        var w = [Double](repeating: 0, count: a.rows)
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
        var lwork: Int32 = -1
        var wq = 0.0
        dsyev_(&jobz, &uplo, &n, &v.data, &lda, &w, &wq, &lwork, &info)
        try check(info, "dsyev")
        lwork = Int32(max(Double(max(1, 3 * a.rows - 1)), wq.rounded(.up)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dsyev_(&jobz, &uplo, &n, &v.data, &lda, &w, &work, &lwork, &info)
        try check(info, "dsyev")
        return (w, v)
    }

    // MARK: Checks

    static func checkSquare(_ a: Matrix, _ routine: String) throws {
        if a.rows != a.cols {
            throw LinearAlgebraError(routine: routine, info: 0, message: "matrix is \(a.rows)×\(a.cols), expected square")
        }
    }

    static func checkFinite(_ a: Matrix, _ routine: String) throws {
        for v in a.data where !v.isFinite {
            throw LinearAlgebraError(routine: routine, info: 0, message: "matrix contains NaN or infinity")
        }
    }

    static func check(_ info: Int32, _ routine: String) throws {
        if info == 0 { return }
        let k = Int(info)
        if k < 0 {
            throw LinearAlgebraError(routine: routine, info: k, message: "argument \(-k) had an illegal value")
        }
        let message: String
        switch routine {
        case "dpotrf", "dposv":
            message = "matrix is not positive definite (leading minor \(k))"
        case "dpotri":
            message = "matrix is singular (L(\(k),\(k)) is zero)"
        case "dgesv", "dgetrf", "dgetri":
            message = "matrix is singular (U(\(k),\(k)) is exactly zero)"
        case "dsyev":
            message = "eigenvalue algorithm failed to converge (\(k) off-diagonal elements did not converge to zero)"
        case "dgelsd":
            message = "SVD failed to converge (\(k) off-diagonal elements did not converge to zero)"
        default:
            message = "failed with info = \(k)"
        }
        throw LinearAlgebraError(routine: routine, info: k, message: message)
    }
}
