// `bench matmul --openblas LIB`: an OpenBLAS shared library (numpy's, which Benchmarks/openblas_compare.py
// finds) loaded into this process and timed interleaved with SwiftTorch's packed SGEMM on the same
// operands. Timing numpy from Python instead adds its call overhead to OpenBLAS's side (~1.5 µs per
// np.matmul: 10% of 128x10x256) and puts the two sides in different processes, seconds apart.
// Shapes: op(A) [M, K], op(B) [K, N], C [M, N], row-major.
import Foundation

/// OpenBLAS's CBLAS SGEMM, loaded with dlopen. numpy's build (scipy-openblas) prefixes its symbols with
/// `scipy_` and, with 64-bit integers, suffixes them with `64_`; a system OpenBLAS has the plain names.
struct OpenBLASLibrary {
    private typealias SGEMM64 = @convention(c) (Int32, Int32, Int32, Int64, Int64, Int64, Float, UnsafePointer<Float>?,
                                                Int64, UnsafePointer<Float>?, Int64, Float, UnsafeMutablePointer<Float>?, Int64) -> Void
    private typealias SGEMM32 = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?,
                                                Int32, UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    private let sgemm64: SGEMM64?, sgemm32: SGEMM32?
    private let setThreadsFn: (@convention(c) (Int32) -> Void)?
    /// The kernel family OpenBLAS chose for this CPU (e.g. "Haswell") and its build configuration, or "unknown".
    let coreName: String, config: String
    let path: String

    /// Loads the library. Must run before the first OpenMP parallel region: OpenBLAS starts its threads
    /// when it is loaded and they inherit the loading thread's CPU set, which OMP_PROC_BIND later narrows
    /// to one core.
    init(path: String) throws {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw OpenBLASError.cannotLoad(path: path, reason: dlerror().map { String(cString: $0) } ?? "unknown")
        }
        func symbol(_ names: [String]) -> (name: String, pointer: UnsafeMutableRawPointer)? {
            for n in names { if let p = dlsym(handle, n) { return (n, p) } }
            return nil
        }
        guard let gemm = symbol(["scipy_cblas_sgemm64_", "cblas_sgemm64_", "scipy_cblas_sgemm", "cblas_sgemm"]) else {
            throw OpenBLASError.noSGEMM(path: path)
        }
        let wide = gemm.name.hasSuffix("64_")
        sgemm64 = wide ? unsafeBitCast(gemm.pointer, to: SGEMM64.self) : nil
        sgemm32 = wide ? nil : unsafeBitCast(gemm.pointer, to: SGEMM32.self)
        let suffix = wide ? "64_" : ""
        let prefix = gemm.name.hasPrefix("scipy_") ? "scipy_" : ""
        setThreadsFn = symbol([prefix + "openblas_set_num_threads" + suffix]).map {
            unsafeBitCast($0.pointer, to: (@convention(c) (Int32) -> Void).self)
        }
        func string(_ name: String) -> String {
            symbol([prefix + name + suffix]).map {
                String(cString: unsafeBitCast($0.pointer, to: (@convention(c) () -> UnsafePointer<CChar>).self)())
            } ?? "unknown"
        }
        coreName = string("openblas_get_corename")
        config = string("openblas_get_config")
        self.path = path
    }

    func setThreads(_ n: Int) { setThreadsFn?(Int32(n)) }

    /// C = op(A)·op(B) (alpha 1, beta 0), row-major, like `sgemm(.packed, ...)`.
    func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
               b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>) {
        let (rowMajor, ta, tb): (Int32, Int32, Int32) = (101, transA ? 112 : 111, transB ? 112 : 111)
        if let f = sgemm64 {
            f(rowMajor, ta, tb, Int64(m), Int64(n), Int64(k), 1, a, Int64(lda), b, Int64(ldb), 0, c, Int64(n))
        } else if let f = sgemm32 {
            f(rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(n))
        }
    }
}

enum OpenBLASError: Error, CustomStringConvertible {
    case cannotLoad(path: String, reason: String)
    case noSGEMM(path: String)
    var description: String {
        switch self {
        case let .cannotLoad(path, reason): "cannot load OpenBLAS from \(path): \(reason)"
        case let .noSGEMM(path): "\(path) exports no cblas_sgemm (tried scipy_cblas_sgemm64_, cblas_sgemm64_, scipy_cblas_sgemm, cblas_sgemm)"
        }
    }
}

/// Times two functions interleaved, in blocks of `block` calls that alternate which side goes first, after
/// `warmup` discarded calls of each. With `pause` > 0 each block starts after that many seconds of sleep and
/// 20 ms of discarded calls: a multithreaded library's idle threads spin for a while after a call (libomp
/// 200 ms, OpenBLAS ~0.1 s) on the cores the other side then needs; the sleep lets them fall asleep, and
/// the discarded calls wake the block's own team and bring the cores back from idle. Each pair of blocks
/// gives one ratio: the median time of `other` over the median time of `ours` (above 1: ours is faster).
/// Neighbouring blocks see the same machine, so on a shared host these ratios are far steadier than
/// either side's times.
func interleavedTimes(warmup: Int, runs: Int, block: Int, pause: Double, ours: () -> Void, other: () -> Void)
    -> (ours: [Double], other: [Double], ratios: [Double]) {
    for _ in 0..<warmup { ours(); other() }
    var times: ([Double], [Double]) = ([], []), ratios: [Double] = []
    var oursFirst = true
    while times.0.count < runs {
        var blocks: ([Double], [Double]) = ([], [])
        for side in oursFirst ? [0, 1] : [1, 0] {
            let body = side == 0 ? ours : other
            if pause > 0 { // then at least one call and 20 ms of discarded calls: the cores leave their idle state
                Thread.sleep(forTimeInterval: pause)
                let start = DispatchTime.now().uptimeNanoseconds
                repeat { body() } while DispatchTime.now().uptimeNanoseconds - start < 20_000_000
            }
            let t = (0..<block).map { _ in elapsedSeconds(body) }
            if side == 0 { blocks.0 = t } else { blocks.1 = t }
        }
        times.0 += blocks.0
        times.1 += blocks.1
        ratios.append(Summary(blocks.1).median / Summary(blocks.0).median)
        oursFirst.toggle()
    }
    return (times.0, times.1, ratios)
}
