// Weight initialization (explicit, never implicit): He-normal (the default for ReLU networks),
// Xavier-uniform, or a normal distribution with a given std. Biases start at zero.
//   heNormal:      N(0, 2 / fanIn)                       Linear(1000, 10): std 0.044721
//   xavierUniform: U(-b, b), b = √(6 / (fanIn + fanOut)) Linear(1000, 10): b = 0.077075
//   normal(std):   N(0, std²)

public enum Initializer: Sendable, Equatable {
    case heNormal
    case xavierUniform
    case normal(std: Double)

    /// A new tensor of `shape` drawn for a layer with the given fan-in and fan-out.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, generator: Generator? = nil) -> Tensor {
        switch self {
        case .heNormal:
            return Tensor.randn(shape, std: (2.0 / Double(Swift.max(fanIn, 1))).squareRoot(), generator: generator)
        case .xavierUniform:
            let b = (6.0 / Double(Swift.max(fanIn + fanOut, 1))).squareRoot()
            return Tensor.rand(shape, low: -b, high: b, generator: generator)
        case .normal(let std):
            return Tensor.randn(shape, std: std, generator: generator)
        }
    }
}
