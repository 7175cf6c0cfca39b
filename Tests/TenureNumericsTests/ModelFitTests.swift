import Foundation
import Testing
@testable import TenureNumerics

/// `ModelFit`: the criteria from the log-likelihood, Wald intervals, and an encoding that leaves
/// out what a fitter does not report (so the results that hold `FittedParameter`s keep their JSON).
@Suite struct ModelFitTests {
    static let fit = ModelFit(model: "m", parameters: [.wald("a", 2, 0.5, z: 2), FittedParameter(name: "b", estimate: -1, standardError: 0.25)],
                              logLikelihood: -10, observations: 100, iterations: 7)

    @Test func criteria() {
        let aic: Double = 2 * 2 + 20, bic: Double = 2 * log(100.0) + 20
        #expect(Self.fit.aic == aic)
        #expect(Self.fit.bic == bic)
        var noLikelihood = Self.fit
        noLikelihood.logLikelihood = nil
        #expect(noLikelihood.aic == nil && noLikelihood.bic == nil)
        #expect(Self.fit.converged)
    }

    @Test func waldInterval() throws {
        let a = try #require(Self.fit["a"])
        #expect(a.lower == 1 && a.upper == 3)
        #expect(Self.fit["b"]?.lower == nil)
        #expect(Self.fit["c"] == nil)
    }

    @Test func encodingLeavesOutWhatIsNotReported() throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let withInterval = String(decoding: try e.encode(FittedParameter.wald("r", 1, 0.5, z: 2)), as: UTF8.self)
        #expect(withInterval == #"{"estimate":1,"lower":0,"name":"r","standard_error":0.5,"upper":2}"#)
        let coefficient = String(decoding: try e.encode(FittedParameter(name: "x", estimate: 1, standardError: 0.5, statistic: 2)), as: UTF8.self)
        #expect(coefficient == #"{"estimate":1,"name":"x","standard_error":0.5,"statistic":2}"#)
        let back = try JSONDecoder().decode(FittedParameter.self, from: Data(coefficient.utf8))
        #expect(back == FittedParameter(name: "x", estimate: 1, standardError: 0.5, statistic: 2))
    }
}
