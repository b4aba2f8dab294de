// `bench --roofline`: measures the machine's ceilings, runs the kernel suite (checked first, then timed),
// places every kernel on the roofline, prints a table and writes roofline.svg / .json / .csv.
//   Suite: SGEMM naive / tiled / packed (square and deep-learning shapes, the 1×4096×4096 GEMV), add, mul,
//   exp, row softmax, fused GELU (exact and tanh), Conv2d forward (LeNet conv2, ResNet-like 3×3).
import ArgumentParser
import Foundation
import Roofline
import SwiftTorch

struct RooflineOptions: ParsableArguments {
    @Option(name: .long, help: "Thread counts, comma-separated (each gets its own ceilings and points); default 1 and all.")
    var threads: String = RooflineOptions.defaultThreads

    /// One thread and all threads (OMP_NUM_THREADS, else every core).
    static var defaultThreads: String { Kernels.threads > 1 ? "1,\(Kernels.threads)" : "1" }

    @Option(name: .long, help: "Measured runs per kernel (warm-up runs are extra).")
    var `repeat`: Int = 10

    @Option(name: .long, help: "Warm-up runs, discarded.")
    var warmup: Int = 2

    @Option(name: .long, help: "Output on stdout: table, csv (one row per kernel) or json (one object per line: peaks, bandwidths, kernels).")
    var format: OutputFormat = .table

    @Option(name: .long, help: "Directory for roofline.svg, roofline.json and roofline.csv.")
    var output: String = "."

    @Flag(name: .long, help: "Measure and print the ceilings only (no kernel suite, no files).")
    var ceilingsOnly = false

    @Flag(name: .long, help: "Short runs and small shapes: a smoke test of the whole pipeline, not a measurement.")
    var quick = false

    mutating func validate() throws {
        guard `repeat` >= 1, warmup >= 0 else {
            throw ValidationError("--repeat must be >= 1 and --warmup >= 0 (got \(`repeat`) and \(warmup))")
        }
        _ = try threadCounts
    }

    var threadCounts: [Int] {
        get throws {
            let t = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !t.isEmpty, t.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--threads wants positive integers separated by commas, got '\(threads)'")
            }
            return t.map { $0! }
        }
    }
}

/// One kernel of the suite: its name, cost model, a check against a reference and the timed body.
struct SuiteKernel {
    let name: String
    let cost: KernelCost
    let check: () throws -> Void
    let body: () -> Void
    var maxRuns: Int? = nil
}

struct RooflineRun {
    let options: RooflineOptions

    func run() throws {
        let counts = try options.threadCounts
        for t in counts where Kernels.withThreads(t, { Kernels.threads }) != t {
            throw ValidationError("--threads \(t): the kernels can use \(Kernels.withThreads(t, { Kernels.threads })) "
                                  + "(\(Kernels.openMPEnabled ? "OpenMP limits the team" : "built without OpenMP"))")
        }
        if options.format == .table { printHeader() }
        let effort = options.quick ? 0.05 : 1.0
        let ceilings = MachineCeilings.measure(threads: counts, effort: effort)
        printCeilings(ceilings)
        if options.ceilingsOnly { return }
        var sections: [RooflineReport.Section] = []
        let suite = try makeSuite()
        for t in counts {
            guard let roof = ceilings.roofline(threads: t) else {
                throw ValidationError("no ceilings measured for \(t) threads")
            }
            let points = try Kernels.withThreads(t) { () throws -> [RooflinePoint] in // t checked above
                try suite.map { k in
                    try k.check()
                    let runs = min(options.repeat, k.maxRuns ?? options.repeat)
                    let p = roof.measure(k.name, cost: k.cost, warmup: min(options.warmup, runs), runs: runs, k.body)
                    emitPoint(p, threads: t)
                    return p
                }
            }
            sections.append(.init(threads: t, roofline: roof, points: points))
            if options.format == .table { print("") }
        }
        let report = RooflineReport(ceilings: ceilings, sections: sections, isa: Kernels.isa.rawValue,
                                    blocking: Kernels.blocking.description)
        try write(report)
        if options.format == .csv { print(report.csv(), terminator: "") }
    }

    // ------------------------------------------------------------ the suite

    func makeSuite() throws -> [SuiteKernel] {
        let q = options.quick
        var suite: [SuiteKernel] = []
        let gemms: [(GEMMImplementation, MatmulShape)] = q
            ? [(.naive, .init(m: 64, n: 64, k: 64)), (.tiled, .init(m: 128, n: 128, k: 128)), (.packed, .init(m: 128, n: 128, k: 128)),
               (.packed, .init(m: 1, n: 512, k: 512))]
            : [(.naive, .init(m: 1024, n: 1024, k: 1024)), (.tiled, .init(m: 1024, n: 1024, k: 1024)),
               (.packed, .init(m: 256, n: 256, k: 256)), (.packed, .init(m: 1024, n: 1024, k: 1024)),
               (.packed, .init(m: 2048, n: 2048, k: 2048)), (.packed, .init(m: 128, n: 256, k: 784)),
               (.packed, .init(m: 512, n: 3072, k: 768)), (.packed, .init(m: 1, n: 4096, k: 4096))]
        for (impl, s) in gemms { suite.append(gemmKernel(impl, s)) }

        let n = q ? 1 << 16 : 1 << 24
        Tensor.manualSeed(1)
        let a = Tensor.randn([n]), b = Tensor.randn([n])
        let rows = q ? 64 : 4096
        let x = Tensor.randn([rows, rows], std: 3)
        let checkOps = { try verifyOps(a, b, x) }
        suite.append(SuiteKernel(name: "add \(n)", cost: .elementwise(count: n, inputs: 2, flopsPerElement: 1),
                                 check: checkOps, body: { _ = a + b }))
        suite.append(SuiteKernel(name: "mul \(n)", cost: .elementwise(count: n, inputs: 2, flopsPerElement: 1),
                                 check: {}, body: { _ = a * b }))
        suite.append(SuiteKernel(name: "exp \(n)", cost: .elementwise(count: n, inputs: 1, flopsPerElement: 1),
                                 check: {}, body: { _ = a.exp() }))
        suite.append(SuiteKernel(name: "softmax \(rows)x\(rows)", cost: .softmax(rows: rows, cols: rows),
                                 check: {}, body: { _ = x.softmax(dim: -1) }))
        for (label, form) in [("exact", GELUApproximation.exact), ("tanh", .tanh)] {
            suite.append(SuiteKernel(name: "gelu_\(label) \(n)", cost: .gelu(count: n),
                                     check: { try verifyGELU(a, form) }, body: { _ = a.gelu(approximation: form) }))
        }
        let convs = q ? [ConvCommand.Shape(name: "conv_small", n: 2, c: 3, o: 4, k: 3, h: 12, pad: 1)]
                      : ConvCommand.shapes.filter { $0.name != "lenet_conv1" }
        for s in convs { suite.append(convKernel(s)) }
        return suite
    }

    func gemmKernel(_ impl: GEMMImplementation, _ s: MatmulShape) -> SuiteKernel {
        let (a, b) = s.randomOperands()
        let c = UnsafeMutableBufferPointer<Float>.allocate(capacity: s.m * s.n) // freed with the process
        c.initialize(repeating: 0)
        func call() {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in sgemm(impl, m: s.m, n: s.n, k: s.k, a: pa, lda: s.k, b: pb, ldb: s.n, c: c, ldc: s.n) }
            }
        }
        return SuiteKernel(name: "sgemm_\(impl) \(s)", cost: .sgemm(m: s.m, n: s.n, k: s.k),
                           check: { call(); try verifySGEMM(Array(c), a: a, b: b, s, lda: s.k, ldb: s.n, label: "\(impl)") },
                           body: call, maxRuns: impl == .naive ? 3 : nil)
    }

    func convKernel(_ s: ConvCommand.Shape) -> SuiteKernel {
        let (x, w) = s.operands()
        let ho = s.h + 2 * s.pad - s.k + 1 // stride 1
        let cost = KernelCost.conv2d(batch: s.n, inChannels: s.c, outChannels: s.o, kernel: s.k, height: s.h, width: s.h,
                                     outHeight: ho, outWidth: ho)
        return SuiteKernel(name: "conv2d \(s.name)", cost: cost, check: {
            let y = s.forward(x, w)
            try checkConv(y, against: directConv(x, w, pad: s.pad, outShape: y.shape), "\(s.name): conv2d")
        }, body: { _ = s.forward(x, w) })
    }

    // ------------------------------------------------------------ output

    func printCeilings(_ c: MachineCeilings) {
        if options.format == .csv { // csv: the ceilings here, the kernel rows at the end
            print("type,isa_or_level,kernel,threads,working_set_bytes,value,unit")
            for p in c.fp32 { print("peak_fp32,\(p.isa),fma,\(p.threads),,\(p.gflops),GFLOP/s") }
            for p in c.int8 { print("peak_int8,\(p.isa),vpdpbusd,\(p.threads),,\(p.gflops),GOP/s") }
            for b in c.bandwidth { print("bandwidth,\(b.level.rawValue),\(b.kernel.rawValue),\(b.threads),\(b.workingSetBytes),\(b.gbps),GB/s") }
            return
        }
        guard options.format == .table else {
            for p in c.fp32 { emitJSON(["type": "peak_fp32", "isa": p.isa, "threads": p.threads, "gflops": p.gflops,
                                        "theoretical_gflops": p.theoreticalGFLOPS ?? .nan, "ratio": p.ratio ?? .nan]) }
            for p in c.int8 { emitJSON(["type": "peak_int8", "isa": p.isa, "threads": p.threads, "gops": p.gflops]) }
            for b in c.bandwidth { emitJSON(["type": "bandwidth", "level": b.level.rawValue, "kernel": b.kernel.rawValue,
                                             "threads": b.threads, "working_set_bytes": b.workingSetBytes, "gbps": b.gbps]) }
            return
        }
        print(String(format: "clock: %.2f GHz (chain of dependent integer adds)", c.clockGHz))
        print("FP32 FMA peak       threads   measured GFLOP/s   theoretical (cores x FMA units x lanes x 2 x clock)   ratio")
        for p in c.fp32 {
            let isa = ISA(rawValue: p.isa) ?? .scalar
            let theory = p.theoreticalGFLOPS.map {
                String(format: "%8.1f  (%d x %d x %2d x 2 x %.2f GHz)", $0, p.threads, c.cpu.fmaUnits(for: isa) ?? 0,
                       CPUInfo.lanes(isa), c.clockGHz)
            } ?? "       -  (no model for scalar)"
            let ratio = p.ratio.map { String(format: "%5.1f%%", 100 * $0) } ?? "    -"
            print("  " + pad(p.isa, 16) + String(format: " %4d   %12.1f       ", p.threads, p.gflops) + theory.padding(toLength: 51, withPad: " ", startingAt: 0) + ratio)
        }
        if c.int8.isEmpty { print("INT8 VNNI peak: this CPU has no AVX-512 VNNI") }
        for p in c.int8 { print(String(format: "INT8 VNNI peak     %4d threads  %10.1f GOP/s", p.threads, p.gflops)) }
        print("bandwidth GB/s      threads   working set/thread      copy     triad")
        for t in Set(c.bandwidth.map(\.threads)).sorted() {
            for level in MemoryLevel.allCases {
                guard let triad = c.bandwidth(level, kernel: .triad, threads: t) else { continue }
                let copy = c.bandwidth(level, kernel: .copy, threads: t)?.gbps ?? .nan
                print("  " + pad(level.rawValue, 16) + String(format: " %4d   ", t) + pad(bytes(triad.workingSetBytes), 14, left: true)
                      + String(format: "   %9.1f %9.1f", copy, triad.gbps))
            }
        }
        if options.ceilingsOnly { return }
        print("")
        print("kernel                          thr   AI FLOP/B    GFLOP/s  (IQR GFLOP/s)        GB/s   roof GFLOP/s  % of roof  bound")
    }

    func emitPoint(_ p: RooflinePoint, threads: Int) {
        switch options.format {
        case .table:
            // Spread: GFLOP/s at the 75th and 25th percentile times (the interquartile range).
            let iqr = p.p75.flatMap { slow in p.p25.map { fast in String(format: "(%.2f-%.2f)", p.cost.flops / slow / 1e9,
                                                                                  p.cost.flops / fast / 1e9) } } ?? ""
            print(pad(p.name, 31) + String(format: " %3d  %10.3f  %9.2f  ", threads, p.arithmeticIntensity, p.gflops)
                  + pad(iqr, 17) + String(format: "  %8.2f  %12.1f  %8.1f%%  ", p.gbps, p.attainable, 100 * p.fractionOfRoof)
                  + p.bound.rawValue)
        case .csv: break
        case .json:
            emitJSON(["type": "kernel", "kernel": p.name, "threads": threads, "flops": p.cost.flops, "bytes": p.cost.bytes,
                      "ai": p.arithmeticIntensity, "seconds": p.seconds, "p25": p.p25 ?? .nan, "p75": p.p75 ?? .nan, "gflops": p.gflops, "gbps": p.gbps,
                      "roof_gflops": p.attainable, "fraction_of_roof": p.fractionOfRoof, "bound": p.bound.rawValue])
        }
    }

    func emitJSON(_ fields: [String: Any]) { print(jsonLine(fields)) }

    func bytes(_ b: Int) -> String { b >= 1 << 20 ? "\(b >> 20) MiB" : "\(b >> 10) KiB" }

    func write(_ report: RooflineReport) throws {
        let dir = URL(fileURLWithPath: options.output, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (i, s) in report.sections.enumerated() {
            let chart = RooflineChart(title: "\(report.ceilings.cpu.modelName): roofline, \(s.threads) thread\(s.threads == 1 ? "" : "s")",
                                      ceilings: report.ceilings, threads: s.threads, points: s.points)
            let name = i == 0 ? "roofline.svg" : "roofline-\(s.threads)threads.svg"
            try chart.svg().write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try report.json().write(to: dir.appendingPathComponent("roofline.json"), options: .atomic)
        try report.csv().write(to: dir.appendingPathComponent("roofline.csv"), atomically: true, encoding: .utf8)
        if options.format == .table {
            print("wrote \(dir.path)/roofline.svg (\(report.sections.first?.threads ?? 0) thread\(report.sections.count > 1 ? "; roofline-<T>threads.svg for the others" : "")), roofline.json, roofline.csv")
        }
    }
}

/// Checks fused GELU on every 97th element against its float64 formula.
func verifyGELU(_ a: Tensor, _ form: GELUApproximation) throws {
    let x = a.scalars, y = a.gelu(approximation: form).scalars
    for i in stride(from: 0, to: x.count, by: 97) {
        let v = Double(x[i])
        let ref = form == .exact ? 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
                                 : 0.5 * v * (1 + tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
        guard abs(Double(y[i]) - ref) <= 2e-6 * max(1, abs(ref)) else {
            throw ValidationError("gelu (\(form)): element \(i) = \(y[i]), float64 reference \(ref)")
        }
    }
}
