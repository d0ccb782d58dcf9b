import Foundation

/// Fortran list-directed reading as gfortran does it, for the values of aenet's decks.
///
/// Values are separated by blanks, commas and semicolons; an unquoted `/` ends the read
/// (gfortran's rule). Quoted values (`'…'` or `"…"`) are taken verbatim.
public enum ListDirected {
    /// The values of one line. A `/` outside quotes ends the list.
    public static func values(_ line: Substring) -> [Substring] {
        split(line, separators: " \t,;\r", slashEnds: true)
    }

    /// Values separated by `separators`; quoted values verbatim; with `slashEnds`, an unquoted
    /// `/` ends the list (gfortran), otherwise it is an ordinary character.
    private static func split(_ line: Substring, separators: String, slashEnds: Bool) -> [Substring] {
        var out: [Substring] = []
        var i = line.startIndex
        while i < line.endIndex {
            let ch = line[i]
            if separators.contains(ch) { i = line.index(after: i); continue }
            if slashEnds && ch == "/" { break }
            if ch == "'" || ch == "\"" {
                let start = line.index(after: i)
                let end = line[start...].firstIndex(of: ch) ?? line.endIndex
                out.append(line[start..<end])
                i = end < line.endIndex ? line.index(after: end) : end
                continue
            }
            var j = i
            while j < line.endIndex, !separators.contains(line[j]), !(slashEnds && line[j] == "/") { j = line.index(after: j) }
            out.append(line[i..<j])
            i = j
        }
        return out
    }

    public static func values(_ line: String) -> [Substring] { values(line[...]) }

    // MARK: Byte-level versions for bulk data (XSF files), same rules as `values`/`double`.

    /// The byte ranges of the values in `b[line]` (quotes excluded), replacing `out`'s contents.
    public static func valueRanges(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, into out: inout [Range<Int>]) {
        out.removeAll(keepingCapacity: true)
        var i = line.lowerBound
        let end = line.upperBound
        while i < end {
            let ch = b[i]
            if ch == 32 || ch == 9 || ch == 44 || ch == 59 || ch == 13 { i += 1; continue }  // blank tab , ; CR
            if ch == 47 { break }                                                          // /
            if ch == 39 || ch == 34 {                                                      // ' "
                var j = i + 1
                while j < end, b[j] != ch { j += 1 }
                out.append((i + 1)..<j)
                i = j < end ? j + 1 : j
                continue
            }
            var j = i
            while j < end {
                let c = b[j]
                if c == 32 || c == 9 || c == 44 || c == 59 || c == 47 || c == 13 { break }
                j += 1
            }
            out.append(i..<j)
            i = j
        }
    }

    /// `double(_:)` of the bytes `b[r]`. Plain decimal numbers (`-1.5`, `2e-3`) go straight to
    /// strtod; anything else (`1.5d0`, `1.0-3`, `3*2.0`) takes the general path.
    public static func double(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Double? {
        guard !r.isEmpty, r.count < 64 else { return r.isEmpty ? nil : double(text(b, r)) }
        var plain = true
        for i in r {
            let c = b[i]
            switch c {
            case 48...57, 46, 101, 69: continue                                       // digits . e E
            case 43 where i == r.lowerBound || b[i - 1] == 101 || b[i - 1] == 69: continue  // + at the start or after e
            case 45 where i == r.lowerBound || b[i - 1] == 101 || b[i - 1] == 69: continue  // -
            default: plain = false
            }
            break
        }
        guard plain else { return double(text(b, r)) }
        if let v = exactDecimal(b, r) { return v }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf -> Double? in
            for (k, i) in r.enumerated() { buf[k] = CChar(bitPattern: b[i]) }
            buf[r.count] = 0
            var endp: UnsafeMutablePointer<CChar>?
            let v = strtod(buf.baseAddress!, &endp)
            return endp == buf.baseAddress! + r.count && v.isFinite ? v : nil   // 1e999 is no number here
        }
    }

    /// Powers of ten that are exact doubles (10^0 … 10^22).
    private static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }

    /// Clinger's fast path: `[±]digits[.digits][e[±]digits]` with a decimal mantissa m ≤ 2^53 and
    /// a power of ten 10^e with |e| ≤ 22 is m·10^e or m/10^|e|, one correctly rounded operation on
    /// two exact doubles, so it equals strtod's correctly rounded result bit for bit. Nil for
    /// anything else (the caller then uses strtod).
    @inline(__always)
    static func exactDecimal(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Double? {
        var i = r.lowerBound
        let end = r.upperBound
        var negative = false
        if b[i] == 45 || b[i] == 43 { negative = b[i] == 45; i += 1 }
        var m: UInt64 = 0, digits = 0, scale = 0
        var seenPoint = false
        while i < end {
            let c = b[i]
            if c >= 48 && c <= 57 {
                if m > (1 << 53) / 10 { return nil }        // too many digits for an exact mantissa
                m = m * 10 + UInt64(c - 48)
                digits += 1
                if seenPoint { scale -= 1 }
            } else if c == 46 && !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0, m <= 1 << 53 else { return nil }
        if i < end {
            guard b[i] == 101 || b[i] == 69 else { return nil }
            i += 1
            var expNegative = false
            if i < end, b[i] == 45 || b[i] == 43 { expNegative = b[i] == 45; i += 1 }
            var e = 0, expDigits = 0
            while i < end, b[i] >= 48, b[i] <= 57 {
                if e > 1000 { return nil }
                e = e * 10 + Int(b[i] - 48); expDigits += 1; i += 1
            }
            guard expDigits > 0, i == end else { return nil }
            scale += expNegative ? -e : e
        }
        guard scale >= -22, scale <= 22 else { return nil }
        let x = Double(m)
        let v = scale < 0 ? x / exactPowersOfTen[-scale] : x * exactPowersOfTen[scale]
        return negative ? -v : v
    }

    /// A species name from the bytes `b[r]`: its first two characters, as aenet keeps them.
    public static func speciesName(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        if r.count <= 2 || (b[r.lowerBound] < 128 && b[r.lowerBound + 1] < 128 && b[r.lowerBound + 2] < 128) {
            return String(decoding: UnsafeBufferPointer(rebasing: b[r.lowerBound..<min(r.upperBound, r.lowerBound + 2)]), as: UTF8.self)
        }
        return String(text(b, r).prefix(2))
    }

    static func text(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Substring {
        String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)[...]
    }

    /// Blank-separated words where `/` is an ordinary character: how we read paths.
    ///
    /// aenet reads paths list-directed, so `../Ti.stp` becomes `..` there (compat/DIFFERENCES.md);
    /// we keep the whole word and still accept quotes.
    public static func words(_ line: Substring) -> [Substring] {
        split(line, separators: " \t\r", slashEnds: false)
    }

    /// A Fortran real: accepts `d`/`D`/`q` exponents (`0.55d0`), a leading `+`, and a
    /// trailing exponent without `e` (`1.0-3`) the way gfortran does.
    public static func double(_ token: Substring) -> Double? {
        var s = String(token)
        if let star = s.firstIndex(of: "*") { s = String(s[s.index(after: star)...]) } // r*value
        if s.isEmpty { return nil }
        var bytes = Array(s.utf8)
        for k in bytes.indices where bytes[k] == UInt8(ascii: "d") || bytes[k] == UInt8(ascii: "D")
            || bytes[k] == UInt8(ascii: "q") || bytes[k] == UInt8(ascii: "Q") {
            bytes[k] = UInt8(ascii: "e")
        }
        // `1.0-3` means 1.0e-3 in Fortran input.
        if let k = bytes.indices.dropFirst().first(where: { (bytes[$0] == UInt8(ascii: "-") || bytes[$0] == UInt8(ascii: "+"))
                && bytes[$0 - 1] != UInt8(ascii: "e") && bytes[$0 - 1] != UInt8(ascii: "E") }) {
            bytes.insert(UInt8(ascii: "e"), at: k)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
        if text.lowercased().contains("n") { return nil } // no inf/nan in decks
        guard let v = Double(text), v.isFinite else { return nil }   // 1e999 overflows: refused, not inf
        return v
    }

    /// A Fortran integer: digits with an optional sign, no decimal point.
    public static func int(_ token: Substring) -> Int? {
        var s = token
        if let star = s.firstIndex(of: "*") { s = s[s.index(after: star)...] }
        return Int(s)
    }

    /// A Fortran logical: optional `.`, then `T` or `F` decides (`.true.`, `t`, `False`).
    public static func logical(_ token: Substring) -> Bool? {
        var s = token[...]
        if s.first == "." { s = s.dropFirst() }
        switch s.first {
        case "t", "T": return true
        case "f", "F": return false
        default: return nil
        }
    }
}
