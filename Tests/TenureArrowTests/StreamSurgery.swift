@testable import TenureArrow

/// Where the fields of a stream's messages are (absolute byte positions), so that tests can patch a
/// pyarrow-written stream into a hostile one.
struct StreamLayout {
    struct Entry {
        var start: Int
        var isSchema: Bool
        var bodyStart: Int
        var bodyLength: Int
        /// Positions of Message.version, Message.header_type and Message.bodyLength (nil when not written).
        var version: Int?, headerType: Int?, bodyLengthField: Int?
        /// Record batches: position of RecordBatch.length, of the node and buffer structs (16 bytes each).
        var length: Int?
        var nodes: [Int] = []
        var buffers: [Int] = []
    }

    var entries: [Entry] = []

    /// The messages up to the first the reader refuses (a dictionary batch, say).
    init(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var scanner = MessageScanner(raw)
            while let m = try? scanner.next() {
                let base = m.root.buffer.base
                func abs(_ p: Int?) -> Int? { p.map { $0 + base } }
                var e = Entry(start: m.start, isSchema: false, bodyStart: m.bodyStart, bodyLength: m.body.count,
                              version: abs(try m.root.fieldPosition(0, size: 2)),
                              headerType: abs(try m.root.fieldPosition(1, size: 1)),
                              bodyLengthField: abs(try m.root.fieldPosition(3, size: 8)))
                switch m.header {
                case .schema: e.isSchema = true
                case .recordBatch(let t):
                    e.length = abs(try t.fieldPosition(0, size: 8))
                    if let v = try t.vector(1, elementSize: 16) { e.nodes = (0 ..< v.count).map { base + v.start + 16 * $0 } }
                    if let v = try t.vector(2, elementSize: 16) { e.buffers = (0 ..< v.count).map { base + v.start + 16 * $0 } }
                }
                entries.append(e)
            }
        }
    }

    var batches: [Entry] { entries.filter { !$0.isSchema } }
}

extension Array where Element == UInt8 {
    mutating func put<T: FixedWidthInteger>(_ value: T, at pos: Int) {
        for i in 0 ..< MemoryLayout<T>.size { self[pos + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    func int64(at pos: Int) -> Int64 {
        (0 ..< 8).reduce(Int64(0)) { $0 | Int64(self[pos + $1]) << (8 * $1) }
    }

    func patched<T: FixedWidthInteger>(_ value: T, at pos: Int) -> [UInt8] {
        var copy = self
        copy.put(value, at: pos)
        return copy
    }
}
