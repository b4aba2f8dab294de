// Shape ops. Views share storage with their base (O(1), no copy): reshape of contiguous data,
// transpose/permute, slicing with steps, squeeze/unsqueeze, expand. Reshaping non-contiguous data
// copies. Each op's backward maps the gradient back to the input's shape; views thus propagate
// gradients to their base.
import CKernels

extension Tensor {
    /// A view with other shape and strides over the same storage (no graph).
    func view(shape: [Int], strides: [Int], offset: Int? = nil) -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset ?? self.offset, dtype: dtype)
    }

    /// This tensor if contiguous, else a contiguous copy (gradient passes straight through).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        let out = Tensor.empty(shape, dtype: dtype)
        copyElements(from: self, into: out)
        if needsGrad(self) { attach(out, "contiguous", [self]) { g in [g] } }
        return out
    }

    // ------------------------------------------------------------------ reshape
    public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

    /// The same elements in another shape (one -1 is inferred). A view when the data allows, else a copy.
    public func reshape(_ newShape: [Int]) -> Tensor {
        let target = inferShape(newShape)
        if target == shape { return self }
        let out: Tensor
        if let s = viewStrides(for: target) {
            out = view(shape: target, strides: s)
        } else {
            let c = Tensor.empty(shape, dtype: dtype)
            copyElements(from: self, into: c)
            out = c.view(shape: target, strides: contiguousStrides(target))
        }
        if needsGrad(self) {
            let original = shape
            attach(out, "reshape", [self]) { g in [g.reshape(original)] }
        }
        Ledger.record("reshape", [self], out, flops: 0)
        return out
    }

    /// `newShape` with its -1 inferred; traps naming the element counts.
    func inferShape(_ newShape: [Int]) -> [Int] {
        let n = scalarCount
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        if unknown.count > 1 { fatalError("reshape: only one dimension can be -1 (shape \(newShape))") }
        if let bad = newShape.first(where: { $0 < -1 }) { fatalError("reshape: invalid size \(bad) in shape \(newShape)") }
        var target = newShape
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        if let u = unknown.first {
            if known == 0 || n % known != 0 {
                fatalError("reshape: Cannot reshape tensor of size \(n) into shape \(newShape): total elements must match (\(n) is not a multiple of \(known))")
            }
            target[u] = n / known
        }
        let m = target.reduce(1, *)
        if m != n {
            fatalError("reshape: Cannot reshape tensor of size \(n) into shape \(newShape): total elements must match (\(n) ≠ \(m))")
        }
        return target
    }

    /// Strides that read the current elements in `target`'s row-major order without a copy, if any.
    /// Walks the old dimensions from the right in chunks that are contiguous among themselves; each chunk
    /// must be covered exactly by a run of new dimensions, which then step within the chunk.
    func viewStrides(for target: [Int]) -> [Int]? {
        if isContiguous { return contiguousStrides(target) }
        if scalarCount == 0 || rank == 0 { return nil }
        var newStrides = [Int](repeating: 0, count: target.count)
        var viewD = target.count - 1
        var chunkBase = strides[rank - 1], tensorCount = 1, viewCount = 1
        for d in stride(from: rank - 1, through: 0, by: -1) {
            tensorCount *= shape[d]
            let chunkEnds = d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorCount * chunkBase)
            if chunkEnds {
                while viewD >= 0 && (viewCount < tensorCount || target[viewD] == 1) {
                    newStrides[viewD] = viewCount * chunkBase
                    viewCount *= target[viewD]
                    viewD -= 1
                }
                if viewCount != tensorCount { return nil }
                if d > 0 {
                    chunkBase = strides[d - 1]
                    tensorCount = 1
                    viewCount = 1
                }
            }
        }
        return viewD == -1 ? newStrides : nil
    }

    /// Collapses dimensions start...end into one (like torch.flatten).
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if rank == 0 { return reshape([1]) }
        let s = normalizeDim(startDim, rank: rank, op: "flatten"), e = normalizeDim(endDim, rank: rank, op: "flatten")
        if s > e { return self }
        return reshape(Array(shape[..<s]) + [shape[s...e].reduce(1, *)] + Array(shape[(e + 1)...]))
    }

    // ------------------------------------------------------------------ permutations
    /// Dimensions reordered: result dimension i is input dimension dims[i].
    public func permute(_ dims: Int...) -> Tensor { permute(dims) }

    public func permute(_ dims: [Int]) -> Tensor {
        let d = dims.map { normalizeDim($0, rank: rank, op: "permute") }
        if d.count != rank || Set(d).count != rank {
            fatalError("permute: \(dims) is not a permutation of the \(rank) dimensions of shape \(shape)")
        }
        let out = view(shape: d.map { shape[$0] }, strides: d.map { strides[$0] })
        if needsGrad(self) {
            var inverse = [Int](repeating: 0, count: d.count)
            for (i, x) in d.enumerated() { inverse[x] = i }
            attach(out, "permute", [self]) { g in [g.permute(inverse)] }
        }
        Ledger.record("permute", [self], out, flops: 0)
        return out
    }

    /// Swaps two dimensions (by default the last two).
    public func transpose(_ dim0: Int = -2, _ dim1: Int = -1) -> Tensor {
        if rank < 2 { return self }
        var order = Array(0..<rank)
        order.swapAt(normalizeDim(dim0, rank: rank, op: "transpose"), normalizeDim(dim1, rank: rank, op: "transpose"))
        return permute(order)
    }

    /// The transpose of a 2-D tensor (the last two dimensions of an N-D one).
    public var T: Tensor { transpose() }

    // ------------------------------------------------------------------ squeeze / unsqueeze / expand
    /// Removes a dimension of size 1 (all of them when `dim` is nil).
    public func squeeze(_ dim: Int? = nil) -> Tensor {
        var target = shape
        if let dim {
            let d = normalizeDim(dim, rank: rank, op: "squeeze")
            if shape[d] != 1 { return self }
            target.remove(at: d)
        } else {
            target = shape.filter { $0 != 1 }
        }
        return reshape(target)
    }

    /// Inserts a dimension of size 1 at `dim` (-1 appends).
    public func unsqueeze(_ dim: Int) -> Tensor {
        let d = normalizeDim(dim, rank: rank + 1, op: "unsqueeze")
        var target = shape
        target.insert(1, at: d)
        return reshape(target)
    }

    /// A broadcast view with `shape` (size-1 and missing leading dimensions repeat with stride 0).
    public func expand(_ target: [Int]) -> Tensor {
        let result = broadcastShape(shape, target, op: "expand")
        if result != target {
            fatalError("expand: shape \(shape) cannot be expanded to \(target) (broadcasting gives \(result))")
        }
        if target == shape { return self }
        let out = view(shape: target, strides: broadcastStrides(to: target))
        if needsGrad(self) {
            let original = shape
            attach(out, "expand", [self]) { g in [g.sumTo(original)] }
        }
        Ledger.record("expand", [self], out, flops: 0)
        return out
    }

    public func expand(_ target: Int...) -> Tensor { expand(target) }
    /// The same as `expand`.
    public func broadcastTo(_ target: [Int]) -> Tensor { expand(target) }

    // ------------------------------------------------------------------ concatenate / stack
    /// Joins tensors along an existing dimension; all other dimensions must match.
    public static func concatenate(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        guard let first = tensors.first else { fatalError("concatenate: needs at least one tensor") }
        let d = normalizeDim(dim, rank: first.rank, op: "concatenate")
        for (i, t) in tensors.enumerated() {
            var a = t.shape, b = first.shape
            if a.count == b.count { a[d] = 0; b[d] = 0 }
            if a != b || t.dtype != first.dtype {
                fatalError("concatenate: tensor \(i) has shape \(t.shape) (\(t.dtype)) but tensor 0 has \(first.shape) (\(first.dtype)); all dimensions except \(dim) must match")
            }
        }
        var shape = first.shape
        shape[d] = tensors.reduce(0) { $0 + $1.shape[d] }
        let out = Tensor.empty(shape, dtype: first.dtype)
        var start = 0
        var starts: [Int] = []
        for t in tensors {
            starts.append(start)
            var s = shape
            s[d] = t.shape[d]
            copyElements(from: t, into: out.view(shape: s, strides: out.strides, offset: start * out.strides[d]))
            start += t.shape[d]
        }
        if needsGrad(tensors) {
            attach(out, "concatenate", tensors) { g in
                zip(tensors, starts).map { t, s in
                    t.requiresGrad ? g.narrow(dim: d, start: s, length: t.shape[d]) : nil
                }
            }
        }
        Ledger.record("concatenate", tensors, out, flops: 0)
        return out
    }

    /// Joins equally shaped tensors along a new dimension.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        guard let first = tensors.first else { fatalError("stack: needs at least one tensor") }
        let d = normalizeDim(dim, rank: first.rank + 1, op: "stack")
        for (i, t) in tensors.enumerated() where t.shape != first.shape {
            fatalError("stack: tensor \(i) has shape \(t.shape) but tensor 0 has \(first.shape); all must be equal")
        }
        return concatenate(tensors.map { $0.unsqueeze(d) }, dim: d)
    }

    /// The elements start..<start+length along `dim` (a view).
    public func narrow(dim: Int, start: Int, length: Int) -> Tensor {
        let d = normalizeDim(dim, rank: rank, op: "narrow")
        var idx = [TensorIndex](repeating: .whole, count: rank)
        idx[d] = .range(start, start + length, 1)
        return self[idx]
    }
}
