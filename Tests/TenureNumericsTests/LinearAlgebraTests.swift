import Foundation
import Testing
@testable import TenureNumerics

private func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool { abs(a - b) <= tol * max(1, abs(b)) }
private func close(_ a: [Double], _ b: [Double], _ tol: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tol) }
}
private func close(_ a: Matrix, _ b: Matrix, _ tol: Double = 1e-12) -> Bool {
    a.rows == b.rows && a.cols == b.cols && close(a.data, b.data, tol)
}

@Suite("Matrix and BLAS")
struct MatrixBLASTests {
    @Test func layoutIsColumnMajor() {
        let m = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.cols == 3)
        #expect(m.data == [1, 4, 2, 5, 3, 6])
        #expect(m[1, 2] == 6)
        #expect(m.column(1) == [2, 5])
        #expect(m.row(0) == [1, 2, 3])
        #expect(m.transposed == Matrix(rowMajor: [[1, 4], [2, 5], [3, 6]]))
        #expect(Matrix.identity(3).diagonal == [1, 1, 1])
        #expect(Matrix(columns: [[1, 4], [2, 5], [3, 6]]) == m)
        var z = Matrix(rows: 2, cols: 2)
        z[0, 1] = 7
        #expect(z.data == [0, 0, 7, 0])
    }

    @Test func gemmByHand() {
        let a = Matrix(rowMajor: [[1, 2], [3, 4]])
        let b = Matrix(rowMajor: [[5, 6], [7, 8]])
        #expect(a * b == Matrix(rowMajor: [[19, 22], [43, 50]]))
        #expect(a.multiply(b, transA: true) == Matrix(rowMajor: [[26, 30], [38, 44]]))
        #expect(a.multiply(b, transB: true) == Matrix(rowMajor: [[17, 23], [39, 53]]))
        #expect(a.multiply(b, transA: true, transB: true, alpha: 2) == 2 * Matrix(rowMajor: [[23, 31], [34, 46]]))
        let r = Matrix(rowMajor: [[1, 2, 3]]) * Matrix(rowMajor: [[1], [1], [1]])
        #expect(r == Matrix(rowMajor: [[6]]))
    }

    @Test func gemvAndGram() {
        let a = Matrix(rowMajor: [[1, 2], [3, 4], [5, 6]])
        #expect(a.times([1, -1]) == [-1, -1, -1])
        #expect(a.times([1, 0, 1], transposed: true) == [6, 8])
        #expect(a.gram() == Matrix(rowMajor: [[35, 44], [44, 56]]))
        #expect(a.gram() == a.multiply(a, transA: true))
        #expect(close(a.weightedGram([1, 0, 2]), Matrix(rowMajor: [[51, 62], [62, 76]])))
    }

    @Test func largerGemmMatchesNaive() {
        var rng = RNG(seed: 7)
        let a = Matrix(rows: 37, cols: 23, data: (0..<(37 * 23)).map { _ in rng.normal() })
        let b = Matrix(rows: 23, cols: 11, data: (0..<(23 * 11)).map { _ in rng.normal() })
        let c = a * b
        for i in 0..<37 {
            for j in 0..<11 {
                var s = 0.0
                for k in 0..<23 { s += a[i, k] * b[k, j] }
                #expect(abs(c[i, j] - s) < 1e-12)
            }
        }
    }
}

@Suite("LAPACK wrappers")
struct LAPACKTests {
    let spd = Matrix(rowMajor: [[4, 2], [2, 3]])

    @Test func choleskyByHand() throws {
        #expect(close(try LinearAlgebra.choleskySolve(spd, [2, 1]), [0.5, 0]))
        let l = try LinearAlgebra.cholesky(spd)
        #expect(close(l, Matrix(rowMajor: [[2, 0], [1, Double(2).squareRoot()]])))
        #expect(close(try LinearAlgebra.inverseSPD(spd), Matrix(rowMajor: [[0.375, -0.25], [-0.25, 0.5]])))
        #expect(close(try LinearAlgebra.logDeterminantSPD(spd), log(8.0)))
        let x = try LinearAlgebra.choleskySolve(spd, Matrix(rowMajor: [[2, 4], [1, 3]]))
        #expect(close(x, Matrix(rowMajor: [[0.5, 0.75], [0, 0.5]])))
    }

    @Test func notPositiveDefiniteThrowsWithMinor() {
        let a = Matrix(rowMajor: [[1, 0, 0], [0, 2, 0], [0, 0, -1]])
        do {
            _ = try LinearAlgebra.cholesky(a)
            Issue.record("expected an error")
        } catch let e as LinearAlgebraError {
            #expect(e.routine == "dpotrf")
            #expect(e.info == 3)
            #expect(e.message == "matrix is not positive definite (leading minor 3)")
            #expect(e.description == "dpotrf: matrix is not positive definite (leading minor 3)")
        } catch { Issue.record("wrong error \(error)") }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.choleskySolve(Matrix(rowMajor: [[1, 2], [2, 1]]), [1, 1]) }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.inverseSPD(Matrix(rowMajor: [[1, 2], [2, 1]])) }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.cholesky(Matrix(rowMajor: [[1, .nan], [.nan, 1]])) }
    }

    @Test func luByHand() throws {
        let a = Matrix(rowMajor: [[1, 2], [3, 4]])
        #expect(close(try LinearAlgebra.solve(a, [5, 6]), [-4, 4.5]))
        #expect(close(try LinearAlgebra.inverse(a), Matrix(rowMajor: [[-2, 1], [1.5, -0.5]])))
        let p = Matrix(rowMajor: [[0, 1, 0], [0, 0, 1], [1, 0, 0]])  // needs pivoting
        #expect(close(try LinearAlgebra.solve(p, [1, 2, 3]), [3, 1, 2]))
        do {
            _ = try LinearAlgebra.solve(Matrix(rowMajor: [[1, 2], [2, 4]]), [1, 1])
            Issue.record("expected singular")
        } catch let e as LinearAlgebraError {
            #expect(e.routine == "dgesv" && e.info == 2)
            #expect(e.message.contains("singular"))
        } catch { Issue.record("wrong error") }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.inverse(Matrix(rowMajor: [[0, 0], [0, 0]])) }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.solve(Matrix(rows: 2, cols: 3), [1, 1]) }
    }

    @Test func leastSquaresByHand() throws {
        // y = 0.9 + 0.9 x is the least-squares line through (0,1), (1,2), (2,2), (3,4).
        let x = Matrix(rowMajor: [[1, 0], [1, 1], [1, 2], [1, 3]])
        let r = try LinearAlgebra.leastSquares(x, [1, 2, 2, 4])
        #expect(close(r.solution, [0.9, 0.9], 1e-12))
        #expect(r.rank == 2)
        // Rank-deficient: duplicate column → minimum-norm solution splits the coefficient.
        let d = Matrix(rowMajor: [[1, 1], [2, 2], [3, 3]])
        let rd = try LinearAlgebra.leastSquares(d, [1, 2, 3])
        #expect(rd.rank == 1)
        #expect(close(rd.solution, [0.5, 0.5], 1e-12))
        // Underdetermined: x1 + x2 = 2 → minimum norm (1, 1).
        let u = try LinearAlgebra.leastSquares(Matrix(rowMajor: [[1, 1]]), [2])
        #expect(close(u.solution, [1, 1], 1e-12))
        #expect(close(u.singularValues, [Double(2).squareRoot()]))
    }

    @Test func leastSquaresLarger() throws {
        var rng = RNG(seed: 11)
        let n = 500, p = 6
        let x = Matrix(rows: n, cols: p, data: (0..<(n * p)).map { _ in rng.normal() })
        let beta = [1.0, -2, 0.5, 3, 0, 0.25]
        let y = x.times(beta).map { $0 + 0.01 * rng.normal() }
        let ls = try LinearAlgebra.leastSquares(x, y).solution
        let normal = try LinearAlgebra.choleskySolve(x.gram(), x.times(y, transposed: true))
        #expect(close(ls, normal, 1e-9))
        #expect(close(ls, beta, 5e-3))
    }

    @Test func symmetricEigenByHand() throws {
        let (w, v) = try LinearAlgebra.symmetricEigen(Matrix(rowMajor: [[2, 1], [1, 2]]))
        #expect(close(w, [1, 3]))
        let s = 1 / Double(2).squareRoot()
        #expect(close(abs(v[0, 0]), s) && close(v[0, 0], -v[1, 0]))
        #expect(close(abs(v[0, 1]), s) && close(v[0, 1], v[1, 1]))
        // Reconstruction V diag(w) Vᵀ = A on a random symmetric matrix.
        var rng = RNG(seed: 3)
        let b = Matrix(rows: 6, cols: 6, data: (0..<36).map { _ in rng.normal() })
        let a = (b + b.transposed)
        let e = try LinearAlgebra.symmetricEigen(a)
        #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 <= $1 })
        let rec = e.vectors * Matrix.diagonal(e.values) * e.vectors.transposed
        #expect(close(rec, a, 1e-12))
    }
}
