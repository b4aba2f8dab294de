// Small synthetic datasets for the first milestones and sanity checks (each from a seeded generator).
//   xor:               x [4, 2] = 00, 01, 10, 11; y [4] = 0, 1, 1, 0
//   linearlySeparable: x [N, 2] uniform in [-1, 1]², y = 1 above the line x1 = 0.5·x0 + 0.1 (points
//                      closer than `margin` to it are pushed away, so a separating line exists)
//   blobs:             centers [C, F] = randn·3; x = randn + center of a uniform label; y [N]
//   sequenceReversal:  x [N, T] random tokens, y [N, T] each row reversed
// Labels are int64 class indices.
import CKernels

public enum SyntheticData {
    public static func xor() -> (x: Tensor, y: Tensor) {
        (Tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), Tensor(integers: [0, 1, 1, 0]))
    }

    public static func linearlySeparable(count: Int = 512, margin: Double = 0.05, generator: Generator) -> (x: Tensor, y: Tensor) {
        let raw = Tensor.rand([count, 2], low: -1, high: 1, dtype: .float64, generator: generator).doubles
        var xs: [Double] = [], ys: [Int] = []
        let norm = (1 + 0.25).squareRoot() // distance scale of the line 0.5·x0 − x1 + 0.1 = 0
        for i in 0..<count {
            var (a, b) = (raw[2 * i], raw[2 * i + 1])
            let d = (0.5 * a - b + 0.1) / norm // signed distance, positive below the line
            if Swift.abs(d) < margin { b -= (d >= 0 ? 1 : -1) * (margin - Swift.abs(d)) * norm } // push out
            xs += [a, b]
            a = 0.5 * a + 0.1
            ys.append(b > a ? 1 : 0)
        }
        return (Tensor(float64: xs, shape: [count, 2], dtype: .float32), Tensor(integers: ys))
    }

    public static func blobs(count: Int = 1024, features: Int = 4, classes: Int = 3, generator: Generator) -> (x: Tensor, y: Tensor) {
        let centers = Tensor.randn([classes, features], generator: generator) * 3
        var rng = generator.makeRNG()
        let labels = Tensor(integers: (0..<count).map { _ in Int.random(in: 0..<classes, using: &rng) })
        let x = Tensor.randn([count, features], generator: generator) + centers.indexSelect(dim: 0, index: labels)
        return (x, labels)
    }
}

extension SyntheticData {
    /// Sequence reversal: x [count, length] random tokens in 0..<vocabulary, y [count, length] = x reversed
    /// along each row (the transformer milestone's task).
    public static func sequenceReversal(count: Int = 1024, length: Int = 8, vocabulary: Int = 10,
                                        generator: Generator) -> (x: Tensor, y: Tensor) {
        precondition(count >= 0 && length > 0 && vocabulary > 0, "sequenceReversal: count >= 0, length and vocabulary > 0")
        var rng = generator.makeRNG()
        let tokens = (0..<count * length).map { _ in Int.random(in: 0..<vocabulary, using: &rng) }
        let reversed = (0..<count).flatMap { r in tokens[(r * length)..<((r + 1) * length)].reversed() }
        return (Tensor(integers: tokens, shape: [count, length]), Tensor(integers: reversed, shape: [count, length]))
    }
}

extension Generator {
    /// The generator's stream as a Swift RandomNumberGenerator (for Int.random(in:using:), shuffles).
    public func makeRNG() -> GeneratorRNG { GeneratorRNG(generator: self) }
}

/// Draws 64-bit values from a Generator's stream.
public struct GeneratorRNG: RandomNumberGenerator {
    let generator: Generator
    public mutating func next() -> UInt64 { generator.withState { st_rng_next($0) } }
}
