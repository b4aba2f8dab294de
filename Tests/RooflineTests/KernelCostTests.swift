// The FLOP and byte models and the roofline arithmetic against hand-computed values.
import Roofline
import SwiftTorch
import Testing

@Suite struct KernelCostTests {
    @Test func sgemm1024() {
        let c = KernelCost.sgemm(m: 1024, n: 1024, k: 1024)
        #expect(c.flops == 2_147_483_648) // 2·1024³
        #expect(c.bytes == 12_582_912) // 4·3·1024²
        #expect(abs(c.arithmeticIntensity - 170.666_666_7) < 1e-6) // N/6
    }

    @Test func sgemmRectangularAndGEMV() {
        // 128x256x784: 2·128·256·784 = 51,380,224 FLOPs; 4·(128·784 + 784·256 + 128·256) = 1,335,296 bytes.
        let c = KernelCost.sgemm(m: 128, n: 256, k: 784)
        #expect(c.flops == 51_380_224)
        #expect(c.bytes == 1_335_296)
        // GEMV 1x4096x4096: the matrix dominates, AI → 2·4096² / (4·(4096 + 4096² + 4096)) ≈ 0.4998 < 1/2.
        let v = KernelCost.sgemm(m: 1, n: 4096, k: 4096)
        #expect(abs(v.arithmeticIntensity - 33_554_432.0 / 67_141_632.0) < 1e-12)
    }

    @Test func elementwiseAndGELU() {
        #expect(abs(KernelCost.elementwise(count: 1000, inputs: 2, flopsPerElement: 1).arithmeticIntensity - 1.0 / 12) < 1e-15)
        let g = KernelCost.gelu(count: 4_194_304)
        #expect(g.bytes == 8 * 4_194_304) // one read, one write: 8N bytes
        #expect(g.arithmeticIntensity == 1.0)
        let s = KernelCost.softmax(rows: 4, cols: 8)
        #expect(s.flops == 160 && s.bytes == 256)
    }

    @Test func conv2dLeNetConv2() {
        // x [64, 6, 12, 12], w [16, 6, 5, 5], y [64, 16, 8, 8].
        let c = KernelCost.conv2d(batch: 64, inChannels: 6, outChannels: 16, kernel: 5, height: 12, width: 12, outHeight: 8, outWidth: 8)
        #expect(c.flops == 19_660_800) // 2·64·16·8·8·6·5·5
        #expect(c.bytes == 492_928) // 4·(55,296 + 2,400 + 65,536)
    }

    @Test func rooflineBoundsAndPlacement() {
        let r = Roofline(peakGFLOPS: 100, bandwidthGBps: 20)
        #expect(r.ridgePoint == 5)
        #expect(r.attainable(arithmeticIntensity: 1) == 20)
        #expect(r.attainable(arithmeticIntensity: 5) == 100)
        #expect(r.attainable(arithmeticIntensity: 50) == 100)
        // 1024³ GEMM in 0.010 s: 214.7 GFLOP/s (the curriculum's figure), compute-bound here.
        let big = Roofline(peakGFLOPS: 500, bandwidthGBps: 50)
        let p = big.place("gemm", cost: .sgemm(m: 1024, n: 1024, k: 1024), seconds: 0.010)
        #expect(abs(p.gflops - 214.748_364_8) < 1e-6)
        #expect(abs(p.fractionOfRoof - 214.748_364_8 / 500) < 1e-9)
        #expect(p.bound == .compute)
        // add over 1M elements in 0.5 ms: 12 MB / 0.5 ms = 25.2 GB/s, 2.1 GFLOP/s; roof 50/12 GFLOP/s.
        let add = big.place("add", cost: .elementwise(count: 1 << 20, inputs: 2, flopsPerElement: 1), seconds: 0.0005)
        #expect(add.bound == .memory)
        #expect(abs(add.gbps - 25.165_824) < 1e-9)
        #expect(abs(add.attainable - 50.0 / 12) < 1e-12)
        #expect(abs(add.fractionOfRoof - 25.165_824 / 50) < 1e-9)
    }

    @Test func timingStatistics() {
        let s = TimingStats([4, 1, 3, 2, 5])
        #expect(s.median == 3 && s.p25 == 2 && s.p75 == 4 && s.count == 5)
        var calls = 0
        let m = TimingStats.measure(warmup: 2, runs: 3) { calls += 1 }
        #expect(calls == 5 && m.count == 3)
    }
}

@Suite struct LedgerCostTests {
    @Test func tracedLinearLayer() {
        // Linear(512, 512) on [64, 512]: 2·64·512·512 FLOPs for the product plus 64·512 for the bias;
        // weight and bias (512·512 + 512)·4 = 1,050,624 B read once, the [64, 512] output 131,072 B written.
        let layer = Linear(512, 512, generator: Generator(seed: 3))
        let x = Tensor.randn([64, 512])
        let report = withNoGrad { Ledger.trace { _ = layer(x) } }
        let cost = KernelCost(ledger: report)
        #expect(cost.bytes == 1_050_624 + 131_072)
        #expect(cost.flops == Double(report.totalFLOPs))
        #expect(cost.flops >= 33_554_432 && cost.flops <= 33_554_432 + 32_768)
    }
}
