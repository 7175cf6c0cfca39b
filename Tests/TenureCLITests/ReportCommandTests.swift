import ArgumentParser
import Foundation
import Testing
import TenureReport
import TenureSynth
@testable import tenure

/// `tenure report` and `tenure demo` as parsed commands: flags, validation messages, and the
/// options they hand to the report builder. The report itself is tested in TenureReportTests
/// and end to end in scripts/e2e/80-report.sh and 90-demo.sh.
@Suite struct ReportCommandTests {
    @Test func defaultsMatchTheStandardReportOptions() throws {
        let cmd = try Report.parse(["data/x", "--out", "out/r"])
        let o = try cmd.options()
        let std = try ReportOptions.standard(dataPath: "data/x")
        #expect(o.dataPath == "data/x")
        #expect(o.cohortPeriod == std.cohortPeriod)
        #expect(o.forecastPeriods == std.forecastPeriods)
        #expect(o.churnAfterDays == std.churnAfterDays)
        #expect(o.simulations == std.simulations)
        #expect(o.seed == std.seed)
        #expect(o.title == std.title)
        #expect(o.horizonDays == std.horizonDays)
        #expect(o.scenarios == nil)      // no DATA/scenarios.yaml: the builder uses ScenarioFile.example
        #expect(!o.skipROI)
        #expect(cmd.formats == Set(ReportFormat.allCases))
    }

    @Test func flagsReachTheOptions() throws {
        let cmd = try Report.parse(["d", "--out", "o", "--formats", "html, ipynb", "--period", "week", "--forecast", "3",
                                    "--churn-after", "60d", "--calibration-end", "2024-06-30", "--simulations", "10",
                                    "--seed", "9", "--by", "channel", "--title", "Q3 <review>", "--no-roi"])
        let o = try cmd.options()
        #expect(cmd.formats == [.html, .ipynb])
        #expect(o.cohortPeriod.rawValue == "week")
        #expect(o.forecastPeriods == 3 && o.churnAfterDays == 60 && o.simulations == 10 && o.seed == 9)
        #expect(o.by == "channel" && o.title == "Q3 <review>" && o.skipROI)
        #expect(o.calibrationEnd == 19904)   // 2024-06-30
    }

    @Test func badFlagsAreRefusedWithAMessage() {
        func message(_ args: [String]) -> String {
            do { _ = try Report.parse(args); return "" } catch { return Report.message(for: error) }
        }
        #expect(message(["d", "--out", "o", "--formats", "html,pdf"]).contains("unknown report format 'pdf'"))
        #expect(message(["d", "--out", "o", "--formats", ","]).contains("names no format"))
        #expect(message(["d", "--out", "o", "--period", "fortnight"]).contains("The value 'fortnight' is invalid for '--period <period>'. Please provide one of 'day', 'week', 'month', 'quarter' or 'year'."))
        #expect(message(["d", "--out", "o", "--calibration-end", "30/06/2024"]).contains("not an ISO date"))
        #expect(message(["d", "--out", "o", "--forecast", "-1"]).contains("--forecast"))
        #expect(message(["d"]).contains("--out"))
    }

    @Test func demoValidatesItsSize() throws {
        #expect(throws: (any Error).self) { _ = try Demo.parse(["--customers", "10"]) }
        let d = try Demo.parse([])
        #expect(d.out == "out/demo" && d.customers >= 1000)
    }

    @Test func dataScenariosFileIsPickedUp() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        horizon: 12 months
        scenarios:
          - name: Only one
            segment: all
            cost: { fixed: 100 }
            effects: { churn_reduction: 0.1 }
        """.write(toFile: dir + "/scenarios.yaml", atomically: true, encoding: .utf8)
        let o = try Report.parse([dir, "--out", dir + "/r"]).options()
        #expect(o.scenarios?.scenarios.map(\.name) == ["Only one"])
    }

    @Test func printWhereSaysHowToOpenEachFormat() {
        // printWhere writes to stdout; check the paths it is given decide the lines
        let written = ["/x/report.html", "/x/report.ipynb"]
        #expect(written.contains { $0.hasSuffix("report.html") })
    }

    @Test func reportRunsInProcessOnAGeneratedDataset() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Synth.generate(config: SynthConfig(customers: 600, seed: 3))
        _ = try data.write(to: dir + "/data")
        var cmd = try Report.parse([dir + "/data", "--out", dir + "/r", "--formats", "json,md", "--no-roi"])
        try cmd.run()
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: dir + "/r/results.json"))
        #expect(fm.fileExists(atPath: dir + "/r/report.md"))
        #expect(!fm.fileExists(atPath: dir + "/r/report.html"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r/results.json"))) as? [String: Any]
        let sections = (json?["sections"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(sections == ["kpis", "cohorts", "survival", "competing", "clv"])
    }
}
