// Losses: a scalar, differentiable, mean over the batch.
//   MSE:          mean((p − t)²)                                     p, t: [N] or [N, D]
//   CrossEntropy: mean_i(logsumexp(x_i) − x_i[y_i])                 logits x: [N, C], labels y: [N]
//                 gradient (softmax(x) − onehot(y)) / N (fused C kernel: one pass forward)
//                 soft targets t: [N, C] (float): mean_i(−Σ_c t_ic · logSoftmax(x)_ic)
//   BCE:          −mean(t·log p + (1 − t)·log(1 − p)), p clamped to [1e-7, 1 − 1e-7]
//   BCEWithLogits: mean(max(x, 0) − x·t + log(1 + e^(−|x|))), gradient (σ(x) − t) / N
// Memory: cross-entropy keeps the probabilities [N, C] for backward (4·N·C bytes in float32).
import CKernels

/// A loss function: prediction and target in, a differentiable scalar out.
public protocol Loss {
    func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor
}

public struct MSELoss: Loss {
    public init() {}
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        if prediction.shape != target.shape {
            fatalError("MSELoss: prediction \(prediction.shape) and target \(target.shape) must have the same shape")
        }
        return Ledger.composite("mseLoss", [prediction, target]) { (prediction - target).square().mean() }
    }
}

public struct CrossEntropyLoss: Loss {
    public init() {}

    /// logits [N, C] (raw scores, never probabilities) against class indices [N] (integer tensor) or
    /// class probabilities [N, C] (floating point, e.g. one-hot).
    public func callAsFunction(_ logits: Tensor, _ target: Tensor) -> Tensor {
        if logits.rank != 2 || !logits.dtype.isFloatingPoint {
            fatalError("CrossEntropyLoss: logits must be a floating-point [N, C] tensor (got \(logits.shape), \(logits.dtype))")
        }
        if target.dtype.isFloatingPoint {
            if target.shape != logits.shape {
                fatalError("CrossEntropyLoss: probability targets \(target.shape) must match the logits \(logits.shape)")
            }
            return Ledger.composite("crossEntropy", [logits, target]) {
                -(target.to(logits.dtype) * logits.logSoftmax()).sum().mulScalar(1 / Double(Swift.max(logits.shape[0], 1)))
            }
        }
        let (n, c) = (logits.shape[0], logits.shape[1])
        if target.shape != [n] {
            fatalError("CrossEntropyLoss: class indices \(target.shape) must have shape [\(n)] for logits \(logits.shape)")
        }
        let x = logits.contiguous(), labels = target.to(.int64).contiguous()
        let probs = Tensor.empty([n, c], dtype: x.dtype)
        var mean = 0.0
        let status = withExtendedLifetime((x, labels)) {
            st_cross_entropy(x.dtype.c, Int64(n), Int64(c), x.data, labels.data.assumingMemoryBound(to: Int64.self),
                             probs.data, &mean)
        }
        if status != ST_OK { fatalError("CrossEntropyLoss: " + String(cString: st_last_error())) }
        let out = Tensor.full([], mean, dtype: x.dtype)
        if needsGrad(logits) {
            attach(out, "crossEntropy", [logits]) { g in
                let dx = Tensor.empty([n, c], dtype: probs.dtype)
                withExtendedLifetime((probs, labels)) {
                    st_cross_entropy_backward(probs.dtype.c, Int64(n), Int64(c), probs.data,
                                              labels.data.assumingMemoryBound(to: Int64.self),
                                              g.itemDouble() / Double(n), dx.data)
                }
                return [dx]
            }
        }
        Ledger.record("crossEntropy", [logits, target], out, flops: 5 * n * c)
        return out
    }
}

public struct BinaryCrossEntropyLoss: Loss {
    public init() {}

    /// Probabilities in [0, 1] against targets in {0, 1} (or soft targets), same shape.
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        if prediction.shape != target.shape {
            fatalError("BinaryCrossEntropyLoss: prediction \(prediction.shape) and target \(target.shape) must have the same shape")
        }
        return Ledger.composite("bceLoss", [prediction, target]) {
            let p = prediction.clamp(min: 1e-7, max: 1 - 1e-7)
            return -(target * p.log() + (1 - target) * (1 - p).log()).mean()
        }
    }
}

public struct BCEWithLogitsLoss: Loss {
    public init() {}

    /// Raw scores (logits) against targets in [0, 1], same shape; stable for any logit.
    public func callAsFunction(_ logits: Tensor, _ target: Tensor) -> Tensor {
        if logits.shape != target.shape {
            fatalError("BCEWithLogitsLoss: logits \(logits.shape) and target \(target.shape) must have the same shape")
        }
        let n = Swift.max(logits.count, 1)
        let out = withNoGrad { // max(x, 0) − x·t + log(1 + e^(−|x|))
            (logits.relu() - logits * target + ((-logits.abs()).exp() + 1).log()).mean()
        }
        if needsGrad(logits) || needsGrad(target) {
            attach(out, "bceWithLogits", [logits, target]) { g in
                let scale = g.itemDouble() / Double(n)
                return [logits.requiresGrad ? (logits.sigmoid() - target).mulScalar(scale) : nil,
                        target.requiresGrad ? (-logits).mulScalar(scale) : nil]
            }
        }
        Ledger.record("bceWithLogits", [logits, target], out, flops: 6 * n)
        return out
    }
}
