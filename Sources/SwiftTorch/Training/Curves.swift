// Training curves as CSV (one row per epoch) and as an SVG with two panels: loss (train and test) and
// accuracy (train and test) against the epoch.
import Foundation

extension TrainingHistory {
    /// "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds" and one row per epoch
    /// (test columns empty when there was no evaluation).
    public func csv() -> String {
        var lines = ["epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds"]
        for i in trainLoss.indices {
            func at<T>(_ a: [T], _ f: (T) -> String) -> String { i < a.count ? f(a[i]) : "" }
            lines.append([String(i + 1), at(trainLoss) { "\($0)" }, at(trainAccuracy) { "\($0)" }, at(evalLoss) { "\($0)" },
                          at(evalAccuracy) { "\($0)" }, at(learningRates) { "\($0)" }, at(seconds) { String(format: "%.4f", $0) }]
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A self-contained SVG (no scripts, no external fonts) of the loss and accuracy curves.
    public func svg(width: Int = 720, height: Int = 300) -> String {
        let panelWidth = Double(width) / 2, top = 30.0, bottom = Double(height) - 35, left = 50.0
        var body = ""
        func panel(_ index: Int, _ title: String, _ series: [(String, [Float], String)], range fixed: ClosedRange<Double>?) {
            let x0 = Double(index) * panelWidth + left, x1 = Double(index + 1) * panelWidth - 15
            let values = series.flatMap { $0.1.map(Double.init) }.filter(\.isFinite)
            var lo = fixed?.lowerBound ?? (values.min() ?? 0), hi = fixed?.upperBound ?? (values.max() ?? 1)
            if hi - lo < 1e-9 { hi = lo + 1; lo -= 0 }
            let n = Swift.max(series.map(\.1.count).max() ?? 1, 2)
            func px(_ i: Int) -> Double { x0 + (x1 - x0) * Double(i) / Double(n - 1) }
            func py(_ v: Double) -> Double { bottom - (bottom - top) * (v - lo) / (hi - lo) }
            body += "<rect x=\"\(x0)\" y=\"\(top)\" width=\"\(x1 - x0)\" height=\"\(bottom - top)\" fill=\"none\" stroke=\"#888\"/>\n"
            body += "<text x=\"\((x0 + x1) / 2)\" y=\"18\" text-anchor=\"middle\">\(title)</text>\n"
            for k in 0...4 {
                let v = lo + (hi - lo) * Double(k) / 4
                body += "<text x=\"\(x0 - 5)\" y=\"\(py(v) + 4)\" text-anchor=\"end\" font-size=\"10\">\(String(format: "%.3g", v))</text>\n"
            }
            body += "<text x=\"\((x0 + x1) / 2)\" y=\"\(Double(height) - 8)\" text-anchor=\"middle\" font-size=\"11\">epoch (1…\(n))</text>\n"
            for (j, (name, ys, color)) in series.enumerated() where !ys.isEmpty {
                let points = ys.enumerated().filter { $0.element.isFinite }
                    .map { String(format: "%.1f,%.1f", px($0.offset), py(Double($0.element))) }.joined(separator: " ")
                body += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
                body += "<text x=\"\(x1 - 5)\" y=\"\(top + 14 + 14 * Double(j))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(color)\">\(name)</text>\n"
            }
        }
        panel(0, "loss", [("train", trainLoss, "#1f77b4"), ("test", evalLoss, "#ff7f0e")], range: nil)
        panel(1, "accuracy", [("train", trainAccuracy, "#1f77b4"), ("test", evalAccuracy, "#ff7f0e")], range: 0...1)
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        \(body)</svg>

        """
    }
}
