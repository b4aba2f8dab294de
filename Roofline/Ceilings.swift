// The machine's measured ceilings: FP32 FMA peak per ISA, INT8 VNNI peak, clock, and copy/triad bandwidth
// for working sets resident in L1, L2, L3 and memory, at each thread count asked for.
//
// Working sets per thread (3 arrays of doubles for triad, 2 for copy): half of L1d; half of L2; the L3
// share (half of L3 / threads, at least 2 × L2); memory: each array 4 × L3 over all threads (STREAM's rule),
// at least 256 MiB (smaller arrays measured ~6% lower here).
import CKernels
import Foundation
import SwiftTorch

/// Where a bandwidth figure's working set lives.
public enum MemoryLevel: String, Codable, CaseIterable, Sendable { case l1 = "L1", l2 = "L2", l3 = "L3", dram = "DRAM" }

/// STREAM kernels measured.
public enum StreamKernel: String, Codable, CaseIterable, Sendable {
    case copy, triad
    var cValue: st_bw_kind { self == .copy ? ST_BW_COPY : ST_BW_TRIAD }
    var arrays: Int { self == .copy ? 2 : 3 }
    var bytesPerElement: Int { Int(st_bw_bytes_per_element(cValue)) }
}

/// A measured arithmetic peak (GFLOP/s for FP32, GOP/s for INT8).
public struct PeakFigure: Codable, Equatable, Sendable {
    public var isa: String
    public var threads: Int
    public var gflops: Double
    /// cores × FMA units × lanes × 2 × measured clock; nil without a model (scalar, INT8).
    public var theoreticalGFLOPS: Double?
    public var ratio: Double? { theoreticalGFLOPS.map { gflops / $0 } }
}

public struct BandwidthFigure: Codable, Equatable, Sendable {
    public var level: MemoryLevel
    public var kernel: StreamKernel
    public var threads: Int
    /// Bytes of the arrays of one thread.
    public var workingSetBytes: Int
    public var gbps: Double
}

public struct MachineCeilings: Codable, Equatable, Sendable {
    public var cpu: CPUInfo
    public var caches: [String: Int]
    public var clockGHz: Double
    public var fp32: [PeakFigure]
    public var int8: [PeakFigure]
    public var bandwidth: [BandwidthFigure]

    public init(cpu: CPUInfo, caches: [String: Int], clockGHz: Double, fp32: [PeakFigure], int8: [PeakFigure],
                bandwidth: [BandwidthFigure]) {
        self.cpu = cpu
        self.caches = caches
        self.clockGHz = clockGHz
        self.fp32 = fp32
        self.int8 = int8
        self.bandwidth = bandwidth
    }

    /// Measures everything. `effort` scales run lengths (1 ≈ 0.2 s per peak trial; tests use less).
    public static func measure(threads: [Int], isas: [ISA] = Kernels.supportedISAs, effort: Double = 1) -> MachineCeilings {
        let clock = measureClockHz(effort: effort)
        let cpu = CPUInfo.current
        var fp32: [PeakFigure] = [], int8: [PeakFigure] = []
        for t in threads {
            for isa in isas {
                // Figures carry the threads that really ran (OpenMP may give fewer; 1 without OpenMP).
                guard let (g, team) = measurePeak(seconds: 0.2 * effort, { st_peak_fp32(isa.cKernelsValue, $0, Int32(t)) })
                else { continue }
                let theory = cpu.fmaUnits(for: isa).map { Double(team * $0 * CPUInfo.lanes(isa) * 2) * clock / 1e9 }
                fp32.append(PeakFigure(isa: isa.rawValue, threads: team, gflops: g, theoreticalGFLOPS: theory))
            }
            if st_peak_int8_supported() != 0,
               let (g, team) = measurePeak(seconds: 0.2 * effort, { st_peak_int8($0, Int32(t)) }) {
                int8.append(PeakFigure(isa: "avx512_vnni", threads: team, gflops: g, theoreticalGFLOPS: nil))
            }
        }
        let caches = Kernels.caches.sanitized
        var bandwidth: [BandwidthFigure] = []
        for t in threads {
            for level in MemoryLevel.allCases {
                for kernel in StreamKernel.allCases {
                    guard let ws = workingSet(level, caches: caches, threads: t) else { continue }
                    if let (gbps, team) = measureBandwidth(kernel, workingSet: ws, threads: t, level: level, effort: effort) {
                        bandwidth.append(BandwidthFigure(level: level, kernel: kernel, threads: team, workingSetBytes: ws, gbps: gbps))
                    }
                }
            }
        }
        return MachineCeilings(cpu: cpu, caches: ["L1d": caches.l1d.size, "L2": caches.l2.size, "L3": caches.l3.size],
                               clockGHz: clock / 1e9, fp32: fp32, int8: int8, bandwidth: bandwidth)
    }

    /// The FP32 peak of `isa` (default: the best measured) at `threads`.
    public func peak(isa: ISA? = nil, threads: Int) -> PeakFigure? {
        let rows = fp32.filter { $0.threads == threads && (isa == nil || $0.isa == isa!.rawValue) }
        return rows.max { $0.gflops < $1.gflops }
    }

    public func bandwidth(_ level: MemoryLevel, kernel: StreamKernel = .triad, threads: Int) -> BandwidthFigure? {
        bandwidth.first { $0.level == level && $0.kernel == kernel && $0.threads == threads }
    }

    /// The roofline at `threads`: the best FP32 peak and the memory (STREAM triad) bandwidth.
    public func roofline(isa: ISA? = nil, threads: Int) -> Roofline? {
        guard let p = peak(isa: isa, threads: threads), let b = bandwidth(.dram, threads: threads) else { return nil }
        return Roofline(peakGFLOPS: p.gflops, bandwidthGBps: b.gbps, label: "\(p.isa), \(threads) thread\(threads == 1 ? "" : "s")")
    }

    // ------------------------------------------------------------ measurement helpers

    /// The fastest of seven clock probes of ~0.05 s each, Hz: a probe can only read low (the thread was
    /// descheduled, or the clock was still ramping), never high.
    static func measureClockHz(effort: Double) -> Double {
        let adds = Int64(max(1e6, 1.5e8 * effort))
        return (0..<7).map { _ in st_clock_hz(adds) }.max()!
    }

    /// Calibrates the iteration count to ~`seconds` per run, then the best of three runs (ops/s / 1e9) and
    /// the threads that ran; nil when the kernel is not available.
    static func measurePeak(seconds target: Double, _ run: (Int64) -> st_peak_result) -> (Double, Int)? {
        var iters: Int64 = 1 << 16
        var r = run(iters)
        guard r.seconds >= 0 else { return nil }
        while r.seconds < target / 4 && iters < 1 << 40 {
            iters = r.seconds > 1e-4 ? Int64(Double(iters) * target / r.seconds) : iters * 16
            r = run(iters)
        }
        var best = r.ops / r.seconds
        for _ in 0..<2 {
            let s = run(iters)
            best = max(best, s.ops / s.seconds)
        }
        return (best / 1e9, Int(r.threads))
    }

    /// Bytes of one thread's arrays for `level`; nil when the level does not exist (no L3, or an L3
    /// share no larger than L2).
    static func workingSet(_ level: MemoryLevel, caches: CacheInfo, threads: Int) -> Int? {
        switch level {
        case .l1: return caches.l1d.size / 2
        case .l2: return caches.l2.size / 2
        case .l3:
            guard caches.l3.size > 2 * caches.l2.size * threads else { return nil }
            return max(caches.l3.size / (2 * threads), 2 * caches.l2.size)
        case .dram: return max(4 * max(caches.l3.size, caches.l2.size * threads), 256 << 20) * 3 / threads
        }
    }

    /// Best GB/s of STREAM `kernel` over arrays totalling `workingSet` bytes per thread, and the threads
    /// that ran.
    static func measureBandwidth(_ kernel: StreamKernel, workingSet: Int, threads: Int, level: MemoryLevel,
                                 effort: Double) -> (Double, Int)? {
        let n = max(64, workingSet / (8 * kernel.arrays))
        let bytesPerPass = Double(n * kernel.bytesPerElement)
        // Cache levels: ~256 MiB per thread per trial; memory: one pass per trial, more trials.
        let reps = level == .dram ? 1 : max(1, Int(256e6 * effort / bytesPerPass))
        let trials = level == .dram ? max(3, Int(10 * effort)) : 5
        var team: Int32 = 1
        let s = st_bandwidth(kernel.cValue, Kernels.isa.cKernelsValue, Int64(n), Int64(reps), Int32(trials), Int32(threads), &team)
        guard s > 0 else { return nil }
        return (Double(team) * Double(reps) * bytesPerPass / s / 1e9, Int(team))
    }
}

extension ISA {
    /// The C enum value (SwiftTorch keeps its own conversion internal).
    var cKernelsValue: st_isa { st_isa(UInt32(st_isa_from_name(rawValue))) }
}
