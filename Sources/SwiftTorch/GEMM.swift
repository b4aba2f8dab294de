// SGEMM from Swift: C := alpha * op(A) * op(B) + beta * C on row-major Float buffers.
//
// Shape letters: M rows of op(A) and C, N columns of op(B) and C, K the shared inner dimension.
//   a: [M, K] with row stride lda ([K, M] when transA)
//   b: [K, N] with row stride ldb ([N, K] when transB)
//   c: [M, N] with row stride ldc
// FLOPs = 2·M·N·K (M·N·K multiply-adds).
import CKernels

/// The three SGEMM implementations, selectable by name.
public enum GEMMImplementation: String, CaseIterable, Sendable, CustomStringConvertible {
    /// The textbook triple loop: the reference and oracle.
    case naive
    /// Cache-blocked loops with a vectorizable inner loop, no packing.
    case tiled
    /// BLIS-style five loops, packed panels, SIMD micro-kernels, OpenMP.
    case packed

    var cValue: st_sgemm_impl {
        switch self {
        case .naive: return ST_SGEMM_NAIVE
        case .tiled: return ST_SGEMM_TILED
        case .packed: return ST_SGEMM_PACKED
        }
    }

    public var description: String { rawValue }
}

/// Elements a row-major `rows` x `cols` matrix with row stride `ld` spans (0 when empty).
@inlinable
func storageExtent(rows: Int, cols: Int, ld: Int) -> Int {
    rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols
}

/// Checks one operand and traps with a message naming the argument and its values.
func validateOperand(_ name: String, count: Int, rows: Int, cols: Int, ld: Int, ldName: String, transposed: Bool) {
    // Built only for a message: formatting it on every call cost ~1% of a 128x10x256 product.
    var stored: String { transposed ? "[\(rows), \(cols)] (transposed)" : "[\(rows), \(cols)]" }
    precondition(ld >= max(1, cols),
                 "sgemm: \(ldName) = \(ld) is smaller than the row length of \(name) stored as \(stored); it must be >= \(max(1, cols))")
    let (product, overflow) = (rows > 0 ? rows - 1 : 0).multipliedReportingOverflow(by: ld)
    precondition(!overflow, "sgemm: \(name) stored as \(stored) with \(ldName) = \(ld) is too large")
    let need = rows == 0 || cols == 0 ? 0 : product + cols
    precondition(count >= need,
                 "sgemm: \(name) has \(count) elements but \(stored) with \(ldName) = \(ld) needs \(need)")
}

/// Row-major SGEMM on raw buffers: `c := alpha * op(a) * op(b) + beta * c`.
///
/// `beta == 0` overwrites `c` (NaN or Inf already there do not propagate); `alpha == 0` or `k == 0`
/// never reads `a` or `b`. Bad sizes, leading dimensions or too-short buffers trap with a message
/// naming the argument and its values.
public func sgemm(
    _ implementation: GEMMImplementation = .packed,
    transA: Bool = false, transB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafeBufferPointer<Float>, lda: Int,
    b: UnsafeBufferPointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutableBufferPointer<Float>, ldc: Int
) {
    precondition(m >= 0, "sgemm: m = \(m) must be >= 0")
    precondition(n >= 0, "sgemm: n = \(n) must be >= 0")
    precondition(k >= 0, "sgemm: k = \(k) must be >= 0")
    validateOperand("A", count: a.count, rows: transA ? k : m, cols: transA ? m : k, ld: lda, ldName: "lda", transposed: transA)
    validateOperand("B", count: b.count, rows: transB ? n : k, cols: transB ? k : n, ld: ldb, ldName: "ldb", transposed: transB)
    validateOperand("C", count: c.count, rows: m, cols: n, ld: ldc, ldName: "ldc", transposed: false)
    let status = st_sgemm(implementation.cValue, transA ? ST_TRANS : ST_NO_TRANS, transB ? ST_TRANS : ST_NO_TRANS,
                          Int64(m), Int64(n), Int64(k), alpha, a.baseAddress, Int64(lda), b.baseAddress, Int64(ldb),
                          beta, c.baseAddress, Int64(ldc))
    precondition(status == ST_OK, String(cString: st_last_error()))
}

/// Row-major SGEMM on arrays: `c := alpha * op(a) * op(b) + beta * c`. Leading dimensions default to
/// the packed row lengths (`lda` = K, or M when `transA`; `ldb` = N, or K when `transB`; `ldc` = N).
public func sgemm(
    _ implementation: GEMMImplementation = .packed,
    transA: Bool = false, transB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: [Float], lda: Int? = nil,
    b: [Float], ldb: Int? = nil,
    beta: Float = 0,
    c: inout [Float], ldc: Int? = nil
) {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                sgemm(implementation, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                      a: pa, lda: lda ?? max(1, transA ? m : k), b: pb, ldb: ldb ?? max(1, transB ? k : n),
                      beta: beta, c: pc, ldc: ldc ?? max(1, n))
            }
        }
    }
}

/// `op(a)[M, K] · op(b)[K, N]` as a new row-major [M, N] array.
public func sgemm(
    _ implementation: GEMMImplementation = .packed,
    transA: Bool = false, transB: Bool = false,
    m: Int, n: Int, k: Int, alpha: Float = 1, a: [Float], b: [Float]
) -> [Float] {
    precondition(m >= 0 && n >= 0, "sgemm: m = \(m) and n = \(n) must be >= 0")
    var c = [Float](repeating: 0, count: m * n)
    sgemm(implementation, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, b: b, c: &c)
    return c
}
