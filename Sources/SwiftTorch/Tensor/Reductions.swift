// Reductions along a list of axes (keepDims or not) and over everything: sum, mean, max, min, argmax,
// argmin, variance. The kernel reduces the middle axis of a contiguous [O, R, I] view; reduced axes that
// are not one consecutive block of a contiguous tensor are first permuted to the end (one copy).
//   x: [d0, ..., dR-1]  ->  out: x's shape without the reduced axes (size 1 with keepDims)
// FLOPs: one per input element.
import CKernels

extension Tensor {
    /// Reduction through the C kernel, no graph. `dims` sorted, unique, normalized.
    func reduceKernel(_ op: st_reduce_op, _ name: String, dims: [Int], keepDims: Bool) -> Tensor {
        let outDtype: DType = (op == ST_ARGMAX || op == ST_ARGMIN) ? .int64 : dtype
        var keptShape = shape
        for d in dims { keptShape[d] = 1 }
        let finalShape = keepDims ? keptShape : shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element)
        let reduced = dims.reduce(1) { $0 * shape[$1] }
        if reduced == 0 && op != ST_SUM {
            fatalError("\(name): cannot reduce over an empty dimension (shape \(shape), dims \(dims))")
        }
        // Fast path: contiguous and the reduced axes form one block -> [O, R, I] without a copy. Kept dims of
        // size 1 inside the span ([N, 1, H, W] over [0, 2, 3]) do not break the block: they add no elements.
        var src = self, O = 1, R = 1, I = 1
        let block = dims.isEmpty || (dims.first!...dims.last!).allSatisfy { dims.contains($0) || shape[$0] == 1 }
        // A sum over leading and trailing dims, keeping a middle block ([N, C, H, W] over [0, 2, 3]): [A, K, B]
        // without a copy, when the trailing rows are long enough to sum as rows.
        let prefix = dims.enumerated().prefix { $0.offset == $0.element }.count   // dims 0..<prefix
        if op == ST_SUM && isContiguous && !block && prefix > 0 && prefix < dims.count
            && Array(dims[prefix...]) == Array(dims[prefix]..<rank) {
            let q = dims[prefix]                                                        // and q..<rank
            let a = shape[..<prefix].reduce(1, *), k = shape[prefix..<q].reduce(1, *), b = shape[q...].reduce(1, *)
            if b >= 16 {
                let out = Tensor.empty(finalShape, dtype: outDtype)
                withExtendedLifetime(self) { st_reduce_sum_outer_inner(dtype.c, Int64(a), Int64(k), Int64(b), data, out.data) }
                return out
            }
        }
        if isContiguous && block && !dims.isEmpty {
            O = shape[..<dims.first!].reduce(1, *)
            R = reduced
            I = shape[(dims.last! + 1)...].reduce(1, *)
        } else {
            let kept = (0..<rank).filter { !dims.contains($0) }
            src = Ledger.internalStep { permute(kept + dims).contiguous() }
            O = kept.reduce(1) { $0 * shape[$1] }
            R = reduced
        }
        let out = Tensor.empty(finalShape, dtype: outDtype)
        withExtendedLifetime(src) { st_reduce(op, dtype.c, Int64(O), Int64(R), Int64(I), src.data, out.data) }
        return out
    }

    /// Normalized, sorted, unique dims (nil = all).
    func reductionDims(_ dims: [Int]?, op: String) -> [Int] {
        guard let dims else { return Array(0..<rank) }
        let d = Set(dims.map { normalizeDim($0, rank: rank, op: op) })
        return d.sorted()
    }

    // ------------------------------------------------------------------ sum / mean
    /// Sum over `dims` (all when nil).
    public func sum(dims: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ds = reductionDims(dims, op: "sum")
        let out = reduceKernel(ST_SUM, "sum", dims: ds, keepDims: keepDims)
        if needsGrad(self) {
            let inShape = shape, kept = keptShape(ds)
            // A rank-0 or keepDims gradient broadcasts as it is; otherwise the reduced dims come back as 1s.
            let direct = keepDims || out.rank == 0
            attach(out, "sum", [self]) { g in [(direct ? g : g.reshape(kept)).expand(inShape)] }
        }
        Ledger.record("sum", [self], out, flops: scalarCount)
        return out
    }

    /// Sum over one dimension (all when nil), like `torch.sum(x, dim)`.
    public func sum(dim: Int?, keepDim: Bool = false) -> Tensor { sum(dims: dim.map { [$0] }, keepDims: keepDim) }

    /// Mean over `dims` (all when nil).
    public func mean(dims: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ds = reductionDims(dims, op: "mean")
        let n = ds.reduce(1) { $0 * shape[$1] }
        return Ledger.composite("mean", [self]) { sum(dims: ds, keepDims: keepDims).mulScalar(1 / Double(n)) }
    }

    public func mean(dim: Int?, keepDim: Bool = false) -> Tensor { mean(dims: dim.map { [$0] }, keepDims: keepDim) }

    /// Variance over `dims` with Bessel's correction by default (`correction: 1`, like torch.var).
    public func variance(dims: [Int]? = nil, keepDims: Bool = false, correction: Int = 1) -> Tensor {
        let ds = reductionDims(dims, op: "variance")
        let n = ds.reduce(1) { $0 * shape[$1] }
        return Ledger.composite("variance", [self]) {
            let centered = self - mean(dims: ds, keepDims: true)
            return centered.square().sum(dims: ds, keepDims: keepDims).mulScalar(1 / Double(Swift.max(n - correction, 0)))
        }
    }

    public func variance(dim: Int?, keepDim: Bool = false, correction: Int = 1) -> Tensor {
        variance(dims: dim.map { [$0] }, keepDims: keepDim, correction: correction)
    }

    // ------------------------------------------------------------------ max / min / arg
    /// Maximum over `dims` (all when nil). NaN propagates. The gradient goes to the maximal elements
    /// (split equally between ties).
    public func max(dims: [Int]? = nil, keepDims: Bool = false) -> Tensor { extreme(ST_MAX, "max", dims, keepDims) }
    public func max(dim: Int?, keepDim: Bool = false) -> Tensor { max(dims: dim.map { [$0] }, keepDims: keepDim) }
    public func min(dims: [Int]? = nil, keepDims: Bool = false) -> Tensor { extreme(ST_MIN, "min", dims, keepDims) }
    public func min(dim: Int?, keepDim: Bool = false) -> Tensor { min(dims: dim.map { [$0] }, keepDims: keepDim) }

    private func extreme(_ op: st_reduce_op, _ name: String, _ dims: [Int]?, _ keepDims: Bool) -> Tensor {
        let ds = reductionDims(dims, op: name)
        let out = reduceKernel(op, name, dims: ds, keepDims: keepDims)
        if needsGrad(self) {
            let kept = keptShape(ds)
            attach(out, name, [self]) { g, out in
                let mask = self .== out.reshape(kept)
                let ties = mask.sum(dims: ds, keepDims: true)
                return [mask * (g.reshape(kept) / ties)]
            }
        }
        Ledger.record(name, [self], out, flops: scalarCount)
        return out
    }

    /// Index of the maximum along `dim` (int64; the first one on ties). `dim: nil` indexes the flattened tensor.
    public func argmax(dim: Int? = nil, keepDim: Bool = false) -> Tensor { argExtreme(ST_ARGMAX, "argmax", dim, keepDim) }
    public func argmin(dim: Int? = nil, keepDim: Bool = false) -> Tensor { argExtreme(ST_ARGMIN, "argmin", dim, keepDim) }

    private func argExtreme(_ op: st_reduce_op, _ name: String, _ dim: Int?, _ keepDim: Bool) -> Tensor {
        let out: Tensor
        if let dim {
            out = reduceKernel(op, name, dims: [normalizeDim(dim, rank: rank, op: name)], keepDims: keepDim)
        } else {
            out = contiguous().view(shape: [scalarCount], strides: [1]).reduceKernel(op, name, dims: [0], keepDims: false)
        }
        Ledger.record(name, [self], out, flops: scalarCount)
        return out
    }

    /// The shape with reduced dims set to 1.
    func keptShape(_ dims: [Int]) -> [Int] {
        var s = shape
        for d in dims { s[d] = 1 }
        return s
    }
}
