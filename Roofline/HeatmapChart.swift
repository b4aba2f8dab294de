// A heatmap SVG of a 2-D sweep (e.g. GFLOP/s over MC × KC): one cell per point, darker = faster, the
// value written in each cell, the best cell outlined in red and a marked cell (the cache-derived choice)
// outlined in blue.
import Foundation

public struct HeatmapChart: Sendable {
    public var title: String
    public var xLabel: String, yLabel: String
    public var xValues: [Int], yValues: [Int]
    /// values[y][x]; nil where a point was not measured.
    public var values: [[Double?]]
    /// (x, y) of the marked cell, if it lies on the grid.
    public var marked: (x: Int, y: Int)?

    public init(title: String, xLabel: String, yLabel: String, xValues: [Int], yValues: [Int], values: [[Double?]],
                marked: (x: Int, y: Int)? = nil) {
        precondition(values.count == yValues.count && values.allSatisfy { $0.count == xValues.count },
                     "HeatmapChart: values must be [\(yValues.count)][\(xValues.count)]")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xValues = xValues
        self.yValues = yValues
        self.values = values
        self.marked = marked
    }

    /// Grid index of the largest value.
    public var best: (x: Int, y: Int)? {
        var b: (x: Int, y: Int, v: Double)?
        for (y, row) in values.enumerated() {
            for (x, v) in row.enumerated() { if let v, v > (b?.v ?? -.infinity) { b = (x, y, v) } }
        }
        return b.map { ($0.x, $0.y) }
    }

    public func svg(cell: Int = 64) -> String {
        let (left, top) = (90.0, 50.0)
        let width = Int(left) + cell * xValues.count + 30, height = Int(top) + cell * yValues.count + 60
        let all = values.flatMap { $0 }.compactMap { $0 }
        let lo = all.min() ?? 0, hi = all.max() ?? 1
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="22" text-anchor="middle" font-size="14">\(RooflineChart.escape(title))</text>

        """
        for (y, row) in values.enumerated() {
            for (x, v) in row.enumerated() {
                let cx = left + Double(x * cell), cy = top + Double(y * cell)
                let t = v.map { hi > lo ? ($0 - lo) / (hi - lo) : 1 } ?? 0
                let shade = Int(255 - 175 * t), textColor = t > 0.6 ? "white" : "black"
                let fill = v == nil ? "#ddd" : "rgb(\(shade),\(shade),255)"
                out += "<rect class=\"cell\" x=\"\(f(cx))\" y=\"\(f(cy))\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\" stroke=\"#fff\"/>"
                if let v {
                    out += "<text x=\"\(f(cx + Double(cell) / 2))\" y=\"\(f(cy + Double(cell) / 2 + 4))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(textColor)\">\(String(format: "%.1f", v))</text>"
                }
                out += "\n"
            }
        }
        for (mark, color) in [(best, "#d00"), (marked, "#06c")] {
            guard let m = mark else { continue }
            out += "<rect class=\"mark\" x=\"\(f(left + Double(m.x * cell) + 2))\" y=\"\(f(top + Double(m.y * cell) + 2))\" width=\"\(cell - 4)\" height=\"\(cell - 4)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
        }
        for (x, v) in xValues.enumerated() {
            out += "<text x=\"\(f(left + Double(x * cell + cell / 2)))\" y=\"\(f(top + Double(yValues.count * cell) + 16))\" text-anchor=\"middle\" font-size=\"11\">\(v)</text>\n"
        }
        for (y, v) in yValues.enumerated() {
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(top + Double(y * cell + cell / 2) + 4))\" text-anchor=\"end\" font-size=\"11\">\(v)</text>\n"
        }
        out += "<text x=\"\(f(left + Double(xValues.count * cell) / 2))\" y=\"\(height - 14)\" text-anchor=\"middle\">\(RooflineChart.escape(xLabel)) (red: best, blue: cache-derived)</text>\n"
        out += "<text transform=\"translate(20,\(f(top + Double(yValues.count * cell) / 2))) rotate(-90)\" text-anchor=\"middle\">\(RooflineChart.escape(yLabel))</text>\n"
        return out + "</svg>\n"
    }
}
