// Slicing with subscripts: integers (drop the dimension), ranges, strides (steps), `.all`, `.newAxis`.
//   x[1]                       row 1
//   x[0..<2, 3...]             a view
//   x[stride(from: 0, to: 8, by: 2)]   every other row
//   x[.all, 1]                 column 1
// Results are views sharing storage; assignment through a subscript writes into the base.
import CKernels

/// One subscript component.
public enum TensorIndex {
    case index(Int)
    /// start..<end with a positive step; ends are clamped like Python slices.
    case range(Int?, Int?, Int)
    /// Every element of the dimension (spelled `.all` inside a subscript).
    case whole
    /// A new dimension of size 1 (spelled `.newAxis` inside a subscript).
    case insertAxis
}

/// Anything usable inside `tensor[...]`.
public protocol TensorIndexConvertible { var tensorIndex: TensorIndex { get } }

extension TensorIndex: TensorIndexConvertible { public var tensorIndex: TensorIndex { self } }
extension Int: TensorIndexConvertible { public var tensorIndex: TensorIndex { .index(self) } }
extension Range: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(lowerBound, upperBound, 1) }
}
extension ClosedRange: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(lowerBound, upperBound == -1 ? nil : upperBound + 1, 1) }
}
extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(lowerBound, nil, 1) }
}
extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(nil, upperBound, 1) }
}
extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(nil, upperBound == -1 ? nil : upperBound + 1, 1) }
}
extension StrideTo: TensorIndexConvertible where Element == Int {
    public var tensorIndex: TensorIndex {
        let e = Array(self)
        guard let first = e.first, let last = e.last else { return .range(0, 0, 1) }
        return .range(first, last + 1, e.count > 1 ? e[1] - e[0] : 1)
    }
}

extension Tensor {
    public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
        get { self[indices.map(\.tensorIndex)] }
        set { self[indices.map(\.tensorIndex)] = newValue }
    }

    public subscript(_ indices: [TensorIndex]) -> Tensor {
        get {
            let (shape, strides, offset) = sliceGeometry(indices)
            let out = view(shape: shape, strides: strides, offset: offset)
            if needsGrad(self) {
                attach(out, "slice", [self]) { g in
                    // The gradient is zero outside the slice: write g into a zero tensor's slice.
                    let dx = Tensor.zeros(self.shape, dtype: g.dtype)
                    copyElements(from: g, into: dx.view(shape: shape, strides: strides, offset: offset - self.offset))
                    return [dx]
                }
            }
            Ledger.record("slice", [self], out, flops: 0)
            return out
        }
        set {
            if requiresGrad && gradEnabled {
                fatalError("subscript assignment: a tensor that requires grad cannot be modified in place (use withNoGrad or detach())")
            }
            let (shape, strides, offset) = sliceGeometry(indices)
            let target = view(shape: shape, strides: strides, offset: offset)
            let src = newValue.dtype == dtype ? newValue : newValue.to(dtype)
            copyElements(from: src.expand(shape), into: target)
        }
    }

    /// Shape, strides and offset of a subscripted view.
    func sliceGeometry(_ indices: [TensorIndex]) -> ([Int], [Int], Int) {
        var shape: [Int] = [], strides: [Int] = [], offset = self.offset
        var d = 0
        let consuming = indices.filter { if case .insertAxis = $0 { return false } else { return true } }.count
        if consuming > rank { fatalError("subscript: too many indices (\(consuming)) for a tensor of rank \(rank) (shape \(self.shape))") }
        for idx in indices {
            switch idx {
            case .insertAxis:
                shape.append(1); strides.append(0)
            case .whole:
                shape.append(self.shape[d]); strides.append(self.strides[d]); d += 1
            case .index(let i):
                let size = self.shape[d]
                let j = i < 0 ? i + size : i
                if j < 0 || j >= size { fatalError("subscript: index \(i) is out of range for dimension \(d) of size \(size) (shape \(self.shape))") }
                offset += j * self.strides[d]; d += 1
            case .range(let lo, let hi, let step):
                if step <= 0 { fatalError("subscript: slice step must be positive (got \(step))") }
                let size = self.shape[d]
                func clampEnd(_ v: Int?, _ dflt: Int) -> Int {
                    guard let v else { return dflt }
                    return Swift.min(Swift.max(v < 0 ? v + size : v, 0), size)
                }
                let start = clampEnd(lo, 0), end = clampEnd(hi, size)
                let n = end > start ? (end - start + step - 1) / step : 0
                offset += (n > 0 ? start : 0) * self.strides[d]
                shape.append(n); strides.append(self.strides[d] * step); d += 1
            }
        }
        while d < rank { shape.append(self.shape[d]); strides.append(self.strides[d]); d += 1 }
        return (shape, strides, offset)
    }
}

extension TensorIndexConvertible where Self == TensorIndex {
    /// Every element of a dimension (`x[.all, 1]`).
    public static var all: TensorIndex { .whole }
    /// A new dimension of size 1 (`x[.newAxis]`).
    public static var newAxis: TensorIndex { .insertAxis }
    /// Elements start..<end with a step (`x[.slice(0, 8, step: 2)]`); nil ends mean the whole range.
    public static func slice(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndex { .range(start, end, step) }
}
