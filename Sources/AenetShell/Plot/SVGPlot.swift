import AenetCore
import Foundation

/// A minimal SVG chart writer (no dependencies): panels side by side, each with linear or
/// logarithmic axes, labelled ticks, series drawn as lines or markers, a legend, and optionally
/// the diagonal y = x (parity plots).
///
/// The output is plain SVG 1.1 that browsers and image viewers show. For programs (and tests)
/// every panel is a `<g class="panel">` carrying its axis ranges as `data-x-min`, `data-x-max`,
/// `data-y-min`, `data-y-max`, `data-log-x`, `data-log-y`, and every series a `<g class="series">`
/// with `data-name` and `data-count` (the number of points drawn).
public struct SVGPlot {
    public enum Style: Sendable { case line, markers }

    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var style: Style
        public var color: String
        public init(name: String, points: [(x: Double, y: Double)], style: Style, color: String) {
            self.name = name; self.points = points; self.style = style; self.color = color
        }
    }

    public struct Panel: Sendable {
        public var title: String
        public var xLabel: String
        public var yLabel: String
        public var logX = false
        public var logY = false
        public var diagonal = false
        public var series: [Series] = []
        public init(title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false, diagonal: Bool = false) {
            self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.logX = logX; self.logY = logY; self.diagonal = diagonal
        }
    }

    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    public var title: String
    public var panels: [Panel]
    public var panelWidth = 520.0
    public var panelHeight = 400.0

    public init(title: String, panels: [Panel]) { self.title = title; self.panels = panels }

    /// Axis range of the values (positive values only on a log axis), padded; `[lo, hi]` with lo < hi.
    static func range(_ values: [Double], log: Bool) -> (Double, Double)? {
        let v = values.filter { $0.isFinite && (!log || $0 > 0) }
        guard var lo = v.min(), var hi = v.max() else { return nil }
        if log {
            lo = pow(10, floor(log10(lo))); hi = pow(10, ceil(log10(hi)))
            if lo == hi { lo /= 10; hi *= 10 }
        } else {
            if lo == hi { let d = lo == 0 ? 1 : abs(lo) * 0.05; lo -= d; hi += d }
            let pad = 0.04 * (hi - lo)
            lo -= pad; hi += pad
        }
        return (lo, hi)
    }

    /// Tick positions: powers of ten on a log axis, 1-2-5 steps on a linear one.
    static func ticks(_ lo: Double, _ hi: Double, log: Bool) -> [Double] {
        if log {
            let a = Int(floor(log10(lo) + 1e-9)), b = Int(ceil(log10(hi) - 1e-9))
            let step = max(1, (b - a) / 6)
            let decades = stride(from: a, through: b, by: step).map { pow(10, Double($0)) }
            // One or two decades: label 2 and 5 as well.
            return b - a > 2 ? decades : decades.flatMap { [$0, 2 * $0, 5 * $0] }.filter { $0 <= hi * (1 + 1e-9) }
        }
        let raw = (hi - lo) / 6
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var t = ceil(lo / step) * step, out: [Double] = []
        while t <= hi + 1e-9 * step { out.append(abs(t) < 1e-12 * step ? 0 : t); t += step }
        return out
    }

    static func label(_ v: Double, log: Bool) -> String {
        if log {
            let e = Int(floor(log10(v) + 1e-9)), m = (v / pow(10, Double(e))).rounded()
            return (-2...3).contains(e) ? String(format: "%g", v) : (m == 1 ? "1e\(e)" : "\(Int(m))e\(e)")
        }
        return String(format: "%g", (v * 1e6).rounded() / 1e6)
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func num(_ v: Double) -> String { String(format: "%.2f", v) }

    public func svg() -> String {
        let num = Self.num
        let margin = (left: 78.0, right: 18.0, top: 46.0, bottom: 58.0)
        let width = Double(panels.count) * panelWidth, height = panelHeight + 30
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"white\"/>\n"
        s += "<text x=\"\(num(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">\(Self.esc(title))</text>\n"
        for (k, p) in panels.enumerated() {
            let ox = Double(k) * panelWidth, oy = 30.0
            let x0 = ox + margin.left, x1 = ox + panelWidth - margin.right
            let y0 = oy + panelHeight - margin.bottom, y1 = oy + margin.top
            var xs = p.series.flatMap { $0.points.map(\.x) }, ys = p.series.flatMap { $0.points.map(\.y) }
            if p.diagonal { let all = xs + ys; xs = all; ys = all }
            let xr = Self.range(xs, log: p.logX) ?? (p.logX ? (0.1, 1) : (0, 1))
            let yr = Self.range(ys, log: p.logY) ?? (p.logY ? (0.1, 1) : (0, 1))
            func tx(_ v: Double) -> Double {
                let f = p.logX ? (log10(v) - log10(xr.0)) / (log10(xr.1) - log10(xr.0)) : (v - xr.0) / (xr.1 - xr.0)
                return x0 + f * (x1 - x0)
            }
            func ty(_ v: Double) -> Double {
                let f = p.logY ? (log10(v) - log10(yr.0)) / (log10(yr.1) - log10(yr.0)) : (v - yr.0) / (yr.1 - yr.0)
                return y0 - f * (y0 - y1)
            }
            s += "<g class=\"panel\" data-x-min=\"\(xr.0)\" data-x-max=\"\(xr.1)\" data-y-min=\"\(yr.0)\" data-y-max=\"\(yr.1)\" data-log-x=\"\(p.logX)\" data-log-y=\"\(p.logY)\">\n"
            s += "<text x=\"\(num((x0 + x1) / 2))\" y=\"\(num(oy + 24))\" text-anchor=\"middle\" font-size=\"13\">\(Self.esc(p.title))</text>\n"
            s += "<rect x=\"\(num(x0))\" y=\"\(num(y1))\" width=\"\(num(x1 - x0))\" height=\"\(num(y0 - y1))\" fill=\"none\" stroke=\"black\"/>\n"
            for t in Self.ticks(xr.0, xr.1, log: p.logX) {
                let x = tx(t)
                s += "<line x1=\"\(num(x))\" y1=\"\(num(y0))\" x2=\"\(num(x))\" y2=\"\(num(y1))\" stroke=\"#e0e0e0\"/>"
                s += "<text x=\"\(num(x))\" y=\"\(num(y0 + 16))\" text-anchor=\"middle\">\(Self.label(t, log: p.logX))</text>\n"
            }
            for t in Self.ticks(yr.0, yr.1, log: p.logY) {
                let y = ty(t)
                s += "<line x1=\"\(num(x0))\" y1=\"\(num(y))\" x2=\"\(num(x1))\" y2=\"\(num(y))\" stroke=\"#e0e0e0\"/>"
                s += "<text x=\"\(num(x0 - 6))\" y=\"\(num(y + 4))\" text-anchor=\"end\">\(Self.label(t, log: p.logY))</text>\n"
            }
            s += "<text x=\"\(num((x0 + x1) / 2))\" y=\"\(num(y0 + 40))\" text-anchor=\"middle\">\(Self.esc(p.xLabel))</text>\n"
            let ly = (y0 + y1) / 2, lx = ox + 18
            s += "<text x=\"\(num(lx))\" y=\"\(num(ly))\" text-anchor=\"middle\" transform=\"rotate(-90 \(num(lx)) \(num(ly)))\">\(Self.esc(p.yLabel))</text>\n"
            if p.diagonal {
                let lo = max(xr.0, yr.0), hi = min(xr.1, yr.1)
                if lo < hi {
                    s += "<line class=\"diagonal\" x1=\"\(num(tx(lo)))\" y1=\"\(num(ty(lo)))\" x2=\"\(num(tx(hi)))\" y2=\"\(num(ty(hi)))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n"
                }
            }
            for (i, ser) in p.series.enumerated() {
                let pts = ser.points.filter { $0.x.isFinite && $0.y.isFinite && (!p.logX || $0.x > 0) && (!p.logY || $0.y > 0) }
                s += "<g class=\"series\" data-name=\"\(Self.esc(ser.name))\" data-count=\"\(pts.count)\">\n"
                switch ser.style {
                case .line:
                    s += "<polyline fill=\"none\" stroke=\"\(ser.color)\" stroke-width=\"1.5\" points=\""
                    s += pts.map { "\(num(tx($0.x))),\(num(ty($0.y)))" }.joined(separator: " ") + "\"/>\n"
                case .markers:
                    for q in pts { s += "<circle cx=\"\(num(tx(q.x)))\" cy=\"\(num(ty(q.y)))\" r=\"2\" fill=\"\(ser.color)\" fill-opacity=\"0.6\"/>" }
                    s += "\n"
                }
                s += "</g>\n"
                let ky = y1 + 14 + 16 * Double(i)
                s += "<line x1=\"\(num(x0 + 10))\" y1=\"\(num(ky - 4))\" x2=\"\(num(x0 + 30))\" y2=\"\(num(ky - 4))\" stroke=\"\(ser.color)\" stroke-width=\"3\"/>"
                s += "<text x=\"\(num(x0 + 36))\" y=\"\(num(ky))\">\(Self.esc(ser.name))</text>\n"
            }
            s += "</g>\n"
        }
        return s + "</svg>\n"
    }
}
