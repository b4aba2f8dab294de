// Narrow products (C with N <= 16 columns, row-major op(A)): sgemm_narrow.c and its AVX-512 kernel.
// Shapes: op(A) [M, K], op(B) [K, N], C [M, N].
import CKernels
import Testing
@testable import SwiftTorch

extension GEMMTests { // in the serialized SGEMM suite: these tests switch the ISA and the thread count
    @Test("narrow products (N <= 16): every ISA and transpose against float64, 1 and 2 threads identical, beta = 0 overwrites NaN")
    func narrowProducts() {
        // 128x10x256: the classifier layer; K tails of 1-15; N from 2 to 16 and past the narrow limits
        // (N = 17, N·K > 8192); 1000x10x300 and 1003x5x200 are large enough for two threads (in the latter,
        // with rows taken in pairs for N <= 8, row 500 is paired on one thread and alone on two).
        let shapes = [(128, 10, 256), (37, 3, 64), (300, 16, 77), (2, 2, 64), (129, 9, 100), (64, 15, 1000),
                      (1000, 10, 300), (1003, 5, 200), (50, 17, 128), (5, 1, 70), (40, 7, 63)]
        for (index, (m, n, k)) in shapes.enumerated() {
            for (ta, tb) in transposes {
                let problem = GEMMProblem(m: m, n: n, k: k, transA: ta, transB: tb, seed: UInt64(2100 + index))
                problem.checkEveryISAAndThreads(context: "narrow")
            }
        }
    }

    @Test("the narrow kernel and its portable twin match float64 and each other bit for bit, write only the m x n corner, and reject bad arguments")
    func narrowKernelMatchesTwin() {
        var rng = TestRNG(seed: 77)
        var ranSIMD: [ISA] = []
        for isa in ISA.allCases {
            guard st_sgemm_ukr_tile(isa.cValue, nil, nil) == ST_OK else { continue } // no kernel in this build
            // The portable twin runs for every ISA; the SIMD kernel where the entry has one and the CPU runs it.
            var probe: Float = 0
            let status = st_sgemm_narrow_run(isa.cValue, 1, 1, 1, 1, 1, [1], 1, [1], 1, 0, &probe, 1)
            #expect(status == ST_OK || status == ST_ERR_UNSUPPORTED, "\(isa): \(status)")
            let simdModes: [Int32] = status == ST_OK ? [1, 0] : [0]
            if status == ST_OK { ranSIMD.append(isa); #expect(probe == 1) }
            for k in [0, 1, 15, 16, 17, 64, 100] {
                for n in 1...16 {
                    for m in [1, 2, 3, 5] {
                        let lda = k + 3, ldb = n + 2, ldc = n + 4
                        let a = rng.floats(m * lda), b = rng.floats(max(1, k) * ldb), c0 = rng.floats(m * ldc)
                        for beta: Float in [0, 1, 0.5] {
                            var outs: [[Float]] = []
                            for simd in simdModes {
                                var c = c0
                                #expect(st_sgemm_narrow_run(isa.cValue, simd, Int64(k), Int64(m), Int64(n), 1.5, a, Int64(lda),
                                                            b, Int64(ldb), beta, &c, Int64(ldc)) == ST_OK)
                                outs.append(c)
                            }
                            let differ = zip(outs[0], outs[outs.count - 1]).filter { $0.bitPattern != $1.bitPattern }.count
                            #expect(differ == 0, "\(isa) k=\(k) n=\(n) m=\(m) beta=\(beta): \(differ) values differ from the twin")
                            var worst = 0.0
                            for i in 0..<m {
                                for j in 0..<ldc {
                                    let got = outs[0][i * ldc + j]
                                    guard j < n else {
                                        #expect(got.bitPattern == c0[i * ldc + j].bitPattern, "\(isa): wrote past column \(n)")
                                        continue
                                    }
                                    var s = 0.0, mag = 0.0
                                    for p in 0..<k {
                                        s += Double(a[i * lda + p]) * Double(b[p * ldb + j])
                                        mag += abs(Double(a[i * lda + p]) * Double(b[p * ldb + j]))
                                    }
                                    let old = beta == 0 ? 0 : Double(beta) * Double(c0[i * ldc + j])
                                    let bound = Double(k + 2) * Double(Float.ulpOfOne) * (1.5 * mag + abs(old)) + 1e-30
                                    worst = max(worst, abs(Double(got) - (1.5 * s + old)) / bound)
                                }
                            }
                            #expect(worst <= 1, "\(isa) k=\(k) n=\(n) m=\(m) beta=\(beta): error \(worst) of the bound")
                        }
                    }
                }
            }
            var c = [Float](repeating: 0, count: 64)
            #expect(st_sgemm_narrow_run(isa.cValue, 0, 4, 1, 17, 1, [Float](repeating: 1, count: 4), 4,
                                        [Float](repeating: 1, count: 68), 17, 0, &c, 17) == ST_ERR_ARGUMENT)
            #expect(st_sgemm_narrow_run(isa.cValue, 0, 4, 1, 2, 1, nil, 4, nil, 2, 0, &c, 2) == ST_ERR_ARGUMENT)
            #expect(st_sgemm_narrow_run(isa.cValue, 0, 4, 1, 2, 1, [Float](repeating: 1, count: 4), 3,
                                        [Float](repeating: 1, count: 8), 2, 0, &c, 2) == ST_ERR_ARGUMENT)
        }
        #expect(ranSIMD.contains(.avx512) == ISA.avx512.isSupported, "the AVX-512 entry's narrow kernel runs wherever AVX-512 does")
        #expect(!ranSIMD.contains(.scalar) && !ranSIMD.contains(.avx2), "only the AVX-512 entry has a narrow kernel")
    }
}
