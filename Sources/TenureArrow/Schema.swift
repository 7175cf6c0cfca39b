/// Reading a `Schema` table (format/Schema.fbs) into `ArrowField`s.
///
/// Field ids used (a union takes two ids, its type then its value):
/// - Schema: 0 endianness (short, 0 = Little), 1 fields [Field], 2 custom_metadata, 3 features
/// - Field: 0 name, 1 nullable, 2 type_type (u8), 3 type, 4 dictionary, 5 children [Field], 6 custom_metadata
/// - Int: 0 bitWidth (int), 1 is_signed; FloatingPoint: 0 precision (short: HALF, SINGLE, DOUBLE)
/// - Decimal: 0 precision, 1 scale, 2 bitWidth (int, default 128); Date: 0 unit (short: DAY, MILLISECOND = default)
/// - Timestamp: 0 unit (short: SECOND = default, MILLISECOND, MICROSECOND, NANOSECOND), 1 timezone
/// - Time: 0 unit (default MILLISECOND), 1 bitWidth (default 32); Duration: 0 unit (default MILLISECOND)
/// - FixedSizeBinary: 0 byteWidth; FixedSizeList: 0 listSize; Union: 0 mode (Sparse, Dense); Interval: 0 unit
enum SchemaReader {
    /// Values of the `Type` union.
    enum TypeID {
        static let null: UInt8 = 1, int: UInt8 = 2, floatingPoint: UInt8 = 3, binary: UInt8 = 4, utf8: UInt8 = 5
        static let bool: UInt8 = 6, decimal: UInt8 = 7, date: UInt8 = 8, time: UInt8 = 9, timestamp: UInt8 = 10
        static let interval: UInt8 = 11, list: UInt8 = 12, structType: UInt8 = 13, union: UInt8 = 14
        static let fixedSizeBinary: UInt8 = 15, fixedSizeList: UInt8 = 16, map: UInt8 = 17, duration: UInt8 = 18
        static let largeBinary: UInt8 = 19, largeUtf8: UInt8 = 20, largeList: UInt8 = 21, runEndEncoded: UInt8 = 22
        static let binaryView: UInt8 = 23, utf8View: UInt8 = 24, listView: UInt8 = 25, largeListView: UInt8 = 26
    }

    static func fields(_ schema: FlatTable) throws -> [ArrowField] {
        let endianness = try schema.scalar(0, default: Int16(0))
        guard endianness == 0 else {
            throw ArrowError.unsupported("the schema declares big-endian data; only little-endian streams are read")
        }
        guard let list = try schema.vector(1, elementSize: 4) else { return [] }
        var fields: [ArrowField] = []
        fields.reserveCapacity(list.count)
        for i in 0 ..< list.count {
            fields.append(try field(try list.table(i), index: i))
        }
        return fields
    }

    /// The name errors use for field `index`: its name, or `#n` (1-based) when it has none.
    static func label(_ name: String, _ index: Int) -> String { name.isEmpty ? "#\(index + 1)" : name }

    static func field(_ t: FlatTable, index: Int) throws -> ArrowField {
        let name = try t.string(0, what: "a field name") ?? ""
        let nullable = try t.bool(1, default: false)
        let (typeID, typeTable) = try t.union(2)
        let column = label(name, index)
        if let dictionary = try t.table(4) {
            var budget = 32
            let values = describe(typeID, typeTable, field: t, budget: &budget)
            var indices = "int32"
            if let indexType = try? dictionary.table(1) { indices = describeInt(indexType) }
            throw ArrowError.unsupported("dictionary-encoded columns are not supported "
                + "(dictionary<values=\(values), indices=\(indices)>); send the column decoded", column: column)
        }
        guard let type = try supportedType(typeID, typeTable, column: column) else {
            var budget = 32
            let described = describe(typeID, typeTable, field: t, budget: &budget)
            throw ArrowError.unsupported("Arrow type \(described) is not supported (supported: \(ArrowType.supportedList))",
                                         column: column)
        }
        return ArrowField(name: name, type: type, nullable: nullable)
    }

    /// The type when this reader decodes it, nil when it does not (the caller describes it).
    static func supportedType(_ id: UInt8, _ table: FlatTable?, column: String) throws -> ArrowType? {
        let needsTable: Set<UInt8> = [TypeID.int, TypeID.floatingPoint, TypeID.decimal, TypeID.timestamp]
        if needsTable.contains(id) && table == nil {
            throw ArrowError.malformed("the field's type table is missing", column: column)
        }
        switch id {
        case TypeID.int:
            let bits = try table!.scalar(0, default: Int32(0))
            let signed = try table!.bool(1, default: false)
            guard [8, 16, 32, 64].contains(bits) else {
                throw ArrowError.malformed("an integer type of \(bits) bits", column: column)
            }
            return .int(bitWidth: Int(bits), signed: signed)
        case TypeID.floatingPoint:
            switch try table!.scalar(0, default: Int16(0)) {
            case 0: return nil   // half precision
            case 1: return .float32
            case 2: return .float64
            case let p: throw ArrowError.malformed("a floating-point precision of \(p)", column: column)
            }
        case TypeID.utf8: return .utf8
        case TypeID.largeUtf8: return .largeUtf8
        case TypeID.bool: return .bool
        case TypeID.decimal:
            let precision = try table!.scalar(0, default: Int32(0))
            let scale = try table!.scalar(1, default: Int32(0))
            let bits = try table!.scalar(2, default: Int32(128))
            guard bits == 128 else { return nil }
            guard (1 ... 38).contains(precision), (-1000 ... 1000).contains(scale) else {
                throw ArrowError.malformed("decimal128 with precision \(precision) and scale \(scale)", column: column)
            }
            return .decimal128(precision: Int(precision), scale: Int(scale))
        case TypeID.date:
            switch try table?.scalar(0, default: Int16(1)) ?? 1 {
            case 0: return .date32
            case 1: return .date64
            case let u: throw ArrowError.malformed("a date unit of \(u)", column: column)
            }
        case TypeID.timestamp:
            let raw = try table!.scalar(0, default: Int16(0))
            guard let unit = ArrowTimeUnit(rawValue: Int(raw)) else {
                throw ArrowError.malformed("a timestamp unit of \(raw)", column: column)
            }
            let timezone = try table!.string(1, what: "a timezone")
            return .timestamp(unit, timezone: timezone)
        case 0:
            throw ArrowError.malformed("the field has no type", column: column)
        default:
            return nil
        }
    }

    // MARK: Describing types this reader does not decode (for the error message)

    /// Arrow's name of a type, children included (`list<int64>`, `struct<a: utf8, b: int32>`), best
    /// effort: never throws, unreadable parts are `?`; at most `budget` types are described in all.
    static func describe(_ id: UInt8, _ t: FlatTable?, field: FlatTable, budget: inout Int) -> String {
        budget -= 1
        if budget < 0 { return "…" }
        func short(_ fid: Int, _ def: Int16) -> Int16 { (try? t?.scalar(fid, default: def)) ?? def }
        func int(_ fid: Int, _ def: Int32) -> Int32 { (try? t?.scalar(fid, default: def)) ?? def }
        let units = ["s", "ms", "us", "ns"]
        func unit(_ u: Int16) -> String { u >= 0 && Int(u) < units.count ? units[Int(u)] : "?" }
        func children(named: Bool, budget: inout Int) -> [String] {
            guard let list = try? field.vector(5, elementSize: 4) else { return [] }
            var out: [String] = []
            for i in 0 ..< min(list.count, 8) {
                guard let child = try? list.table(i), let u = try? child.union(2) else { out.append("?"); continue }
                let type = describe(u.type, u.table, field: child, budget: &budget)
                let name = (try? child.string(0, what: "a field name")) ?? ""
                out.append(named ? "\(name): \(type)" : type)
            }
            if list.count > 8 { out.append("…") }
            return out
        }
        switch id {
        case TypeID.null: return "null"
        case TypeID.int: return t.map(describeInt) ?? "int"
        case TypeID.floatingPoint: return ["float16", "float32", "float64"][min(max(Int(short(0, 0)), 0), 2)]
        case TypeID.binary: return "binary"
        case TypeID.utf8: return "utf8"
        case TypeID.bool: return "bool"
        case TypeID.decimal: return "decimal\(int(2, 128))(\(int(0, 0)), \(int(1, 0)))"
        case TypeID.date: return short(0, 1) == 0 ? "date32" : "date64"
        case TypeID.time: return "time\(int(1, 32))[\(unit(short(0, 1)))]"
        case TypeID.timestamp: return "timestamp[\(unit(short(0, 0)))]"
        case TypeID.interval:
            let u = Int(short(0, 0))
            return "interval[" + (u >= 0 && u < 3 ? ["year_month", "day_time", "month_day_nano"][u] : "?") + "]"
        case TypeID.list: return "list<\(children(named: false, budget: &budget).first ?? "?")>"
        case TypeID.structType: return "struct<\(children(named: true, budget: &budget).joined(separator: ", "))>"
        case TypeID.union: return (short(0, 0) == 1 ? "dense_union" : "sparse_union") + "<\(children(named: true, budget: &budget).joined(separator: ", "))>"
        case TypeID.fixedSizeBinary: return "fixed_size_binary[\(int(0, 0))]"
        case TypeID.fixedSizeList: return "fixed_size_list<\(children(named: false, budget: &budget).first ?? "?")>[\(int(0, 0))]"
        case TypeID.map:
            // map<entries: struct<key, value>>: describe the entries' two children
            if let list = try? field.vector(5, elementSize: 4), list.count > 0, let entries = try? list.table(0),
               let u = try? entries.union(2) {
                let inner = describe(u.type, u.table, field: entries, budget: &budget)
                if inner.hasPrefix("struct<") { return "map<" + inner.dropFirst(7) }
            }
            return "map<?>"
        case TypeID.duration: return "duration[\(unit(short(0, 1)))]"
        case TypeID.largeBinary: return "large_binary"
        case TypeID.largeUtf8: return "large_utf8"
        case TypeID.largeList: return "large_list<\(children(named: false, budget: &budget).first ?? "?")>"
        case TypeID.runEndEncoded: return "run_end_encoded<\(children(named: true, budget: &budget).joined(separator: ", "))>"
        case TypeID.binaryView: return "binary_view"
        case TypeID.utf8View: return "utf8_view"
        case TypeID.listView: return "list_view<\(children(named: false, budget: &budget).first ?? "?")>"
        case TypeID.largeListView: return "large_list_view<\(children(named: false, budget: &budget).first ?? "?")>"
        default: return "type #\(id)"
        }
    }

    static func describeInt(_ t: FlatTable) -> String {
        let bits = (try? t.scalar(0, default: Int32(0))) ?? 0
        let signed = (try? t.bool(1, default: false)) ?? false
        return (signed ? "int" : "uint") + String(bits)
    }
}
