// Losses against float64 references: values, gradients ((softmax − onehot)/B for cross-entropy,
// (σ(x) − t)/N for BCE with logits), stability at extreme inputs, goldens, and label validation.
import Foundation
import Testing
@testable import SwiftTorch

@Suite("Losses")
struct LossTests {
    @Test("cross-entropy on logits vs float64: loss and gradient (p − onehot(y)) / B, float32 and float64")
    func crossEntropy() {
        for dtype in [DType.float32, .float64] {
            let (n, c) = (7, 5)
            let (x, xv) = randomTensor([n, c], dtype: dtype, seed: 21, low: -4, high: 4)
            let labels = [0, 4, 2, 2, 1, 3, 4]
            x.requiresGrad = true
            let loss = CrossEntropyLoss()(x, Tensor(integers: labels))
            var ref = 0.0, grad = [Double](repeating: 0, count: n * c)
            for i in 0..<n {
                let row = Array(xv[i * c..<(i + 1) * c]), m = row.max()!
                let s = row.reduce(0) { $0 + Foundation.exp($1 - m) }
                ref += (m + Foundation.log(s) - row[labels[i]]) / Double(n)
                for j in 0..<c { grad[i * c + j] = (Foundation.exp(row[j] - m) / s - (j == labels[i] ? 1 : 0)) / Double(n) }
            }
            expectClose(loss, [ref], shape: [], .of(dtype), "loss \(dtype)")
            (loss * 3).backward() // the upstream gradient scales the result
            expectClose(x.grad!, grad.map { 3 * $0 }, shape: [n, c], .of(dtype), "gradient \(dtype)")
        }
    }

    @Test("cross-entropy: goldens (ln C at uniform logits, −ln 0.99, −ln 0.01), huge logits stay finite, soft targets")
    func crossEntropyGoldens() {
        let ce = CrossEntropyLoss()
        expectClose(ce(Tensor.zeros([4, 10]), Tensor(integers: [0, 3, 9, 5])), [Foundation.log(10)], .float32)
        expectClose(ce(Tensor.zeros([2, 3]), Tensor(integers: [1, 2])), [1.0986122886681098], .float32)
        let p: [Double] = [0.99, 0.005, 0.005]
        let logits = Tensor(float64: p.map { Foundation.log($0) }, shape: [1, 3])
        expectClose(ce(logits, Tensor(integers: [0])), [0.01005033585350145], Tolerance(rtol: 1e-12, atol: 0))
        let q = Tensor(float64: [0.01, 0.99].map { Foundation.log($0) }, shape: [1, 2])
        expectClose(ce(q, Tensor(integers: [0])), [4.605170185988091], Tolerance(rtol: 1e-12, atol: 0))
        // Logits of ±1e4 (a probability passed where logits belong would be tiny, not this): finite.
        let big = ce(Tensor([[10_000, -10_000, 0]]), Tensor(integers: [1]))
        #expect(big.item() == 20_000)
        // One-hot float targets equal index targets.
        let x = Tensor.randn([6, 4], generator: seeded(22)), y = Tensor(integers: [3, 0, 1, 1, 2, 0])
        expectClose(ce(x, Tensor.oneHot(y, classes: 4)), [Double(ce(x, y).item())], .float32)
        expectGradCheck("cross-entropy, soft targets", [input([3, 4], 23), Tensor.oneHot(Tensor(integers: [1, 0, 3]), classes: 4, dtype: .float64)]) {
            CrossEntropyLoss()($0[0], $0[1])
        }
        expectGradCheck("cross-entropy, indices", [input([3, 4], 24)]) { CrossEntropyLoss()($0[0], Tensor(integers: [2, 0, 3])) }
    }

    @Test("cross-entropy rejects a label outside 0..<C")
    func crossEntropyLabels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = CrossEntropyLoss()(Tensor.zeros([2, 10]), Tensor(integers: [3, 10]))
        }
        #expect(standardError(result).contains("Target 10 is out of bounds for 10 classes: expected 0 <= target < 10"))
        let negative = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = CrossEntropyLoss()(Tensor.zeros([1, 3]), Tensor(integers: [-1]))
        }
        #expect(standardError(negative).contains("Target -1 is out of bounds for 3 classes"))
    }

    @Test("MSE and BCE vs float64; BCE clamps p = 0 and 1 to finite values")
    func mseBCE() {
        let (p, pv) = randomTensor([4, 3], dtype: .float64, seed: 25, low: 0.05, high: 0.95)
        let (t, tv) = randomTensor([4, 3], dtype: .float64, seed: 26, low: 0, high: 1)
        let mse = pv.indices.reduce(0.0) { $0 + (pv[$1] - tv[$1]) * (pv[$1] - tv[$1]) } / 12
        expectClose(MSELoss()(p, t), [mse], Tolerance(rtol: 1e-12, atol: 0))
        let bce = -pv.indices.reduce(0.0) { $0 + tv[$1] * Foundation.log(pv[$1]) + (1 - tv[$1]) * Foundation.log(1 - pv[$1]) } / 12
        expectClose(BinaryCrossEntropyLoss()(p, t), [bce], Tolerance(rtol: 1e-12, atol: 0))
        expectGradCheck("mse", [p, t]) { MSELoss()($0[0], $0[1]) }
        expectGradCheck("bce", [p, t]) { BinaryCrossEntropyLoss()($0[0], $0[1]) }
        let edge = BinaryCrossEntropyLoss()(Tensor([0, 1]), Tensor([1, 0])).item()
        // −ln(1e-7) = 16.12 (float32 rounds 1 − 1e-7 to 1 − 1.19e-7, hence the tolerance)
        #expect(edge.isFinite && Swift.abs(Double(edge) + Foundation.log(1e-7)) < 0.2)
    }

    @Test("BCE with logits: stable for |x| = 1e4, gradient (σ(x) − t)/N also at x = 0")
    func bceWithLogits() {
        let xs: [Double] = [0, 0, 1e4, -1e4, 2.5, -0.3], ts: [Double] = [1, 0, 0, 1, 1, 0.25]
        let x = Tensor(float64: xs, requiresGrad: true), t = Tensor(float64: ts)
        let loss = BCEWithLogitsLoss()(x, t)
        let ref = xs.indices.reduce(0.0) { acc, i in
            acc + Swift.max(xs[i], 0) - xs[i] * ts[i] + Foundation.log1p(Foundation.exp(-Swift.abs(xs[i])))
        } / 6
        expectClose(loss, [ref], Tolerance(rtol: 1e-12, atol: 0))
        loss.backward()
        expectClose(x.grad!, xs.indices.map { (1 / (1 + Foundation.exp(-xs[$0])) - ts[$0]) / 6 }, Tolerance(rtol: 1e-12, atol: 1e-16))
        // The same as BCE on sigmoid probabilities where those are representable.
        let y = Tensor.randn([10], generator: seeded(27)), tt = Tensor.rand([10], generator: seeded(28))
        expectClose(BCEWithLogitsLoss()(y, tt), [Double(BinaryCrossEntropyLoss()(y.sigmoid(), tt).item())], Tolerance(rtol: 1e-5, atol: 1e-6))
        expectGradCheck("bceWithLogits", [input([5], 29, -3, 3), input([5], 30, 0, 1)]) { BCEWithLogitsLoss()($0[0], $0[1]) }
    }
}
