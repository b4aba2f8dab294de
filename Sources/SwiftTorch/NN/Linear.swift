// Fully connected layer: y = x·W + b.
//   x: [B, D_in] (or [..., D_in])   weight W: [D_in, D_out]   bias b: [D_out]   y: [B, D_out]
//   backward: dW = xᵀ·dY [D_in, D_out], db = Σ_B dY [D_out], dX = dY·Wᵀ [B, D_in]
//   params D_in·D_out + D_out (4 bytes each); FLOPs 2·B·D_in·D_out (+ B·D_out for the bias)
// PyTorch stores the weight as [out, in] and computes x·Wᵀ; `pytorchWeight` / `loadPyTorchWeight`
// are that transpose.

public final class Linear: Layer {
    public let inFeatures: Int
    public let outFeatures: Int
    /// weight: [inFeatures, outFeatures]
    public let weight: Tensor
    /// bias: [outFeatures], or nil
    public let bias: Tensor?
    public var training = true

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, initializer: Initializer = .heNormal,
                generator: Generator? = nil) {
        precondition(inFeatures > 0 && outFeatures > 0,
                     "Linear: inFeatures and outFeatures must be positive (got \(inFeatures), \(outFeatures))")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = initializer.make([inFeatures, outFeatures], fanIn: inFeatures, fanOut: outFeatures, generator: generator)
        weight.requiresGrad = true
        self.bias = bias ? Tensor.zeros([outFeatures], requiresGrad: true) : nil
    }

    /// `Linear(784, 256)`: the same as `Linear(inFeatures: 784, outFeatures: 256)`.
    public convenience init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                            initializer: Initializer = .heNormal, generator: Generator? = nil) {
        self.init(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, initializer: initializer,
                  generator: generator)
    }

    public func forward(_ x: Tensor) -> Tensor {
        if x.rank == 0 || x.shape[x.rank - 1] != inFeatures {
            fatalError("Linear(\(inFeatures), \(outFeatures)): input \(x.shape) must end in \(inFeatures) features")
        }
        return linear(x, weight: weight, bias: bias)
    }

    /// The weight in PyTorch's layout [outFeatures, inFeatures] (a copy).
    public var pytorchWeight: Tensor { withNoGrad { weight.T.contiguous() } }

    /// Sets the weight from PyTorch's layout [outFeatures, inFeatures].
    public func loadPyTorchWeight(_ w: Tensor) {
        if w.shape != [outFeatures, inFeatures] {
            fatalError("Linear.loadPyTorchWeight: expected shape [\(outFeatures), \(inFeatures)] ([out, in]), got \(w.shape)")
        }
        withNoGrad { copyElements(from: w.to(weight.dtype).T, into: weight) }
    }
}
