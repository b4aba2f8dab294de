// The README's roofline example, with a short measurement (effort 0.05) so the suite stays quick.
import Foundation
import Roofline
import SwiftTorch
import Testing

@Suite struct ReadmeRooflineTests {
    @Test func placeYourOwnKernel() {
        let ceilings = Kernels.withThreads(1) { MachineCeilings.measure(threads: [1], effort: 0.05) }
        let roof = ceilings.roofline(threads: 1)!
        #expect(roof.ridgePoint == roof.peakGFLOPS / roof.bandwidthGBps)

        let x = Tensor.randn([512, 512]), w = Tensor.randn([512, 512])
        let point = roof.measure("my matmul", cost: .sgemm(m: 512, n: 512, k: 512)) { _ = x.matmul(w) }
        #expect(abs(point.arithmeticIntensity - 512.0 / 6) < 1e-9)
        #expect(point.gflops > 0 && point.fractionOfRoof > 0)
        #expect(point.bound == (512.0 / 6 < roof.ridgePoint ? .memory : .compute))
        let svg = RooflineChart(title: "mine", ceilings: ceilings, threads: 1, points: [point]).svg()
        #expect(svg.contains("my matmul"))

        let mlp = Sequential(Linear(784, 256), ReLU(), Linear(256, 10)), batch = Tensor.randn([1, 784])
        let cost = withNoGrad { KernelCost(ledger: Ledger.trace { _ = mlp(batch) }) }
        // 203,530 parameters (814,120 B) + activations [1,256] twice (linear, relu) and [1,10]: 2,088 B.
        #expect(cost.bytes == 814_120 + 2_088)
        #expect(cost.arithmeticIntensity > 0.4 && cost.arithmeticIntensity < 0.6)
        let inference = roof.measure("mlp batch 1", cost: cost) { _ = withNoGrad { mlp(batch) } }
        #expect(inference.bound == .memory && inference.gflops > 0)
    }
}
