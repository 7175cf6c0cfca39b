import Foundation
import Testing
@testable import TenureReport

@Suite struct NotebookTests {
    func parsed(_ nb: Notebook) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(nb.serialized().utf8)) as? [String: Any])
    }

    @Test func isNbformat45WithKernelspecAndUniqueIds() throws {
        let j = try parsed(NotebookBuilder.build(Sample.document()))
        #expect(j["nbformat"] as? Int == 4)
        #expect(j["nbformat_minor"] as? Int == 5)
        let meta = try #require(j["metadata"] as? [String: Any])
        let ks = try #require(meta["kernelspec"] as? [String: Any])
        #expect(ks["name"] as? String == "python3")
        let cells = try #require(j["cells"] as? [[String: Any]])
        let ids = cells.compactMap { $0["id"] as? String }
        #expect(ids.count == cells.count)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.count <= 64 && !id.isEmpty)
            #expect(id.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" })
        }
    }

    @Test func parametersCellHoldsTheDataPathAsAPythonLiteral() throws {
        let j = try parsed(NotebookBuilder.build(Sample.document()))
        let cells = try #require(j["cells"] as? [[String: Any]])
        let code = cells.filter { $0["cell_type"] as? String == "code" }
        let first = try #require(code.first)
        let tags = (first["metadata"] as? [String: Any])?["tags"] as? [String]
        #expect(tags == ["parameters"])
        let src = (first["source"] as? [String] ?? []).joined()
        #expect(src.contains("data_path = \"data/\\\"quoted\\\"\\\\path\\n<script>alert(1)</script>\""))
        #expect(src.contains("tables_dir = \"tables\""))
    }

    @Test func tableCellsReloadTheCSVAndCarryRenderedOutputs() throws {
        let j = try parsed(NotebookBuilder.build(Sample.document()))
        let cells = try #require(j["cells"] as? [[String: Any]])
        let loads = cells.filter { (($0["source"] as? [String]) ?? []).joined().contains("= load(") }
        #expect(loads.count == 2)
        for c in loads {
            let out = try #require((c["outputs"] as? [[String: Any]])?.first)
            #expect(out["output_type"] as? String == "execute_result")
            let data = try #require(out["data"] as? [String: Any])
            let html = (data["text/html"] as? [String] ?? []).joined()
            #expect(html.contains("<table>"))
            #expect(!html.contains("<script>"))
            #expect(data["text/plain"] != nil)
            #expect(out["execution_count"] as? Int == c["execution_count"] as? Int)
        }
        let charts = cells.filter { (($0["source"] as? [String]) ?? []).joined().hasPrefix("chart(") }
        #expect(charts.count == 8)
        for c in charts {
            let out = try #require((c["outputs"] as? [[String: Any]])?.first)
            let svg = ((out["data"] as? [String: Any])?["image/svg+xml"] as? [String] ?? []).joined()
            #expect(svg.hasPrefix("<svg"))
            #expect(xmlError(svg) == nil)
        }
    }

    @Test func markdownCellsEscapeHostileLabels() throws {
        let nb = NotebookBuilder.build(Sample.document())
        for cell in nb.cells {
            if case .markdown(_, let src) = cell { #expect(!src.contains("<script>"), "raw label in markdown: \(src)") }
            if case .code(_, let src, _, _, let outputs) = cell {
                // code mentions data labels only inside Python literals; outputs escape them
                if src.contains("<script>") { #expect(src.contains("data_path = \"")) }
                for o in outputs {
                    if case .result(_, let data) = o { #expect(!(data["text/html"] ?? "").contains("<script>")) }
                    if case .display(let data) = o { #expect(!(data["image/svg+xml"] ?? "").contains("<script")) }
                }
            }
        }
    }

    @Test func sameDocumentSameBytes() {
        #expect(NotebookBuilder.build(Sample.document()).serialized() == NotebookBuilder.build(Sample.document()).serialized())
    }

    @Test func jsonIsWrittenLikeNbformat() {
        let v = JSONValue.object(["b": .array([.string("x\n"), .int(1)]), "a": .object([:]), "c": .array([]), "d": .string("é\"\\\u{1}")])
        #expect(v.serialized() == "{\n \"a\": {},\n \"b\": [\n  \"x\\n\",\n  1\n ],\n \"c\": [],\n \"d\": \"é\\\"\\\\\\u0001\"\n}\n")
        #expect(JSONValue.lines("a\nb\r\nc\rd") == .array([.string("a\n"), .string("b\r\n"), .string("c\r"), .string("d")]))
        #expect(JSONValue.lines("") == .array([]))
    }

    @Test func pythonNamesAreIdentifiers() {
        #expect(NotebookBuilder.pythonName("cohort_retention") == "cohort_retention")
        #expect(NotebookBuilder.pythonName("2024-cohorts") == "t_2024_cohorts")
        #expect(NotebookBuilder.pythonName("class") == "class_")
    }
}
