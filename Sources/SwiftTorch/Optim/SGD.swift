// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight decay.
//   g ← g + wd·p;  v ← μ·v + g;  p ← p − lr·v   (Nesterov: p ← p − lr·(g + μ·v))
// Golden: lr 0.1, μ 0.9, g = 1 each step, p = 1 → 0.9 → 0.71.
import CKernels

public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var lr: Double
    public let momentum: Double
    public let weightDecay: Double
    public let nesterov: Bool
    public private(set) var stepCount = 0
    let buffers: OptimizerBuffers

    public init(_ parameters: [Tensor], lr: Double = 0.01, momentum: Double = 0, weightDecay: Double = 0,
                nesterov: Bool = false) {
        precondition(lr >= 0 && momentum >= 0 && weightDecay >= 0,
                     "SGD: lr, momentum and weightDecay must be >= 0 (got \(lr), \(momentum), \(weightDecay))")
        precondition(!nesterov || momentum > 0, "SGD: nesterov needs momentum > 0")
        self.parameters = parameters
        self.lr = lr
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = OptimizerBuffers(parameters: parameters, names: ["momentum"])
    }

    public var hasMomentum: Bool { momentum > 0 }

    /// The momentum buffer of parameter i (nil before its first step).
    public func momentumBuffer(_ i: Int) -> Tensor? { buffers.tensors["\(i).momentum"] }

    public func step() {
        stepCount += 1
        for (i, p) in parameters.enumerated() where p.grad != nil {
            let buf = hasMomentum ? buffers.buffer("momentum", i) : nil
            var h = st_sgd_params(lr: lr, momentum: momentum, weight_decay: weightDecay, nesterov: nesterov ? 1 : 0,
                                  first_step: buf?.created == true ? 1 : 0)
            withUpdate(p) { pp, gp in
                withExtendedLifetime(buf?.tensor) {
                    st_sgd_step(p.dtype.c, Int64(p.count), pp, gp, buf?.tensor.data, &h)
                }
            }
        }
    }

    public func stateDict() -> [String: Tensor] { buffers.stateDict(step: stepCount) }
    public func loadStateDict(_ state: [String: Tensor]) throws { stepCount = try buffers.load(state) }
}
