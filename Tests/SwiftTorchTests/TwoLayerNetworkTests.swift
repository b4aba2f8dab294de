// The two-layer network X → linear → ReLU → linear → softmax cross-entropy: autograd's gradients
// against the hand-derived backward pass computed in float64 Swift arrays.
//   Z1 = X·W1 + b1, H1 = relu(Z1), logits = H1·W2 + b2, loss = −mean_b log softmax(logits)[b, y_b]
//   dlogits = (p − onehot(y)) / B
//   dW2 = H1ᵀ·dlogits, db2 = Σ_b dlogits, dH1 = dlogits·W2ᵀ, dZ1 = dH1 ⊙ 1[Z1 > 0]
//   dW1 = Xᵀ·dZ1, db1 = Σ_b dZ1, dX = dZ1·W1ᵀ
import Foundation
import Testing
@testable import SwiftTorch

/// The network's loss and gradients computed by hand in float64.
struct ManualTwoLayerNetwork {
    var loss = 0.0
    /// Entries of Z1 that are <= 0 (ReLU off).
    var inactiveUnits = 0
    var dX: [Double] = [], dW1: [Double] = [], db1: [Double] = [], dW2: [Double] = [], db2: [Double] = []

    init(x: [Double], w1: [Double], b1: [Double], w2: [Double], b2: [Double], labels: [Int], b: Int, din: Int, h: Int, c: Int) {
        var z1 = referenceMatmul(x, w1, m: b, k: din, n: h)
        for i in z1.indices { z1[i] += b1[i % h] }
        let h1 = z1.map { Swift.max($0, 0) }
        inactiveUnits = z1.filter { $0 <= 0 }.count
        var logits = referenceMatmul(h1, w2, m: b, k: h, n: c)
        for i in logits.indices { logits[i] += b2[i % c] }
        var dlogits = [Double](repeating: 0, count: b * c)
        for r in 0..<b {
            let row = Array(logits[(r * c)..<((r + 1) * c)])
            let m = row.max()!
            let s = row.reduce(0) { $0 + Foundation.exp($1 - m) }
            loss -= (row[labels[r]] - m - Foundation.log(s)) / Double(b)
            for j in 0..<c {
                let p = Foundation.exp(row[j] - m) / s
                dlogits[r * c + j] = (p - (j == labels[r] ? 1 : 0)) / Double(b)
            }
        }
        dW2 = referenceMatmul(transposed(h1, rows: b, cols: h), dlogits, m: h, k: b, n: c)
        db2 = (0..<c).map { j in (0..<b).reduce(0) { $0 + dlogits[$1 * c + j] } }
        let dH1 = referenceMatmul(dlogits, transposed(w2, rows: h, cols: c), m: b, k: c, n: h)
        let dZ1 = dH1.indices.map { z1[$0] > 0 ? dH1[$0] : 0 }
        dW1 = referenceMatmul(transposed(x, rows: b, cols: din), dZ1, m: din, k: b, n: h)
        db1 = (0..<h).map { j in (0..<b).reduce(0) { $0 + dZ1[$1 * h + j] } }
        dX = referenceMatmul(dZ1, transposed(w1, rows: din, cols: h), m: b, k: h, n: din)
    }
}

@Suite("Two-layer network")
struct TwoLayerNetworkTests {
    @Test("autograd matches the hand-derived gradients",
          arguments: [(DType.float32, 8, 5, 6, 4), (.float64, 8, 5, 6, 4), (.float32, 64, 20, 32, 10), (.float64, 64, 20, 32, 10)])
    func gradientsMatch(dtype: DType, b: Int, din: Int, h: Int, c: Int) {
        var rng = TestRNG(seed: UInt64(b * 1000 + din))
        let xv = rng.values(b * din, dtype: dtype)
        let w1v = rng.values(din * h, -0.5, 0.5, dtype: dtype), b1v = rng.values(h, -0.1, 0.1, dtype: dtype)
        let w2v = rng.values(h * c, -0.5, 0.5, dtype: dtype), b2v = rng.values(c, -0.1, 0.1, dtype: dtype)
        let labels = (0..<b).map { _ in Int(rng.next() % UInt64(c)) }

        let x = Tensor(float64: xv, shape: [b, din], dtype: dtype, requiresGrad: true)
        let w1 = Tensor(float64: w1v, shape: [din, h], dtype: dtype, requiresGrad: true)
        let b1 = Tensor(float64: b1v, shape: [h], dtype: dtype, requiresGrad: true)
        let w2 = Tensor(float64: w2v, shape: [h, c], dtype: dtype, requiresGrad: true)
        let b2 = Tensor(float64: b2v, shape: [c], dtype: dtype, requiresGrad: true)
        let y = Tensor(integers: labels)

        let hidden = linear(x, weight: w1, bias: b1).relu()
        let logits = linear(hidden, weight: w2, bias: b2)
        let loss = -logits.logSoftmax(dim: 1).gather(dim: 1, index: y.unsqueeze(1)).mean()
        loss.backward()

        let ref = ManualTwoLayerNetwork(x: xv, w1: w1v, b1: b1v, w2: w2v, b2: b2v, labels: labels, b: b, din: din, h: h, c: c)
        let tol = dtype == .float64 ? Tolerance(rtol: 0, atol: 1e-10) : Tolerance(rtol: 0, atol: 1e-5)
        expectClose(loss, [ref.loss], shape: [], tol, "loss")
        expectClose(x.grad!, ref.dX, shape: [b, din], tol, "dX")
        expectClose(w1.grad!, ref.dW1, shape: [din, h], tol, "dW1")
        expectClose(b1.grad!, ref.db1, shape: [h], tol, "db1")
        expectClose(w2.grad!, ref.dW2, shape: [h, c], tol, "dW2")
        expectClose(b2.grad!, ref.db2, shape: [c], tol, "db2")
        // The gradients are not trivially small: the check compares real numbers.
        #expect(ref.dW1.map { Swift.abs($0) }.max()! > 1e-3 && ref.dX.map { Swift.abs($0) }.max()! > 1e-3)
        // Some ReLU units are off and some on, so the mask in dZ1 matters.
        #expect(ref.inactiveUnits > 0 && ref.inactiveUnits < b * h)
    }

    @Test("the same loss written with oneHot gives the same gradients")
    func oneHotFormulation() {
        var rng = TestRNG(seed: 5)
        let (b, c) = (6, 5)
        let lv = rng.values(b * c, -2, 2)
        let labels = (0..<b).map { _ in Int(rng.next() % UInt64(c)) }
        let l1 = Tensor(float64: lv, shape: [b, c], requiresGrad: true), l2 = Tensor(float64: lv, shape: [b, c], requiresGrad: true)
        let y = Tensor(integers: labels)
        let gathered = -l1.logSoftmax().gather(dim: 1, index: y.unsqueeze(1)).mean()
        let dense = -(l2.logSoftmax() * Tensor.oneHot(y, classes: c, dtype: .float64)).sum(dim: 1).mean()
        gathered.backward()
        dense.backward()
        expectClose(gathered, [dense.itemDouble()], .float64)
        expectClose(l1.grad!, l2.grad!.doubles, .float64)
        // dlogits = (softmax − onehot) / B
        let p = l1.softmax().doubles
        expectClose(l1.grad!, (0..<(b * c)).map { (p[$0] - ($0 % c == labels[$0 / c] ? 1 : 0)) / Double(b) }, .float64)
    }
}
