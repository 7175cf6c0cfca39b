import Foundation
import Testing
@testable import TenureArrow

/// The pyarrow-written streams of Tests/Fixtures/arrow (scripts/fixtures/arrow.py) and what they hold.
enum Fixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/arrow")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: dir.appendingPathComponent(name)))
    }

    /// expected.json (empty when unreadable: the tests counting its entries then fail).
    static var expected: [String: Any] {
        guard let data = try? Data(contentsOf: dir.appendingPathComponent("expected.json")),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return json
    }

    static var streams: [String: [String: Any]] { expected["streams"] as? [String: [String: Any]] ?? [:] }
    static var rejects: [String: [String: Any]] { expected["rejects"] as? [String: [String: Any]] ?? [:] }

    /// Every fixture stream, readable or not.
    static var allNames: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter { $0.hasSuffix(".arrows") }.sorted() ?? []
    }

    static func read(_ name: String, requireEndMarker: Bool = false) throws -> ArrowTable {
        try ArrowStream.read(try bytes(name), requireEndMarker: requireEndMarker)
    }

    /// The error reading `bytes` throws (recording an issue when it reads them).
    static func error(_ bytes: [UInt8], requireEndMarker: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) -> ArrowError? {
        do {
            let t = try ArrowStream.read(bytes, requireEndMarker: requireEndMarker)
            Issue.record("read \(t.rowCount) rows without error", sourceLocation: sourceLocation)
            return nil
        } catch let e as ArrowError {
            return e
        } catch {
            Issue.record("threw \(type(of: error)), not an ArrowError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}

/// Checking a table against an entry of expected.json.
enum Expect {
    static func optional<T>(_ values: [Any], _ convert: (Any) -> T?) -> [T?] {
        values.map { $0 is NSNull ? nil : convert($0) }
    }

    static func double(_ s: String) -> Double { Double(s)! }

    /// Equal bit for bit (NaN equal to NaN, -0.0 not equal to 0.0).
    static func same(_ a: [Double?], _ b: [Double?]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            switch (x, y) {
            case (nil, nil): return true
            case let (x?, y?): return x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
            default: return false
            }
        }
    }

    static func table(_ t: ArrowTable, _ e: [String: Any], _ name: String) {
        #expect(t.rowCount == e["rows"] as? Int, "\(name): rows")
        #expect(t.batchCount == e["batches"] as? Int, "\(name): record batches")
        let columns = e["columns"] as! [[String: Any]]
        #expect(t.fields.count == columns.count && t.columns.count == columns.count, "\(name): columns")
        for (i, c) in columns.enumerated() where i < t.fields.count {
            let field = t.fields[i], column = t.columns[i]
            let label = "\(name) column \(field.name)"
            #expect(field.name == c["name"] as? String, "\(label): name")
            #expect(field.type.description == c["type"] as? String, "\(label): type")
            #expect(field.nullable == c["nullable"] as? Bool, "\(label): nullable")
            #expect(column.count == t.rowCount, "\(label): length")
            let values = c["values"] as! [Any]
            #expect(column.nullCount == values.filter { $0 is NSNull }.count, "\(label): nulls")
            switch (column, c["column"] as! String) {
            case (.int64(let v), "int64"):
                #expect(v == optional(values) { Int64($0 as! String)! }, "\(label)")
            case (.double(let v), "double"):
                let want = optional(values) { double($0 as! String) }
                #expect(same(v, want), "\(label): \(v) against \(want)")
            case (.text(let v), "text"):
                #expect(v == optional(values) { $0 as? String }, "\(label)")
            case (.bool(let v), "bool"):
                #expect(v == optional(values) { $0 as? Bool }, "\(label)")
            case (.date32(let v), "date32"):
                #expect(v == optional(values) { Int32(($0 as! NSNumber).int64Value) }, "\(label)")
            case (.timestamp(let v, let unit, let tz), "timestamp"):
                #expect(unit.description == c["unit"] as? String, "\(label): unit")
                #expect(tz == c["timezone"] as? String, "\(label): timezone")
                #expect(v == optional(values) { Int64($0 as! String)! }, "\(label)")
            case (.decimal128(let v, let p, let s), "decimal128"):
                #expect(p == c["precision"] as? Int && s == c["scale"] as? Int, "\(label): precision, scale")
                #expect(v.map { $0?.description } == optional(values) { $0 as? String }, "\(label): unscaled")
                #expect(v.map { $0?.string(scale: s) } == optional(c["text"] as! [Any]) { $0 as? String }, "\(label): text")
            default:
                Issue.record("\(label): read as \(column), expected a \(c["column"]!) column")
            }
        }
    }
}
