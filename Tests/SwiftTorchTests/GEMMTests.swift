// SGEMM: every implementation and every ISA this CPU has, against the float64 reference.
// Shapes: op(A) [M, K], op(B) [K, N], C [M, N].
import CKernels
import Testing
@testable import SwiftTorch

/// Sizes that stress the edges: tiny, around every micro-tile's MR and NR, primes up to ~300.
let edgeSizes: [Int] = {
    var s: Set<Int> = [0, 1, 2, 3, 7, 17, 31, 61, 127, 211, 293]
    for (mr, nr) in [(4, 8), (6, 16), (12, 32), (8, 12)] {
        for v in [mr - 1, mr + 1, nr - 1, nr + 1] { s.insert(v) }
    }
    return s.sorted()
}()

/// (M, N, K) triples in which every edge size appears as M, as N and as K, with varied partners.
let edgeShapes: [(Int, Int, Int)] = {
    let partners = [5, 13, 33, 64, 97]
    var shapes: [(Int, Int, Int)] = []
    for (i, s) in edgeSizes.enumerated() {
        let p = partners[i % partners.count], q = partners[(i + 2) % partners.count]
        shapes += [(s, p, q), (p, s, q), (p, q, s)]
    }
    return shapes
}()

let alphas: [Float] = [0, 1, -2.5]
let betas: [Float] = [0, 1, 0.5]
let transposes = [(false, false), (false, true), (true, false), (true, true)]

@Suite("SGEMM", .serialized)
struct GEMMTests {
    @Test("every implementation, ISA, transpose, alpha and beta on edge shapes, 1 and 2 threads")
    func edgeShapesAllPaths() {
        var seed: UInt64 = 1
        for (m, n, k) in edgeShapes {
            for (ta, tb) in transposes {
                seed += 1
                let problem = GEMMProblem(m: m, n: n, k: k, transA: ta, transB: tb, seed: seed)
                for isa in Kernels.supportedISAs {
                    Kernels.withISA(isa) {
                        for impl in GEMMImplementation.allCases {
                            for threads in [1, 2] {
                                Kernels.withThreads(threads) {
                                    for alpha in alphas {
                                        for beta in betas {
                                            let c = problem.run(impl, alpha: alpha, beta: beta)
                                            problem.check(c, alpha: alpha, beta: beta,
                                                          context: "\(impl)/\(isa)/\(threads)t \(m)x\(n)x\(k) ta=\(ta) tb=\(tb) alpha=\(alpha) beta=\(beta)")
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("large dimensions (1000+) and several K blocks", arguments: [(1031, 19, 67), (23, 1100, 41), (29, 37, 1500), (300, 301, 302)])
    func largeDimensions(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        for (ta, tb) in transposes {
            let problem = GEMMProblem(m: m, n: n, k: k, transA: ta, transB: tb, seed: UInt64(m * 7 + n * 3 + k))
            // The triple loop uses no ISA and no threads: once.
            problem.check(problem.run(.naive, alpha: -2.5, beta: 0.5), alpha: -2.5, beta: 0.5,
                          context: "naive \(m)x\(n)x\(k) ta=\(ta) tb=\(tb)")
            for isa in Kernels.supportedISAs {
                Kernels.withISA(isa) {
                    for impl in [GEMMImplementation.tiled, .packed] {
                        for threads in [1, 2] {
                            Kernels.withThreads(threads) {
                                let c = problem.run(impl, alpha: -2.5, beta: 0.5)
                                problem.check(c, alpha: -2.5, beta: 0.5, context: "\(impl)/\(isa)/\(threads)t \(m)x\(n)x\(k) ta=\(ta) tb=\(tb)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("A packed or read in place gives bit-identical results on every shape and transpose")
    func packAModes() {
        for (index, (m, n, k)) in ([(13, 200, 37), (61, 33, 300), (7, 97, 5), (130, 17, 64)]).enumerated() {
            for (ta, tb) in transposes {
                let problem = GEMMProblem(m: m, n: n, k: k, transA: ta, transB: tb, seed: UInt64(500 + index))
                for isa in Kernels.supportedISAs {
                    Kernels.withISA(isa) {
                        var results: [[UInt32]] = []
                        for mode in [Kernels.PackAMode.never, .always, .automatic] {
                            Kernels.packA = mode
                            let c = problem.run(.packed, alpha: -2.5, beta: 0.5)
                            problem.check(c, alpha: -2.5, beta: 0.5, context: "packA=\(mode) \(isa) \(m)x\(n)x\(k) ta=\(ta) tb=\(tb)")
                            results.append(c.map(\.bitPattern))
                        }
                        Kernels.packA = .automatic
                        #expect(results[0] == results[1] && results[1] == results[2], "\(isa) \(m)x\(n)x\(k): pack modes differ")
                    }
                }
            }
        }
    }

    @Test("transposed A whose stride crowds L1 sets (packed) or does not (read in place): same bits in every pack mode, and the reference")
    func transposedAStrides() {
        // lda = M (pad 0): 256 and 128 floats put a KC-long in-place panel into 4 and 8 L1 sets (packed
        // automatically); 784 floats over K = 128 spreads it (read in place); 45 floats is under a line.
        for (index, (m, n, k)) in [(256, 40, 600), (128, 37, 300), (784, 40, 128), (45, 33, 200)].enumerated() {
            let problem = GEMMProblem(m: m, n: n, k: k, transA: true, transB: false, pad: 0, seed: UInt64(900 + index))
            for isa in Kernels.supportedISAs {
                Kernels.withISA(isa) {
                    var results: [[UInt32]] = []
                    for mode in [Kernels.PackAMode.automatic, .always, .never] {
                        Kernels.packA = mode
                        let c = problem.run(.packed, alpha: 1, beta: 0.5)
                        problem.check(c, alpha: 1, beta: 0.5, context: "packA=\(mode) \(isa) \(m)x\(n)x\(k) lda=\(problem.lda)")
                        results.append(c.map(\.bitPattern))
                    }
                    Kernels.packA = .automatic
                    #expect(results[0] == results[1] && results[1] == results[2], "\(isa) \(m)x\(n)x\(k): pack modes differ")
                }
            }
        }
    }

    @Test("2-thread grids for a tall, narrow product (rows split) and a short, wide one (columns split) match 1 thread bit for bit")
    func threadGridsMatchOneThread() {
        for (index, (m, n, k)) in [(600, 64, 64), (128, 256, 300), (96, 512, 200)].enumerated() {
            let problem = GEMMProblem(m: m, n: n, k: k, transA: false, transB: false, seed: UInt64(950 + index))
            for isa in Kernels.supportedISAs {
                Kernels.withISA(isa) {
                    let one = Kernels.withThreads(1) { problem.run(.packed, alpha: -2.5, beta: 1) }
                    let two = Kernels.withThreads(2) { problem.run(.packed, alpha: -2.5, beta: 1) }
                    problem.check(two, alpha: -2.5, beta: 1, context: "\(isa) 2 threads \(m)x\(n)x\(k)")
                    #expect(one.map(\.bitPattern) == two.map(\.bitPattern), "\(isa) \(m)x\(n)x\(k): 1 vs 2 threads")
                }
            }
        }
    }

    @Test("GEMV shapes (M = 1 or N = 1): every ISA and transpose, threads split the outputs with identical bits")
    func gemvShapes() {
        // Large enough for two threads (64 Ki matrix elements and 64 outputs each), across the 2048-column
        // block of the rows form, with an odd K for the dot products' tail.
        for (index, (m, n, k)) in [(1, 2500, 301), (1700, 1, 333), (1, 1, 77), (1, 9, 1)].enumerated() {
            for (ta, tb) in transposes {
                let problem = GEMMProblem(m: m, n: n, k: k, transA: ta, transB: tb, seed: UInt64(1300 + index))
                problem.checkEveryISAAndThreads(context: "gemv")
            }
        }
    }

    @Test("B read in place (M <= MR, B not transposed) gives bit-identical results to packed B")
    func packBModes() {
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                let mr = Kernels.blocking.mr, nr = Kernels.blocking.nr
                // 1 < M <= MR (M = 1 is the GEMV path; in place when B is not transposed); N with and without a short last panel,
                // spanning several panels; K across a KC block boundary. Then M > MR with a B small enough for L1 (also
                // read in place), with a short last row tile and panel.
                for (index, (m, n, k)) in [(2, 4 * nr + 3, 29), (mr - 1, 2 * nr, 7), (mr, 3 * nr + 1, 700), (3, 5, 5),
                                           (4 * mr + 1, 2 * nr, 37), (3 * mr, nr, 64), (7 * mr + 2, 3 * nr, 3)]
                    .enumerated() {
                    for (ta, tb) in transposes {
                        let problem = GEMMProblem(m: m, n: n, k: k, transA: ta, transB: tb, seed: UInt64(900 + index))
                        for threads in [1, 2] {
                            Kernels.withThreads(threads) {
                                var results: [[UInt32]] = []
                                for mode in [Kernels.PackBMode.always, .automatic] {
                                    Kernels.packB = mode
                                    let c = problem.run(.packed, alpha: -2.5, beta: 0.5)
                                    problem.check(c, alpha: -2.5, beta: 0.5,
                                                  context: "packB=\(mode) \(isa) \(threads)t \(m)x\(n)x\(k) ta=\(ta) tb=\(tb)")
                                    results.append(c.map(\.bitPattern))
                                }
                                Kernels.packB = .automatic
                                #expect(results[0] == results[1], "\(isa) \(threads)t \(m)x\(n)x\(k) tb=\(tb): pack-B modes differ")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("B in place with two threads and several NC and KC blocks (a large enough product for two threads), and a small B under many rows")
    func packBInPlaceThreadsAndBlocks() {
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                let (mr, nr) = (Kernels.blocking.mr, Kernels.blocking.nr)
                Kernels.setBlocking(kc: 64, nc: 4 * nr)
                defer { Kernels.resetBlocking(); Kernels.packB = .automatic }
                let problem = GEMMProblem(m: mr, n: 40 * nr + 5, k: 700, transA: false, transB: false, seed: 1400)
                var results: [[UInt32]] = []
                for mode in [Kernels.PackBMode.always, .automatic] {
                    Kernels.packB = mode
                    for threads in [1, 2] {
                        Kernels.withThreads(threads) {
                            let c = problem.run(.packed, alpha: 1, beta: 1)
                            problem.check(c, alpha: 1, beta: 1, context: "packB=\(mode) \(isa) \(threads)t")
                            results.append(c.map(\.bitPattern))
                        }
                    }
                }
                #expect(results.allSatisfy { $0 == results[0] }, "\(isa): pack-B modes or thread counts differ")

                // M > MR with a small B (in place because it fits in half of L1: K·3NR·4 = 12 KiB for any NR):
                // both threads read the same B panels and each packs its own short last panel; KC = 16 gives
                // several K blocks.
                Kernels.setBlocking(kc: 16)
                let small = GEMMProblem(m: 2000 + 2, n: 2 * nr + 5, k: 1024 / nr, transA: true, transB: false, seed: 1401)
                var smallResults: [[UInt32]] = []
                for mode in [Kernels.PackBMode.always, .automatic] {
                    Kernels.packB = mode
                    for threads in [1, 2] {
                        Kernels.withThreads(threads) {
                            let c = small.run(.packed, alpha: 0.5, beta: -1)
                            small.check(c, alpha: 0.5, beta: -1, context: "small B packB=\(mode) \(isa) \(threads)t")
                            smallResults.append(c.map(\.bitPattern))
                        }
                    }
                }
                #expect(smallResults.allSatisfy { $0 == smallResults[0] }, "\(isa): small B, pack-B modes or thread counts differ")
            }
        }
    }

    @Test("tiny blocking exercises all five loops of the packed algorithm")
    func tinyBlockingAllLoops() {
        let problem = GEMMProblem(m: 97, n: 131, k: 83, transA: false, transB: true, seed: 99)
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                let mr = Kernels.blocking.mr, nr = Kernels.blocking.nr
                Kernels.setBlocking(mc: 2 * mr, kc: 16, nc: 3 * nr)
                defer { Kernels.resetBlocking(); Kernels.packA = .automatic }
                #expect(Kernels.blocking.mc == 2 * mr && Kernels.blocking.kc == 16 && Kernels.blocking.nc == 3 * nr)
                for threads in [1, 2] {
                    for mode in [Kernels.PackAMode.never, .always] {
                        Kernels.packA = mode
                        Kernels.withThreads(threads) {
                            let c = problem.run(.packed, alpha: 1, beta: 1)
                            problem.check(c, alpha: 1, beta: 1, context: "packed/\(isa)/\(threads)t tiny blocking packA=\(mode)")
                        }
                    }
                }
            }
        }
    }

    @Test("beta = 0 overwrites NaN and Inf already in C")
    func betaZeroOverwritesNaN() {
        // Shapes that reach every path on AVX2: the swapped product (13x35), the direct one with packed
        // panels (37x50), B read in place (M <= MR: 4x70), A read in place with K blocks (130x33x300).
        for (m, n, k) in [(13, 35, 9), (37, 50, 9), (4, 70, 20), (130, 33, 300)] {
            let problem = GEMMProblem(m: m, n: n, k: k, transA: false, transB: false, seed: UInt64(5 + m))
            var poisoned = problem.c0
            for i in 0..<m { for j in 0..<n { poisoned[i * problem.ldc + j] = (i + j) % 2 == 0 ? .nan : .infinity } }
            for isa in Kernels.supportedISAs {
                Kernels.withISA(isa) {
                    for impl in GEMMImplementation.allCases {
                        for threads in [1, 2] {
                            Kernels.withThreads(threads) {
                                let context = "\(impl)/\(isa)/\(threads)t \(m)x\(n)x\(k)"
                                problem.check(problem.run(impl, alpha: 1, beta: 0, c: poisoned), alpha: 1, beta: 0,
                                              context: context)
                                let zero = problem.run(impl, alpha: 0, beta: 0, c: poisoned)
                                let nonzero = (0..<m).flatMap { i in (0..<n).map { zero[i * problem.ldc + $0] } }.filter { $0 != 0 }
                                #expect(nonzero.isEmpty, "\(context) alpha=0: \(nonzero.count) values not 0, e.g. \(nonzero.first ?? 0)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("alpha = 0 does not read A or B (NaN there does not reach C)")
    func alphaZeroDoesNotReadInputs() {
        let (m, n, k) = (11, 21, 7)
        let a = [Float](repeating: .nan, count: m * k), b = [Float](repeating: .nan, count: k * n)
        let c0 = (0..<(m * n)).map { Float($0) - 50 }
        for impl in GEMMImplementation.allCases {
            for beta in betas {
                var c = c0
                sgemm(impl, m: m, n: n, k: k, alpha: 0, a: a, b: b, beta: beta, c: &c)
                #expect(c == c0.map { beta == 0 ? 0 : beta * $0 }, "\(impl) beta=\(beta)")
            }
        }
    }

    @Test("threads claiming blocks of rows (B read in place) give the one-thread result, also over several K blocks")
    func claimedRowBlocks() {
        // B of at most half of L1 is read in place, and then the threads claim row blocks from a counter.
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                for (m, n, k) in [(4096, 64, 64), (1000, 40, 50), (61, 9, 30)] {
                    for (ta, tb) in [(false, false), (true, false)] {
                        let problem = GEMMProblem(m: m, n: n, k: k, transA: ta, transB: tb, seed: UInt64(m + 3 * n + k))
                        problem.checkTwoThreadsMatchOne(alpha: 1, beta: 0.5, rounds: 5, context: "\(isa) \(m)x\(n)x\(k) ta=\(ta)")
                    }
                }
                // K = 200 in KC blocks of 64: a block of rows goes through every K block in order.
                Kernels.setBlocking(kc: 64)
                defer { Kernels.resetBlocking() }
                let problem = GEMMProblem(m: 1000, n: 16, k: 200, transA: false, transB: false, seed: 77)
                problem.checkTwoThreadsMatchOne(alpha: -2.5, beta: 1, rounds: 5, context: "\(isa) 1000x16x200 KC 64")
            }
        }
    }

    @Test("threads never overwrite B panels another thread still reads (short M, uneven K and N blocks)")
    func sharedPanelsAcrossBlocks() {
        // m <= MR splits the threads over column panels only; K = 784 gives KC blocks of unequal size and
        // N = 1024 a short last NC block: panels must not move under a thread that is still reading them.
        for (m, n, k) in [(6, 1024, 784), (12, 1000, 700), (3, 1500, 1001)] {
            let problem = GEMMProblem(m: m, n: n, k: k, transA: false, transB: false, pad: 0, seed: UInt64(m + n + k))
            problem.checkTwoThreadsMatchOne(alpha: 1, beta: 0, rounds: 10, context: "\(m)x\(n)x\(k)")
        }
    }

    @Test("2 threads over column panels: NC blocks of equal width need no barrier, a narrower last block does")
    func columnSplitAcrossUnequalBlocks() {
        // M = 5 MR rows and NC = 8 NR: blocks of 8, 8 and 7 panels, each split 4 + 4 and then 3 + 4, so the
        // second thread's first panel of the last block is one the first thread may still be reading.
        // The B block (K = 700 in 2 KC blocks of 350, 8 panels: 88 KiB with the scalar 4 x 8 kernel, 175 KiB
        // with NR = 16) is too large to copy privately, so both threads share one buffer.
        // Without the barrier before the last block this fails within a few rounds when the threads spin
        // between calls (OMP_WAIT_POLICY=active); with the suite's passive policy the second thread wakes
        // late and stays behind, so the race rarely shows there.
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                let (mr, nr) = (Kernels.blocking.mr, Kernels.blocking.nr)
                Kernels.setBlocking(kc: 320, nc: 8 * nr)
                defer { Kernels.resetBlocking() }
                let problem = GEMMProblem(m: 5 * mr, n: 23 * nr, k: 700, transA: false, transB: false, seed: 1500)
                problem.checkTwoThreadsMatchOne(alpha: 1, beta: 0.5, rounds: 20, context: "\(isa)")
            }
        }
    }

    @Test("packed results are bit-identical run to run and across thread counts")
    func deterministicAcrossThreads() {
        let problem = GEMMProblem(m: 301, n: 257, k: 700, transA: true, transB: false, seed: 77)
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                let one = Kernels.withThreads(1) { problem.run(.packed, alpha: 1, beta: 0.5) }
                let again = Kernels.withThreads(1) { problem.run(.packed, alpha: 1, beta: 0.5) }
                let two = Kernels.withThreads(2) { problem.run(.packed, alpha: 1, beta: 0.5) }
                let twoAgain = Kernels.withThreads(2) { problem.run(.packed, alpha: 1, beta: 0.5) }
                #expect(one.map(\.bitPattern) == again.map(\.bitPattern), "\(isa): 1 thread, run to run")
                #expect(two.map(\.bitPattern) == twoAgain.map(\.bitPattern), "\(isa): 2 threads, run to run")
                #expect(one.map(\.bitPattern) == two.map(\.bitPattern), "\(isa): 1 vs 2 threads")
            }
        }
    }

    @Test("the active blocking is the derived one for the active micro-kernel, with multiples of MR and NR")
    func activeBlocking() {
        Kernels.withISA(Kernels.bestISA) { // other suites may switch the ISA meanwhile
            let b = Kernels.blocking
            #expect(b.mc % b.mr == 0 && b.nc % b.nr == 0 && b.kc > 0)
            #expect(Kernels.microKernel.hasSuffix("\(b.mr)x\(b.nr)"))
        }
        #expect(Kernels.caches.l1d.size > 0 && Kernels.caches.l2.size > Kernels.caches.l1d.size)
    }

    @Test("blocking overrides apply from the next call, reset restores the derived values, each ISA has its own (the blocking is cached per ISA)")
    func blockingCacheFollowsOverridesAndISA() {
        Kernels.withISA(Kernels.bestISA) {
            let derived = Kernels.blocking
            #expect(Kernels.blocking == derived) // a second read comes from the cache
            Kernels.setBlocking(mc: 3 * derived.mr, kc: 40, nc: 5 * derived.nr)
            let overridden = Kernels.blocking
            Kernels.resetBlocking()
            #expect(overridden == Blocking(mr: derived.mr, nr: derived.nr, mc: 3 * derived.mr, kc: 40, nc: 5 * derived.nr))
            #expect(Kernels.blocking == derived)
            Kernels.withISA(.scalar) {
                let scalar = Kernels.blocking
                #expect(scalar.mr == 4 && scalar.nr == 8, "the scalar kernel is 4x8, got \(scalar)")
            }
            #expect(Kernels.blocking == derived)
        }
    }

    @Test("golden value: A·Bᵀ from the spec")
    func goldenTransposedProduct() {
        let a: [Float] = [1, -1, 3, 2, 3, 3, -2, 0, 2]
        let b: [Float] = [7, -1, 4, -2, 0, 0, 0, -3, -1]
        for impl in GEMMImplementation.allCases {
            #expect(sgemm(impl, transB: true, m: 3, n: 3, k: 3, a: a, b: b) == [20, -2, 0, 23, -4, -12, -6, 4, -2])
        }
    }

    @Test("each SIMD micro-kernel matches its portable reference twin, full and edge tiles")
    func microKernelsMatchReferenceTwins() {
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                let mr = Kernels.blocking.mr, nr = Kernels.blocking.nr
                var rng = TestRNG(seed: UInt64(mr * 100 + nr))
                for k in [0, 1, 3, 4, 5, 64, 257] {
                    let ap = AlignedFloats(rng.floats(k * mr)), bp = AlignedFloats(rng.floats(k * nr))
                    let ldc = nr + 5
                    let c0 = rng.floats(mr * ldc)
                    // All row counts; a last column just over and at or under half the tile (the AVX-512 kernel runs
                    // one vector of 16 for n <= 16), with full and short rows.
                    let edges = (1...mr).map { ($0, nr) } + [(1, 1), (mr, nr - 1), (max(1, mr / 2), max(1, nr / 2 + 1))]
                        + (1...mr).map { ($0, max(1, nr / 2)) } + [(max(1, mr - 1), max(1, nr / 2 - 6))]
                    for (m, n) in edges {
                        for beta: Float in [0, 1, 0.5] {
                            var simd = c0, ref = c0, full = c0
                            simd.withUnsafeMutableBufferPointer { c in
                                #expect(st_sgemm_ukr_run(1, Int64(k), 1.5, ap.pointer, bp.pointer, beta, c.baseAddress, Int64(ldc), Int64(m), Int64(n)) == ST_OK)
                            }
                            full.withUnsafeMutableBufferPointer { c in
                                #expect(st_sgemm_ukr_run(1, Int64(k), 1.5, ap.pointer, bp.pointer, beta, c.baseAddress, Int64(ldc), Int64(mr), Int64(nr)) == ST_OK)
                            }
                            ref.withUnsafeMutableBufferPointer { c in
                                #expect(st_sgemm_ukr_run(0, Int64(k), 1.5, ap.pointer, bp.pointer, beta, c.baseAddress, Int64(ldc), Int64(m), Int64(n)) == ST_OK)
                            }
                            for i in 0..<mr {
                                for j in 0..<ldc {
                                    let x = simd[i * ldc + j], y = ref[i * ldc + j]
                                    if i < m && j < n {
                                        #expect(abs(x - y) <= 1e-5 * Float(k + 1), "\(isa) k=\(k) m=\(m) n=\(n) beta=\(beta) at (\(i), \(j)): \(x) vs \(y)")
                                        // The edge policy: a value does not depend on where the tile ends.
                                        #expect(x.bitPattern == full[i * ldc + j].bitPattern, "\(isa) k=\(k): edge tile \(m)x\(n) differs from the full tile at (\(i), \(j))")
                                    } else {
                                        #expect(x.bitPattern == c0[i * ldc + j].bitPattern, "\(isa): wrote outside the \(m)x\(n) corner at (\(i), \(j))")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension GEMMTests {
    @Test("each SIMD B-panel copy matches its portable twin and the panel layout, and writes nothing else")
    func panelCopiesMatchReferenceTwins() {
        var ran: [ISA] = []
        for isa in ISA.allCases {
            var nr64: Int64 = 0
            guard st_sgemm_ukr_tile(isa.cValue, nil, &nr64) == ST_OK else { // no kernel for it in this build
                #expect(!isa.isSupported)
                #expect(st_sgemm_pack_run(isa.cValue, 0, nil, 0, 0, 0, 0, nil) == ST_ERR_UNSUPPORTED)
                continue
            }
            let nr = Int(nr64)
            // A SIMD copy may need less than its kernel (the AVX-512 kernel's copy is AVX2 code), never more.
            var probe = [Float](repeating: 0, count: nr)
            let runs = st_sgemm_pack_run(isa.cValue, 1, [Float](repeating: 1, count: nr), Int64(nr), 1, 1, Int64(nr), &probe) == ST_OK
            if isa.isSupported { #expect(runs, "\(isa): the kernel runs here but its B-panel copy does not") }
            guard runs else { continue }
            ran.append(isa)
            var rng = TestRNG(seed: UInt64(nr))
            // kc around the AVX2 copies' groups of 8 rows; ld longer than a row; gaps between panels.
            for kc in [1, 7, 8, 9, 16, 23, 256] {
                for panels in [1, 3, 12] {
                    let ld = panels * nr + 5, stride = kc * nr + 16
                    let src = rng.floats(kc * ld)
                    let sentinel: Float = -777
                    var outs: [[Float]] = []
                    for simd: Int32 in [1, 0] {
                        var out = [Float](repeating: sentinel, count: panels * stride)
                        out.withUnsafeMutableBufferPointer { o in
                            #expect(st_sgemm_pack_run(isa.cValue, simd, src, Int64(ld), Int64(kc), Int64(panels), Int64(stride),
                                                      o.baseAddress) == ST_OK)
                        }
                        outs.append(out)
                    }
                    let differ = zip(outs[0], outs[1]).filter { $0.bitPattern != $1.bitPattern }.count
                    #expect(differ == 0, "\(isa) kc=\(kc) panels=\(panels): SIMD copy differs from its twin in \(differ) values")
                    // The contract, element by element: out[t * stride + p * NR + j] = src[p * ld + t * NR + j].
                    var bad = 0
                    for t in 0..<panels {
                        for i in 0..<stride {
                            let (p, j) = (i / nr, i % nr)
                            let want = p < kc ? src[p * ld + t * nr + j] : sentinel
                            if outs[0][t * stride + i] != want { bad += 1 }
                        }
                    }
                    #expect(bad == 0, "\(isa) kc=\(kc) panels=\(panels): \(bad) values off the panel layout")
                }
            }
            #expect(st_sgemm_pack_run(isa.cValue, 1, nil, Int64(nr), 4, 1, Int64(4 * nr), nil) == ST_ERR_ARGUMENT)
            #expect(st_sgemm_pack_run(isa.cValue, 1, [Float](repeating: 0, count: 64), Int64(nr - 1), 1, 1, Int64(nr), nil)
                    == ST_ERR_ARGUMENT)
        }
        #expect(ran.contains(.scalar))
        // Every AVX-512 CPU has AVX2, and the AVX-512 kernel's 32-wide copy is tested wherever AVX2 is.
        if ISA.avx2.isSupported { #expect(ran.contains(.avx512)) }
    }
}

/// A 64-byte aligned copy of some floats (the micro-kernel contract needs aligned panels).
final class AlignedFloats {
    let pointer: UnsafeMutablePointer<Float>
    init(_ values: [Float]) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(64, values.count * 4), alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(16, values.count))
        for (i, v) in values.enumerated() { pointer[i] = v }
    }
    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
