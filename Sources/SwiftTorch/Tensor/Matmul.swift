// Matrix products through the SGEMM engine (float32) or the reference DGEMM (float64), with transpose
// flags instead of transposed copies.
//   a: [..., M, K] @ b: [..., K, N] -> [..., M, N]; batch dims broadcast; 1-D operands as in NumPy
//   (a [K] is a row [1, K], b [K] a column [K, 1], the added dim removed from the result).
// Backward: dA = g @ Bᵀ, dB = Aᵀ @ g, each summed back over broadcast batch dims.
// FLOPs = 2·batch·M·N·K (batch·M·N·K MACs).
import CKernels

/// How one matrix operand is passed to GEMM: data pointer offset, transpose flag and leading dimension.
private struct GEMMOperand {
    let tensor: Tensor   // the tensor whose storage is read (maybe a contiguous copy)
    let trans: Bool
    let ld: Int
    let batchStrides: [Int]  // strides of the batch dims, broadcast to the output batch shape

    /// Plans a [.., rows, cols] operand: row-major, column-major (transpose flag) or a contiguous copy.
    init(_ t: Tensor, batch: [Int]) {
        let r = t.rank, rows = t.shape[r - 2], cols = t.shape[r - 1]
        let sr = t.strides[r - 2], sc = t.strides[r - 1]
        var src = t
        if (sc == 1 || cols == 1) && (sr >= Swift.max(cols, 1) || rows == 1) {
            trans = false
            ld = rows == 1 ? Swift.max(cols, 1) : sr
        } else if (sr == 1 || rows == 1) && (sc >= Swift.max(rows, 1) || cols == 1) {
            trans = true
            ld = cols == 1 ? Swift.max(rows, 1) : sc
        } else {
            src = withNoGrad { t.contiguous() }
            trans = false
            ld = Swift.max(cols, 1)
        }
        tensor = src
        let batchShape = Array(src.shape.dropLast(2))
        let view = src.view(shape: batchShape, strides: Array(src.strides.dropLast(2)))
        batchStrides = view.broadcastStrides(to: batch)
    }
}

extension Tensor {
    /// Matrix product with NumPy/PyTorch semantics (see the file header).
    public func matmul(_ other: Tensor) -> Tensor { SwiftTorch.matmul(self, other) }
}

/// Matrix product with NumPy/PyTorch semantics: 1-D, 2-D and batched N-D with broadcast batch dims.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    if a.rank == 0 || b.rank == 0 {
        fatalError("matmul: both operands need at least one dimension (got \(a.shape) @ \(b.shape))")
    }
    if a.dtype != b.dtype || !a.dtype.isFloatingPoint {
        fatalError("matmul: operands must have the same floating-point dtype (got \(a.dtype) and \(b.dtype))")
    }
    let k1 = a.shape[a.rank - 1], k2 = b.rank == 1 ? b.shape[0] : b.shape[b.rank - 2]
    if k1 != k2 {
        fatalError("matmul: Cannot perform matrix multiplication: \(a.shape) @ \(b.shape). Inner dimensions must match: \(k1) ≠ \(k2)")
    }
    if a.rank == 1 || b.rank == 1 {
        return Ledger.composite("matmul", [a, b]) {
            let a2 = a.rank == 1 ? a.unsqueeze(0) : a, b2 = b.rank == 1 ? b.unsqueeze(-1) : b
            var r = matmul(a2, b2)
            if a.rank == 1 { r = r.squeeze(-2) }
            if b.rank == 1 { r = r.squeeze(-1) }
            return r
        }
    }
    let m = a.shape[a.rank - 2], n = b.shape[b.rank - 1], k = k1
    let batch = broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul (batch dimensions)")
    let out: Tensor
    if b.rank == 2 && a.rank > 2 && a.isContiguous {
        // [..., M, K] @ [K, N]: fold the batch into M, one GEMM (a linear layer on [B, T, C]).
        let rows = batch.reduce(1, *) * m
        let flat = gemm(a.view(shape: [rows, k], strides: [k, 1]), b)
        out = flat.view(shape: batch + [m, n], strides: contiguousStrides(batch + [m, n]))
    } else {
        out = batchedGEMM(a, b, batch: batch, m: m, n: n, k: k)
    }
    if needsGrad(a, b) {
        attach(out, "matmul", [a, b]) { g in
            var da: Tensor? = nil, db: Tensor? = nil
            if a.requiresGrad { da = matmul(g, b.transpose()).sumTo(a.shape) }
            if b.requiresGrad {
                if b.rank == 2 && a.rank > 2 {
                    // dB = Σ_batch Aᵀ g as one GEMM over the folded batch.
                    db = matmul(a.reshape([-1, k]).transpose(), g.reshape([-1, n]))
                } else {
                    db = matmul(a.transpose(), g).sumTo(b.shape)
                }
            }
            return [da, db]
        }
    }
    let macs = batch.reduce(1, *) * m * n * k
    Ledger.record("matmul", [a, b], out, flops: 2 * macs, macs: macs)
    return out
}

/// One 2-D product [M, K] @ [K, N] -> new contiguous [M, N].
func gemm(_ a: Tensor, _ b: Tensor) -> Tensor {
    batchedGEMM(a, b, batch: [], m: a.shape[0], n: b.shape[1], k: a.shape[1])
}

/// Products over the broadcast batch, each through SGEMM/DGEMM with transpose flags: into a new
/// tensor, or (`into`, contiguous [..., M, N]) as C := A·B + beta·C.
private func batchedGEMM(_ a: Tensor, _ b: Tensor, batch: [Int], m: Int, n: Int, k: Int, into: Tensor? = nil,
                         beta: Double = 0) -> Tensor {
    let out = into ?? Tensor.empty(batch + [m, n], dtype: a.dtype)
    let pa = GEMMOperand(a, batch: batch), pb = GEMMOperand(b, batch: batch)
    let count = batch.reduce(1, *), esize = a.dtype.byteSize
    if count == 0 || m == 0 || n == 0 { return out }
    withExtendedLifetime((pa.tensor, pb.tensor)) {
        var index = [Int](repeating: 0, count: batch.count)
        for i in 0..<count {
            var oa = 0, ob = 0
            for d in 0..<batch.count {
                oa += index[d] * pa.batchStrides[d]
                ob += index[d] * pb.batchStrides[d]
            }
            let ap = pa.tensor.data + oa * esize, bp = pb.tensor.data + ob * esize
            let cp = out.data + i * m * n * esize
            rawGEMM(a.dtype, transA: pa.trans, transB: pb.trans, m: m, n: n, k: k, a: ap, lda: pa.ld, b: bp, ldb: pb.ld,
                    beta: beta, c: cp, ldc: n)
            for d in stride(from: batch.count - 1, through: 0, by: -1) {
                index[d] += 1
                if index[d] < batch[d] { break }
                index[d] = 0
            }
        }
    }
    return out
}

/// y = x·W + b in one node (the curriculum's linear layer; `Linear` builds on it).
///   x: [..., D_in]  weight: [D_in, D_out]  bias: [D_out]  y: [..., D_out]
///   dW = Xᵀ·dY, db = Σ_batch dY, dX = dY·Wᵀ.  FLOPs = 2·B·D_in·D_out (B = rows of x).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    if weight.rank != 2 || x.rank == 0 || x.shape[x.rank - 1] != weight.shape[0] {
        fatalError("linear: Cannot perform matrix multiplication: \(x.shape) @ \(weight.shape). Inner dimensions must match: \(x.shape.last ?? 0) ≠ \(weight.shape.first ?? 0)")
    }
    if let bias, bias.shape != [weight.shape[1]] {
        fatalError("linear: bias shape \(bias.shape) must be [\(weight.shape[1])] (one per output feature)")
    }
    let (k, n) = (weight.shape[0], weight.shape[1])
    let rows = x.scalarCount / Swift.max(k, 1)
    if x.dtype != weight.dtype || bias.map({ $0.dtype != weight.dtype }) == true {
        fatalError("linear: x, weight and bias must have one dtype (got \(x.dtype), \(weight.dtype), \(bias?.dtype.description ?? "-"))")
    }
    // One node: the bias is written into the output first and the GEMM adds x·W to it (beta = 1), so
    // neither the forward nor the graph has a separate broadcast add.
    let x2 = Ledger.internalStep { x.reshape([rows, k]) }   // x2: [B, D_in] (a view when contiguous)
    let y2 = Tensor.empty([rows, n], dtype: x.dtype)                  // y2: [B, D_out]
    if let bias { Ledger.internalStep { copyElements(from: bias.expand([rows, n]), into: y2) } }
    if rows > 0 && n > 0 {
        _ = batchedGEMM(x2, weight, batch: [], m: rows, n: n, k: k, into: y2, beta: bias == nil ? 0 : 1)
    }
    let y = y2.view(shape: Array(x.shape.dropLast()) + [n], strides: contiguousStrides(Array(x.shape.dropLast()) + [n]))
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    if needsGrad(inputs) {
        attach(y, "linear", inputs) { g in
            let g2 = g.reshape([rows, n])                                           // dY: [B, D_out]
            let dx = x.requiresGrad ? matmul(g2, weight.transpose()).reshape(x.shape) : nil   // dX = dY·Wᵀ
            let dw = weight.requiresGrad ? matmul(x2.transpose(), g2) : nil        // dW = Xᵀ·dY
            let db = bias?.requiresGrad == true ? g2.sum(dim: 0) : nil             // db = Σ_B dY
            return [dx, dw] + (bias == nil ? [] : [db])
        }
    }
    let macs = rows * k * n
    Ledger.record("linear", [x], y, flops: 2 * macs, macs: macs, params: [weight] + (bias.map { [$0] } ?? []))
    return y
}

/// C := op(A)·op(B) + beta·C on raw row-major memory: SGEMM (packed) for float32, DGEMM for float64.
func rawGEMM(_ dtype: DType, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafeRawPointer, lda: Int,
             b: UnsafeRawPointer, ldb: Int, beta: Double, c: UnsafeMutableRawPointer, ldc: Int) {
    let ta = transA ? ST_TRANS : ST_NO_TRANS, tb = transB ? ST_TRANS : ST_NO_TRANS
    if dtype == .float32 {
        let status = st_sgemm(ST_SGEMM_PACKED, ta, tb, Int64(m), Int64(n), Int64(k), 1,
                              a.assumingMemoryBound(to: Float.self), Int64(lda), b.assumingMemoryBound(to: Float.self),
                              Int64(ldb), Float(beta), c.assumingMemoryBound(to: Float.self), Int64(ldc))
        if status != ST_OK { fatalError("matmul: \(String(cString: st_last_error()))") }
    } else {
        st_dgemm(ta, tb, Int64(m), Int64(n), Int64(k), 1, a.assumingMemoryBound(to: Double.self), Int64(lda),
                 b.assumingMemoryBound(to: Double.self), Int64(ldb), beta, c.assumingMemoryBound(to: Double.self), Int64(ldc))
    }
}
