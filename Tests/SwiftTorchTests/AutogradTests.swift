// Reverse-mode autograd: hand-derived goldens, accumulation, zeroGrad, shared inputs, detach,
// withNoGrad, backward(gradient:), broadcast reduction, views, graph shapes.
import Foundation
import Testing
@testable import SwiftTorch

@Suite("Autograd")
struct AutogradTests {
    @Test("golden: y = 3x + 1 at x = 2 gives dy/dx = 3")
    func linearScalar() {
        let x = Tensor(Float(2), requiresGrad: true)
        let y = 3 * x + 1
        #expect(y.item() == 7 && y.requiresGrad && !y.isLeaf && x.isLeaf)
        y.backward()
        #expect(x.grad?.shape == [] && x.grad?.item() == 3)
    }

    @Test("golden: loss = Σ(x·W)² with x = [[1, 2]], W = [[3], [4]]")
    func matmulSquare() {
        let x = Tensor([[1, 2]], requiresGrad: true), w = Tensor([[3], [4]], requiresGrad: true)
        let loss = matmul(x, w).square().sum()
        #expect(loss.item() == 121)
        loss.backward()
        // d/dx = 2·(x·W)·Wᵀ = 2·11·[3, 4]; d/dW = xᵀ·2·(x·W) = [1, 2]ᵀ·22.
        #expect(x.grad?.shape == [1, 2] && x.grad?.scalars == [66, 88])
        #expect(w.grad?.shape == [2, 1] && w.grad?.scalars == [22, 44])
    }

    @Test("golden: z = y² − sin²θ + 2y·cosθ + 1 at y = 1, θ = π/2 has gradient (2, −2)")
    func trigonometric() {
        let y = Tensor(float64: [1], shape: [], requiresGrad: true)
        let theta = Tensor(float64: [Double.pi / 2], shape: [], requiresGrad: true)
        let z = y.square() - theta.sin().square() + 2 * y * theta.cos() + 1
        #expect(Swift.abs(z.itemDouble() - 1) < 1e-15)
        z.backward()
        // dz/dy = 2y + 2cosθ; dz/dθ = −2 sinθ cosθ − 2y sinθ.
        #expect(Swift.abs(y.grad!.itemDouble() - 2) < 1e-15)
        #expect(Swift.abs(theta.grad!.itemDouble() + 2) < 1e-15)
    }

    @Test("gradients accumulate across backward calls; zeroGrad clears them")
    func accumulation() {
        let x = Tensor([1, 2], requiresGrad: true)
        let y = (x * x).sum()
        y.backward()
        #expect(x.grad?.scalars == [2, 4])
        y.backward()
        #expect(x.grad?.scalars == [4, 8])
        (x * 3).sum().backward()
        #expect(x.grad?.scalars == [7, 11])
        x.zeroGrad()
        #expect(x.grad == nil)
        (x * 3).sum().backward()
        #expect(x.grad?.scalars == [3, 3])
    }

    @Test("a tensor used twice gets the sum of both paths; diamonds run each node once")
    func sharedInputs() {
        let x = Tensor(float64: [0.5, -1.5, 2], requiresGrad: true)
        (x * x).sum().backward()
        #expect(x.grad?.doubles == [1, -3, 4])
        // a = 2x, b = a + exp(a): db/dx = 2 + 2·exp(2x).
        let x2 = Tensor(float64: [0.25, -0.5], requiresGrad: true)
        let a = x2 * 2
        (a + a.exp()).sum().backward()
        expectClose(x2.grad!, [0.25, -0.5].map { 2 + 2 * Foundation.exp(2 * $0) }, .float64)
        // Intermediate results do not keep gradients.
        #expect(a.grad == nil)
        // x·x·x through three uses: 3x².
        let x3 = Tensor(float64: [2], shape: [], requiresGrad: true)
        (x3 * x3 * x3).backward()
        #expect(x3.grad?.itemDouble() == 12)
    }

    @Test("detach shares storage and stops gradients")
    func detach() {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        let d = x.detach()
        #expect(!d.requiresGrad && d.gradFn == nil && d.storage === x.storage && d.scalars == [1, 2, 3])
        (x.detach() * x).sum().backward()
        // Only the second factor carries a gradient: d/dx (c·x) = c.
        #expect(x.grad?.scalars == [1, 2, 3])
        let y = (x * 2).detach()
        #expect(!y.requiresGrad && y.isLeaf)
    }

    @Test("withNoGrad records nothing and restores the mode; withGrad turns recording back on")
    func noGrad() {
        let x = Tensor([1, 2], requiresGrad: true)
        #expect(isGradEnabled)
        let y = withNoGrad {
            #expect(!isGradEnabled)
            return (x * 2).exp().sum()
        }
        #expect(isGradEnabled)
        #expect(y.gradFn == nil && !y.requiresGrad)
        let inner = withNoGrad { withGrad { x * 2 } }
        #expect(inner.gradFn != nil && inner.requiresGrad)
        #expect(withNoGrad { withNoGrad { () }; return isGradEnabled } == false)
        // Ops on tensors that do not require grad record nothing either.
        let plain = Tensor([1, 2]) * Tensor([3, 4])
        #expect(plain.gradFn == nil && !plain.requiresGrad)
    }

    @Test("backward(gradient:) seeds a non-scalar output (converting the seed's dtype)")
    func backwardWithGradient() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]], requiresGrad: true)
        let y = x.square() * 3
        y.backward(gradient: Tensor([[1, 0, 2], [0, -1, 1]]))
        // dy/dx = 6x
        #expect(x.grad?.scalars == [6, 0, 36, 0, -30, 36])
        let x64 = Tensor(float64: [1, 2], requiresGrad: true)
        (x64 * 5).backward(gradient: Tensor([1, 2]))
        #expect(x64.grad?.dtype == .float64 && x64.grad?.doubles == [5, 10])
    }

    @Test("a broadcast operand's gradient is summed back to its shape")
    func broadcastGradient() {
        let (xv, bv): ([Double], [Double]) = ([1, 2, 3, 4, 5, 6, 7, 8], [0.5, -1])
        let x = Tensor(float64: xv, shape: [4, 2], requiresGrad: true), b = Tensor(float64: bv, requiresGrad: true)
        ((x + b).square()).sum().backward()
        // d/db = Σ_batch 2(x + b), d/dx = 2(x + b)
        let upstream = (0..<8).map { 2 * (xv[$0] + bv[$0 % 2]) }
        #expect(b.grad?.shape == [2])
        expectClose(b.grad!, [0, 1].map { j in (0..<4).reduce(0) { $0 + upstream[$1 * 2 + j] } }, .float64)
        expectClose(x.grad!, upstream, .float64)
        // A [3, 1] column against [3, 4], a scalar tensor against a matrix.
        let c = Tensor(float64: [1, 2, 3], shape: [3, 1], requiresGrad: true)
        let s = Tensor(float64: [2], shape: [], requiresGrad: true)
        (c * Tensor.ones([3, 4], dtype: .float64) * s).sum().backward()
        #expect(c.grad?.shape == [3, 1] && c.grad?.doubles == [8, 8, 8])
        #expect(s.grad?.shape == [] && s.grad?.doubles == [24])
    }

    @Test("gradients flow through views to the base (zero outside a slice)")
    func viewsPropagate() {
        let x = Tensor.arange(0, 6, dtype: .float64).reshape(2, 3)
        x.requiresGrad = true
        (x[1, 1...] * Tensor(float64: [10, 20])).sum().backward()
        #expect(x.grad?.doubles == [0, 0, 0, 0, 10, 20])
        x.zeroGrad()
        (x.T.reshape(6) * Tensor.arange(0, 6, dtype: .float64)).sum().backward()
        // x.T.reshape(6) = [x00, x10, x01, x11, x02, x12]
        #expect(x.grad?.doubles == [0, 2, 4, 1, 3, 5])
        x.zeroGrad()
        x.unsqueeze(0).expand([4, 2, 3]).sum().backward()
        #expect(x.grad?.doubles == [Double](repeating: 4, count: 6))
    }

    @Test("a 200k-op chain: backward and release without recursion limits; graph bookkeeping")
    func longChain() {
        let x = Tensor(float64: [1], shape: [], requiresGrad: true)
        do {
            var y = x
            for _ in 0..<100_000 { y = y * 1.001 + 0.5 }
            y.backward()
            // y goes here: freeing its 200k nodes must not recurse (a recursive release overflows the stack)
        }
        expectClose(x.grad!, [Foundation.pow(Double(Float(1.001)), 100_000)], Tolerance(rtol: 1e-9, atol: 0))
        #expect((x * 2).gradFn?.name == "mul" && (x * 2).gradFn?.inputs.first === x)
        #expect(matmul(Tensor.ones([1, 1], requiresGrad: true), Tensor.ones([1, 1])).gradFn?.description == "<matmulBackward>")
    }

    @Test("backward on a non-scalar without a gradient traps")
    func nonScalarBackwardTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.ones([2, 3], requiresGrad: true)
            (x * 2).backward()
        }
        #expect(standardError(result).contains("backward() requires gradient for non-scalar tensors (shape [2, 3])"))
    }
}
