// Per-sample transforms, applied to a sample's first field (the image [C, H, W] or [H, W]) before
// batching, each drawing from its own seeded generator:
//   RandomHorizontalFlip(p): reverses the width axis with probability p
//   RandomCrop(size, padding): zero-pads H and W by `padding`, then crops size.h × size.w at a random
//     offset (CIFAR recipe: 32×32 padded to 40×40, cropped back to 32×32)
//   Compose([...]): applies transforms in order
// Use them through `TransformedDataset(dataset, transform)`; transforms belong to training data only.

public protocol Transform {
    func callAsFunction(_ image: Tensor) -> Tensor
}

public struct RandomHorizontalFlip: Transform {
    public let p: Double
    let generator: Generator
    public init(p: Double = 0.5, generator: Generator? = nil) {
        precondition(p >= 0 && p <= 1, "RandomHorizontalFlip: p must be in [0, 1] (got \(p))")
        self.p = p
        self.generator = generator ?? Generator.global
    }
    public func callAsFunction(_ image: Tensor) -> Tensor {
        var rng = generator.makeRNG()
        guard Double.random(in: 0..<1, using: &rng) < p else { return image }
        let w = image.shape[image.rank - 1]
        return withNoGrad { image.indexSelect(dim: -1, index: Tensor(integers: Array((0..<w).reversed()))) }
    }
}

public struct RandomCrop: Transform {
    public let size: Pair2D
    public let padding: Int
    let generator: Generator
    public init(size: Pair2D, padding: Int = 4, generator: Generator? = nil) {
        precondition(size.h > 0 && size.w > 0 && padding >= 0, "RandomCrop: size must be positive and padding >= 0")
        self.size = size
        self.padding = padding
        self.generator = generator ?? Generator.global
    }
    public func callAsFunction(_ image: Tensor) -> Tensor {
        let r = image.rank, (h, w) = (image.shape[r - 2], image.shape[r - 1])
        let (ph, pw) = (h + 2 * padding, w + 2 * padding)
        if size.h > ph || size.w > pw {
            fatalError("RandomCrop: a \(size.h)x\(size.w) crop does not fit \(image.shape) padded by \(padding)")
        }
        var rng = generator.makeRNG()
        let top = Int.random(in: 0...(ph - size.h), using: &rng), left = Int.random(in: 0...(pw - size.w), using: &rng)
        return withNoGrad {
            let padded = Tensor.zeros(Array(image.shape.dropLast(2)) + [ph, pw], dtype: image.dtype)
            var inner = [TensorIndex](repeating: .whole, count: r)
            inner[r - 2] = .range(padding, padding + h, 1)
            inner[r - 1] = .range(padding, padding + w, 1)
            padded[inner] = image
            return padded.narrow(dim: r - 2, start: top, length: size.h).narrow(dim: r - 1, start: left, length: size.w)
                .contiguous()
        }
    }
}

public struct Compose: Transform {
    public let transforms: [any Transform]
    public init(_ transforms: [any Transform]) { self.transforms = transforms }
    public func callAsFunction(_ image: Tensor) -> Tensor { transforms.reduce(image) { $1($0) } }
}

/// A dataset whose samples' first field goes through `transform` each time it is read.
public struct TransformedDataset<D: Dataset>: Dataset {
    public let base: D
    public let transform: any Transform
    public init(_ base: D, transform: any Transform) {
        self.base = base
        self.transform = transform
    }
    public var count: Int { base.count }
    public subscript(index: Int) -> [Tensor] {
        var sample = base[index]
        sample[0] = transform(sample[0])
        return sample
    }
    // batch(_:) is the protocol's default: the transformed samples, stacked.
}
