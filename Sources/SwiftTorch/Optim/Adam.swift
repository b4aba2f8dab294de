// Adam and AdamW.
//   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  p ← p − lr·(m / (1 − β1^t)) / (√(v / (1 − β2^t)) + eps)
//   Adam adds wd·p to the gradient (L2); AdamW decays decoupled after the update: p ← p·(1 − lr·wd).
// Golden: the first step moves each parameter by ≈ lr·sign(g) (p = 1, g = 0.5, lr 1e-3 → 0.999).
import CKernels

public class Adam: Optimizer {
    public let parameters: [Tensor]
    public var lr: Double
    public let betas: (Double, Double)
    public let eps: Double
    public let weightDecay: Double
    public private(set) var stepCount = 0
    let decoupled: Bool
    let buffers: OptimizerBuffers

    public convenience init(_ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0) {
        self.init(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: false)
    }

    init(_ parameters: [Tensor], lr: Double, betas: (Double, Double), eps: Double, weightDecay: Double, decoupled: Bool) {
        precondition(lr >= 0 && eps >= 0 && weightDecay >= 0, "Adam: lr, eps and weightDecay must be >= 0")
        precondition((0..<1).contains(betas.0) && (0..<1).contains(betas.1), "Adam: betas must be in [0, 1) (got \(betas))")
        self.parameters = parameters
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        buffers = OptimizerBuffers(parameters: parameters, names: ["m", "v"])
    }

    /// First and second moment of parameter i (nil before its first step).
    public func moments(_ i: Int) -> (m: Tensor, v: Tensor)? {
        guard let m = buffers.tensors["\(i).m"], let v = buffers.tensors["\(i).v"] else { return nil }
        return (m, v)
    }

    public func step() {
        stepCount += 1
        var h = st_adam_params(lr: lr, beta1: betas.0, beta2: betas.1, eps: eps, weight_decay: weightDecay,
                               step: Int64(stepCount), decoupled: decoupled ? 1 : 0)
        for (i, p) in parameters.enumerated() where p.grad != nil {
            let m = buffers.buffer("m", i).tensor, v = buffers.buffer("v", i).tensor
            withUpdate(p) { pp, gp in
                withExtendedLifetime((m, v)) { st_adam_step(p.dtype.c, Int64(p.count), pp, gp, m.data, v.data, &h) }
            }
        }
    }

    public func stateDict() -> [String: Tensor] { buffers.stateDict(step: stepCount) }
    public func loadStateDict(_ state: [String: Tensor]) throws { stepCount = try buffers.load(state) }
}

public final class AdamW: Adam {
    public init(_ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0.01) {
        super.init(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: true)
    }
}
