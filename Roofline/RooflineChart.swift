// The roofline picture: a log-log SVG with arithmetic intensity (FLOP/byte) across and performance
// (GFLOP/s) up. Compute ceilings are horizontal lines, bandwidth ceilings slanted lines of slope 1
// (GFLOP/s = GB/s × FLOP/byte), each kernel a labeled point. Self-contained: no scripts, no fonts.
import Foundation

public struct RooflineChart: Sendable {
    public struct Ceiling: Sendable {
        public var label: String
        /// GFLOP/s for a compute ceiling, GB/s for a bandwidth ceiling.
        public var value: Double
        public init(_ label: String, _ value: Double) {
            self.label = label
            self.value = value
        }
    }

    public var title: String
    public var compute: [Ceiling]
    public var bandwidth: [Ceiling]
    public var points: [RooflinePoint]

    public init(title: String, compute: [Ceiling], bandwidth: [Ceiling], points: [RooflinePoint]) {
        self.title = title
        self.compute = compute.filter { $0.value > 0 }
        self.bandwidth = bandwidth.filter { $0.value > 0 }
        self.points = points
    }

    /// The chart for `ceilings` at `threads`: every ISA's FP32 peak, every level's triad bandwidth.
    public init(title: String, ceilings: MachineCeilings, threads: Int, points: [RooflinePoint]) {
        let peaks = ceilings.fp32.filter { $0.threads == threads }
            .map { Ceiling("\($0.isa) FMA peak \(Self.format($0.gflops)) GFLOP/s", $0.gflops) }
        let bws = ceilings.bandwidth.filter { $0.threads == threads && $0.kernel == .triad }
            .map { Ceiling("\($0.level.rawValue) \(Self.format($0.gbps)) GB/s", $0.gbps) }
        self.init(title: title, compute: peaks, bandwidth: bws, points: points)
    }

    static func format(_ v: Double) -> String { String(format: v >= 100 ? "%.0f" : "%.3g", v) }

    /// Decade-aligned axis range covering `values` with a margin.
    static func decades(_ values: [Double], fallback: ClosedRange<Double>) -> ClosedRange<Double> {
        let v = values.filter { $0 > 0 && $0.isFinite }
        guard let lo = v.min(), let hi = v.max() else { return fallback }
        return pow(10, (log10(lo / 2)).rounded(.down))...pow(10, (log10(hi * 2)).rounded(.up))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Points are numbered on the plot and named in a legend column (dense clusters stay readable).
    public func svg(width: Int = 1160, height: Int = 620) -> String {
        let topPeak = compute.map(\.value).max() ?? 1
        let ridges = bandwidth.map { topPeak / $0.value }
        let xr = Self.decades(points.map(\.arithmeticIntensity) + ridges + [1], fallback: 0.01...1000)
        let yr = Self.decades(points.map(\.gflops) + compute.map(\.value), fallback: 0.1...1000)
        let legendX = Double(width) - 330
        let (left, right, top, bottom) = (80.0, legendX - 190, 40.0, Double(height) - 60)
        func px(_ ai: Double) -> Double { left + (right - left) * log10(ai / xr.lowerBound) / log10(xr.upperBound / xr.lowerBound) }
        func py(_ g: Double) -> Double { bottom - (bottom - top) * log10(g / yr.lowerBound) / log10(yr.upperBound / yr.lowerBound) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f((left + right) / 2))" y="22" text-anchor="middle" font-size="15">\(Self.escape(title))</text>
        <rect x="\(f(left))" y="\(f(top))" width="\(f(right - left))" height="\(f(bottom - top))" fill="none" stroke="#444"/>

        """
        // Axes: one tick per decade.
        var e = log10(xr.lowerBound).rounded()
        while e <= log10(xr.upperBound).rounded() {
            let x = px(pow(10, e))
            out += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(f(x))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\" font-size=\"11\">\(Self.tick(e))</text>\n"
            e += 1
        }
        e = log10(yr.lowerBound).rounded()
        while e <= log10(yr.upperBound).rounded() {
            let y = py(pow(10, e))
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(Self.tick(e))</text>\n"
            e += 1
        }
        out += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(bottom + 40))\" text-anchor=\"middle\">Arithmetic intensity (FLOP/byte)</text>\n"
        out += "<text transform=\"translate(22,\(f((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">Performance (GFLOP/s)</text>\n"
        // Bandwidth ceilings: from the left edge up to the highest compute ceiling; slope 1 on log-log axes.
        let slopeDegrees = -atan2(py(1) - py(10), px(10) - px(1)) * 180 / Double.pi
        for c in bandwidth {
            let a0 = max(xr.lowerBound, yr.lowerBound / c.value), a1 = min(xr.upperBound, topPeak / c.value)
            guard a1 > a0 else { continue }
            out += "<line class=\"ceiling bandwidth\" x1=\"\(f(px(a0)))\" y1=\"\(f(py(a0 * c.value)))\" x2=\"\(f(px(a1)))\" y2=\"\(f(py(a1 * c.value)))\" stroke=\"#2a7\" stroke-width=\"2\"/>"
            // The label runs along the line, above it, at the middle of its visible part (in log space).
            let am = (a0 * a1).squareRoot(), (lx, ly) = (px(am), py(am * c.value))
            out += "<text transform=\"translate(\(f(lx)),\(f(ly))) rotate(\(f(slopeDegrees))) translate(0,-5)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#2a7\">\(Self.escape(c.label))</text>\n"
        }
        // Compute ceilings: from where the slowest (memory) bandwidth line meets them to the right edge.
        let lowBW = bandwidth.map(\.value).min()
        for c in compute {
            let a0 = max(xr.lowerBound, lowBW.map { c.value / $0 } ?? xr.lowerBound)
            out += "<line class=\"ceiling compute\" x1=\"\(f(px(a0)))\" y1=\"\(f(py(c.value)))\" x2=\"\(f(right))\" y2=\"\(f(py(c.value)))\" stroke=\"#c33\" stroke-width=\"2\"/>"
            out += "<text x=\"\(f(right + 6))\" y=\"\(f(py(c.value) + 4))\" font-size=\"11\" fill=\"#c33\">\(Self.escape(c.label))</text>\n"
        }
        out += "<text x=\"\(f(legendX))\" y=\"\(f(top))\" font-size=\"12\">kernel: GFLOP/s, % of its roof</text>\n"
        for (i, p) in points.enumerated() {
            let (x, y) = (px(p.arithmeticIntensity), py(p.gflops))
            let summary = "\(p.name): \(Self.format(p.gflops)) GFLOP/s, \(Int((100 * p.fractionOfRoof).rounded()))%"
            out += "<circle class=\"point\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"4\" fill=\"#15c\"><title>\(Self.escape(summary))</title></circle>"
            // Alternate the number's side so neighbours in a cluster do not print on top of each other.
            let dx = i % 2 == 0 ? 6.0 : -6.0, anchor = i % 2 == 0 ? "start" : "end"
            out += "<text x=\"\(f(x + dx))\" y=\"\(f(y - 5 + Double(i % 3) * 6))\" text-anchor=\"\(anchor)\" font-size=\"10\" fill=\"#15c\">\(i + 1)</text>"
            out += "<text x=\"\(f(legendX))\" y=\"\(f(top + 18 + 15 * Double(i)))\" font-size=\"11\" fill=\"#15c\">\(i + 1). \(Self.escape(summary))</text>\n"
        }
        return out + "</svg>\n"
    }

    static func tick(_ exponent: Double) -> String {
        let v = pow(10, exponent)
        return exponent >= 0 ? String(format: "%.0f", v) : String(format: "%g", v)
    }
}
