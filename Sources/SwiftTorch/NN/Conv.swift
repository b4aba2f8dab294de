// 2-D convolution as im2col + GEMM (the lowering is a C kernel, tensor/conv.c), and its layer.
// Letters: N batch, C in-channels, O out-channels, H×W input, kh×kw kernel, Ho×Wo output, K = C·kh·kw,
// L = Ho·Wo.
//   x: [N, C, H, W]   weight: [O, C, kh, kw]   bias: [O]   y: [N, O, Ho, Wo]
//   Ho = floor((H + 2·ph − dh·(kh − 1) − 1) / sh) + 1 (the same for W; the floor is the classic off-by-one)
//   col [K, N·L] = im2col(x) (the whole batch); yt [O, N·L] = W [O, K] · col (+ bias); y = yt permuted to NCHW
//   backward: dW = dYt · colᵀ [O, K];  dcol = Wᵀ · dYt [K, G·L] → col2im → dX, G images at a time (dcol within
//   half of L2);  db = Σ dY over N, Ho, Wo
//   FLOPs 2·N·O·Ho·Wo·C·kh·kw; workspace: col, K·N·L elements (4·K·N·L bytes in float32), kept for the
//   backward pass (dW needs it) while the graph lives
//   Unit stride and dilation, K <= 1024, float32 on AVX2: y computed directly
//   (tensor/conv_small.c), no col: dW comes from the direct weight-gradient kernel, dX still from
//   Wᵀ · dYt and col2im
import CKernels

/// A pair (height, width) given as one number or two.
public struct Pair2D: Sendable, Equatable, ExpressibleByIntegerLiteral {
    public let h: Int, w: Int
    public init(_ h: Int, _ w: Int) { self.h = h; self.w = w }
    public init(integerLiteral v: Int) { self.init(v, v) }
}

/// The window geometry of a convolution or pooling over x [N, C, H, W]; traps naming the layer when the
/// input is not 4-D or the window does not fit.
func windowGeometry(_ op: String, _ x: Tensor, kernel: Pair2D, stride: Pair2D, padding: Pair2D, dilation: Pair2D) -> st_conv_geometry {
    if x.rank != 4 {
        fatalError("\(op) expects [N, C, H, W], got \(x.shape) (expected 4D input (batch, channels, height, width))")
    }
    if [kernel.h, kernel.w, stride.h, stride.w, dilation.h, dilation.w].contains(where: { $0 < 1 }) || padding.h < 0 || padding.w < 0 {
        fatalError("\(op): kernel, stride and dilation must be >= 1 and padding >= 0 (kernel \(kernel), stride \(stride), padding \(padding), dilation \(dilation))")
    }
    let (h, w) = (x.shape[2], x.shape[3])
    let ho = (h + 2 * padding.h - dilation.h * (kernel.h - 1) - 1) / stride.h + 1
    let wo = (w + 2 * padding.w - dilation.w * (kernel.w - 1) - 1) / stride.w + 1
    let spanH = h + 2 * padding.h - dilation.h * (kernel.h - 1), spanW = w + 2 * padding.w - dilation.w * (kernel.w - 1)
    if spanH < 1 || spanW < 1 {
        fatalError("\(op): a \(kernel.h)x\(kernel.w) window (dilation \(dilation.h)x\(dilation.w)) does not fit the padded input \(h + 2 * padding.h)x\(w + 2 * padding.w) of \(x.shape)")
    }
    return st_conv_geometry(C: Int64(x.shape[1]), H: Int64(h), W: Int64(w), kh: Int64(kernel.h), kw: Int64(kernel.w),
                            sh: Int64(stride.h), sw: Int64(stride.w), ph: Int64(padding.h), pw: Int64(padding.w),
                            dh: Int64(dilation.h), dw: Int64(dilation.w), Ho: Int64(ho), Wo: Int64(wo))
}

/// y = conv2d(x, weight) + bias, NCHW (cross-correlation, as every framework computes it).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Pair2D = 1, padding: Pair2D = 0,
                   dilation: Pair2D = 1) -> Tensor {
    if weight.rank != 4 {
        fatalError("conv2d: weight must be [outChannels, inChannels, kh, kw], got \(weight.shape)")
    }
    var g = windowGeometry("Conv2d", x, kernel: Pair2D(weight.shape[2], weight.shape[3]), stride: stride,
                           padding: padding, dilation: dilation)
    let (n, c, o) = (x.shape[0], x.shape[1], weight.shape[0])
    if weight.shape[1] != c {
        fatalError("Conv2d: input \(x.shape) has \(c) channels, the weight \(weight.shape) expects \(weight.shape[1])")
    }
    if x.dtype != weight.dtype || !x.dtype.isFloatingPoint || bias.map({ $0.dtype != x.dtype || $0.shape != [o] }) == true {
        fatalError("Conv2d: x \(x.dtype), weight \(weight.dtype) and bias \(bias.map { "\($0.dtype) \($0.shape)" } ?? "-") must share a floating-point dtype, bias [\(o)]")
    }
    let (ho, wo) = (Int(g.Ho), Int(g.Wo))
    let k = c * Int(g.kh) * Int(g.kw), l = ho * wo, nl = n * l
    let xc = Ledger.internalStep { x.contiguous() }, wc = Ledger.internalStep { weight.contiguous() }
    let y: Tensor
    var keptCol: Tensor? = nil                                       // col: [K, N·L], kept for dW
    if Kernels.directConvolution && x.dtype == .float32 && st_conv2d_small_applies(&g) != 0
        && (Kernels.isa == .avx2 || Kernels.isa == .avx512) && n > 0 {
        // Unit stride, up to 1024 taps: computed directly in registers (threads split images and channel
        // groups), no lowered matrix; the direct dW kernel needs none either.
        y = Tensor.empty([n, o, ho, wo], dtype: x.dtype)
        let bc = bias.map { b in Ledger.internalStep { b.contiguous() } }
        withExtendedLifetime((xc, wc, bc)) {
            let status = st_conv2d_small_f32(Kernels.isa.cValue, Int64(n), Int64(o), &g,
                                             xc.data.assumingMemoryBound(to: Float.self),
                                             wc.data.assumingMemoryBound(to: Float.self),
                                             bc.map { $0.data.assumingMemoryBound(to: Float.self) },
                                             y.data.assumingMemoryBound(to: Float.self))
            precondition(status == ST_OK, "conv2d: \(String(cString: st_last_error()))")
        }
    } else {
        // The whole batch is lowered at once: one GEMM instead of one per image (small per-image GEMMs spend
        // more time starting threads and packing than multiplying).
        let col = Tensor.empty([k, nl], dtype: x.dtype)                // col: [K, N·L]
        let yt = Tensor.empty([o, nl], dtype: x.dtype)                 // yt: [O, N·L]
        if let bias { Ledger.internalStep { copyElements(from: bias.reshape(o, 1).expand([o, nl]), into: yt) } }
        if nl > 0 && o > 0 {
            withExtendedLifetime((xc, wc, col)) {
                st_im2col(x.dtype.c, &g, Int64(n), xc.data, col.data, Int64(nl))
                rawGEMM(x.dtype, transA: false, transB: false, m: o, n: nl, k: k, a: wc.data, lda: k, b: col.data, ldb: nl,
                        beta: bias == nil ? 0 : 1, c: yt.data, ldc: nl)
            }
        }
        y = Ledger.internalStep { yt.reshape(o, n, ho, wo).permute([1, 0, 2, 3]).contiguous() } // [N, O, Ho, Wo]
        keptCol = col
    }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    if needsGrad(inputs) {
        attach(y, "conv2d", inputs) { gy in
            var geo = g
            let dx = x.requiresGrad ? Tensor.zeros(x.shape, dtype: x.dtype) : nil
            let dw = weight.requiresGrad ? Tensor.empty([o, k], dtype: x.dtype) : nil
            let direct = keptCol == nil                                  // the forward ran the direct kernel
            // dY as [O, N·L] for the GEMMs; the direct dW kernel and db read dY as given, [N, O, Ho, Wo].
            let gt = !direct || dx != nil ? gy.permute([1, 0, 2, 3]).contiguous() : nil
            if direct, let dw, nl > 0 {                                  // dW directly from x and dY (no im2col)
                let gyc = gy.contiguous()
                withExtendedLifetime((xc, gyc)) {
                    let status = st_conv2d_small_dw_f32(Kernels.isa.cValue, Int64(n), Int64(o), &geo,
                                                        xc.data.assumingMemoryBound(to: Float.self),
                                                        gyc.data.assumingMemoryBound(to: Float.self),
                                                        dw.data.assumingMemoryBound(to: Float.self))
                    precondition(status == ST_OK, "conv2d backward: \(String(cString: st_last_error()))")
                }
            }
            // dX a group of images at a time: dcol = Wᵀ · dY for the group, then col2im, so the group's block of
            // dcol (at most half of L2) is still in cache when col2im reads it back.
            let esize = x.dtype.byteSize
            let group = Int(st_cache_half_l2_items(Int64(k * l * esize), Int64(n)))
            let dcol = dx == nil ? nil : Tensor.empty([k, group * l], dtype: x.dtype)  // dcol: [K, G·L], only for dX
            withExtendedLifetime((wc, gt, dcol, keptCol)) {
                guard nl > 0 else { _ = dw.map { st_fill($0.dtype.c, Int64($0.count), $0.data, 0) }; return }
                if let dw, let col = keptCol, let gt {                  // dW = dY · colᵀ [O, K] (col kept from forward)
                    rawGEMM(x.dtype, transA: false, transB: true, m: o, n: k, k: nl, a: gt.data, lda: nl, b: col.data,
                            ldb: nl, beta: 0, c: dw.data, ldc: k)
                }
                if let dx, let gt, let dcol {                           // dcol = Wᵀ · dY [K, G·L], then col2im
                    for n0 in Swift.stride(from: 0, to: n, by: group) {
                        let images = min(group, n - n0)
                        rawGEMM(x.dtype, transA: true, transB: false, m: k, n: images * l, k: o, a: wc.data, lda: k,
                                b: gt.data + n0 * l * esize, ldb: nl, beta: 0, c: dcol.data, ldc: images * l)
                        st_col2im(x.dtype.c, &geo, Int64(images), dcol.data, Int64(images * l), dx.data + n0 * c * x.shape[2] * x.shape[3] * esize)
                    }
                }
            }
            let db = bias?.requiresGrad == true ? gy.sum(dims: [0, 2, 3]) : nil    // db: [O]
            return [dx, dw?.reshape(weight.shape)] + (bias == nil ? [] : [db])
        }
    }
    let macs = n * o * l * k
    // Workspace: the lowered matrix K·N·L of the im2col path (the direct path lowers nothing; its backward's dcol
    // buffer is K·G·L, G images at a time).
    Ledger.record("conv2d", [x], y, flops: 2 * macs, macs: macs, params: [weight] + (bias.map { [$0] } ?? []),
                  workspaceBytes: k * nl * x.dtype.byteSize)
    return y
}

/// 2-D convolution layer. weight: [outChannels, inChannels, kh, kw] (He-normal, fanIn = inChannels·kh·kw),
/// bias: [outChannels] (zeros).
public final class Conv2d: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Pair2D, padding: Pair2D, dilation: Pair2D
    public var training = true

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Pair2D, stride: Pair2D = 1, padding: Pair2D = 0,
                dilation: Pair2D = 1, bias: Bool = true, initializer: Initializer = .heNormal, generator: Generator? = nil) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize.h > 0 && kernelSize.w > 0,
                     "Conv2d: channels and kernel size must be positive")
        let fanIn = inChannels * kernelSize.h * kernelSize.w, fanOut = outChannels * kernelSize.h * kernelSize.w
        weight = initializer.make([outChannels, inChannels, kernelSize.h, kernelSize.w], fanIn: fanIn, fanOut: fanOut,
                                  generator: generator)
        weight.requiresGrad = true
        self.bias = bias ? Tensor.zeros([outChannels], requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    public func forward(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }
}
