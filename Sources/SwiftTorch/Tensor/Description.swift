// A readable description like PyTorch's: values (summarized past 1000 elements), shape, dtype, grad info.
//   tensor([[1., 2., 3.],
//           [4., 5., 6.]], shape: [2, 3], dtype: float32)
import Foundation

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = doubles
        let summarize = values.count > 1000
        let isInteger = !dtype.isFloatingPoint || values.allSatisfy { $0.isFinite && $0.rounded() == $0 }
        let scale = values.lazy.filter(\.isFinite).map(Swift.abs).max() ?? 0
        let scientific = dtype.isFloatingPoint && !isInteger && (scale >= 1e8 || (scale < 1e-4 && scale > 0))
        func format(_ v: Double) -> String {
            if v.isNaN { return "nan" }
            if v.isInfinite { return v < 0 ? "-inf" : "inf" }
            if !dtype.isFloatingPoint { return String(Int(v)) }
            if isInteger { return String(format: "%.0f.", v) }
            return scientific ? String(format: "%.4e", v) : String(format: "%.4f", v)
        }
        let cells = values.map(format)
        let width = cells.map(\.count).max() ?? 0
        let strides = contiguousStrides(shape)
        func render(_ dim: Int, _ base: Int, _ indent: Int) -> String {
            if dim == rank { return String(repeating: " ", count: width - cells[base].count) + cells[base] }
            let n = shape[dim]
            let shown: [Int?] = summarize && n > 6 ? Array(0..<3) + [nil] + Array((n - 3)..<n) : Array(0..<n)
            let sep = dim == rank - 1 ? ", " : ",\n" + String(repeating: "\n", count: Swift.max(0, rank - dim - 2))
                + String(repeating: " ", count: indent + 1)
            let parts = shown.map { i in i.map { render(dim + 1, base + $0 * strides[dim], indent + 1) } ?? "..." }
            return "[" + parts.joined(separator: sep) + "]"
        }
        var text = "tensor(" + render(0, 0, 7)
        text += ", shape: \(shape), dtype: \(dtype)"
        if let fn = gradFn { text += ", gradFn: \(fn)" } else if requiresGrad { text += ", requiresGrad: true" }
        return text + ")"
    }
}
