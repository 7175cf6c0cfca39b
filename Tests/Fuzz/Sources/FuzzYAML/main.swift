import FuzzSupport
import TenureData
import TenureKPIs
import TenureROI

/// One libFuzzer input: the text of a YAML file, given in turn to the three readers of
/// YAML files (`--schema`, `--targets`, `--scenarios`). A reader may refuse the text, but only with
/// a `DataError` (file, line, what was expected): any other error, a trap or a hang is a finding.
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
    return 0
}

runFuzzer { data, size in fuzzYAML(data, size) }
