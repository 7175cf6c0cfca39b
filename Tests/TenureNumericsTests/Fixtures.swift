import Foundation

/// Loads `Tests/Fixtures/numerics/<name>` (written by `scripts/fixtures/numerics.py`).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/numerics")

    static func load<T: Decodable>(_ name: String, as: T.Type = T.self) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }
}

/// A JSON number that may be written as a string ("inf", "-inf", "nan") by the fixture script.
struct JNum: Decodable {
    let v: Double
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { v = d; return }
        let s = try c.decode(String.self)
        switch s {
        case "inf": v = .infinity
        case "-inf": v = -.infinity
        case "nan": v = .nan
        default: v = Double(s) ?? .nan
        }
    }
}
