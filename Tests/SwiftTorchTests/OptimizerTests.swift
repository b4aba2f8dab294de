// Optimizers, schedules and clipping: goldens from the spec, several steps against float64
// re-implementations of the update formulas, state round trips, and gradient accumulation.
import Foundation
import Testing
@testable import SwiftTorch

/// A parameter with a fixed gradient.
private func param(_ values: [Double], grad: [Double], dtype: DType = .float32) -> Tensor {
    let p = Tensor(float64: values, dtype: dtype)
    p.requiresGrad = true
    p.grad = Tensor(float64: grad, dtype: dtype)
    return p
}

@Suite("Optimizers")
struct OptimizerTests {
    @Test("goldens: SGD momentum 1 → 0.9 → 0.71; Adam first step 1 → 0.999; AdamW shrink 0.999; bias corrections")
    func goldens() {
        let p = param([1], grad: [1])
        let sgd = SGD([p], lr: 0.1, momentum: 0.9)
        sgd.step()
        expectClose(p, [0.9], .float32)
        p.grad = Tensor([1])
        sgd.step()
        expectClose(p, [0.71], .float32)
        let q = param([1], grad: [0.5])
        Adam([q], lr: 1e-3).step()
        expectClose(q, [0.999], .float32)
        // AdamW with a zero gradient: only the decoupled decay acts (m = v = 0).
        let r = param([1], grad: [0])
        AdamW([r], lr: 0.1, weightDecay: 0.01).step()
        expectClose(r, [0.999], .float32)
        #expect(Swift.abs((1 - Foundation.pow(0.9, 1.0)) - 0.1) < 1e-15 && Swift.abs((1 - Foundation.pow(0.9, 10.0)) - 0.651322) < 1e-6)
    }

    /// Float64 reference of the update rules (independent of the C kernels).
    struct Reference {
        var p: [Double], buf: [Double]? = nil, m: [Double], v: [Double], t = 0
        init(_ p: [Double]) { self.p = p; m = p.map { _ in 0 }; v = m }
        mutating func sgd(_ g: [Double], lr: Double, mu: Double, wd: Double, nesterov: Bool) {
            let first = buf == nil
            if mu > 0 && first { buf = p.map { _ in 0 } }
            for i in p.indices {
                var d = g[i] + wd * p[i]
                if mu > 0 {
                    buf![i] = first ? d : mu * buf![i] + d
                    d = nesterov ? d + mu * buf![i] : buf![i]
                }
                p[i] -= lr * d
            }
        }
        mutating func adam(_ g: [Double], lr: Double, b1: Double, b2: Double, eps: Double, wd: Double, decoupled: Bool) {
            t += 1
            let c1 = 1 - Foundation.pow(b1, Double(t)), c2 = 1 - Foundation.pow(b2, Double(t))
            for i in p.indices {
                let d = g[i] + (decoupled ? 0 : wd * p[i])
                m[i] = b1 * m[i] + (1 - b1) * d
                v[i] = b2 * v[i] + (1 - b2) * d * d
                p[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                if decoupled { p[i] *= 1 - lr * wd }
            }
        }
    }

    @Test("five steps of SGD (plain, momentum, Nesterov, weight decay), Adam and AdamW vs float64, in float32 and float64",
          arguments: [DType.float32, .float64])
    func updatesMatchReference(dtype: DType) {
        var rng = TestRNG(seed: 31)
        let n = 40_000 // several chunks, so threads share the update
        let p0 = rng.values(n, -1, 1, dtype: .float64)
        let grads = (0..<5).map { _ in rng.values(n, -1, 1, dtype: dtype) }
        let tol = dtype == .float32 ? Tolerance(rtol: 2e-5, atol: 2e-6) : Tolerance(rtol: 1e-12, atol: 1e-13)
        let p0d = p0.map { dtype == .float32 ? Double(Float($0)) : $0 }
        typealias Case = (String, (Tensor) -> any Optimizer, (inout Reference, [Double]) -> Void)
        let cases: [Case] = [
            ("sgd", { SGD([$0], lr: 0.1) }, { $0.sgd($1, lr: 0.1, mu: 0, wd: 0, nesterov: false) }),
            ("sgd momentum wd", { SGD([$0], lr: 0.05, momentum: 0.9, weightDecay: 0.01) },
             { $0.sgd($1, lr: 0.05, mu: 0.9, wd: 0.01, nesterov: false) }),
            ("sgd nesterov", { SGD([$0], lr: 0.05, momentum: 0.8, nesterov: true) },
             { $0.sgd($1, lr: 0.05, mu: 0.8, wd: 0, nesterov: true) }),
            ("adam wd", { Adam([$0], lr: 0.01, weightDecay: 0.1) },
             { $0.adam($1, lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.1, decoupled: false) }),
            ("adamw", { AdamW([$0], lr: 0.01, betas: (0.8, 0.99), weightDecay: 0.05) },
             { $0.adam($1, lr: 0.01, b1: 0.8, b2: 0.99, eps: 1e-8, wd: 0.05, decoupled: true) }),
        ]
        for (name, make, update) in cases {
            let p = Tensor(float64: p0d, dtype: dtype)
            p.requiresGrad = true
            let opt = make(p)
            var ref = Reference(p0d)
            for g in grads {
                p.grad = Tensor(float64: g, dtype: dtype)
                opt.step()
                update(&ref, g)
            }
            expectClose(p, ref.p, tol, "\(name) \(dtype)")
            #expect(opt.stepCount == 5)
        }
    }

    @Test("parameters without a gradient are skipped; zeroGrad clears every gradient")
    func skipAndZero() {
        let a = param([1, 2], grad: [1, 1]), b = Tensor([5, 6], requiresGrad: true)
        let opt = SGD([a, b], lr: 0.5, momentum: 0.9)
        opt.step()
        #expect(a.scalars == [0.5, 1.5] && b.scalars == [5, 6] && opt.momentumBuffer(1) == nil && opt.momentumBuffer(0) != nil)
        opt.zeroGrad()
        #expect(a.grad == nil && b.grad == nil)
    }

    @Test("state dict round trip resumes exactly; mismatches are reported")
    func stateRoundTrip() throws {
        let grads: [[Double]] = [[0.3, -0.2, 0.1], [0.5, 0.5, -1], [-0.1, 0.2, 0.3], [1, 1, 1]]
        let a = param([1, 2, 3], grad: grads[0])
        let optA = Adam([a], lr: 0.1)
        optA.step()
        a.grad = Tensor(float64: grads[1], dtype: .float32)
        optA.step()
        // A copy of the parameter and the optimizer state continues exactly like the original.
        let b = Tensor(a.scalars, requiresGrad: true)
        let optB = Adam([b], lr: 0.1)
        try optB.loadStateDict(optA.stateDict())
        #expect(optB.stepCount == 2 && optB.moments(0)!.m.scalars == optA.moments(0)!.m.scalars)
        for g in grads[2...] {
            a.grad = Tensor(float64: g, dtype: .float32)
            b.grad = Tensor(float64: g, dtype: .float32)
            optA.step()
            optB.step()
        }
        #expect(a.scalars == b.scalars)
        var bad = optA.stateDict()
        bad["0.m"] = Tensor.zeros([4])
        bad["7.v"] = Tensor.zeros([3])
        #expect(throws: StateDictError(problems: ["0.m: float32 [4], expected float32 [3]", "unexpected 7.v"])) {
            try optB.loadStateDict(bad)
        }
        #expect(throws: StateDictError.self) { try optB.loadStateDict([:]) }
        let sgd = SGD([a], lr: 0.1, momentum: 0.9)
        sgd.step()
        #expect(sgd.stateDict().keys.sorted() == ["0.momentum", "step"])
    }

    @Test("schedules: cosine goldens 0.1 / 0.086820 / 0.055 / 0.023180 / 0.01, warm-up, StepLR")
    func schedules() {
        let c = CosineSchedule(maxLR: 0.1, minLR: 0.01, totalEpochs: 100)
        for (e, lr) in [(0, 0.1), (25, 0.086820), (50, 0.055), (75, 0.023180), (100, 0.01), (150, 0.01)] {
            #expect(Swift.abs(c.lr(epoch: e) - lr) < 1e-6, "epoch \(e)")
        }
        let w = CosineSchedule(maxLR: 0.1, minLR: 0, totalEpochs: 12, warmupEpochs: 2)
        #expect(Swift.abs(w.lr(epoch: 0) - 0.05) < 1e-12 && Swift.abs(w.lr(epoch: 1) - 0.1) < 1e-12)
        #expect(Swift.abs(w.lr(epoch: 2) - 0.1) < 1e-12 && Swift.abs(w.lr(epoch: 7) - 0.05) < 1e-12)
        let s = StepLR(baseLR: 0.1, stepSize: 3, gamma: 0.5)
        #expect([0, 2, 3, 6, 7].map { s.lr(epoch: $0) } == [0.1, 0.1, 0.05, 0.025, 0.025])
        let opt = SGD([Tensor([1], requiresGrad: true)], lr: 1)
        c.apply(to: opt, epoch: 50)
        #expect(Swift.abs(opt.lr - 0.055) < 1e-12)
    }

    @Test("clipGradNorm goldens: [100, 200, 50] → 229.129, [0.43644, 0.87287, 0.21822]; below maxNorm unchanged")
    func clipping() {
        let a = param([0, 0], grad: [100, 200]), b = param([0], grad: [50])
        let norm = clipGradNorm([a, b, Tensor([1], requiresGrad: true)], maxNorm: 1)
        #expect(Swift.abs(Double(norm) - 229.129) < 1e-3)
        expectClose(a.grad!, [0.43644, 0.87287], Tolerance(rtol: 1e-4, atol: 0))
        expectClose(b.grad!, [0.21822], Tolerance(rtol: 1e-4, atol: 0))
        let c = param([0, 0, 0], grad: [50, 100, 5])
        #expect(Swift.abs(Double(clipGradNorm([c])) - 111.915) < 1e-3)
        expectClose(c.grad!, [0.44677, 0.89353, 0.04468], Tolerance(rtol: 1e-4, atol: 0))
        let d = param([0], grad: [0.5])
        #expect(clipGradNorm([d], maxNorm: 1) == 0.5 && d.grad!.scalars == [0.5])
    }

    @Test("k micro-batches scaled by 1/k give the gradient of one batch of k·b")
    func accumulation() {
        let l = Linear(6, 3, generator: seeded(32))
        let x = Tensor.randn([8, 6], generator: seeded(33)), y = Tensor(integers: [0, 1, 2, 0, 1, 2, 2, 1])
        CrossEntropyLoss()(l(x), y).backward()
        let full = l.parameters().map { $0.grad!.scalars }
        l.zeroGrad()
        for k in 0..<4 {
            let xs = x[(2 * k)..<(2 * k + 2)], ys = y[(2 * k)..<(2 * k + 2)]
            (CrossEntropyLoss()(l(xs), ys) * 0.25).backward()
        }
        for (p, f) in zip(l.parameters(), full) {
            expectClose(p.grad!.doubles, f.map(Double.init), Tolerance(rtol: 1e-5, atol: 1e-6), "accumulated")
        }
    }
}
