// Layers that arrange other layers or reshape: Sequential, Flatten, Dropout.
//   Flatten(startDim: 1): [N, d1, ..., dk] -> [N, d1·...·dk] (a view when contiguous)
//   Dropout(p): training: each element kept with probability 1 − p and scaled by 1/(1 − p) (inverted
//   dropout, so evaluation needs no rescaling); eval or p = 0: identity; p = 1: zeros.

/// Runs its layers in order. Children are named "0", "1", ... like torch.nn.Sequential.
public final class Sequential: Layer {
    public let layers: [any Layer]
    public var training = true

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1.forward($0) } }

    public var localParameters: [(name: String, tensor: Tensor)] { [] }
    public var children: [(name: String, layer: any Layer)] { layers.enumerated().map { ("\($0.offset)", $0.element) } }
}

public final class Flatten: Layer {
    public let startDim: Int
    public var training = true

    public init(startDim: Int = 1) { self.startDim = startDim }

    public func forward(_ x: Tensor) -> Tensor { x.flatten(startDim: startDim) }
}

public final class Dropout: Layer {
    public let p: Double
    public var training = true
    let generator: Generator?

    public init(p: Double = 0.5, generator: Generator? = nil) {
        precondition(p >= 0 && p <= 1, "Dropout: p must be in [0, 1] (got \(p))")
        self.p = p
        self.generator = generator
    }

    public func forward(_ x: Tensor) -> Tensor { forward(x, training: training) }

    /// Dropout with the mode given explicitly.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        if !training || p == 0 { return x }
        if p == 1 { return x * 0 }
        // mask: 1/(1 − p) where kept, 0 elsewhere (no gradient of its own)
        let mask = withNoGrad {
            (Tensor.rand(x.shape, dtype: x.dtype, generator: generator) .>= Float(p)).mulScalar(1 / (1 - p))
        }
        return x * mask
    }
}
