// Softmax and log-softmax along an axis, max-subtracted (stable for inputs like [1000, 1001, 1002]).
//   x: [..., C, ...] -> y: same shape; rows along `dim` sum to 1 (softmax)
// Backward: softmax dx = y * (g - sum(g * y)); logSoftmax dx = g - exp(y) * sum(g), sums along dim.
// FLOPs: about 5 per element (max, subtract, exp, sum, scale).
import CKernels

extension Tensor {
    public func softmax(dim: Int = -1) -> Tensor { softmaxOp(dim: dim, log: false) }
    public func logSoftmax(dim: Int = -1) -> Tensor { softmaxOp(dim: dim, log: true) }

    private func softmaxOp(dim: Int, log: Bool) -> Tensor {
        if !dtype.isFloatingPoint { fatalError("softmax: needs a floating-point tensor (got \(dtype))") }
        let name = log ? "logSoftmax" : "softmax"
        let d = normalizeDim(dim, rank: rank, op: name)
        let out: Tensor
        if rank == 0 {
            out = Tensor.full([], log ? 0 : 1, dtype: dtype)
        } else {
            // Move `dim` last, run the row kernel, move it back.
            let last = rank - 1
            let moved = Ledger.internalStep { (d == last ? self : transpose(d, last)).contiguous() }
            let cols = shape[d], rows = cols == 0 ? 0 : scalarCount / cols
            let y = Tensor.empty(moved.shape, dtype: dtype)
            withExtendedLifetime(moved) { st_softmax(dtype.c, log ? 1 : 0, Int64(rows), Int64(cols), moved.data, y.data) }
            out = d == last ? y : Ledger.internalStep { y.transpose(d, last).contiguous() }
        }
        if needsGrad(self) {
            attach(out, name, [self]) { g, out in
                if log {
                    return [g - out.exp() * g.sum(dims: [d], keepDims: true)]
                }
                return [out * (g - (g * out).sum(dims: [d], keepDims: true))]
            }
        }
        Ledger.record(name, [self], out, flops: 5 * scalarCount)
        return out
    }
}

public func softmax(_ x: Tensor, dim: Int = -1) -> Tensor { x.softmax(dim: dim) }
public func logSoftmax(_ x: Tensor, dim: Int = -1) -> Tensor { x.logSoftmax(dim: dim) }
