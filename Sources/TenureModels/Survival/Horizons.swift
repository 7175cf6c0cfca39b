import Foundation

/// Kaplan–Meier read at chosen times, as R `summary(fit, times = t)` reports it.
///
/// Contract: `survival`, `lower`, `upper` are the step-function values at t (the last distinct time
/// ≤ t; 1 before the first); `atRisk` counts subjects whose time is ≥ t; `events`/`censored` are
/// cumulative counts up to and including t. A time after the last observed time is outside follow-up:
/// its estimates are NaN (shown as "beyond follow-up"). Limits follow `KaplanMeierCurve`'s
/// no-interval convention (NaN at S = 0, and at S = 1 for log-log).
public struct HorizonPoint: Sendable, Codable, Equatable {
    public var time: Double
    public var survival: Double
    public var lower: Double
    public var upper: Double
    public var atRisk: Int
    public var events: Int
    public var censored: Int
    enum CodingKeys: String, CodingKey {
        case time, survival, lower, upper, events, censored
        case atRisk = "at_risk"
    }
}

public enum Horizons {
    public static func evaluate(_ c: KaplanMeierCurve, at times: [Double]) -> [HorizonPoint] {
        var cumE = [Int](repeating: 0, count: c.time.count), cumC = cumE
        var e = 0, s = 0
        for i in c.time.indices { e += c.events[i]; s += c.censored[i]; cumE[i] = e; cumC[i] = s }
        let last = c.time.last ?? 0
        return times.map { t in
            let risk = c.atRisk(at: t)
            guard t <= last else {
                return HorizonPoint(time: t, survival: .nan, lower: .nan, upper: .nan, atRisk: 0, events: e, censored: s)
            }
            guard let i = c.index(at: t) else {
                // before the first time S = 1: no log-log interval (R gives NA), [1, 1] otherwise
                let b: Double = c.confidenceType == .logLog ? .nan : 1
                return HorizonPoint(time: t, survival: 1, lower: b, upper: b, atRisk: risk, events: 0, censored: 0)
            }
            return HorizonPoint(time: t, survival: c.survival[i], lower: c.lower[i], upper: c.upper[i],
                                atRisk: risk, events: cumE[i], censored: cumC[i])
        }
    }

    /// Round times from 0 up to `last` — a step of 1, 2 or 5 × 10^k chosen so that there are at most
    /// `maxPoints` of them — for the at-risk table under a KM plot (in whatever unit `last` is given).
    public static func niceGrid(upTo last: Double, maxPoints: Int = 7) -> [Double] {
        guard last > 0, last.isFinite, maxPoints > 1 else { return [0] }
        let raw = last / Double(maxPoints - 1)
        let mag = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        let k = Int((last / step + 1e-9).rounded(.down))
        return (0...k).map { Double($0) * step }
    }

    /// `count` evenly spaced times from 0 to the last observed time.
    public static func grid(upTo last: Double, count: Int = 6) -> [Double] {
        guard last > 0, count > 1 else { return [0] }
        return (0..<count).map { last * Double($0) / Double(count - 1) }
    }
}
