import Foundation
import Testing
@testable import TenureReport

@Suite struct ReportWriterTests {
    func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-report-\(UUID().uuidString)").path
        return d
    }

    @Test func writesEveryFormat() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ReportWriter.write(Sample.document(), to: dir)
        let fm = FileManager.default
        for f in ["report.html", "report.md", "results.json", "report.ipynb", "tables/segment_summary.csv", "tables/long_table.csv",
                  "charts/cohort_heatmap.svg", "charts/km_segment.svg"] {
            #expect(fm.fileExists(atPath: dir + "/" + f), "missing \(f)")
        }
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Content-Security-Policy"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        #expect(!html.contains("https://"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("Showing 20 of 80 rows"))
        let md = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        #expect(!md.contains("<script"))
        #expect(md.contains("![Kaplan–Meier survival by segment](charts/km_segment.svg)"))
        let svg = try String(contentsOfFile: dir + "/charts/km_segment.svg", encoding: .utf8)
        #expect(xmlError(svg) == nil)
        let csv = try String(contentsOfFile: dir + "/tables/segment_summary.csv", encoding: .utf8)
        #expect(csv.hasPrefix("segment,customers,retention,mean_clv_usd\n<script>alert(1)</script>,1000,0.5,120.5\n"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/results.json"))) as? [String: Any]
        #expect(json?["schema_version"] as? Int == 1)
        #expect((json?["results"] as? [String: Any])?["sample"] != nil)
    }

    @Test func writesOnlyTheFormatsAskedForAndPrunesStaleFiles() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("old", to: dir + "/tables/gone.csv")
        try AtomicFile.write("keep me", to: dir + "/tables/notes.txt")
        let written = try ReportWriter.write(Sample.document(), to: dir, formats: [.csv, .json])
        let fm = FileManager.default
        #expect(!fm.fileExists(atPath: dir + "/report.html"))
        #expect(!fm.fileExists(atPath: dir + "/report.ipynb"))
        #expect(!fm.fileExists(atPath: dir + "/charts"))
        #expect(fm.fileExists(atPath: dir + "/results.json"))
        #expect(!fm.fileExists(atPath: dir + "/tables/gone.csv"))
        #expect(fm.fileExists(atPath: dir + "/tables/notes.txt"))
        #expect(written.count == 3)
    }

    /// Issue #20 row 14: the directory is replaced as a whole (no file of an earlier report left,
    /// other files carried over, no temporary directory left beside it).
    @Test func replacesTheWholeReportAndCarriesOtherFilesOver() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ReportWriter.write(Sample.document(), to: dir, formats: [.html, .md])
        try AtomicFile.write("file,line\n", to: dir + "/rejects.csv")
        try AtomicFile.write("mine", to: dir + "/notes/a.txt")
        try ReportWriter.write(Sample.document(), to: dir + "/", formats: [.json])
        let fm = FileManager.default
        #expect(try fm.contentsOfDirectory(atPath: dir).sorted() == ["notes", "rejects.csv", "results.json"])
        #expect(try String(contentsOfFile: dir + "/notes/a.txt", encoding: .utf8) == "mine")
        let parent = (dir as NSString).deletingLastPathComponent, name = (dir as NSString).lastPathComponent
        #expect(try fm.contentsOfDirectory(atPath: parent).filter { $0.hasPrefix("." + name) }.isEmpty)
    }

    /// Row 14: a write that fails (here: --out is a file) changes nothing and leaves nothing behind.
    @Test func failureChangesNothing() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("not a directory", to: dir)
        #expect(throws: OutputError.self) { try ReportWriter.write(Sample.document(), to: dir) }
        #expect(try String(contentsOfFile: dir, encoding: .utf8) == "not a directory")
        let parent = (dir as NSString).deletingLastPathComponent, name = (dir as NSString).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.hasPrefix("." + name) }.isEmpty)
    }

    @Test func duplicateIdsGetTheirOwnFiles() throws {
        var doc = Sample.document()
        doc.sections.append(ReportSection(id: "again", title: "Again", blocks: [.table(Sample.table(), .standard)]))
        let u = doc.uniqued()
        #expect(u.allTables.map(\.id).contains("segment_summary_2"))
    }

    @Test func formatListParses() throws {
        #expect(try ReportFormat.parseList("html, md,ipynb") == [.html, .md, .ipynb])
        #expect(throws: ReportWriter.Error.self) { try ReportFormat.parseList("html,pdf") }
    }
}
