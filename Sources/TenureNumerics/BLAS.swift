import CLAPACK
#if canImport(Glibc)
import Glibc
#endif

// Level-2/3 BLAS through OpenBLAS's CBLAS. Every call is column-major; shapes are checked with
// `precondition` (a shape mismatch is a programming error, not a data error).

extension Matrix {
    /// Matrix product `a · b` (dgemm).
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        a.multiply(b)
    }

    /// `alpha · op(self) · op(b)` where `op` transposes when asked (dgemm).
    public func multiply(_ b: Matrix, transA: Bool = false, transB: Bool = false, alpha: Double = 1) -> Matrix {
        let m = transA ? cols : rows
        let k = transA ? rows : cols
        let kb = transB ? b.cols : b.rows
        let n = transB ? b.rows : b.cols
        precondition(k == kb, "Matrix.multiply: inner dimensions \(k) and \(kb) differ")
        var c = Matrix(rows: m, cols: n)
        if m == 0 || n == 0 { return c }
        if k == 0 { return c }
        data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasColMajor,
                                transA ? CblasTrans : CblasNoTrans,
                                transB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(Swift.max(1, rows)),
                                pb.baseAddress, Int32(Swift.max(1, b.rows)),
                                0, pc.baseAddress, Int32(Swift.max(1, m)))
                }
            }
        }
        return c
    }

    /// `op(self) · x` (dgemv); `transposed: true` computes `selfᵀ · x`.
    public func times(_ x: [Double], transposed: Bool = false) -> [Double] {
        let nIn = transposed ? rows : cols
        let nOut = transposed ? cols : rows
        precondition(x.count == nIn, "Matrix.times: vector length \(x.count), expected \(nIn)")
        var y = [Double](repeating: 0, count: nOut)
        if nOut == 0 || nIn == 0 { return y }
        data.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(CblasColMajor, transposed ? CblasTrans : CblasNoTrans,
                                Int32(rows), Int32(cols), 1.0,
                                pa.baseAddress, Int32(Swift.max(1, rows)),
                                px.baseAddress, 1, 0.0, py.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// The Gram matrix `AᵀA` (`cols × cols`) via dsyrk, returned as a full symmetric matrix.
    public func gram() -> Matrix {
        var c = Matrix(rows: cols, cols: cols)
        if cols == 0 || rows == 0 { return c }
        data.withUnsafeBufferPointer { pa in
            c.data.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans,
                            Int32(cols), Int32(rows), 1.0,
                            pa.baseAddress, Int32(Swift.max(1, rows)),
                            0.0, pc.baseAddress, Int32(cols))
            }
        }
        c.fillUpperFromLower()
        return c
    }

    /// `C += AᵀA` on the lower triangle of the column-major `cols × cols` buffer `c`, for the
    /// column-major `rows × cols` block `a` with leading dimension `ld` (one dsyrk, β = 1): Gram
    /// matrices of data too big to scale in one piece, a cache-sized block at a time.
    public static func addGram(_ a: UnsafePointer<Double>, rows: Int, cols: Int, ld: Int, into c: UnsafeMutablePointer<Double>) {
        guard rows > 0, cols > 0 else { return }
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, Int32(cols), Int32(rows), 1.0, a, Int32(ld), 1.0, c, Int32(cols))
    }

    /// The weighted Gram matrix `Aᵀ diag(w) A` (`cols × cols`), full symmetric. Weights must be ≥ 0
    /// (it scales rows by `√w` and calls dsyrk).
    public func weightedGram(_ w: [Double]) -> Matrix {
        precondition(w.count == rows, "weightedGram: \(w.count) weights for \(rows) rows")
        var scaled = self
        scaled.data.withUnsafeMutableBufferPointer { p in
            for j in 0..<cols {
                let base = j * rows
                for i in 0..<rows { p[base + i] *= w[i].squareRoot() }
            }
        }
        return scaled.gram()
    }

    /// Copy the lower triangle onto the upper one (LAPACK routines fill only one triangle).
    public mutating func fillUpperFromLower() {
        let n = rows
        data.withUnsafeMutableBufferPointer { p in
            for j in 0..<n {
                for i in (j + 1)..<Swift.max(j + 1, n) { p[j + i * n] = p[i + j * n] }
            }
        }
    }
}

/// Small dense-vector helpers shared by the optimisers and models (plain loops: the vectors are short).
public enum Vec {
    /// Dot product `Σ aᵢ bᵢ`.
    @inlinable
    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "Vec.dot: length mismatch")
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    /// Euclidean norm.
    @inlinable
    public static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    /// Max-abs norm.
    @inlinable
    public static func normInf(_ a: [Double]) -> Double {
        var m = 0.0
        for v in a { m = Swift.max(m, Swift.abs(v)) }
        return m
    }
}

/// OpenBLAS's own thread pool.
public enum BLASThreads {
    /// Caps the threads one BLAS/LAPACK call may use. tenure splits its own O(n) passes into fixed
    /// blocks on every core and calls BLAS on cache-sized pieces from those blocks, so OpenBLAS's
    /// pool only competes with them: after each threaded call its idle threads spin in
    /// `sched_yield` for a while, taking a core the next pass needs (a tenth of the CPU time of
    /// `tenure clv`). With one thread, results no longer depend on the core count either. The
    /// `tenure` executable sets 1 at start.
    public static func limit(to n: Int) {
        openblas_set_num_threads(Int32(max(n, 1)))
    }

    /// Stops the pool's threads, which start when the library loads and spin before they first
    /// sleep; with `limit(to: 1)` they are never used. Call it once, before any other thread calls
    /// BLAS (OpenBLAS's pthreads builds export this; with others nothing happens).
    public static func stopIdlePool() {
        if let stop = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") {
            _ = unsafeBitCast(stop, to: (@convention(c) () -> Int32).self)()
        }
    }
}
