// The ceilings' models (working sets, FMA units, cpuinfo parsing) and a short real measurement: every ISA
// the CPU has gets a positive peak that its theoretical peak bounds, and every level a positive bandwidth.
import Foundation
@testable import Roofline
import SwiftTorch
import Testing

@Suite struct CeilingsTests {
    let zen4 = CPUInfo(cpuinfo: """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        cpu family\t: 25
        model\t\t: 97
        model name\t: AMD Ryzen 9 7950X
        processor\t: 1
        vendor_id\t: GenuineIntel
        """, architecture: "x86_64")

    @Test func parsesTheFirstProcessorBlock() {
        #expect(zen4.vendor == "AuthenticAMD")
        #expect(zen4.family == 25 && zen4.model == 97)
        #expect(zen4.modelName == "AMD Ryzen 9 7950X")
        let arm = CPUInfo(cpuinfo: "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd0c\n", architecture: "arm64")
        #expect(arm.vendor == "0x41" && arm.family == 8 && arm.model == 0xd0c)
    }

    @Test func fmaUnitTable() {
        let none: [String: String] = [:]
        #expect(zen4.fmaUnits(for: .avx2, environment: none) == 2)
        #expect(zen4.fmaUnits(for: .avx512, environment: none) == 1) // Zen 4 runs 512-bit FMAs as two halves
        #expect(zen4.fmaUnits(for: .scalar, environment: none) == nil)
        var zen5 = zen4
        zen5.family = 26
        #expect(zen5.fmaUnits(for: .avx512, environment: none) == 2)
        var zen1 = zen4
        (zen1.family, zen1.model) = (23, 1)
        #expect(zen1.fmaUnits(for: .avx2, environment: none) == 1)
        #expect(zen4.fmaUnits(for: .avx512, environment: ["SWIFTTORCH_FMA_UNITS": "2"]) == 2)
        #expect(zen4.fmaUnits(for: .avx512, environment: ["SWIFTTORCH_FMA_UNITS": "zero"]) == 1)
        let tigerLake = CPUInfo(cpuinfo: "vendor_id : GenuineIntel\ncpu family : 6\nmodel : 140\n", architecture: "x86_64")
        #expect(tigerLake.fmaUnits(for: .avx512, environment: none) == 1)
        #expect(tigerLake.fmaUnits(for: .avx2, environment: none) == 2)
        let sapphireRapids = CPUInfo(cpuinfo: "vendor_id : GenuineIntel\ncpu family : 6\nmodel : 143\n", architecture: "x86_64")
        #expect(sapphireRapids.fmaUnits(for: .avx512, environment: none) == 2)
        #expect(CPUInfo.lanes(.avx512) == 16 && CPUInfo.lanes(.avx2) == 8 && CPUInfo.lanes(.neon) == 4)
    }

    @Test func workingSetsFollowTheCacheHierarchy() {
        let caches = CacheInfo(l1d: .init(size: 32 << 10, lineSize: 64, associativity: 8),
                               l2: .init(size: 512 << 10, lineSize: 64, associativity: 8),
                               l3: .init(size: 32 << 20, lineSize: 64, associativity: 16))
        #expect(MachineCeilings.workingSet(.l1, caches: caches, threads: 1) == 16 << 10)
        #expect(MachineCeilings.workingSet(.l2, caches: caches, threads: 2) == 256 << 10)
        #expect(MachineCeilings.workingSet(.l3, caches: caches, threads: 2) == 8 << 20)
        #expect(MachineCeilings.workingSet(.dram, caches: caches, threads: 1) == 768 << 20) // 3 arrays of 256 MiB
        #expect(MachineCeilings.workingSet(.dram, caches: caches, threads: 2) == 384 << 20)
        var big = caches
        big.l3 = .init(size: 128 << 20, lineSize: 64, associativity: 16) // 4 × L3 beyond the 256 MiB floor
        #expect(MachineCeilings.workingSet(.dram, caches: big, threads: 1) == 1536 << 20)
        var small = caches
        small.l3 = .init(size: 1 << 20, lineSize: 64, associativity: 16) // an L3 no bigger than the L2s: no L3 row
        #expect(MachineCeilings.workingSet(.l3, caches: small, threads: 2) == nil)
    }

    @Test func shortMeasurementIsConsistent() {
        let c = Kernels.withThreads(1) { MachineCeilings.measure(threads: [1], effort: 0.02) }
        #expect(c.clockGHz > 0.2 && c.clockGHz < 10)
        #expect(Set(c.fp32.map(\.isa)) == Set(Kernels.supportedISAs.map(\.rawValue)))
        for p in c.fp32 {
            #expect(p.gflops > 0)
            // No ISA beats its theoretical peak by more than clock-probe noise.
            if let t = p.theoreticalGFLOPS { #expect(p.gflops < 1.3 * t, "\(p.isa): \(p.gflops) vs theoretical \(t)") }
        }
        for level in [MemoryLevel.l1, .l2, .dram] {
            #expect((c.bandwidth(level, threads: 1)?.gbps ?? 0) > 0, "\(level)")
            #expect((c.bandwidth(level, kernel: .copy, threads: 1)?.gbps ?? 0) > 0, "\(level) copy")
        }
        let roof = c.roofline(threads: 1)!
        #expect(roof.peakGFLOPS == c.fp32.map(\.gflops).max())
        #expect(c.int8.allSatisfy { $0.gflops > 0 })
    }
}
