/// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), a straight
/// loop with an 8-bytes-at-a-time ASCII fast path. `String(decoding:)` would repair bad bytes into
/// U+FFFD instead of reporting them, and `String(validating:)` needs macOS 15.
enum UTF8Check {
    static func isValid(_ p: UnsafeRawBufferPointer) -> Bool {
        let n = p.count
        var i = 0
        while i < n {
            // ASCII, eight bytes at a time
            while i + 8 <= n, p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            if i >= n { break }
            let b0 = p[i]
            if b0 < 0x80 { i += 1; continue }
            if b0 < 0xC2 { return false }                       // continuation byte, or overlong 2-byte form
            if b0 < 0xE0 {
                guard i + 1 < n, p[i + 1] & 0xC0 == 0x80 else { return false }
                i += 2
                continue
            }
            if b0 < 0xF0 {
                guard i + 2 < n else { return false }
                let b1 = p[i + 1], b2 = p[i + 2]
                guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return false }
                if b0 == 0xE0 && b1 < 0xA0 { return false }      // overlong
                if b0 == 0xED && b1 >= 0xA0 { return false }     // UTF-16 surrogates
                i += 3
                continue
            }
            if b0 < 0xF5 {
                guard i + 3 < n else { return false }
                let b1 = p[i + 1], b2 = p[i + 2], b3 = p[i + 3]
                guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80, b3 & 0xC0 == 0x80 else { return false }
                if b0 == 0xF0 && b1 < 0x90 { return false }      // overlong
                if b0 == 0xF4 && b1 >= 0x90 { return false }     // above U+10FFFF
                i += 4
                continue
            }
            return false
        }
        return true
    }
}
