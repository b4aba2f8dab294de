// Activation functions beyond relu/sigmoid/tanh (Elementwise.swift): leaky relu, SiLU and GELU, each
// with its derivative next to it. Shapes: x and y have the same shape, any rank.
//   leakyRelu(x) = x > 0 ? x : α·x                 d/dx = 1 or α
//   silu(x)      = x·σ(x)                          d/dx = σ(x)·(1 + x·(1 − σ(x)))
//   gelu(x)      = x·Φ(x)  (exact, the default)    d/dx = Φ(x) + x·φ(x)
//   gelu(x)      = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))  (approximation: .tanh)
// FLOPs: counted as one per element (the ledger's convention for elementwise ops).
import CKernels

/// The two forms of GELU: the exact x·Φ(x) (erf) and the tanh approximation (max difference ≈ 4.73e-4).
public enum GELUApproximation: Sendable {
    case exact
    case tanh

    var kind: st_gelu_kind { self == .exact ? ST_GELU_EXACT : ST_GELU_TANH }
}

extension Tensor {
    /// max(0, x) + negativeSlope·min(0, x).
    public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor {
        let a = negativeSlope
        return unary(ST_LEAKY_RELU, "leakyRelu", a) { g, _ in g * self.unaryKernel(ST_STEP, "leakyRelu", a) }
    }

    /// x·σ(x) (also called swish).
    public func silu() -> Tensor {
        unary(ST_SILU, "silu") { g, _ in g * self.unaryKernel(ST_SILU_GRAD, "silu") }
    }

    /// GELU, exact (erf) by default or the tanh approximation. Contiguous float32 runs fused SIMD
    /// kernels: one read and one write forward; backward reads x and the gradient once.
    public func gelu(approximation: GELUApproximation = .exact) -> Tensor {
        let kind = approximation.kind
        let out: Tensor
        if dtype == .float32 && isContiguous {
            out = Tensor.empty(shape, dtype: dtype, strides: strides)
            withExtendedLifetime(self) {
                st_gelu_f32(kind, Int64(scalarCount), data.assumingMemoryBound(to: Float.self),
                            out.data.assumingMemoryBound(to: Float.self))
            }
        } else {
            out = unaryKernel(ST_GELU, "gelu", Double(kind.rawValue))
        }
        if needsGrad(self) {
            attach(out, "gelu", [self]) { g in
                if g.dtype == .float32 && g.shape == self.shape && g.isContiguous && self.isContiguous {
                    let dx = Tensor.empty(self.shape, dtype: .float32)
                    withExtendedLifetime((self, g)) {
                        st_gelu_backward_f32(kind, Int64(self.scalarCount), self.data.assumingMemoryBound(to: Float.self),
                                             g.data.assumingMemoryBound(to: Float.self),
                                             dx.data.assumingMemoryBound(to: Float.self))
                    }
                    return [dx]
                }
                return [g * self.unaryKernel(ST_GELU_GRAD, "gelu", Double(kind.rawValue))]
            }
        }
        Ledger.record("gelu", [self], out)
        return out
    }
}

public func gelu(_ x: Tensor, approximation: GELUApproximation = .exact) -> Tensor { x.gelu(approximation: approximation) }
public func silu(_ x: Tensor) -> Tensor { x.silu() }
public func leakyRelu(_ x: Tensor, negativeSlope: Double = 0.01) -> Tensor { x.leakyRelu(negativeSlope: negativeSlope) }
