/// Fortran list-directed reading as gfortran does it, for the values of aenet's decks.
///
/// Values are separated by blanks, commas and semicolons; an unquoted `/` ends the read
/// (gfortran's rule). Quoted values (`'…'` or `"…"`) are taken verbatim.
public enum ListDirected {
    /// The values of one line. A `/` outside quotes ends the list.
    public static func values(_ line: Substring) -> [Substring] {
        var out: [Substring] = []
        var i = line.startIndex
        while i < line.endIndex {
            let ch = line[i]
            if ch == " " || ch == "\t" || ch == "," || ch == ";" || ch == "\r" { i = line.index(after: i); continue }
            if ch == "/" { break }
            if ch == "'" || ch == "\"" {
                let start = line.index(after: i)
                let end = line[start...].firstIndex(of: ch) ?? line.endIndex
                out.append(line[start..<end])
                i = end < line.endIndex ? line.index(after: end) : end
                continue
            }
            var j = i
            while j < line.endIndex, !" \t,;/\r".contains(line[j]) { j = line.index(after: j) }
            out.append(line[i..<j])
            i = j
        }
        return out
    }

    public static func values(_ line: String) -> [Substring] { values(line[...]) }

    /// Blank-separated words where `/` is an ordinary character: how we read paths.
    ///
    /// aenet reads paths list-directed, so `../Ti.stp` becomes `..` there (spec Q1);
    /// we keep the whole word and still accept quotes.
    public static func words(_ line: Substring) -> [Substring] {
        var out: [Substring] = []
        var i = line.startIndex
        while i < line.endIndex {
            let ch = line[i]
            if ch == " " || ch == "\t" || ch == "\r" { i = line.index(after: i); continue }
            if ch == "'" || ch == "\"" {
                let start = line.index(after: i)
                let end = line[start...].firstIndex(of: ch) ?? line.endIndex
                out.append(line[start..<end])
                i = end < line.endIndex ? line.index(after: end) : end
                continue
            }
            var j = i
            while j < line.endIndex, !" \t\r".contains(line[j]) { j = line.index(after: j) }
            out.append(line[i..<j])
            i = j
        }
        return out
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
        return Double(text)
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
