// TEMPORARY: digamma / trigamma / logBeta until TenureNumerics.Special provides them. Delete then.
import Foundation

enum PendingSpecial {
    static func digamma(_ x: Double) -> Double {
        var x = x, r = 0.0
        while x < 6 { r -= 1 / x; x += 1 }
        let f = 1 / (x * x)
        return r + log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
    }
    static func trigamma(_ x: Double) -> Double {
        var x = x, r = 0.0
        while x < 6 { r += 1 / (x * x); x += 1 }
        let f = 1 / (x * x)
        return r + 1 / x + f / 2 + (1 / (x * x * x)) * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)))
    }
}
extension PendingSpecial {
    static func logGamma(_ x: Double) -> Double { lgamma(x) }
    static func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }
}
