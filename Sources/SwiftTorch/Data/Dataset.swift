// Datasets and the loader that batches them.
//   A sample is a list of tensors (fields), e.g. [image [28, 28], label []]; a batch stacks each field
//   along a new axis 0: [B, 28, 28] and [B]. The loader shuffles an index permutation (never the data)
//   anew each epoch; the last batch may be short (100 samples at batch 32: [32, 32, 32, 4]).

/// Samples by index. `batch(_:)` gathers several at once (the default stacks single samples; tensor
/// datasets override it with one gather per field).
public protocol Dataset {
    var count: Int { get }
    subscript(index: Int) -> [Tensor] { get }
    func batch(_ indices: [Int]) -> [Tensor]
}

extension Dataset {
    public func batch(_ indices: [Int]) -> [Tensor] {
        let samples = indices.map { self[$0] }
        guard let first = samples.first else { return [] }
        return (0..<first.count).map { f in Tensor.stack(samples.map { $0[f] }, dim: 0) }
    }

    func checkIndex(_ i: Int) {
        if i < 0 || i >= count { fatalError("Index \(i) out of range for dataset of size \(count)") }
    }
}

/// Tensors that share their first dimension; sample i is row i of each.
public struct TensorDataset: Dataset {
    /// fields: [N, ...] each
    public let tensors: [Tensor]

    public init(_ tensors: Tensor...) { self.init(tensors) }

    public init(_ tensors: [Tensor]) {
        let sizes = tensors.map { $0.rank > 0 ? $0.shape[0] : -1 }
        if tensors.isEmpty || sizes.contains(where: { $0 != sizes[0] || $0 < 0 }) {
            fatalError("All tensors must have same size in first dimension (got \(sizes))")
        }
        self.tensors = tensors
    }

    public var count: Int { tensors[0].shape[0] }

    public subscript(index: Int) -> [Tensor] {
        checkIndex(index)
        return tensors.map { $0[index] }
    }

    public func batch(_ indices: [Int]) -> [Tensor] {
        for i in indices { checkIndex(i) }
        let index = Tensor(integers: indices)
        return withNoGrad { tensors.map { $0.indexSelect(dim: 0, index: index) } }
    }
}

/// One batch: the stacked fields, with the usual names for the first two.
public struct Batch {
    public let tensors: [Tensor]
    /// The first field (the model's input).
    public var input: Tensor { tensors[0] }
    /// The second field (labels or targets).
    public var target: Tensor { tensors[1] }
    /// Number of samples.
    public var size: Int { tensors.first.map { $0.rank > 0 ? $0.shape[0] : 1 } ?? 0 }
    public subscript(field: Int) -> Tensor { tensors[field] }
}

/// Batches of a dataset, in order or shuffled anew each epoch (each `for` loop over it).
public final class DataLoader<D: Dataset>: Sequence {
    public let dataset: D
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    let generator: SwiftTorch.Generator

    public init(_ dataset: D, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false, generator: SwiftTorch.Generator? = nil) {
        precondition(batchSize > 0, "DataLoader: batchSize must be positive (got \(batchSize))")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.generator = generator ?? SwiftTorch.Generator.global
    }

    /// Batches per epoch: ⌈N / batchSize⌉, or ⌊N / batchSize⌋ with dropLast.
    public var count: Int { dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize }

    public func makeIterator() -> Iterator {
        let order = shuffle ? generator.permutation(dataset.count) : Array(0..<dataset.count)
        return Iterator(loader: self, order: order)
    }

    public struct Iterator: IteratorProtocol {
        let loader: DataLoader
        let order: [Int]
        var batch = 0

        public mutating func next() -> Batch? {
            guard batch < loader.count else { return nil }
            let start = batch * loader.batchSize, end = Swift.min(start + loader.batchSize, order.count)
            batch += 1
            return Batch(tensors: loader.dataset.batch(Array(order[start..<end])))
        }
    }
}
