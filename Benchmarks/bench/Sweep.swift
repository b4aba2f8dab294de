// `bench sweep`: the packed SGEMM's GFLOP/s over a grid of cache blocks MC × KC × NC for given shapes;
// prints every point, the best one, and where the cache-derived blocking lands relative to it. A grid
// with two varying parameters is also drawn as a heatmap SVG.
//   Default grid: MC and KC at 1/4, 1/2, 1, 2, 4 times the derived values (MC a multiple of MR), NC derived.
import ArgumentParser
import Foundation
import Roofline
import SwiftTorch

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep the packed SGEMM's cache blocking (MC, KC, NC) and compare the cache-derived choice with the best point.",
        discussion: """
            Each point sets the blocking (as SWIFTTORCH_MC/KC/NC would), checks C against a float64 reference, \
            then times the median of --repeat runs. This CPU's ISA has one micro-kernel shape (MR x NR), so \
            only the cache blocks are swept.
            """)

    @Option(name: .long, help: "Shapes MxNxK, comma-separated.")
    var shape: String = "1024x1024x1024,2048x2048x2048"

    @Option(name: .long, help: "MC values, comma-separated (default: derived x 1/4, 1/2, 1, 2, 4).")
    var mc: String?

    @Option(name: .long, help: "KC values, comma-separated (default: derived x 1/4, 1/2, 1, 2, 4).")
    var kc: String?

    @Option(name: .long, help: "NC values, comma-separated (default: the derived value).")
    var nc: String?

    @Option(name: .long, help: "Threads.")
    var threads: Int = 1

    @Option(name: .long, help: "Measured runs per point (warm-up runs are extra).")
    var `repeat`: Int = 5

    @Option(name: .long, help: "Warm-up runs, discarded.")
    var warmup: Int = 1

    @Option(name: .long, help: "Output: table, csv or json (one object per line).")
    var format: OutputFormat = .table

    @Option(name: .long, help: "Directory for the heatmap SVGs (sweep-<shape>.svg).")
    var output: String = "."

    /// One blocking: median GFLOP/s and its interquartile range (GFLOP/s at the 75th and 25th percentile times).
    struct Point { let mc, kc, nc: Int; let gflops: Double; let spread: (low: Double, high: Double) }

    func validate() throws {
        guard `repeat` >= 1, warmup >= 0, threads >= 1 else {
            throw ValidationError("--repeat and --threads must be >= 1 and --warmup >= 0")
        }
    }

    func run() throws {
        let shapes = try shape.split(separator: ",").map { s -> MatmulShape in
            guard let parsed = MatmulShape(argument: String(s)) else { throw ValidationError("bad shape '\(s)'") }
            return parsed
        }
        Kernels.resetBlocking()
        let derived = Kernels.blocking
        func list(_ text: String?, _ base: Int, multiple: Int) throws -> [Int] {
            if let text {
                let v = text.split(separator: ",").compactMap { Int($0) }
                guard !v.isEmpty, v.allSatisfy({ $0 > 0 }) else { throw ValidationError("bad list '\(text)'") }
                return v
            }
            return Array(Set([base / 4, base / 2, base, base * 2, base * 4].map { max(multiple, $0 / multiple * multiple) })).sorted()
        }
        let mcs = try list(mc, derived.mc, multiple: derived.mr), kcs = try list(kc, derived.kc, multiple: 8)
        let ncs = try list(nc ?? String(derived.nc), derived.nc, multiple: derived.nr)
        if format == .csv { print("kind,m,n,k,threads,mc,kc,nc,gflops,gflops_p25,gflops_p75,fraction_of_best") }
        if format == .table {
            printHeader()
            print("derived blocking: MC \(derived.mc), KC \(derived.kc), NC \(derived.nc); \(threads) thread(s)")
        }
        try Kernels.withThreads(threads) {
            defer { Kernels.resetBlocking() }
            for s in shapes { try sweep(s, mcs: mcs, kcs: kcs, ncs: ncs, derived: derived) }
        }
    }

    func sweep(_ s: MatmulShape, mcs: [Int], kcs: [Int], ncs: [Int], derived: Blocking) throws {
        let (a, b) = s.randomOperands()
        var c = [Float](repeating: 0, count: s.m * s.n)
        func measure(_ mc: Int, _ kc: Int, _ nc: Int) throws -> Point {
            Kernels.setBlocking(mc: mc, kc: kc, nc: nc)
            let call = { sgemm(.packed, m: s.m, n: s.n, k: s.k, a: a, b: b, c: &c) }
            call()
            try verifySGEMM(c, a: a, b: b, s, lda: s.k, ldb: s.n, label: "packed MC \(mc) KC \(kc) NC \(nc)")
            let stats = TimingStats.measure(warmup: warmup, runs: `repeat`, call)
            let flops = 2 * Double(s.m) * Double(s.n) * Double(s.k)
            let p = Point(mc: mc, kc: kc, nc: nc, gflops: flops / stats.median / 1e9,
                          spread: (flops / stats.p75 / 1e9, flops / stats.p25 / 1e9))
            emit(s, p, tag: "point")
            return p
        }
        var points: [Point] = []
        for nc in ncs { for kc in kcs { for mc in mcs { points.append(try measure(mc, kc, nc)) } } }
        let best = points.max { $0.gflops < $1.gflops }!
        let onGrid = points.first { $0.mc == derived.mc && $0.kc == derived.kc && $0.nc == derived.nc }
        let chosen = try onGrid ?? measure(derived.mc, derived.kc, derived.nc)
        emit(s, best, tag: "best")
        emit(s, chosen, tag: "derived", ratio: chosen.gflops / best.gflops)
        try heatmap(s, points: points, mcs: mcs, kcs: kcs, ncs: ncs, derived: derived)
    }

    /// A heatmap when exactly two of MC, KC, NC vary.
    func heatmap(_ s: MatmulShape, points: [Point], mcs: [Int], kcs: [Int], ncs: [Int], derived: Blocking) throws {
        let axes: [(String, [Int], KeyPath<Point, Int>, Int)] = [("MC", mcs, \.mc, derived.mc), ("KC", kcs, \.kc, derived.kc),
                                                                ("NC", ncs, \.nc, derived.nc)].filter { $0.1.count > 1 }
        guard axes.count == 2 else { return }
        let (x, y) = (axes[0], axes[1])
        let values = y.1.map { yv in x.1.map { xv in points.first { $0[keyPath: x.2] == xv && $0[keyPath: y.2] == yv }?.gflops } }
        let marked = x.1.firstIndex(of: x.3).flatMap { xi in y.1.firstIndex(of: y.3).map { (x: xi, y: $0) } }
        let chart = HeatmapChart(title: "packed SGEMM \(s) GFLOP/s, \(threads) thread(s)", xLabel: x.0, yLabel: y.0,
                                 xValues: x.1, yValues: y.1, values: values, marked: marked)
        let dir = URL(fileURLWithPath: output, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("sweep-\(s).svg")
        try chart.svg().write(to: file, atomically: true, encoding: .utf8)
        if format == .table { print("heatmap: \(file.path)") }
    }

    func emit(_ s: MatmulShape, _ p: Point, tag: String, ratio: Double? = nil) {
        switch format {
        case .table:
            let extra = ratio.map { String(format: "  = %.1f%% of the best point", 100 * $0) } ?? ""
            print(pad(tag, 8) + " " + pad(s.description, 16) + String(format: " MC %5d  KC %5d  NC %6d  %8.2f GFLOP/s (IQR %.2f-%.2f)",
                                                                       p.mc, p.kc, p.nc, p.gflops, p.spread.low, p.spread.high) + extra)
        case .csv:
            print("\(tag),\(s.m),\(s.n),\(s.k),\(threads),\(p.mc),\(p.kc),\(p.nc),\(p.gflops),\(p.spread.low),\(p.spread.high),\(ratio.map { "\($0)" } ?? "")")
        case .json:
            let r = ratio.map { ",\"fraction_of_best\":\($0)" } ?? ""
            print(#"{"kind":"\#(tag)","m":\#(s.m),"n":\#(s.n),"k":\#(s.k),"threads":\#(threads),"mc":\#(p.mc),"kc":\#(p.kc),"nc":\#(p.nc),"gflops":\#(p.gflops),"gflops_p25":\#(p.spread.low),"gflops_p75":\#(p.spread.high)\#(r)}"#)
        }
    }
}
