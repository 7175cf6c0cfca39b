import Foundation
import Testing
import TenureNumerics

/// Gauss–Legendre rules: exact for polynomials below degree 2n, and e^x to the last digits.
@Suite struct GaussLegendreRules {
    @Test func integratesPolynomialsExactly() {
        for n in [1, 2, 5, 16, 40] {
            let g = GaussLegendre(points: n)
            #expect(g.nodes.count == n && zip(g.nodes, g.nodes.dropFirst()).allSatisfy { $0 < $1 })
            #expect(abs(g.weights.reduce(0, +) - 2) < 1e-14)
            for d in 0 ..< 2 * n {
                let sum = zip(g.nodes, g.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(d)) }
                let exact = d % 2 == 1 ? 0 : 2 / Double(d + 1)
                #expect(abs(sum - exact) < 2e-15, "n \(n), x^\(d): \(sum) vs \(exact)")
            }
        }
        // one degree more is not exact: x^(2n) with n = 5
        let g = GaussLegendre(points: 5)
        let sum = zip(g.nodes, g.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, 10) }
        #expect(abs(sum - 2 / 11.0) > 1e-6)
    }

    @Test func integratesTheExponential() {
        let g = GaussLegendre.sixteen
        let sum = zip(g.nodes, g.weights).reduce(0.0) { $0 + $1.1 * exp($1.0) }
        let exact = exp(1.0) - exp(-1.0)
        #expect(abs(sum - exact) / exact < 1e-15)
        // the known 2-point rule: ±1/√3, weights 1
        let two = GaussLegendre(points: 2)
        #expect(abs(two.nodes[1] - 1 / 3.0.squareRoot()) < 3e-16 && abs(two.weights[0] - 1) < 1e-15)
    }
}
