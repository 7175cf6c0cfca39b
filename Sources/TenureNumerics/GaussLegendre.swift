import Foundation

/// Gauss–Legendre quadrature: `∫₋₁¹ f ≈ Σ wᵢ f(xᵢ)`, exact for polynomials of degree < 2n.
///
/// Nodes are the roots of the Legendre polynomial Pₙ, found by Newton's method from
/// `cos(π(i + 3/4)/(n + 1/2))` with Pₙ and Pₙ' from the three-term recurrence; weights
/// `2 / ((1 − xᵢ²) Pₙ'(xᵢ)²)`. Nodes and weights are accurate to a few ulps (the tests integrate
/// monomials up to degree 2n − 1 and `eˣ` to 1e-15 relative). Ascending order.
public struct GaussLegendre: Sendable {
    public let nodes: [Double]
    public let weights: [Double]

    public init(points n: Int) {
        precondition(n >= 1, "Gauss–Legendre needs at least one point")
        var x = [Double](repeating: 0, count: n), w = x
        for i in 0 ..< n {
            var z = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var dp = 1.0
            for _ in 0 ..< 100 {
                var p0 = 1.0, p1 = z
                for j in 1 ..< n {
                    let p2 = (Double(2 * j + 1) * z * p1 - Double(j) * p0) / Double(j + 1)
                    p0 = p1; p1 = p2
                }
                // p1 = Pₙ(z), p0 = Pₙ₋₁(z)
                dp = Double(n) * (z * p1 - p0) / (z * z - 1)
                let step = p1 / dp
                z -= step
                if abs(step) <= 1e-16 * max(abs(z), 1e-3) { break }
            }
            x[n - 1 - i] = z
            w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp)
        }
        nodes = x
        weights = w
    }

    /// The 16-point rule.
    public static let sixteen = GaussLegendre(points: 16)
}
