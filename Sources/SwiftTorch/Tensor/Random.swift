// Seeded random tensors. A `Generator` is an explicit stream (xoshiro256**); without one, factories use
// the global generator, reseeded by `Tensor.manualSeed(_:)`. The same seed gives the same tensors on
// every machine and thread count.
import CKernels
import Synchronization

/// A random number stream with its own state.
public final class Generator: @unchecked Sendable {
    var state = st_rng()
    let lock = Mutex(())

    public init(seed: UInt64) { st_rng_seed(&state, seed) }

    /// Reseeds the stream.
    public func manualSeed(_ seed: UInt64) { lock.withLock { _ in st_rng_seed(&state, seed) } }

    func withState<R>(_ body: (UnsafeMutablePointer<st_rng>) -> R) -> R {
        lock.withLock { _ in body(&state) }
    }

    /// The stream's position (the four words of xoshiro256** state), to save and restore exactly.
    public var stateWords: [UInt64] {
        get { withState { [$0.pointee.s.0, $0.pointee.s.1, $0.pointee.s.2, $0.pointee.s.3] } }
        set {
            precondition(newValue.count == 4 && newValue.contains { $0 != 0 }, "Generator.stateWords: four words, not all zero")
            withState { $0.pointee.s = (newValue[0], newValue[1], newValue[2], newValue[3]) }
        }
    }

    /// The global generator used when none is given (seed 0 at start).
    public static let global = Generator(seed: 0)

    /// A random permutation of 0..<n (int64), e.g. a shuffle order.
    public func permutation(_ n: Int) -> [Int] {
        var out = [Int](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { buf in
            withState { st_rng_permutation($0, Int64(n), UnsafeMutableRawPointer(buf.baseAddress)?.assumingMemoryBound(to: Int64.self)) }
        }
        return out
    }
}

extension Tensor {
    /// Reseeds the global generator.
    public static func manualSeed(_ seed: UInt64) { Generator.global.manualSeed(seed) }

    /// Uniform values in [low, high).
    public static func rand(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                            generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        random(shape, dtype, generator, requiresGrad) { rng, t in st_rng_uniform(rng, dtype.c, Int64(t.scalarCount), t.data, low, high) }
    }

    /// Normal values with the given mean and standard deviation.
    public static func randn(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                             generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        random(shape, dtype, generator, requiresGrad) { rng, t in st_rng_normal(rng, dtype.c, Int64(t.scalarCount), t.data, mean, std) }
    }

    public static func rand(like t: Tensor, generator: Generator? = nil) -> Tensor { rand(t.shape, dtype: t.dtype, generator: generator) }
    public static func randn(like t: Tensor, generator: Generator? = nil) -> Tensor { randn(t.shape, dtype: t.dtype, generator: generator) }

    private static func random(_ shape: [Int], _ dtype: DType, _ generator: Generator?, _ requiresGrad: Bool,
                               _ fill: (UnsafeMutablePointer<st_rng>, Tensor) -> Void) -> Tensor {
        if !dtype.isFloatingPoint { fatalError("rand/randn: dtype must be float32 or float64 (got \(dtype))") }
        let t = empty(shape, dtype: dtype)
        (generator ?? .global).withState { fill($0, t) }
        t.requiresGrad = requiresGrad
        return t
    }
}
