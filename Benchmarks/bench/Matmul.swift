// `bench matmul`: naive / tiled / packed SGEMM on given shapes, checked, then timed.
// Shapes: op(A) [M, K], op(B) [K, N], C [M, N]; FLOPs = 2·M·N·K.
import ArgumentParser
import Foundation
import Roofline
import SwiftTorch

struct MatmulShape: ExpressibleByArgument, CustomStringConvertible {
    let m: Int, n: Int, k: Int
    init(m: Int, n: Int, k: Int) { (self.m, self.n, self.k) = (m, n, k) }
    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 3, parts.allSatisfy({ $0 > 0 }) else { return nil }
        (m, n, k) = (parts[0], parts[1], parts[2])
    }
    var description: String { "\(m)x\(n)x\(k)" }

    /// A [M, K] and B [K, N] filled with uniform values in [-1, 1) from a seed derived from the shape.
    func randomOperands() -> (a: [Float], b: [Float]) {
        var rng = SplitMix(seed: UInt64(m * 31 + n * 17 + k))
        let a = (0..<(m * k)).map { _ in rng.float() }
        return (a, (0..<(k * n)).map { _ in rng.float() })
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

struct MatmulCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matmul",
        abstract: "Compare SGEMM implementations: C[M,N] = A[M,K] · B[K,N].")

    @Option(name: .long, parsing: .singleValue, help: "Implementations, comma-separated: naive, tiled, packed.")
    var impl: [String] = ["naive", "tiled", "packed"]

    @Option(name: .long, help: "Shapes MxNxK, comma-separated (e.g. 1024x1024x1024,128x256x784).")
    var shape: String = "1024x1024x1024"

    @Option(name: .long, help: "Threads (default: OMP_NUM_THREADS, else all cores).")
    var threads: Int?

    @Option(name: .long, help: "Force an ISA: scalar, avx2, avx512, neon (default: the best available).")
    var isa: String?

    @Flag(name: .long, help: "Use op(A) = Aᵀ (A stored [K, M]).")
    var transA = false

    @Flag(name: .long, help: "Use op(B) = Bᵀ (B stored [N, K]).")
    var transB = false

    @Option(name: .long, help: "Measured runs per point (warm-up runs are extra). Naive stops after ~2 s.")
    var `repeat`: Int = 15

    @Option(name: .long, help: "Warm-up runs, discarded.")
    var warmup: Int = 3

    @Option(name: .long, help: "Output: table, csv or json (one object per line: kernel, impl, isa, ukr, m, n, k, threads, seconds (the median), gflops, ...; packed rows also the derived blocking mc, kc, nc).")
    var format: OutputFormat = .table

    @Option(name: .long, help: "Packing of A blocks in the packed SGEMM: automatic, never, always (no effect when M or N is 1: the GEMV path).")
    var packA: String = "automatic"

    @Option(name: .long, help: "Packing of B in the packed SGEMM: automatic (in place when M <= MR), always (no effect when M or N is 1).")
    var packB: String = "automatic"

    @Option(name: .long, help: ArgumentHelp(
        "An OpenBLAS shared library (e.g. numpy's) to time interleaved with packed, in this process.",
        discussion: "1 thread: call by call, alternating which goes first. More threads: blocks of 5 calls, each after a 0.3 s "
            + "pause (so neither library's idle threads spin on the other's cores) and 20 ms of discarded calls. Prints an openblas "
            + "row with the median and quartiles of the per-block ratio OpenBLAS time / packed time. Benchmarks/"
            + "openblas_compare.py finds numpy's library and unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for it."))
    var openblas: String?

    func validate() throws {
        guard `repeat` >= 1, warmup >= 0, (threads ?? 1) >= 1 else {
            throw ValidationError("--repeat and --threads must be >= 1 and --warmup >= 0")
        }
        if openblas != nil, impl.flatMap({ $0.split(separator: ",") }) != ["packed"] {
            throw ValidationError("--openblas is compared with the packed SGEMM only: use --impl packed")
        }
    }

    func run() throws {
        // Loaded before any kernel runs: see OpenBLASLibrary.init.
        let reference = try openblas.map { try OpenBLASLibrary(path: $0) }
        switch packA {
        case "automatic": Kernels.packA = .automatic
        case "never": Kernels.packA = .never
        case "always": Kernels.packA = .always
        default: throw ValidationError("--pack-a wants automatic, never or always, got '\(packA)'")
        }
        switch packB {
        case "automatic": Kernels.packB = .automatic
        case "always": Kernels.packB = .always
        default: throw ValidationError("--pack-b wants automatic or always, got '\(packB)'")
        }
        let impls = try impl.flatMap { $0.split(separator: ",") }.map { name -> GEMMImplementation in
            guard let i = GEMMImplementation(rawValue: String(name)) else {
                throw ValidationError("unknown implementation '\(name)': use naive, tiled or packed")
            }
            return i
        }
        let shapes = try shape.split(separator: ",").map { s -> MatmulShape in
            guard let parsed = MatmulShape(argument: String(s)) else {
                throw ValidationError("bad shape '\(s)': expected MxNxK with positive integers")
            }
            return parsed
        }
        if let isa {
            guard let wanted = ISA(rawValue: isa) else { throw ValidationError("unknown ISA '\(isa)'") }
            guard wanted.isSupported else { throw ValidationError("this CPU does not support \(isa)") }
            Kernels.setISA(wanted)
        }
        if let threads {
            Kernels.threads = threads
            if Kernels.threads != threads {
                FileHandle.standardError.write(Data("bench: --threads \(threads): built without OpenMP, running on \(Kernels.threads) thread\n".utf8))
            }
        }
        reference?.setThreads(Kernels.threads)
        if format == .table {
            printHeader()
            if let reference { print("OpenBLAS: \(reference.path): \(reference.config), kernels for \(reference.coreName)") }
        }
        if format == .csv { print("kernel,impl,isa,m,n,k,threads,runs,seconds,p25,p75,gflops" + (reference == nil ? "" : ",ratio")) }
        for s in shapes {
            for i in impls {
                let rows = try reference.map { try measure(s, against: $0) } ?? [try measure(i, s)]
                for row in rows { print(formatted(row, s)) }
            }
        }
    }

    /// One measured implementation; for OpenBLAS also the per-block ratios OpenBLAS time / packed time.
    struct Row { let impl: String, isa: String, stats: Summary, gflops: Double, ratios: Summary? }

    func row(_ impl: String, isa: String, _ s: MatmulShape, _ times: [Double], ratios: [Double]? = nil) -> Row {
        let stats = Summary(times)
        return Row(impl: impl, isa: isa, stats: stats, gflops: 2.0 * Double(s.m) * Double(s.n) * Double(s.k) / stats.median / 1e9,
                   ratios: ratios.map { Summary($0) })
    }

    func formatted(_ row: Row, _ s: MatmulShape) -> String {
        let ratio = row.ratios?.median
        switch format {
        case .table:
            return pad(row.impl, 8) + " " + pad(s.description, 16) + String(format: " %3d thr  median %10.6f s  (IQR %.6f-%.6f, n=%d)  %8.2f GFLOP/s",
                   Kernels.threads, row.stats.median, row.stats.p25, row.stats.p75, row.stats.count, row.gflops)
                + (row.ratios.map { String(format: "  packed speed / OpenBLAS %.3fx (IQR %.3f-%.3f)", $0.median, $0.p25, $0.p75) } ?? "")
        case .csv:
            return "sgemm,\(row.impl),\(row.isa),\(s.m),\(s.n),\(s.k),\(Kernels.threads),\(row.stats.count),\(row.stats.median),\(row.stats.p25),\(row.stats.p75),\(row.gflops)"
                + (openblas == nil ? "" : ",\(ratio.map { "\($0)" } ?? "")")
        case .json:
            var fields: [String: Any] = ["kernel": "sgemm", "impl": row.impl, "isa": row.isa, "ukr": Kernels.microKernel,
                                         "m": s.m, "n": s.n, "k": s.k, "transA": transA, "transB": transB,
                                         "threads": Kernels.threads, "runs": row.stats.count, "seconds": row.stats.median,
                                         "p25": row.stats.p25, "p75": row.stats.p75, "gflops": row.gflops]
            if row.impl == GEMMImplementation.packed.rawValue { // the derived blocking (a call balances KC and NC to its shape)
                let b = Kernels.blocking
                (fields["mc"], fields["kc"], fields["nc"]) = (b.mc, b.kc, b.nc)
            }
            if let r = row.ratios { (fields["ratio"], fields["ratio_p25"], fields["ratio_p75"], fields["blocks"]) = (r.median, r.p25, r.p75, r.count) }
            return jsonLine(fields, order: ["kernel", "impl", "isa", "ukr", "m", "n", "k", "transA", "transB", "threads", "runs",
                                            "seconds", "p25", "p75", "gflops", "mc", "kc", "nc", "ratio", "ratio_p25", "ratio_p75", "blocks"])
        }
    }

    /// A [M, K] or [K, M], B [K, N] or [N, K] (transposes), and their leading dimensions.
    func operands(_ s: MatmulShape) -> (a: [Float], b: [Float], lda: Int, ldb: Int) {
        let (a, b) = s.randomOperands()
        return (a, b, transA ? s.m : s.k, transB ? s.k : s.n)
    }

    /// Packed and OpenBLAS, both checked, then timed interleaved (see interleavedTimes).
    func measure(_ s: MatmulShape, against lib: OpenBLASLibrary) throws -> [Row] {
        let (a, b, lda, ldb) = operands(s)
        var c = [Float](repeating: 0, count: s.m * s.n), c2 = c // C: [M, N], ours and OpenBLAS's
        let t = try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                try c.withUnsafeMutableBufferPointer { pc in
                    try c2.withUnsafeMutableBufferPointer { pc2 in
                        func ours() {
                            sgemm(.packed, transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: pa, lda: lda, b: pb, ldb: ldb,
                                  c: pc, ldc: s.n)
                        }
                        func theirs() {
                            lib.sgemm(transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: pa.baseAddress!, lda: lda,
                                      b: pb.baseAddress!, ldb: ldb, c: pc2.baseAddress!)
                        }
                        ours()
                        theirs()
                        for (label, result) in [("packed", pc), ("openblas", pc2)] {
                            try verifySGEMM(Array(result), a: a, b: b, s, transA: transA, transB: transB, lda: lda, ldb: ldb, label: label)
                        }
                        let threaded = Kernels.threads > 1
                        return interleavedTimes(warmup: warmup, runs: `repeat`, block: threaded ? 5 : 1, pause: threaded ? 0.3 : 0,
                                                ours: ours, other: theirs)
                    }
                }
            }
        }
        return [row("packed", isa: "\(Kernels.isa)", s, t.ours), row("openblas", isa: lib.coreName, s, t.other, ratios: t.ratios)]
    }

    func measure(_ impl: GEMMImplementation, _ s: MatmulShape) throws -> Row {
        let (a, b, lda, ldb) = operands(s)
        var c = [Float](repeating: 0, count: s.m * s.n)
        func call() {
            sgemm(impl, transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: a, lda: lda, b: b, ldb: ldb, c: &c)
        }
        call()
        try verifySGEMM(c, a: a, b: b, s, transA: transA, transB: transB, lda: lda, ldb: ldb, label: "\(impl)")
        for _ in 0..<(impl == .naive ? min(warmup, 1) : warmup) { call() }
        var times: [Double] = []
        let budgetStart = DispatchTime.now().uptimeNanoseconds
        while times.count < `repeat` {
            let t0 = DispatchTime.now().uptimeNanoseconds
            call()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
            if impl == .naive && times.count >= 3 && Double(DispatchTime.now().uptimeNanoseconds - budgetStart) > 2e9 { break }
        }
        return row(impl.rawValue, isa: "\(Kernels.isa)", s, times)
    }
}

/// Spot-checks 64 entries of C = op(A)·op(B) against float64 dot products with a K-scaled bound.
func verifySGEMM(_ c: [Float], a: [Float], b: [Float], _ s: MatmulShape, transA: Bool = false, transB: Bool = false,
                 lda: Int, ldb: Int, label: String) throws {
    var rng = SplitMix(seed: 12345)
    for _ in 0..<64 {
        let i = Int(rng.next() % UInt64(s.m)), j = Int(rng.next() % UInt64(s.n))
        var sum = 0.0, mag = 0.0
        for p in 0..<s.k {
            let x = Double(transA ? a[p * lda + i] : a[i * lda + p])
            let y = Double(transB ? b[j * ldb + p] : b[p * ldb + j])
            sum += x * y
            mag += abs(x * y)
        }
        let bound = Double(s.k + 2) * Double(Float.ulpOfOne) * mag + 1e-30
        guard abs(Double(c[i * s.n + j]) - sum) <= bound else {
            throw ValidationError("\(label) \(s): C[\(i), \(j)] = \(c[i * s.n + j]) but the float64 reference is \(sum)")
        }
    }
}

/// Median and quartiles of a sample (the Roofline module's statistics).
typealias Summary = TimingStats

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
}

func printHeader() {
    let cpu = CPUInfo.current.modelName
    let caches = Kernels.caches
    func kib(_ b: Int) -> String { b >= 1 << 20 ? "\(b >> 20) MiB" : "\(b >> 10) KiB" }
    print("CPU: \(cpu); ISA: \(Kernels.isa) (best \(Kernels.bestISA)); micro-kernel: \(Kernels.microKernel)")
    let bind = ProcessInfo.processInfo.environment["OMP_PROC_BIND"] ?? "unset"
    print("OpenMP: \(Kernels.openMPEnabled ? "on" : "off (built without the OpenMP trait: one thread)"); threads: \(Kernels.threads); OMP_PROC_BIND=\(bind)")
    print("caches (\(caches.source.rawValue)): L1d \(kib(caches.l1d.size)) \(caches.l1d.associativity)-way, L2 \(kib(caches.l2.size)) \(caches.l2.associativity)-way, L3 \(kib(caches.l3.size)) \(caches.l3.associativity)-way")
    print("blocking: \(Kernels.blocking); tiled tile: \(Kernels.tileSize)")
}
