import Foundation
import Testing
@testable import TenureNumerics

/// `Special.logHyp2f1Gradient`: values against mpmath (the hyp2f1 fixture rows in its domain) and
/// derivatives against central differences of the value.
@Suite struct Hyp2f1Gradient {
    @Test func valuesMatchMpmath() throws {
        let rows: [[JNum]] = try Fixtures.load("hyp2f1.json")
        var n = 0
        for r in rows {
            let v = r.map { $0.v }
            guard v[0] > 0, v[1] > 0, v[2] > 0, v[3] >= 0, v[3] <= 0.999, v[4].isFinite, v[4] > 0 else { continue }
            guard let g = Special.logHyp2f1Gradient(v[0], v[1], v[2], v[3]) else { Issue.record("nil at \(v)"); continue }
            #expect(abs(g.value - log(v[4])) < 1e-12 * max(1, abs(log(v[4]))), "\(v): \(exp(g.value)) vs \(v[4])")
            n += 1
        }
        #expect(n > 20)
    }

    @Test func derivativesMatchDifferences() throws {
        for (a, b, c, z) in [(1.5, 1.0, 3.2, 0.4), (0.6, 11.2, 11.8, 0.93), (97.0, 1.0, 98.5, 0.996), (2.0, 0.8, 4.5, 0.01)] {
            let g = try #require(Special.logHyp2f1Gradient(a, b, c, z))
            func f(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double { Special.logHyp2f1Gradient(a, b, c, z)!.value }
            let h = 1e-6
            let da = (f(a + h, b, c, z) - f(a - h, b, c, z)) / (2 * h)
            let db = (f(a, b + h, c, z) - f(a, b - h, c, z)) / (2 * h)
            let dc = (f(a, b, c + h, z) - f(a, b, c - h, z)) / (2 * h)
            let hz = 1e-7 * z
            let dz = (f(a, b, c, z + hz) - f(a, b, c, z - hz)) / (2 * hz)
            for (x, y) in [(g.da, da), (g.db, db), (g.dc, dc), (g.dz, dz)] { #expect(abs(x - y) < 1e-6 * max(1, abs(y)), "\(a),\(b),\(c),\(z): \(x) vs \(y)") }
        }
        #expect(Special.logHyp2f1Gradient(1, 1, 2, 1) == nil)
        #expect(Special.logHyp2f1Gradient(1, 1, 2, 0.999999, maxTerms: 1000) == nil)
    }
}
