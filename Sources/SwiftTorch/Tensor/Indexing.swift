// Indexing for layers: indexSelect (embedding lookup), gather (picking the target logit), oneHot.
//   indexSelect: x [..., D, ...] (dim of size D), index [n] -> [..., n, ...]
//   gather:      x [..., D, ...], index [..., n, ...] (same rank) -> index's shape
// Backward: the gradient is scatter-added into a zero tensor of x's shape (index-add / scatter-add).
import CKernels

extension Tensor {
    /// Index values as a contiguous int64 tensor; traps for floating-point indices.
    func indexTensor(_ op: String) -> Tensor {
        if dtype.isFloatingPoint { fatalError("\(op): indices must be an integer tensor (got \(dtype))") }
        return to(.int64).contiguous()
    }

    /// [O, D, I] geometry of `dim`.
    func splitAround(_ d: Int) -> (Int, Int, Int) {
        (shape[..<d].reduce(1, *), shape[d], shape[(d + 1)...].reduce(1, *))
    }

    /// Rows along `dim` picked by a 1-D integer `index` (repeats allowed), like `torch.index_select`.
    public func indexSelect(dim: Int, index: Tensor) -> Tensor {
        let d = normalizeDim(dim, rank: rank, op: "indexSelect")
        if index.rank != 1 { fatalError("indexSelect: index must be 1-D (got shape \(index.shape))") }
        let idx = index.indexTensor("indexSelect"), x = contiguous()
        let (O, D, I) = splitAround(d), n = idx.scalarCount
        var outShape = shape
        outShape[d] = n
        let out = Tensor.empty(outShape, dtype: dtype)
        let status = withExtendedLifetime((x, idx)) {
            st_index_select(dtype.byteSize, Int64(O), Int64(D), Int64(I), x.data, Int64(n),
                            idx.data.assumingMemoryBound(to: Int64.self), out.data)
        }
        if status != ST_OK { fatalError(Tensor.indexMessage(idx, bound: D, op: "indexSelect")) }
        if needsGrad(self) {
            let inShape = shape
            attach(out, "indexSelect", [self]) { g in
                let gc = g.contiguous(), dx = Tensor.zeros(inShape, dtype: g.dtype)
                withExtendedLifetime((gc, idx)) {
                    st_index_add(g.dtype.c, Int64(O), Int64(D), Int64(I), dx.data, Int64(n),
                                 idx.data.assumingMemoryBound(to: Int64.self), gc.data)
                }
                return [dx]
            }
        }
        Ledger.record("indexSelect", [self, index], out, flops: 0)
        return out
    }

    /// Values along `dim` at positions given by `index` (same rank; other dims equal), like `torch.gather`.
    public func gather(dim: Int, index: Tensor) -> Tensor {
        let d = normalizeDim(dim, rank: rank, op: "gather")
        if index.rank != rank || (0..<rank).contains(where: { $0 != d && index.shape[$0] > shape[$0] }) {
            fatalError("gather: index shape \(index.shape) must have the input's rank and sizes <= the input shape \(shape) in every dimension except \(dim)")
        }
        // Like torch.gather, a smaller index reads the leading part of the other dims: gather from that
        // view (a narrow; its gradient lands in the right place of the full input).
        if let smaller = (0..<rank).first(where: { $0 != d && index.shape[$0] < shape[$0] }) {
            let part = Ledger.hidden { narrow(dim: smaller, start: 0, length: index.shape[smaller]) }
            return part.gather(dim: d, index: index)
        }
        let idx = index.indexTensor("gather"), x = contiguous()
        let (O, D, I) = splitAround(d), n = index.shape[d]
        let out = Tensor.empty(index.shape, dtype: dtype)
        let status = withExtendedLifetime((x, idx)) {
            st_gather(dtype.byteSize, Int64(O), Int64(D), Int64(I), x.data, Int64(n),
                      idx.data.assumingMemoryBound(to: Int64.self), out.data)
        }
        if status != ST_OK { fatalError(Tensor.indexMessage(idx, bound: D, op: "gather")) }
        if needsGrad(self) {
            let inShape = shape
            attach(out, "gather", [self]) { g in
                let gc = g.contiguous(), dx = Tensor.zeros(inShape, dtype: g.dtype)
                withExtendedLifetime((gc, idx)) {
                    st_scatter_add(g.dtype.c, Int64(O), Int64(D), Int64(I), dx.data, Int64(n),
                                   idx.data.assumingMemoryBound(to: Int64.self), gc.data)
                }
                return [dx]
            }
        }
        Ledger.record("gather", [self, index], out, flops: 0)
        return out
    }

    /// Rows of `classes` zeros with a one at each label (labels: integer tensor of any shape).
    public static func oneHot(_ labels: Tensor, classes: Int, dtype: DType = .float32) -> Tensor {
        let idx = labels.indexTensor("oneHot")
        let out = Tensor.empty(labels.shape + [classes], dtype: dtype)
        let status = withExtendedLifetime(idx) {
            st_one_hot(dtype.c, Int64(idx.scalarCount), idx.data.assumingMemoryBound(to: Int64.self), Int64(classes), out.data)
        }
        if status != ST_OK { fatalError(indexMessage(idx, bound: classes, op: "oneHot")) }
        return out
    }

    /// "op: Index out of range. Expected 0 <= indices < D, got min=.., max=.."
    static func indexMessage(_ idx: Tensor, bound: Int, op: String) -> String {
        var lo: Int64 = 0, hi: Int64 = 0
        withExtendedLifetime(idx) {
            st_min_max_i64(Int64(idx.scalarCount), idx.data.assumingMemoryBound(to: Int64.self), &lo, &hi)
        }
        return "\(op): Index out of range. Expected 0 <= indices < \(bound), got min=\(lo), max=\(hi)"
    }
}
