import Foundation
import CVecMath

/// Text as gfortran's edit descriptors write it, so our stdout matches aenet's column for column.
public enum FortranFormat {
    /// `Iw`: right-justified, `*` filled when it does not fit.
    public static func i(_ v: Int, _ w: Int) -> String { pad(String(v), w) }

    /// `Fw.d`.
    public static func f(_ x: Double, _ w: Int, _ d: Int) -> String {
        if x.isNaN { return pad("NaN", w) }
        if x.isInfinite { return pad(x < 0 ? "-Infinity" : "Infinity", w) }
        // printf's "%.df" (as String(format:) writes it) straight into the field, right-justified.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buf -> String in
            let n = exactFixed(x, d, buf.baseAddress!) ?? Int(cvm_format_fixed(buf.baseAddress!, 352, x, Int32(d)))
            guard n >= 0 && n < 352 else { return pad(String(format: "%.\(d)f", x), w) }
            if n > w { return String(repeating: "*", count: w) }
            return String(unsafeUninitializedCapacity: w) { out in
                let blanks = w - n
                for k in 0..<blanks { out[k] = 0x20 }
                for k in 0..<n { out[blanks + k] = UInt8(bitPattern: buf[k]) }
                return w
            }
        }
    }

    /// Exact powers of ten 10^0 … 10^15.
    private static let powersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }

    /// printf's `%.df` of x without printf, for |x|·10^d < 2^51 and d ≤ 15 (nil otherwise).
    ///
    /// x·10^d is held exactly as hi + lo (lo = fma(x, 10^d, −hi), exact because 10^d is an exact
    /// double and nothing underflows), so rounding to an integer can look at the exact value:
    /// hi's fractional part f is a multiple of ulp(hi) and so is ½, while |lo| ≤ ulp(hi)/2, so lo
    /// only decides when f is exactly ½, and an exact tie goes to the even integer as in glibc.
    /// The sign is printed for every negative x, −0 and values rounding to zero included, as
    /// printf does. Writes the text into `out` (at most 34 bytes) and returns its length.
    @inline(__always)
    static func exactFixed(_ x: Double, _ d: Int, _ out: UnsafeMutablePointer<CChar>) -> Int? {
        guard d >= 0, d <= 15, x.isFinite else { return nil }
        let ax = abs(x), p = powersOfTen[d]
        guard ax == 0 || (ax >= 1e-280 && ax * p < 0x1p51) else { return nil }
        let hi = ax * p
        let lo = (-hi).addingProduct(ax, p)
        var n = hi.rounded(.down)
        let f = hi - n
        if f > 0.5 || (f == 0.5 && (lo > 0 || (lo == 0 && n.truncatingRemainder(dividingBy: 2) == 1))) { n += 1 }
        let m = UInt64(n)
        let scale = UInt64(p)
        var whole = m / scale, frac = m % scale
        var k = 0
        if x.sign == .minus { out[0] = 45; k = 1 }   // "-"
        // Integer part, at least one digit.
        var digits = 1, t = whole
        while t >= 10 { t /= 10; digits += 1 }
        for q in stride(from: k + digits - 1, through: k, by: -1) { out[q] = CChar(48 + whole % 10); whole /= 10 }
        k += digits
        if d > 0 {
            out[k] = 46   // "."
            for q in stride(from: k + d, through: k + 1, by: -1) { out[q] = CChar(48 + frac % 10); frac /= 10 }
            k += d + 1
        }
        out[k] = 0
        return k
    }

    /// `ESw.d`: one digit before the point, exponent `E±dd` (`±ddd` without the `E` beyond 99).
    public static func es(_ x: Double, _ w: Int, _ d: Int) -> String {
        if x.isNaN { return pad("NaN", w) }
        if x.isInfinite { return pad(x < 0 ? "-Infinity" : "Infinity", w) }
        let s = String(format: "%.\(d)E", x)           // e.g. -6.48006288E-01, 1.0E+100
        guard let e = s.firstIndex(of: "E") else { return pad(s, w) }
        let mantissa = s[..<e]
        let exponent = Int(s[s.index(after: e)...]) ?? 0
        let mag = abs(exponent)
        let expText = mag > 99 ? (exponent < 0 ? "-" : "+") + String(mag)
            : "E" + (exponent < 0 ? "-" : "+") + (mag < 10 ? "0" : "") + String(mag)
        return pad(mantissa + expText, w)
    }

    /// `A` in a field of `w`: right-justified when shorter (Fortran output rule), cut when longer.
    public static func a(_ s: String, _ w: Int) -> String {
        s.count >= w ? String(s.prefix(w)) : String(repeating: " ", count: w - s.count) + s
    }

    /// A character variable of length `w` written with plain `A`: blank padded on the right.
    public static func leftA(_ s: String, _ w: Int) -> String {
        s.count >= w ? String(s.prefix(w)) : s + String(repeating: " ", count: w - s.count)
    }

    /// aenet's `io_adjustl(x, digits)`: `F50.digits`, left-adjusted.
    public static func adjustl(_ x: Double, digits: Int = 2) -> String {
        f(x, 50, digits).trimmingCharacters(in: .whitespaces)
    }

    /// gfortran list-directed output of a label and a real (`write(*,*) 'label', x`), one line.
    public static func labelledListDirected(_ label: String, _ x: Double) -> String {
        let s = listDirected(x)
        let field = s.contains("E") ? a(s, 25) : a(s, 20) + "     "
        return " " + label + " " + field + "\n"
    }

    /// Text of gfortran list-directed output of one real (`write(*,*) x`), without the leading blank:
    /// 17 significant digits, fixed notation for 0.1 ≤ |x| < 1e16, else exponent form.
    public static func listDirected(_ x: Double) -> String {
        let a = abs(x)
        if a != 0 && (a < 0.1 || a >= 1e16) {
            let s = String(format: "%.16E", x)
            guard let e = s.firstIndex(of: "E") else { return s }
            let exponent = Int(s[s.index(after: e)...]) ?? 0
            let digits = abs(exponent) > 99 ? 3 : 2
            let sign = exponent < 0 ? "-" : "+"
            let mag = String(abs(exponent))
            return s[..<e] + "E" + sign + String(repeating: "0", count: max(0, digits + 1 - mag.count)) + mag
        }
        let intDigits = a < 1 ? 0 : Int(log10(a)) + 1
        let decimals = max(0, 17 - max(intDigits, 1) + (a < 1 ? 1 : 0))
        return String(format: "%.\(decimals)f", x)
    }

    private static func pad(_ s: String, _ w: Int) -> String {
        s.count > w ? String(repeating: "*", count: w) : String(repeating: " ", count: w - s.count) + s
    }
}

/// aenet's section headers (`aeio_header`): a rule, the title centred in 70 columns, a rule.
public enum AenetText {
    public static func centered(_ title: String, width: Int = 70) -> String {
        let left = max(0, (width - title.count) / 2)
        let right = max(0, width - title.count - left)
        return String(repeating: " ", count: left) + title + String(repeating: " ", count: right)
    }

    public static func header(_ title: String, rule: Character = "-") -> String {
        let line = " " + String(repeating: rule, count: 70)
        return "\(line)\n \(centered(title))\n\(line)\n"
    }

    /// The closing timestamp block `YYYY-MM-DD  hh:mm:ss` and the final banner.
    public static func timestamp(_ date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var tmv = tm()
        localtime_r(&t, &tmv)
        return String(format: "%04d-%02d-%02d  %02d:%02d:%02d", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
                      Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec))
    }
}
