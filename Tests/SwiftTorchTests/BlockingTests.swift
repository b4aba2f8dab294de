// Blocking derived from cache geometry: hand-computed values, and absurd or missing inputs.
import Testing
@testable import SwiftTorch

@Suite("Blocking derivation")
struct BlockingTests {
    let zen2 = CacheInfo(l1d: CacheLevel(size: 32 << 10, lineSize: 64, associativity: 8),
                         l2: CacheLevel(size: 512 << 10, lineSize: 64, associativity: 8),
                         l3: CacheLevel(size: 8 << 20, lineSize: 64, associativity: 16))

    @Test("AVX2 6x16 on 32 KiB/8-way L1, 512 KiB/8-way L2, 8 MiB/16-way L3")
    func avx2OnZen2() {
        // KC: ways_B = floor(7 / (1 + 6/16)) = 5; KC = 5 * 4096 / (16 * 4) = 320.
        // MC: B micro-panel 320*16*4 = 20 KiB -> 1 way of 64 KiB; ways_A = 8 - 1 - 1 = 6; MC = 6*65536/1280 = 307 -> 306.
        // NC: A block 306*320*4 = 391,680 B -> 1 way of 512 KiB; 14 ways; NC = 14*524288/1280 = 5734 -> 5728.
        #expect(Blocking.derive(caches: zen2, mr: 6, nr: 16) == Blocking(mr: 6, nr: 16, mc: 306, kc: 320, nc: 5728))
    }

    @Test("AVX-512 12x32 on 48 KiB/12-way L1, 1 MiB/16-way L2, 32 MiB/16-way L3")
    func avx512OnZen5() {
        let zen5 = CacheInfo(l1d: CacheLevel(size: 48 << 10, lineSize: 64, associativity: 12),
                             l2: CacheLevel(size: 1 << 20, lineSize: 64, associativity: 16),
                             l3: CacheLevel(size: 32 << 20, lineSize: 64, associativity: 16))
        // KC: ways_B = floor(11 / 1.375) = 8; 8 * 4096 / 128 = 256, but a B row of 32 floats is two lines:
        // the wide-kernel KC, 512 (the panel, 64 KiB, is well under a quarter of L2).
        // MC: B micro-panel 64 KiB = 1 way of 64 KiB; ways_A = 16 - 1 - 1 = 14; MC = 14*65536/2048 = 448 -> 444.
        // NC: A block 444*512*4 = 909,312 B -> 1 way of 2 MiB; 14 ways; NC = 14*2097152/2048 = 14336.
        #expect(Blocking.derive(caches: zen5, mr: 12, nr: 32) == Blocking(mr: 12, nr: 32, mc: 444, kc: 512, nc: 14336))
    }

    @Test("AVX-512 12x32 on 32 KiB/8-way L1, 1 MiB/8-way L2 (Zen 4), and on a small L2")
    func avx512WideKC() {
        var zen4 = CacheInfo(l1d: CacheLevel(size: 32 << 10, lineSize: 64, associativity: 8),
                             l2: CacheLevel(size: 1 << 20, lineSize: 64, associativity: 8),
                             l3: CacheLevel(size: 32 << 20, lineSize: 64, associativity: 16))
        // L1 bound: ways_B = floor(7 / 1.375) = 5; 5 * 4096 / 128 = 160 < 512: KC = 512.
        // MC: B micro-panel 64 KiB -> 1 way of 128 KiB; ways_A = 8 - 1 - 1 = 6; MC = 6*131072/2048 = 384.
        // NC: A block 384*512*4 = 786,432 B -> 1 way of 2 MiB; 14 ways; NC = 14*2097152/2048 = 14336.
        #expect(Blocking.derive(caches: zen4, mr: 12, nr: 32) == Blocking(mr: 12, nr: 32, mc: 384, kc: 512, nc: 14336))
        // The narrow AVX2 kernel keeps the L1 bound: 320.
        #expect(Blocking.derive(caches: zen4, mr: 6, nr: 16).kc == 320)
        // A 128 KiB L2: the panel may take a quarter of it, 32 KiB: KC = 32768 / 128 = 256.
        zen4.l2 = CacheLevel(size: 128 << 10, lineSize: 64, associativity: 8)
        #expect(Blocking.derive(caches: zen4, mr: 12, nr: 32).kc == 256)
    }

    @Test("absurd and missing geometry falls back to the compiled defaults")
    func absurdValues() {
        let defaults = CacheInfo(l1d: CacheLevel(size: 32 << 10, lineSize: 64, associativity: 8),
                                 l2: CacheLevel(size: 256 << 10, lineSize: 64, associativity: 8),
                                 l3: CacheLevel(size: 8 << 20, lineSize: 64, associativity: 16))
        let missing = CacheInfo(l1d: CacheLevel(size: 0, lineSize: 0, associativity: 0),
                                l2: CacheLevel(size: -1, lineSize: -1, associativity: -5),
                                l3: CacheLevel(size: 1 << 62, lineSize: 3, associativity: 9999))
        #expect(missing.sanitized == defaults)
        #expect(Blocking.derive(caches: missing, mr: 6, nr: 16) == Blocking.derive(caches: defaults, mr: 6, nr: 16))
        // A bad line size or associativity alone is replaced, the size kept.
        let oddLine = CacheInfo(l1d: CacheLevel(size: 48 << 10, lineSize: 48, associativity: 0), l2: defaults.l2, l3: defaults.l3)
        #expect(oddLine.sanitized.l1d == CacheLevel(size: 48 << 10, lineSize: 64, associativity: 8))
        // An L2 no larger than L1 is not believed.
        let inverted = CacheInfo(l1d: defaults.l1d, l2: CacheLevel(size: 16 << 10, lineSize: 64, associativity: 4), l3: defaults.l3)
        #expect(inverted.sanitized.l2 == defaults.l2)
        // What hwloc leaves out is completed from /sys: a whole level, or a line or an unknown associativity.
        let sys = CacheInfo(l1d: CacheLevel(size: 48 << 10, lineSize: 64, associativity: 12),
                            l2: CacheLevel(size: 1 << 20, lineSize: 64, associativity: 16),
                            l3: CacheLevel(size: 32 << 20, lineSize: 64, associativity: 16), source: .sysfs)
        let partial = CacheInfo(l1d: CacheLevel(size: 48 << 10, lineSize: 0, associativity: 0),
                                l2: CacheLevel(size: 2 << 20, lineSize: 128, associativity: -1),
                                l3: CacheLevel(size: 0, lineSize: 64, associativity: 8), source: .hwloc)
        #expect(partial.filledIn(from: sys) == CacheInfo(l1d: sys.l1d, l2: partial.l2, l3: sys.l3, source: .hwloc))
        // Degenerate micro-tiles still give usable blocks.
        let b = Blocking.derive(caches: defaults, mr: 0, nr: -3)
        #expect(b.mr == 1 && b.nr == 1 && b.mc >= 1 && b.kc >= 8 && b.nc >= 1)
    }

    @Test("fully associative and direct-mapped caches")
    func associativityExtremes() {
        var caches = zen2
        caches.l1d.associativity = -1 // modelled as 16 ways
        // 16 ways of 2 KiB: ways_B = floor(15 / 1.375) = 10; KC = 10 * 2048 / 64 = 320.
        #expect(Blocking.derive(caches: caches, mr: 6, nr: 16).kc == 320)
        caches = zen2
        caches.l1d.associativity = 1 // one way of 32 KiB: the B panel still gets it, KC = 32768 / 64 = 512
        #expect(Blocking.derive(caches: caches, mr: 6, nr: 16).kc == 512)
    }
}
