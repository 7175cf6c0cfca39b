/// A dense matrix of `Double`, stored **column-major** (element `(i, j)` lives at `data[i + j * rows]`),
/// the layout BLAS and LAPACK expect, so no copy or transpose is needed to call them.
///
/// Value semantics (copy on write through the underlying array). Indices are zero-based and checked
/// only by `precondition` in debug builds of the subscript.
public struct Matrix: Sendable, Equatable, Codable, CustomStringConvertible {
    public let rows: Int
    public let cols: Int
    /// Column-major storage, `rows * cols` elements.
    public var data: [Double]

    /// A `rows × cols` matrix with every element equal to `repeating`.
    public init(rows: Int, cols: Int, repeating: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative dimension")
        self.rows = rows
        self.cols = cols
        self.data = [Double](repeating: repeating, count: rows * cols)
    }

    /// A `rows × cols` matrix over column-major `data` (`data.count == rows * cols`).
    public init(rows: Int, cols: Int, data: [Double]) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative dimension")
        precondition(data.count == rows * cols, "Matrix: data.count \(data.count) != \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// A matrix from its rows, e.g. `Matrix(rowMajor: [[1, 2], [3, 4]])`. All rows must have equal length.
    public init(rowMajor: [[Double]]) {
        let r = rowMajor.count
        let c = rowMajor.first?.count ?? 0
        var d = [Double](repeating: 0, count: r * c)
        for i in 0..<r {
            precondition(rowMajor[i].count == c, "Matrix(rowMajor:): ragged rows")
            for j in 0..<c { d[i + j * r] = rowMajor[i][j] }
        }
        self.rows = r
        self.cols = c
        self.data = d
    }

    /// A matrix whose columns are the given vectors (all of equal length).
    public init(columns: [[Double]]) {
        let c = columns.count
        let r = columns.first?.count ?? 0
        var d = [Double]()
        d.reserveCapacity(r * c)
        for col in columns {
            precondition(col.count == r, "Matrix(columns:): ragged columns")
            d.append(contentsOf: col)
        }
        self.rows = r
        self.cols = c
        self.data = d
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.data[i + i * n] = 1 }
        return m
    }

    /// A square matrix with `d` on the diagonal and zeros elsewhere.
    public static func diagonal(_ d: [Double]) -> Matrix {
        let n = d.count
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.data[i + i * n] = d[i] }
        return m
    }

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get {
            assert(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix index (\(i), \(j)) out of range \(rows)×\(cols)")
            return data[i + j * rows]
        }
        set {
            assert(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix index (\(i), \(j)) out of range \(rows)×\(cols)")
            data[i + j * rows] = newValue
        }
    }

    public var isSquare: Bool { rows == cols }

    /// The transpose (a copy).
    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        data.withUnsafeBufferPointer { src in
            t.data.withUnsafeMutableBufferPointer { dst in
                for j in 0..<cols {
                    for i in 0..<rows { dst[j + i * cols] = src[i + j * rows] }
                }
            }
        }
        return t
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        precondition(j >= 0 && j < cols, "Matrix.column(\(j)) out of range")
        return Array(data[(j * rows)..<((j + 1) * rows)])
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] {
        precondition(i >= 0 && i < rows, "Matrix.row(\(i)) out of range")
        return (0..<cols).map { data[i + $0 * rows] }
    }

    /// The main diagonal (length `min(rows, cols)`).
    public var diagonal: [Double] {
        (0..<Swift.min(rows, cols)).map { data[$0 + $0 * rows] }
    }

    /// Rows as nested arrays (handy for JSON output and tests).
    public var rowMajor: [[Double]] { (0..<rows).map { row($0) } }

    /// Sum of the diagonal.
    public var trace: Double { diagonal.reduce(0, +) }

    /// Largest absolute element (0 for an empty matrix).
    public var maxAbs: Double { data.reduce(0) { Swift.max($0, Swift.abs($1)) } }

    /// `(A + Aᵀ) / 2`, for cleaning up a numerically almost-symmetric matrix.
    public var symmetrized: Matrix {
        precondition(isSquare, "symmetrized: matrix is not square")
        var s = self
        for j in 0..<cols {
            for i in 0..<j {
                let v = 0.5 * (data[i + j * rows] + data[j + i * rows])
                s.data[i + j * rows] = v
                s.data[j + i * rows] = v
            }
        }
        return s
    }

    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix +: shape mismatch")
        var c = a
        for k in 0..<c.data.count { c.data[k] += b.data[k] }
        return c
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix -: shape mismatch")
        var c = a
        for k in 0..<c.data.count { c.data[k] -= b.data[k] }
        return c
    }

    public static func * (s: Double, a: Matrix) -> Matrix {
        var c = a
        for k in 0..<c.data.count { c.data[k] *= s }
        return c
    }

    public var description: String {
        rowMajor.map { $0.map { String($0) }.joined(separator: "\t") }.joined(separator: "\n")
    }
}
