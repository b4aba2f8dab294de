// Learning-rate schedules (by epoch) and gradient clipping.
//   StepLR:  lr = base·γ^⌊e / stepSize⌋
//   Cosine:  warm-up e < W: lr = max·(e + 1)/W;  then lr = min + (max − min)·(1 + cos(π·(e − W)/(T − W)))/2,
//            min for e ≥ T.  Golden (0.1, 0.01, T = 100): 0.1 / 0.086820 / 0.055 / 0.023180 / 0.01 at 0/25/50/75/100
//   clipGradNorm: norm = √(Σ_p Σ g²); above maxNorm every gradient is scaled by maxNorm / norm.
import Foundation

public protocol LRSchedule {
    /// The learning rate for epoch `epoch` (0-based).
    func lr(epoch: Int) -> Double
}

extension LRSchedule {
    /// Sets the optimizer's learning rate for `epoch`.
    public func apply(to optimizer: any Optimizer, epoch: Int) { optimizer.lr = lr(epoch: epoch) }
}

public struct StepLR: LRSchedule {
    public let baseLR: Double, stepSize: Int, gamma: Double
    public init(baseLR: Double, stepSize: Int, gamma: Double = 0.1) {
        precondition(stepSize > 0, "StepLR: stepSize must be positive (got \(stepSize))")
        self.baseLR = baseLR
        self.stepSize = stepSize
        self.gamma = gamma
    }
    public func lr(epoch: Int) -> Double {
        precondition(epoch >= 0, "StepLR: epoch must be >= 0 (got \(epoch))")
        return baseLR * Foundation.pow(gamma, Double(epoch / stepSize))
    }
}

public struct CosineSchedule: LRSchedule {
    public let maxLR: Double, minLR: Double, totalEpochs: Int, warmupEpochs: Int
    public init(maxLR: Double = 0.1, minLR: Double = 0.01, totalEpochs: Int = 100, warmupEpochs: Int = 0) {
        precondition(totalEpochs > 0 && warmupEpochs >= 0 && warmupEpochs < totalEpochs,
                     "CosineSchedule: need 0 <= warmupEpochs < totalEpochs (got \(warmupEpochs), \(totalEpochs))")
        self.maxLR = maxLR
        self.minLR = minLR
        self.totalEpochs = totalEpochs
        self.warmupEpochs = warmupEpochs
    }
    public func lr(epoch: Int) -> Double {
        precondition(epoch >= 0, "CosineSchedule: epoch must be >= 0 (got \(epoch))")
        if epoch < warmupEpochs { return maxLR * Double(epoch + 1) / Double(warmupEpochs) }
        if epoch >= totalEpochs { return minLR }
        let progress = Double(epoch - warmupEpochs) / Double(totalEpochs - warmupEpochs)
        return minLR + (maxLR - minLR) * (1 + Foundation.cos(Double.pi * progress)) / 2
    }
}

/// Scales all gradients together so their global L2 norm is at most `maxNorm`; returns the norm
/// before clipping. Parameters without a gradient are skipped.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float = 1.0) -> Float {
    let total = withNoGrad {
        parameters.compactMap(\.grad).reduce(0.0) { $0 + $1.to(.float64).square().sum().itemDouble() }
    }
    let norm = total.squareRoot()
    if norm > Double(maxNorm) && norm > 0 {
        scaleGradients(parameters, by: Double(maxNorm) / norm)
    }
    return Float(norm)
}

/// Multiplies every gradient by `factor` (gradient accumulation over k micro-batches uses 1/k).
public func scaleGradients(_ parameters: [Tensor], by factor: Double) {
    withNoGrad { for p in parameters { p.grad = p.grad?.mulScalar(factor) } }
}
