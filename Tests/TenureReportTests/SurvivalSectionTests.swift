import Testing
import TenureData
import TenureSynth
@testable import TenureReport

/// The report's survival section states what it shows: curves that cannot be grouped by the
/// requested column are shown for all customers, with a warning naming the column and the reason.
@Suite struct SurvivalSectionTests {
    static let dataset: Result<Dataset, Error> = Result { try Synth.generate(config: SynthConfig(customers: 400, seed: 3)).dataset() }

    @Test func ungroupedFallbackIsStated() throws {
        let ds = try Self.dataset.get()
        let (section, result) = SurvivalSection.make(ds, ReportOptions(), by: "no_such_column")
        #expect(section.unavailable == nil)
        #expect(result != nil)
        let warnings = section.blocks.compactMap { b -> String? in if case .warning(let w) = b { return w } else { return nil } }
        #expect(warnings.first?.hasPrefix("Not grouped by no_such_column: ") == true)
        #expect(warnings.first?.hasSuffix("The curves below are for all customers.") == true)
    }

    @Test func groupedSectionHasNoFallbackWarning() throws {
        let ds = try Self.dataset.get()
        let (section, _) = SurvivalSection.make(ds, ReportOptions(), by: "segment")
        let warnings = section.blocks.compactMap { b -> String? in if case .warning(let w) = b { return w } else { return nil } }
        #expect(!warnings.contains { $0.hasPrefix("Not grouped by") })
    }
}
