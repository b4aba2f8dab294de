// Activations as layers (no parameters); the math and derivatives are in Tensor/Activations.swift,
// Elementwise.swift and Softmax.swift. Shapes: y has x's shape.

public final class ReLU: Layer {
    public var training = true
    public init() {}
    public func forward(_ x: Tensor) -> Tensor { x.relu() }
}

public final class LeakyReLU: Layer {
    public let negativeSlope: Double
    public var training = true
    public init(negativeSlope: Double = 0.01) { self.negativeSlope = negativeSlope }
    public func forward(_ x: Tensor) -> Tensor { x.leakyRelu(negativeSlope: negativeSlope) }
}

public final class GELU: Layer {
    public let approximation: GELUApproximation
    public var training = true
    public init(approximation: GELUApproximation = .exact) { self.approximation = approximation }
    public func forward(_ x: Tensor) -> Tensor { x.gelu(approximation: approximation) }
}

public final class SiLU: Layer {
    public var training = true
    public init() {}
    public func forward(_ x: Tensor) -> Tensor { x.silu() }
}

public final class Tanh: Layer {
    public var training = true
    public init() {}
    public func forward(_ x: Tensor) -> Tensor { x.tanh() }
}

public final class Sigmoid: Layer {
    public var training = true
    public init() {}
    public func forward(_ x: Tensor) -> Tensor { x.sigmoid() }
}

public final class Softmax: Layer {
    public let dim: Int
    public var training = true
    public init(dim: Int = -1) { self.dim = dim }
    public func forward(_ x: Tensor) -> Tensor { x.softmax(dim: dim) }
}

public final class LogSoftmax: Layer {
    public let dim: Int
    public var training = true
    public init(dim: Int = -1) { self.dim = dim }
    public func forward(_ x: Tensor) -> Tensor { x.logSoftmax(dim: dim) }
}
