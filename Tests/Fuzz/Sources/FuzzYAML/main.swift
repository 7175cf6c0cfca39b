import FuzzSupport
import TenureData
import TenureKPIs
import TenureROI

/// One libFuzzer input: the text of a YAML file, given in turn to the three readers of
/// YAML files (`--schema` — with its mapping descriptions and presets —, `--targets`, `--scenarios`).
/// A reader may refuse the text, but only with a `DataError` (file, line, what was expected): any
/// other error, a trap or a hang is a finding. The same text's lines also go through the value
/// readers of mapping rules (a date format applied to a value, numbers with either decimal mark,
/// an expression evaluated over numeric cells, a `where:` condition), which must never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: input(data, size), as: UTF8.self)
    func expectDataError(_ reader: String, _ body: () throws -> Void) {
        do { try body() } catch is DataError {} catch {
            fatalError("\(reader) threw \(type(of: error)) instead of a DataError: \(error)")
        }
    }
    expectDataError("SchemaFile") { _ = try SchemaFile.parse(text, file: "schema.yaml") }
    expectDataError("KPITargets") { _ = try KPITargets.parse(text, file: "targets.yaml") }
    expectDataError("ScenarioFile") { _ = try ScenarioFile.parse(text, file: "scenarios.yaml") }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let first = lines.first ?? "", second = lines.count > 1 ? lines[1] : ""
    _ = DateFormat(pattern: first).parse(second)
    _ = DateFormat.guess(first)
    _ = NumberFormat().parse(first)
    _ = NumberFormat(decimal: ",").parse(second)
    if case .success(let e) = Expression.parse(first) {
        _ = try? e.evaluate { name in NumberFormat().parse(name) }
    }
    if case .success(let f) = RowFilter.parse(first) { _ = f.keeps(second) }
    return 0
}

runFuzzer { data, size in fuzzYAML(data, size) }
