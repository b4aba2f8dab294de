// Helpers for the tensor tests: float64 references computed in plain Swift (independent of the C
// kernels), closeness checks with dtype-appropriate tolerances, and seeded inputs.
//
// Random tensors in these tests always come from an explicit `Generator` (or from `TestRNG` values):
// the global generator is process-wide, and only tests holding `globalGeneratorLock` may use it, so that
// tests running in parallel cannot disturb its sequence.
import Foundation
import Testing
@testable import SwiftTorch

// ---------------------------------------------------------------- tolerances and comparisons

/// Relative and absolute tolerance: |got - expected| <= atol + rtol * |expected|.
struct Tolerance: Sendable, CustomStringConvertible {
    var rtol: Double
    var atol: Double

    /// float32 results against float64 references (a few ulps of float32).
    static let float32 = Tolerance(rtol: 1e-5, atol: 1e-6)
    /// float64 results against float64 references (same formula, other rounding order).
    static let float64 = Tolerance(rtol: 1e-12, atol: 1e-13)
    static let exact = Tolerance(rtol: 0, atol: 0)

    static func of(_ dtype: DType) -> Tolerance { dtype == .float64 ? .float64 : dtype == .float32 ? .float32 : .exact }

    var description: String { "rtol \(rtol), atol \(atol)" }
}

/// True when `got` is within tolerance of `expected`; NaN matches NaN and infinities must be equal.
func isClose(_ got: Double, _ expected: Double, _ tol: Tolerance) -> Bool {
    if expected.isNaN { return got.isNaN }
    if expected.isInfinite || got.isInfinite { return got == expected }
    return abs(got - expected) <= tol.atol + tol.rtol * abs(expected)
}

/// Expects two arrays to agree elementwise, reporting the count and the first few mismatches.
func expectClose(_ got: [Double], _ expected: [Double], _ tol: Tolerance = .float32, _ context: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard got.count == expected.count else {
        Issue.record("\(context): \(got.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var mismatches: [String] = []
    var count = 0
    for i in got.indices where !isClose(got[i], expected[i], tol) {
        count += 1
        if mismatches.count < 4 { mismatches.append("[\(i)] \(got[i]) vs \(expected[i])") }
    }
    if count > 0 {
        Issue.record("\(context): \(count) of \(got.count) elements differ (\(tol)): \(mismatches.joined(separator: ", "))",
                     sourceLocation: sourceLocation)
    }
}

/// Expects a tensor's shape (when given) and values (in row-major order) to match a float64 reference.
func expectClose(_ t: Tensor, _ expected: [Double], shape: [Int]? = nil, _ tol: Tolerance? = nil,
                 _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    if let shape, t.shape != shape {
        Issue.record("\(context): shape \(t.shape), expected \(shape)", sourceLocation: sourceLocation)
        return
    }
    expectClose(t.doubles, expected, tol ?? .of(t.dtype), context, sourceLocation: sourceLocation)
}

/// The standard error of an exit test's child process, as text.
func standardError(_ result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}

// ---------------------------------------------------------------- seeded inputs

/// A fresh generator: the same seed gives the same tensors.
func seeded(_ seed: UInt64) -> Generator { Generator(seed: seed) }

/// Runs `body` with the kernel settings held (the best ISA, no other test switching it meanwhile), for
/// tests that compare results bit for bit: exp, softmax and GEMM round differently on another ISA.
func stableKernels<R>(_ body: () throws -> R) rethrows -> R { try Kernels.withISA(Kernels.bestISA, body) }

/// Serializes the tests that use the global generator (the manualSeed test and the README example).
let globalGeneratorLock = NSLock()

extension TestRNG {
    /// Uniform in [low, high).
    mutating func double(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * (Double(next() >> 11) / Double(1 << 53))
    }

    /// `count` uniform values, rounded to float32 when `dtype` is float32 (so the tensor holds them exactly).
    mutating func values(_ count: Int, _ low: Double = -1, _ high: Double = 1, dtype: DType = .float64) -> [Double] {
        (0..<count).map { _ in
            let v = double(low, high)
            return dtype == .float32 ? Double(Float(v)) : v
        }
    }
}

/// A tensor of `shape` with uniform values drawn in Swift (not by the library's generator) and those values.
func randomTensor(_ shape: [Int], dtype: DType = .float64, seed: UInt64, low: Double = -1, high: Double = 1)
    -> (Tensor, [Double]) {
    var rng = TestRNG(seed: seed)
    let v = rng.values(shape.reduce(1, *), low, high, dtype: dtype)
    return (Tensor(float64: v, shape: shape, dtype: dtype), v)
}

/// Values away from 0 (|v| in [margin, high)), for kinks like relu and abs.
func awayFromZero(_ shape: [Int], seed: UInt64, margin: Double = 0.1, high: Double = 1) -> Tensor {
    var rng = TestRNG(seed: seed)
    let v = (0..<shape.reduce(1, *)).map { _ in (rng.next() & 1 == 0 ? 1.0 : -1.0) * rng.double(margin, high) }
    return Tensor(float64: v, shape: shape)
}

// ---------------------------------------------------------------- index arithmetic

/// Row-major strides of a shape (plain Swift, for the references).
func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        s[d] = acc
        acc *= shape[d]
    }
    return s
}

/// Multi-index of row-major position `flat` in `shape`.
func multiIndex(_ flat: Int, _ shape: [Int]) -> [Int] {
    var r = flat
    var idx = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
        idx[d] = r % shape[d]
        r /= shape[d]
    }
    return idx
}

/// Row-major position of a multi-index.
func flatIndex(_ idx: [Int], _ shape: [Int]) -> Int {
    zip(idx, rowMajorStrides(shape)).reduce(0) { $0 + $1.0 * $1.1 }
}

/// The logical values of a strided view of `base`, read by hand: element idx at offset + Σ idx·strides.
func stridedRead(_ base: [Double], shape: [Int], strides: [Int], offset: Int = 0) -> [Double] {
    let n = shape.reduce(1, *)
    return (0..<n).map { e in
        base[offset + zip(multiIndex(e, shape), strides).reduce(0) { $0 + $1.0 * $1.1 }]
    }
}

/// `values` of `shape` with dimensions reordered (result dim k = input dim order[k]).
func permuted(_ values: [Double], shape: [Int], order: [Int]) -> [Double] {
    let s = rowMajorStrides(shape)
    return stridedRead(values, shape: order.map { shape[$0] }, strides: order.map { s[$0] })
}

/// `values` of `shape` read as the broadcast shape `target` (NumPy rules, checked by the caller).
func broadcastRead(_ values: [Double], shape: [Int], to target: [Int]) -> [Double] {
    let lead = target.count - shape.count
    let s = rowMajorStrides(shape)
    var strides = [Int](repeating: 0, count: target.count)
    for d in 0..<shape.count where shape[d] != 1 { strides[d + lead] = s[d] }
    return stridedRead(values, shape: target, strides: strides)
}

/// 2-D transpose of row-major [rows, cols] values.
func transposed(_ v: [Double], rows: Int, cols: Int) -> [Double] {
    permuted(v, shape: [rows, cols], order: [1, 0])
}

/// Reduces `values` of `shape` over `dims` with `combine` (given the reduced elements in row-major
/// order); returns the kept shape (reduced dims removed) and the results.
func referenceReduce(_ values: [Double], shape: [Int], dims: Set<Int>, _ combine: ([Double]) -> Double) -> ([Int], [Double]) {
    let kept = (0..<shape.count).filter { !dims.contains($0) }
    let outShape = kept.map { shape[$0] }
    var groups = [[Double]](repeating: [], count: outShape.reduce(1, *))
    for e in values.indices {
        let idx = multiIndex(e, shape)
        groups[flatIndex(kept.map { idx[$0] }, outShape)].append(values[e])
    }
    return (outShape, groups.map(combine))
}

/// Float64 matrix product of row-major [m, k] and [k, n] (the triple loop).
func referenceMatmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += a[i * k + p] * b[p * n + j] }
            c[i * n + j] = s
        }
    }
    return c
}

// ---------------------------------------------------------------- small statistics

func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }

/// Sample variance with Bessel's correction.
func sampleVariance(_ v: [Double]) -> Double {
    let m = mean(v)
    return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
}
