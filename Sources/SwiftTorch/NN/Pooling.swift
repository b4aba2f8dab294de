// Max and average pooling over NCHW planes (C kernels in tensor/conv.c).
//   x: [N, C, H, W] → y: [N, C, Ho, Wo], Ho = floor((H + 2·p − (k − 1) − 1) / s) + 1; stride defaults to
//   the kernel size. Max: −inf padding, the gradient goes to each window's maximum (first on ties).
//   Average: divides by k·k (padding counted, PyTorch's default), the gradient is spread evenly.
//   FLOPs ≈ N·C·Ho·Wo·k·k comparisons or adds; no parameters.
import CKernels

public func maxPool2d(_ x: Tensor, kernelSize: Pair2D, stride: Pair2D? = nil, padding: Pair2D = 0) -> Tensor {
    var g = windowGeometry("MaxPool2d", x, kernel: kernelSize, stride: stride ?? kernelSize, padding: padding, dilation: 1)
    if padding.h * 2 > kernelSize.h || padding.w * 2 > kernelSize.w {
        fatalError("MaxPool2d: padding \(padding) must be at most half the kernel size \(kernelSize)")
    }
    let planes = x.shape[0] * x.shape[1]
    let xc = Ledger.internalStep { x.contiguous() }
    let y = Tensor.empty([x.shape[0], x.shape[1], Int(g.Ho), Int(g.Wo)], dtype: x.dtype)
    let argmax = Tensor.empty(y.shape, dtype: .int64)
    withExtendedLifetime(xc) {
        st_maxpool2d(x.dtype.c, Int64(planes), &g, xc.data, y.data, argmax.data.assumingMemoryBound(to: Int64.self))
    }
    if needsGrad(x) {
        attach(y, "maxPool2d", [x]) { gy in
            var geo = g
            let gc = gy.contiguous(), dx = Tensor.zeros(x.shape, dtype: x.dtype)
            withExtendedLifetime((gc, argmax)) {
                st_maxpool2d_backward(x.dtype.c, Int64(planes), &geo, gc.data, argmax.data.assumingMemoryBound(to: Int64.self),
                                      dx.data)
            }
            return [dx]
        }
    }
    Ledger.record("maxPool2d", [x], y, flops: y.count * kernelSize.h * kernelSize.w)
    return y
}

public func avgPool2d(_ x: Tensor, kernelSize: Pair2D, stride: Pair2D? = nil, padding: Pair2D = 0) -> Tensor {
    var g = windowGeometry("AvgPool2d", x, kernel: kernelSize, stride: stride ?? kernelSize, padding: padding, dilation: 1)
    let planes = x.shape[0] * x.shape[1]
    let xc = Ledger.internalStep { x.contiguous() }
    let y = Tensor.empty([x.shape[0], x.shape[1], Int(g.Ho), Int(g.Wo)], dtype: x.dtype)
    withExtendedLifetime(xc) { st_avgpool2d(x.dtype.c, Int64(planes), &g, xc.data, y.data) }
    if needsGrad(x) {
        attach(y, "avgPool2d", [x]) { gy in
            var geo = g
            let gc = gy.contiguous(), dx = Tensor.zeros(x.shape, dtype: x.dtype)
            withExtendedLifetime(gc) { st_avgpool2d_backward(x.dtype.c, Int64(planes), &geo, gc.data, dx.data) }
            return [dx]
        }
    }
    Ledger.record("avgPool2d", [x], y, flops: y.count * kernelSize.h * kernelSize.w)
    return y
}

/// The settings shared by the pooling layers (stride defaults to the kernel size).
public class Pool2d {
    public let kernelSize: Pair2D, stride: Pair2D?, padding: Pair2D
    public var training = true
    public init(_ kernelSize: Pair2D, stride: Pair2D? = nil, padding: Pair2D = 0) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }
}

public final class MaxPool2d: Pool2d, Layer {
    public func forward(_ x: Tensor) -> Tensor { maxPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding) }
}

public final class AvgPool2d: Pool2d, Layer {
    public func forward(_ x: Tensor) -> Tensor { avgPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding) }
}
