// The kernel engine's settings seen from Swift: ISA dispatch, threads, caches and blocking.
import CKernels
import Foundation
import Synchronization

/// Instruction sets the C kernels are written for.
public enum ISA: String, CaseIterable, Sendable, CustomStringConvertible {
    case scalar, avx2, avx512, neon

    init(_ c: st_isa) {
        switch c {
        case ST_ISA_AVX2: self = .avx2
        case ST_ISA_AVX512: self = .avx512
        case ST_ISA_NEON: self = .neon
        default: self = .scalar
        }
    }

    var cValue: st_isa {
        switch self {
        case .scalar: return ST_ISA_SCALAR
        case .avx2: return ST_ISA_AVX2
        case .avx512: return ST_ISA_AVX512
        case .neon: return ST_ISA_NEON
        }
    }

    /// Whether this CPU can run this ISA's kernels.
    public var isSupported: Bool { st_isa_supported(cValue) != 0 }
    public var description: String { rawValue }
}

/// One cache level: size and line in bytes, associativity in ways (0 unknown, -1 fully associative).
public struct CacheLevel: Equatable, Sendable {
    public var size: Int
    public var lineSize: Int
    public var associativity: Int
    public init(size: Int, lineSize: Int, associativity: Int) {
        self.size = size
        self.lineSize = lineSize
        self.associativity = associativity
    }
    init(_ c: st_cache_level) { self.init(size: Int(c.size), lineSize: Int(c.line), associativity: Int(c.associativity)) }
    var cValue: st_cache_level { st_cache_level(size: Int64(size), line: Int64(lineSize), associativity: Int64(associativity)) }
}

/// The data-cache hierarchy the blocking is derived from.
public struct CacheInfo: Equatable, Sendable {
    public enum Source: String, Sendable { case defaults, sysfs, hwloc }
    public var l1d: CacheLevel
    public var l2: CacheLevel
    public var l3: CacheLevel
    public var source: Source
    public init(l1d: CacheLevel, l2: CacheLevel, l3: CacheLevel, source: Source = .defaults) {
        self.l1d = l1d
        self.l2 = l2
        self.l3 = l3
        self.source = source
    }
    init(_ c: st_cache_info) {
        let source: Source = c.source == ST_CACHE_HWLOC ? .hwloc : c.source == ST_CACHE_SYSFS ? .sysfs : .defaults
        self.init(l1d: CacheLevel(c.l1d), l2: CacheLevel(c.l2), l3: CacheLevel(c.l3), source: source)
    }
    var cValue: st_cache_info {
        let source = self.source == .hwloc ? ST_CACHE_HWLOC : self.source == .sysfs ? ST_CACHE_SYSFS : ST_CACHE_DEFAULTS
        return st_cache_info(l1d: l1d.cValue, l2: l2.cValue, l3: l3.cValue, source: source)
    }
    /// This geometry with what it lacks (a level of size <= 0; else a line <= 0, an associativity of 0)
    /// taken from `other`; the source stays this one's.
    public func filledIn(from other: CacheInfo) -> CacheInfo {
        var s = CacheInfo(st_cache_fill_missing(cValue, other.cValue))
        s.source = source
        return s
    }
    /// Absurd or missing values replaced by the compiled defaults.
    public var sanitized: CacheInfo {
        var s = CacheInfo(st_cache_sanitize(cValue))
        s.source = source
        return s
    }
}

/// The packed SGEMM's blocking: micro-tile MR x NR; A block [MC, KC] (L2), B block [KC, NC] (L3).
public struct Blocking: Equatable, Sendable, CustomStringConvertible {
    public var mr: Int, nr: Int, mc: Int, kc: Int, nc: Int
    public init(mr: Int, nr: Int, mc: Int, kc: Int, nc: Int) {
        self.mr = mr
        self.nr = nr
        self.mc = mc
        self.kc = kc
        self.nc = nc
    }
    init(_ b: st_blocking) { self.init(mr: Int(b.mr), nr: Int(b.nr), mc: Int(b.mc), kc: Int(b.kc), nc: Int(b.nc)) }
    public var description: String { "MR=\(mr) NR=\(nr) MC=\(mc) KC=\(kc) NC=\(nc)" }

    /// The analytical blocking for a micro-tile `mr` x `nr` on `caches` (no environment overrides).
    public static func derive(caches: CacheInfo, mr: Int, nr: Int) -> Blocking {
        Blocking(st_blocking_derive(caches.cValue, Int64(mr), Int64(nr)))
    }
}

/// Settings of the C kernel engine.
public enum Kernels {
    /// The ISA the kernels use now (`SWIFTTORCH_ISA` at start-up, else the best the CPU has).
    public static var isa: ISA { ISA(st_isa_active()) }
    /// The best ISA this CPU supports.
    public static var bestISA: ISA { ISA(st_isa_best()) }
    /// ISAs this CPU supports, scalar first.
    public static var supportedISAs: [ISA] { ISA.allCases.filter(\.isSupported) }

    /// Selects the kernels' ISA; traps if the CPU lacks it (check `isSupported` first).
    public static func setISA(_ isa: ISA) {
        let status = st_isa_set(isa.cValue)
        precondition(status == ST_OK, String(cString: st_last_error()))
    }

    /// Serializes the scoped settings below: while one thread runs `body` under `withISA` or
    /// `withThreads`, another thread's scope waits, so a scope sees its own settings throughout (nested
    /// scopes on one thread are fine).
    private static let settingsLock = NSRecursiveLock()

    /// Runs `body` with `isa` selected, then restores the previous ISA. Scopes on different threads
    /// run one after the other.
    public static func withISA<R>(_ isa: ISA, _ body: () throws -> R) rethrows -> R {
        settingsLock.lock()
        defer { settingsLock.unlock() }
        let previous = self.isa
        setISA(isa)
        defer { setISA(previous) }
        return try body()
    }

    /// Whether the package was built with the OpenMP trait.
    public static var openMPEnabled: Bool { st_openmp_enabled() != 0 }

    /// Threads the kernels use (default: `OMP_NUM_THREADS`, else all cores; always 1 without OpenMP).
    /// Setting 0 restores the default.
    public static var threads: Int {
        get { Int(st_get_num_threads()) }
        set { st_set_num_threads(Int32(clamping: newValue)) }
    }

    /// Runs `body` with `count` threads, then restores the previous setting.
    public static func withThreads<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        settingsLock.lock()
        defer { settingsLock.unlock() }
        let previous = threads
        threads = count
        defer { threads = previous }
        return try body()
    }

    /// The detected cache hierarchy (hwloc, else /sys, else defaults).
    public static var caches: CacheInfo { CacheInfo(st_cache_detect()) }

    /// The blocking the packed SGEMM uses now (derived, then `SWIFTTORCH_MC/KC/NC`, then `setBlocking`).
    public static var blocking: Blocking { Blocking(st_blocking_active()) }

    /// Overrides MC, KC and NC (nil keeps the derived value); `resetBlocking()` undoes it.
    public static func setBlocking(mc: Int? = nil, kc: Int? = nil, nc: Int? = nil) {
        st_blocking_set(st_blocking(mr: 0, nr: 0, mc: Int64(mc ?? 0), kc: Int64(kc ?? 0), nc: Int64(nc ?? 0)))
    }

    public static func resetBlocking() { st_blocking_reset() }

    /// Whether the packed SGEMM packs blocks of A (automatic: when a block feeds enough B micro-panels;
    /// never: the micro-kernel reads op(A) in place). Results are identical either way.
    public enum PackAMode: Int32, Sendable { case automatic = -1, never = 0, always = 1 }

    public static var packA: PackAMode {
        get { PackAMode(rawValue: st_sgemm_get_pack_a()) ?? .automatic }
        set { st_sgemm_set_pack_a(newValue.rawValue) }
    }

    /// Whether the packed SGEMM packs op(B) (automatic: read in place when M <= MR and B is not
    /// transposed, since each value is then used once; always: pack). Results are identical either way.
    public enum PackBMode: Int32, Sendable { case automatic = -1, always = 1 }

    public static var packB: PackBMode {
        get { PackBMode(rawValue: st_sgemm_get_pack_b()) ?? .automatic }
        set { st_sgemm_set_pack_b(newValue.rawValue) }
    }

    /// Whether conv2d may compute unit-stride layers of up to 1024 taps directly (tensor/conv_small.c) instead
    /// of lowering them to a GEMM (default true; false forces im2col + GEMM, for comparisons).
    public static var directConvolution: Bool {
        get { directConvolutionFlag.load(ordering: .relaxed) }
        set { directConvolutionFlag.store(newValue, ordering: .relaxed) }
    }
    private static let directConvolutionFlag = Atomic<Bool>(true)

    /// The active micro-kernel's name, e.g. `sgemm_ukr_avx2_6x16`.
    public static var microKernel: String { String(cString: st_sgemm_ukr_name()) }

    /// The tiled implementation's square tile (3·T²·4 bytes fit in L2).
    public static var tileSize: Int { Int(st_tiled_tile_size()) }
}

extension Kernels {
    /// STREAM triad (a = b + s·c over float64 arrays of `elements`) with the kernels' thread count:
    /// the best of `repetitions` passes, in bytes per second (24 bytes per element per pass).
    public static func streamTriadBandwidth(elements: Int = 1 << 24, repetitions: Int = 10) -> Double {
        let seconds = st_stream_triad(Int64(elements), Int32(repetitions))
        return seconds > 0 ? 24 * Double(elements) / seconds : 0
    }

    /// STREAM copy bandwidth in bytes per second (a = b over `elements` doubles, 16 B each, best pass).
    public static func streamCopyBandwidth(elements: Int = 1 << 24, repetitions: Int = 10) -> Double {
        let seconds = st_stream_copy(Int64(elements), Int32(repetitions))
        return seconds > 0 ? 16 * Double(elements) / seconds : 0
    }
}
