// Float64 reference and helpers for the SGEMM tests (independent of the C kernels).
// Shapes: op(A) [M, K], op(B) [K, N], C [M, N], row-major with leading dimensions.
import Testing
@testable import SwiftTorch

/// A deterministic generator (SplitMix64) so failures reproduce.
struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }
}

/// One GEMM problem with padded leading dimensions and its float64 product.
struct GEMMProblem {
    let m: Int, n: Int, k: Int
    let transA: Bool, transB: Bool
    let lda: Int, ldb: Int, ldc: Int
    let a: [Float], b: [Float], c0: [Float]
    /// op(A)·op(B) in float64, [M, N] packed.
    let product: [Double]
    /// Σ_p |op(A)_ip|·|op(B)_pj|, [M, N]: scales the rounding-error bound.
    let magnitude: [Double]

    init(m: Int, n: Int, k: Int, transA: Bool, transB: Bool, pad: Int = 3, seed: UInt64) {
        self.m = m; self.n = n; self.k = k; self.transA = transA; self.transB = transB
        let (rowsA, colsA) = transA ? (k, m) : (m, k)
        let (rowsB, colsB) = transB ? (n, k) : (k, n)
        lda = max(1, colsA) + pad; ldb = max(1, colsB) + pad; ldc = max(1, n) + pad
        var rng = TestRNG(seed: seed)
        let a = rng.floats(rowsA * lda), b = rng.floats(rowsB * ldb)
        self.a = a
        self.b = b
        c0 = rng.floats(m * ldc)
        var product = [Double](repeating: 0, count: m * n)
        var magnitude = [Double](repeating: 0, count: m * n)
        let (lda, ldb) = (lda, ldb)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<m {
                    for j in 0..<n {
                        var s = 0.0, s1 = 0.0
                        for p in 0..<k {
                            let x = Double(transA ? a[p * lda + i] : a[i * lda + p])
                            let y = Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                            s += x * y
                            s1 += abs(x * y)
                        }
                        product[i * n + j] = s
                        magnitude[i * n + j] = s1
                    }
                }
            }
        }
        self.product = product
        self.magnitude = magnitude
    }

    /// Runs one implementation on a copy of C and returns the resulting C (with padding).
    func run(_ impl: GEMMImplementation, alpha: Float, beta: Float, c start: [Float]? = nil) -> [Float] {
        var c = start ?? c0
        sgemm(impl, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
        return c
    }

    /// The packed SGEMM on 1 thread, checked against the float64 product, then `rounds` runs on 2 threads
    /// that must give the same bits every time (a race on shared panels shows as differing elements).
    func checkTwoThreadsMatchOne(alpha: Float, beta: Float, rounds: Int, context: String) {
        let single = Kernels.withThreads(1) { run(.packed, alpha: alpha, beta: beta) }
        check(single, alpha: alpha, beta: beta, context: "\(context) 1 thread")
        for round in 0..<rounds {
            let two = Kernels.withThreads(2) { run(.packed, alpha: alpha, beta: beta) }
            let differing = zip(two, single).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(context), round \(round): \(differing) elements differ between 2 threads and 1")
        }
    }

    /// The packed SGEMM on every ISA this CPU has, on 1 and 2 threads: each against the float64 product and
    /// the two bit for bit; then beta = 0 over NaN and Inf in C (C is write-only, they are overwritten).
    func checkEveryISAAndThreads(context: String) {
        let shape = "\(m)x\(n)x\(k) ta=\(transA) tb=\(transB)"
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                var results: [[UInt32]] = []
                for threads in [1, 2] {
                    Kernels.withThreads(threads) {
                        let c = run(.packed, alpha: -2.5, beta: 0.5)
                        check(c, alpha: -2.5, beta: 0.5, context: "\(context) \(isa) \(threads)t \(shape)")
                        results.append(c.map(\.bitPattern))
                    }
                }
                #expect(results[0] == results[1], "\(context) \(isa) \(shape): 1 and 2 threads differ")
                var poisoned = c0 // the padding past column N keeps c0's values (checked untouched)
                for i in 0..<m { for j in 0..<n { poisoned[i * ldc + j] = j % 3 == 0 ? .infinity : .nan } }
                let c = run(.packed, alpha: 1.5, beta: 0, c: poisoned)
                check(c, alpha: 1.5, beta: 0, context: "\(context) beta=0 \(isa) \(shape)")
            }
        }
    }

    /// Largest error relative to the K-scaled bound; <= 1 passes. Padding must be untouched.
    func check(_ c: [Float], alpha: Float, beta: Float, context: String) {
        let eps = Double(Float.ulpOfOne)
        var worst = 0.0, worstAt = (0, 0)
        for i in 0..<m {
            for j in 0..<n {
                let old = beta == 0 ? 0 : Double(beta) * Double(c0[i * ldc + j])
                let expected = Double(alpha) * product[i * n + j] + old
                let bound = Double(k + 2) * eps * (abs(Double(alpha)) * magnitude[i * n + j] + abs(old)) + 1e-30
                let ratio = abs(Double(c[i * ldc + j]) - expected) / bound
                if !(ratio <= worst) && !worst.isNaN { worst = ratio; worstAt = (i, j) } // a NaN stays the worst
            }
            for j in n..<ldc where i * ldc + j < c.count {
                if c[i * ldc + j].bitPattern != c0[i * ldc + j].bitPattern {
                    Issue.record("\(context): padding C[\(i), \(j)] was written")
                    return
                }
            }
        }
        #expect(worst <= 1, "\(context): error \(worst)x the bound at \(worstAt)")
    }
}
