import Foundation
import Testing
@testable import TenureArrow

/// Streams the reader must refuse with an `ArrowError` (never a trap): the pyarrow-written rejects,
/// truncated streams, and pyarrow streams patched into inconsistent ones.
@Suite struct RejectionTests {
    @Test func pyarrowRejectsNameTheColumnAndTheReason() throws {
        #expect(Fixtures.rejects.count >= 12)
        for (name, want) in Fixtures.rejects.sorted(by: { $0.key < $1.key }) {
            guard let e = Fixtures.error(try Fixtures.bytes(name)) else { continue }
            #expect(e.kind.rawValue == want["kind"] as? String, "\(name): \(e)")
            #expect(e.column == want["column"] as? String, "\(name): \(e)")
            for text in want["contains"] as! [String] {
                #expect(e.description.contains(text), "\(name): \"\(e)\" lacks \"\(text)\"")
            }
        }
    }

    @Test func unsupportedTypeMessage() throws {
        let e = try #require(Fixtures.error(try Fixtures.bytes("list.arrows")))
        #expect(e.description == "Arrow IPC stream: column amount: Arrow type list<int64> is not supported (supported: "
            + ArrowType.supportedList + ")")
        let c = try #require(Fixtures.error(try Fixtures.bytes("compressed-lz4.arrows")))
        #expect(c.description.contains("compressed IPC bodies are not supported (columns amount, n)"))
    }

    /// Every proper prefix of every fixture: an error, or (cut at a message boundary) the rows of
    /// the whole messages before the cut; with the end marker required, always an error.
    @Test func truncatedAtEveryByte() throws {
        for name in Fixtures.allNames {
            let bytes = try Fixtures.bytes(name)
            let full = try? ArrowStream.read(bytes)
            let entries = (try StreamLayout(bytes)).entries
            let boundaries = Set(entries.map(\.start) + entries.suffix(1).map { $0.bodyStart + $0.bodyLength })
            for cut in 0 ..< bytes.count {
                let prefix = Array(bytes[..<cut])
                do {
                    let t = try ArrowStream.read(prefix)
                    #expect(boundaries.contains(cut), "\(name) cut at \(cut) read without error")
                    #expect(t.rowCount <= full?.rowCount ?? 0, "\(name) cut at \(cut)")
                    if let full { #expect(t.fields == full.fields, "\(name) cut at \(cut)") }
                } catch let e as ArrowError {
                    #expect(!e.description.isEmpty)
                }
                #expect(Fixtures.error(prefix, requireEndMarker: true) != nil, "\(name) cut at \(cut)")
            }
        }
    }

    /// A small in-process fuzz: each byte of two fixtures set to a few values must give an
    /// ArrowError or a table whose columns all have its row count.
    @Test func everyByteMutated() throws {
        for name in ["types.arrows", "batches.arrows", "sliced.arrows"] {
            let bytes = try Fixtures.bytes(name)
            for pos in bytes.indices {
                for value in Set([0, 0xFF, 0x7F, 0x80, bytes[pos] ^ 1, bytes[pos] &+ 8]) {
                    var mutated = bytes
                    mutated[pos] = UInt8(value)
                    do {
                        let t = try ArrowStream.read(mutated)
                        #expect(t.columns.count == t.fields.count && t.columns.allSatisfy { $0.count == t.rowCount })
                    } catch is ArrowError {
                    } catch {
                        Issue.record("\(name) byte \(pos) = \(value): \(error)")
                    }
                }
            }
        }
    }

    @Test func inconsistentRecordBatches() throws {
        let bytes = try Fixtures.bytes("batches.arrows")
        let layout = try StreamLayout(bytes)
        let b = layout.batches[0]                              // 4 rows: id int64, name utf8, amount float64, at timestamp
        let length = try #require(b.length)
        #expect(bytes.int64(at: length) == 4 && b.nodes.count == 4 && b.buffers.count == 9)
        func malformed(_ patched: [UInt8], _ text: String, column: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
            let e = Fixtures.error(patched, sourceLocation: sourceLocation)
            #expect(e?.kind == .malformed, "\(e.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
            #expect(e?.description.contains(text) == true, "\"\(e.map { "\($0)" } ?? "")\" lacks \"\(text)\"", sourceLocation: sourceLocation)
            if let column { #expect(e?.column == column, sourceLocation: sourceLocation) }
        }
        // the batch's length against its nodes', and nodes' lengths against the buffers
        malformed(bytes.patched(Int64(5), at: length), "has 5 rows but the column has 4", column: "id")
        malformed(bytes.patched(Int64(-1), at: length), "negative length")
        var longer = bytes
        for pos in [length] + b.nodes { longer.put(Int64(1_000_000), at: pos) }
        malformed(longer, "1 nulls but a validity bitmap of 1 bytes for 1000000 rows", column: "id")
        for pos in [length] + b.nodes { longer.put(Int64.max, at: pos) }     // (rows + 7) / 8 would overflow
        malformed(longer, "validity bitmap of 1 bytes for 9223372036854775807 rows", column: "id")
        longer.put(Int64(0), at: b.nodes[0] + 8)                               // no nulls: the values are too short
        malformed(longer, "9223372036854775807 rows need 9223372036854775807 × 8 bytes of values", column: "id")
        // null counts
        malformed(bytes.patched(Int64(5), at: b.nodes[0] + 8), "a null count of 5 for 4 rows", column: "id")
        malformed(bytes.patched(Int64(2), at: b.nodes[0] + 8), "the null count says 2 but the validity bitmap has 1")
        malformed(bytes.patched(Int64(0), at: b.buffers[0] + 8), "validity bitmap of 0 bytes", column: "id")
        // buffers outside the body, overlapping, negative
        malformed(bytes.patched(Int64(b.bodyLength), at: b.buffers[1]), "is outside the")
        malformed(bytes.patched(Int64.max, at: b.buffers[1] + 8), "is outside the")
        malformed(bytes.patched(Int64.min, at: b.buffers[1]), "is outside the")
        malformed(bytes.patched(Int64(-8), at: b.buffers[1] + 8), "is outside the")
        malformed(bytes.patched(Int64(0), at: b.buffers[4]), "overlaps the buffer before it")
        // utf8 offsets: decreasing, past the data
        let offsets = b.bodyStart + Int(bytes.int64(at: b.buffers[3]))   // name: validity 2, offsets 3, data 4
        malformed(bytes.patched(Int32(-1), at: offsets), "the first string offset is negative")
        malformed(bytes.patched(Int32(100), at: offsets + 4), "string offsets decrease at row 2")
        malformed(bytes.patched(Int32(1000), at: offsets + 16), "past the")
        // counts of nodes and buffers
        malformed(bytes.patched(UInt32(3), at: b.nodes[0] - 4), "3 field nodes for a schema of 4 columns")
        malformed(bytes.patched(UInt32(8), at: b.buffers[0] - 4), "has 8 buffers; its 4 columns have 9")
        malformed(bytes.patched(UInt32.max, at: b.buffers[0] - 4), "does not fit")
    }

    @Test func inconsistentMessages() throws {
        let bytes = try Fixtures.bytes("batches.arrows")
        let layout = try StreamLayout(bytes)
        let schema = layout.entries[0], batch = layout.batches[0]
        // metadata and body lengths
        #expect(Fixtures.error(bytes.patched(Int32.max, at: batch.start + 4))?.kind == .truncated)
        #expect(Fixtures.error(bytes.patched(Int32(-5), at: batch.start + 4))?.kind == .malformed)
        #expect(Fixtures.error(bytes.patched(Int64(1) << 40, at: batch.bodyLengthField!))?.kind == .truncated)
        #expect(Fixtures.error(bytes.patched(Int64(-1), at: batch.bodyLengthField!))?.kind == .malformed)
        // metadata versions V1-V3 and unknown ones
        for v: Int16 in [0, 2, 5, -1] {
            let e = Fixtures.error(bytes.patched(v, at: schema.version!))
            #expect(e?.kind == .unsupported && e?.description.contains("V4 and V5 are read") == true)
        }
        // header types: dictionary batch, tensor, sparse tensor, none, unknown
        let header = try #require(batch.headerType)
        #expect(Fixtures.error(bytes.patched(UInt8(2), at: header))?.description.contains("is a dictionary batch") == true)
        #expect(Fixtures.error(bytes.patched(UInt8(4), at: header))?.description.contains("is a tensor") == true)
        #expect(Fixtures.error(bytes.patched(UInt8(5), at: header))?.description.contains("is a sparse tensor") == true)
        #expect(Fixtures.error(bytes.patched(UInt8(0), at: header))?.kind == .malformed)
        #expect(Fixtures.error(bytes.patched(UInt8(77), at: header))?.description.contains("unknown header type 77") == true)
        // the order of messages: a batch first, a second schema
        let schemaBytes = Array(bytes[schema.start ..< batch.start])
        #expect(Fixtures.error(Array(bytes[batch.start...]))?.description.contains("is not a schema") == true)
        #expect(Fixtures.error(schemaBytes + bytes)?.description.contains("is a second schema") == true)
        // nothing, or only the end marker
        #expect(Fixtures.error([])?.kind == .truncated)
        #expect(Fixtures.error([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])?.kind == .truncated)
        #expect(Fixtures.error([0xFF, 0xFF, 0xFF, 0xFF, 0, 0])?.kind == .truncated)
    }

    @Test func hostileFlatbuffers() throws {
        let bytes = try Fixtures.bytes("batches.arrows")
        let meta = 8                                            // the schema message's flatbuffer
        // root offset, vtable offset, vtable sizes: all pointing outside the metadata
        for patch in [UInt32.max, 0x7FFF_FFFF, 100_000] {
            #expect(Fixtures.error(bytes.patched(patch, at: meta))?.kind == .malformed)
        }
        let root = Int(bytes[meta]) | Int(bytes[meta + 1]) << 8
        for soffset in [Int32.max, Int32.min, Int32(-100_000), Int32(root + meta + 1)] {
            #expect(Fixtures.error(bytes.patched(soffset, at: meta + root))?.kind == .malformed)
        }
    }
}
