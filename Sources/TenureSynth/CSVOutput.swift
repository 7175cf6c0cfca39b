import Foundation
import TenureData

/// A buffered byte sink: either one CSV file written atomically (bytes go to a hidden temporary
/// file in the target directory, which is renamed over the target by `commit()`, so a reader
/// never sees half a file) or a growable in-memory buffer (`init()`), used to format blocks of
/// rows on worker threads before they are appended to the file in order. Numbers and dates are
/// formatted straight into the buffer, no `String` per field.
final class ByteFile {
    /// -1 for an in-memory buffer.
    private let fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    private var failed: Int32 = 0
    let path: String
    let tempPath: String

    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        tempPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SynthError(message: "cannot create \(tempPath): \(String(cString: strerror(errno)))") }
        capacity = 1 << 22
        buffer = .allocate(capacity: capacity)
    }

    /// An in-memory buffer that grows as needed.
    init(memory initialCapacity: Int = 1 << 20) {
        fd = -1; path = ""; tempPath = ""
        capacity = max(64, initialCapacity)
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
    }

    private func flush() {
        guard fd >= 0 else { return }
        writeAll(UnsafeBufferPointer(start: buffer, count: count))
        count = 0
    }

    private func writeAll(_ b: UnsafeBufferPointer<UInt8>) {
        var off = 0
        while off < b.count && failed == 0 {
            let w = write(fd, b.baseAddress! + off, b.count - off)
            if w < 0 { if errno == EINTR { continue }; failed = errno; break }
            off += w
        }
    }

    /// Appends the bytes of an in-memory buffer (large ones go straight to the file).
    func append(_ other: ByteFile) {
        let b = UnsafeBufferPointer(start: other.buffer, count: other.count)
        if fd >= 0 && b.count >= capacity / 2 { flush(); writeAll(b); return }
        bytes(b)
    }

    /// Makes room for `n` bytes and returns the write position.
    @inline(__always) private func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { makeRoom(n) }
        return buffer + count
    }

    @inline(never) private func makeRoom(_ n: Int) {
        if fd >= 0 { flush(); if n <= capacity { return } }
        let bigger = max(capacity * 2, count + n)
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        b.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = b
        capacity = bigger
    }

    @inline(__always) func byte(_ b: UInt8) {
        let p = reserve(1); p.pointee = b; count += 1
    }

    @inline(__always) func bytes(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { bytes($0) }
    }

    @inline(__always) func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        guard b.count > 0 else { return }
        let p = reserve(b.count)
        p.update(from: b.baseAddress!, count: b.count)
        count += b.count
    }

    /// Decimal integer.
    @inline(__always) func int(_ v: Int64) {
        let p = reserve(21)
        var n = 0
        var x = v.magnitude
        if v < 0 { p[0] = 45; n = 1 }
        var digits = 1
        var y = x
        while y >= 10 { y /= 10; digits += 1 }
        var k = n + digits
        repeat { k -= 1; p[k] = UInt8(truncatingIfNeeded: 48 &+ x % 10); x /= 10 } while x > 0
        n += digits
        count += n
    }

    /// An amount in cents as `123.45` (`-0.50` for negatives).
    @inline(__always) func cents(_ v: Int64) {
        if v < 0 { byte(45) }
        let m = v.magnitude
        int(Int64(m / 100))
        let f = Int(m % 100)
        let p = reserve(3)
        p[0] = 46; p[1] = UInt8(48 + f / 10); p[2] = UInt8(48 + f % 10)
        count += 3
    }

    /// A tenth-unit value as `12.3`.
    @inline(__always) func tenths(_ v: Int64) {
        if v < 0 { byte(45) }
        let m = v.magnitude
        int(Int64(m / 10))
        let p = reserve(2)
        p[0] = 46; p[1] = UInt8(48 + m % 10)
        count += 2
    }

    /// `YYYY-MM-DD` from the date table (empty for `Day.missing`).
    @inline(__always) func day(_ d: Day, _ table: DayTable) {
        guard d != Day.missing else { return }
        let p = reserve(10)
        table.write(d, to: p)
        count += 10
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (empty for `SyntheticData.missingTime`).
    @inline(__always) func timestamp(_ t: Int64, _ table: DayTable) {
        guard t != SyntheticData.missingTime else { return }
        let d = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let s = Int(t - d * 86400)
        let p = reserve(20)
        table.write(Day(d), to: p)
        let h = s / 3600, m = (s / 60) % 60, sec = s % 60
        p[10] = 84
        p[11] = UInt8(48 + h / 10); p[12] = UInt8(48 + h % 10); p[13] = 58
        p[14] = UInt8(48 + m / 10); p[15] = UInt8(48 + m % 10); p[16] = 58
        p[17] = UInt8(48 + sec / 10); p[18] = UInt8(48 + sec % 10); p[19] = 90
        count += 20
    }

    @inline(__always) func comma() { byte(44) }
    @inline(__always) func newline() { byte(10) }

    /// Flushes, closes and renames the temporary file over the target.
    func commit() throws {
        precondition(fd >= 0, "commit() of an in-memory buffer")
        flush()
        let closed = close(fd)
        guard failed == 0, closed == 0 else {
            let e = failed != 0 ? failed : errno
            unlink(tempPath)
            throw SynthError(message: "cannot write \(path): \(String(cString: strerror(e)))")
        }
        guard rename(tempPath, path) == 0 else {
            let e = errno
            unlink(tempPath)
            throw SynthError(message: "cannot rename \(tempPath) to \(path): \(String(cString: strerror(e)))")
        }
    }

    /// Closes and removes the temporary file (after an error).
    func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        unlink(tempPath)
    }
}

/// Precomputed `YYYY-MM-DD` bytes for a range of days (falls back to `Civil.iso` outside it).
struct DayTable {
    let lo: Day
    let bytes: [UInt8]

    init(from lo: Day, through hi: Day) {
        self.lo = lo
        var b = [UInt8](); b.reserveCapacity(Int(hi - lo + 1) * 10)
        for d in lo...hi { b.append(contentsOf: Array(Civil.iso(d).utf8).prefix(10)) }
        bytes = b
    }

    @inline(__always) func write(_ d: Day, to p: UnsafeMutablePointer<UInt8>) {
        let k = Int(d - lo)
        if k >= 0 && (k + 1) * 10 <= bytes.count {
            bytes.withUnsafeBufferPointer { p.update(from: $0.baseAddress! + k * 10, count: 10) }
        } else {
            var s = Array(Civil.iso(d).utf8)
            while s.count < 10 { s.append(48) }
            for i in 0..<10 { p[i] = s[i] }
        }
    }
}

extension SyntheticData {
    /// Writes every table of `config.tables` as CSV plus `truth.json` into `directory` (created if
    /// needed). Each file is written to a temporary name and renamed into place.
    ///
    /// Returns the written files with their row counts, in the order of `SynthConfig.Table`.
    /// `progress` is called with each file name before it is written (`config.tables.count` calls).
    @discardableResult
    public func write(to directory: String, progress: ((String) -> Void)? = nil) throws -> [(file: String, rows: Int)] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let dir = URL(fileURLWithPath: directory)
        let lo = min(config.acquisitionStart, config.observationEnd) - 3650
        let days = DayTable(from: lo, through: config.observationEnd + 400)
        var written: [(String, Int)] = []
        for table in config.tables.sorted() {
            progress?(table.fileName)
            let file = try ByteFile(path: dir.appendingPathComponent(table.fileName).path)
            do {
                switch table {
                case .transactions: writeTransactions(file, days)
                case .customers: writeCustomers(file, days)
                case .subscriptions: writeSubscriptions(file, days)
                case .surveys: writeSurveys(file, days)
                case .tickets: writeTickets(file, days)
                case .interactions: writeInteractions(file, days)
                case .leads: writeLeads(file, days)
                case .marketingSpend: writeSpend(file)
                }
                try file.commit()
            } catch {
                file.abandon()
                throw error
            }
            written.append((table.fileName, rowCounts.first { $0.table == table }?.rows ?? 0))
        }
        let truthFile = try ByteFile(path: dir.appendingPathComponent("truth.json").path)
        truthFile.bytes(Array(try truth.jsonData()))
        try truthFile.commit()
        written.append(("truth.json", 1))
        return written
    }

    /// Formats rows `0..<count` in blocks of `Blocks.rows` on worker threads (each block into its
    /// own memory buffer) and appends the blocks to `f` in order: same bytes on any number of cores.
    private func rows(_ f: ByteFile, _ count: Int, _ body: (ByteFile, Range<Int>) -> Void) {
        let ranges = Blocks.ranges(count, Blocks.rows)
        let wave = max(2, Blocks.threads * 2)
        var k = 0
        while k < ranges.count {
            let chunk = Array(ranges[k..<min(ranges.count, k + wave)])
            let parts = Blocks.map(chunk.count) { j -> ByteFile in
                let m = ByteFile(memory: chunk[j].count * 64)
                body(m, chunk[j])
                return m
            }
            for m in parts { f.append(m) }
            k += chunk.count
        }
    }

    private func header(_ f: ByteFile, _ names: [String]) {
        f.bytes(Array(names.joined(separator: ",").utf8))
        f.newline()
    }

    /// Customer id bytes `C<i+1>`.
    @inline(__always) private func customer(_ f: ByteFile, _ i: Int32) {
        f.byte(67); f.int(Int64(i) + 1)
    }

    private func writeTransactions(_ f: ByteFile, _ days: DayTable) {
        header(f, ["customer_id", "date", "amount", "order_id", "segment", "channel", "product", "category"])
        let segs = config.segments.map { CSVField.bytes($0.name) }, chans = config.channels.map { CSVField.bytes($0.name) }
        let per = config.products.productsPerCategory
        let products = (0..<(per * config.products.categories.count)).map { Array(productName($0).utf8) }
        let categories = config.products.categories.map(CSVField.bytes)
        let tx = transactions, cu = customers
        tx.customer.withUnsafeBufferPointer { cust in
        tx.day.withUnsafeBufferPointer { day in
        tx.cents.withUnsafeBufferPointer { cents in
        tx.product.withUnsafeBufferPointer { prod in
        cu.segment.withUnsafeBufferPointer { seg in
        cu.channel.withUnsafeBufferPointer { chan in
          rows(f, cust.count) { f, range in
            for r in range {
                let i = cust[r]
                customer(f, i); f.comma()
                f.day(day[r], days); f.comma()
                f.cents(cents[r]); f.comma()
                f.byte(79); f.int(Int64(r) + 1); f.comma()
                f.bytes(segs[Int(seg[Int(i)])]); f.comma()
                f.bytes(chans[Int(chan[Int(i)])]); f.comma()
                let k = Int(prod[r])
                f.bytes(products[k]); f.comma()
                f.bytes(categories[k / per]); f.newline()
            }
          }
        }}}}}}
    }

    private func writeCustomers(_ f: ByteFile, _ days: DayTable) {
        header(f, ["customer_id", "signup_date", "segment", "channel", "acquisition_cost", "age", "engagement_score",
                   "initiative", "group"])
        let segs = config.segments.map { CSVField.bytes($0.name) }, chans = config.channels.map { CSVField.bytes($0.name) }
        let initiative = CSVField.bytes(config.initiative?.name ?? "")
        let groups: [[UInt8]] = [Array("control".utf8), Array("treatment".utf8)]
        let cu = customers
        rows(f, cu.count) { f, range in for i in range {
            customer(f, Int32(i)); f.comma()
            f.day(cu.signupDay[i], days); f.comma()
            f.bytes(segs[Int(cu.segment[i])]); f.comma()
            f.bytes(chans[Int(cu.channel[i])]); f.comma()
            f.cents(cu.acquisitionCents[i]); f.comma()
            f.int(Int64(cu.age[i])); f.comma()
            f.tenths(Int64(cu.engagementTenths[i])); f.comma()
            let g = cu.initiativeGroup[i]
            if g >= 0 { f.bytes(initiative) }
            f.comma()
            if g >= 0 { f.bytes(groups[Int(g)]) }
            f.newline()
        }}
    }

    private func writeSubscriptions(_ f: ByteFile, _ days: DayTable) {
        header(f, ["customer_id", "start_date", "end_date", "plan", "mrr", "end_reason"])
        let plans = config.plans.map { CSVField.bytes($0.name) }
        let mrr = config.plans.map { Int64(($0.mrr * 100).rounded()) }
        let e = config.endReasons
        // end_reason codes: churn reasons by index, then the plan changes (see SubscriptionRows.reason)
        var reasons = [[UInt8]](repeating: [], count: 256)
        for (k, name) in e.churn.enumerated() { reasons[k] = CSVField.bytes(name) }
        reasons[Int(SyntheticData.SubscriptionRows.reasonUpgrade)] = CSVField.bytes(e.upgrade)
        reasons[Int(SyntheticData.SubscriptionRows.reasonDowngrade)] = CSVField.bytes(e.downgrade)
        let s = subscriptions
        rows(f, s.count) { f, range in for r in range {
            customer(f, s.customer[r]); f.comma()
            f.day(s.start[r], days); f.comma()
            f.day(s.end[r], days); f.comma()
            f.bytes(plans[Int(s.plan[r])]); f.comma()
            f.cents(mrr[Int(s.plan[r])]); f.comma()
            f.bytes(reasons[Int(s.reason[r])]); f.newline()
        }}
    }

    private func writeSurveys(_ f: ByteFile, _ days: DayTable) {
        header(f, ["customer_id", "date", "kind", "score"])
        let kinds = Self.surveyKinds.map { Array($0.utf8) }
        let s = surveys
        rows(f, s.count) { f, range in for r in range {
            customer(f, s.customer[r]); f.comma()
            f.day(s.day[r], days); f.comma()
            f.bytes(kinds[Int(s.kind[r])]); f.comma()
            f.int(Int64(s.score[r])); f.newline()
        }}
    }

    private func writeTickets(_ f: ByteFile, _ days: DayTable) {
        header(f, ["ticket_id", "customer_id", "opened_at", "first_response_at", "resolved_at", "channel"])
        let chans = config.tickets.channels.map(CSVField.bytes)
        let t = tickets
        rows(f, t.count) { f, range in for r in range {
            f.byte(84); f.int(Int64(r) + 1); f.comma()
            customer(f, t.customer[r]); f.comma()
            f.timestamp(t.opened[r], days); f.comma()
            f.timestamp(t.firstResponse[r], days); f.comma()
            f.timestamp(t.resolved[r], days); f.comma()
            f.bytes(chans[Int(t.channel[r])]); f.newline()
        }}
    }

    private func writeInteractions(_ f: ByteFile, _ days: DayTable) {
        header(f, ["customer_id", "timestamp", "channel"])
        let chans = config.interactions.channels.map(CSVField.bytes)
        let t = interactions
        rows(f, t.count) { f, range in for r in range {
            customer(f, t.customer[r]); f.comma()
            f.timestamp(t.time[r], days); f.comma()
            f.bytes(chans[Int(t.channel[r])]); f.newline()
        }}
    }

    private func writeLeads(_ f: ByteFile, _ days: DayTable) {
        header(f, ["lead_id", "created_at", "source", "stage", "converted_at", "closed_at", "won", "customer_id"])
        let sources = leadSources.map(CSVField.bytes)
        let stages = Self.leadStages.map { Array($0.utf8) }
        let yes = Array("true".utf8), no = Array("false".utf8)
        let l = leads
        rows(f, l.count) { f, range in for r in range {
            f.byte(76); f.int(Int64(r) + 1); f.comma()
            f.day(l.created[r], days); f.comma()
            f.bytes(sources[Int(l.source[r])]); f.comma()
            f.bytes(stages[Int(l.stage[r])]); f.comma()
            f.day(l.converted[r], days); f.comma()
            f.day(l.closed[r], days); f.comma()
            if l.won[r] >= 0 { f.bytes(l.won[r] == 1 ? yes : no) }
            f.comma()
            if l.customer[r] >= 0 { customer(f, l.customer[r]) }
            f.newline()
        }}
    }

    private func writeSpend(_ f: ByteFile) {
        header(f, ["period", "channel", "amount"])
        let chans = config.channels.map { CSVField.bytes($0.name) }
        let s = marketingSpend
        for r in 0..<s.count {
            let (y, m, _) = Civil.date(s.month[r])
            f.int(Int64(y)); f.byte(45); f.byte(UInt8(48 + m / 10)); f.byte(UInt8(48 + m % 10)); f.comma()
            f.bytes(chans[Int(s.channel[r])]); f.comma()
            f.cents(s.cents[r]); f.newline()
        }
    }
}
