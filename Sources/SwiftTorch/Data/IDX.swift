// Reading IDX files (MNIST, Fashion-MNIST, the shipped digits) into tensors. The bytes are parsed in C
// (data/idx.c, zlib for .gz); errors become typed Swift errors, never a crash.
//   images: [N, H, W] float32 in [0, 1] (byte / 255)    labels: [N] int64
import CKernels
import Foundation

/// Failures reading a dataset from disk.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case filesNotFound(directory: String, expected: [String])
    case invalidFile(format: String, name: String, reason: String)

    public var description: String {
        switch self {
        case .filesNotFound(let dir, let names):
            return "Dataset files not found in \(dir): expected \(names.joined(separator: ", ")). Nothing is downloaded; supply a local directory"
        case .invalidFile(let format, let name, let reason):
            return "Invalid \(format) file \(name): \(reason)"
        }
    }
}

public enum IDX {
    /// Largest file accepted: 2^31 elements (a header claiming more is malformed, not a reason to allocate).
    public static let maxElements = 1 << 31

    /// The elements of an IDX file as float32 (byte · scale), shaped by its header.
    public static func readFloat(_ path: String, scale: Float = 1 / 255) throws -> Tensor {
        try read(path) { f, header in
            let t = Tensor.empty(header, dtype: .float32)
            return (t, st_idx_read_f32(f, scale, t.data.assumingMemoryBound(to: Float.self)))
        }
    }

    /// The elements of an IDX file as int64 (labels).
    public static func readInt(_ path: String) throws -> Tensor {
        try read(path) { f, header in
            let t = Tensor.empty(header, dtype: .int64)
            return (t, st_idx_read_i64(f, t.data.assumingMemoryBound(to: Int64.self)))
        }
    }

    private static func read(_ path: String, _ body: (OpaquePointer, [Int]) -> (Tensor, st_status)) throws -> Tensor {
        let name = (path as NSString).lastPathComponent
        func invalid(_ reason: String) -> DatasetError { .invalidFile(format: "IDX", name: name, reason: reason) }
        guard FileManager.default.isReadableFile(atPath: path) else { throw invalid("cannot read the file") }
        var file: OpaquePointer?
        var header = st_idx_header()
        guard st_idx_open(path, Int64(maxElements), &file, &header) == ST_OK, let f = file else {
            throw invalid(String(cString: st_last_error()))
        }
        defer { st_idx_close(f) }
        let dims = withUnsafeBytes(of: header.dims) { Array($0.bindMemory(to: Int64.self).prefix(Int(header.ndim))) }
        let (t, status) = body(f, dims.map { Int($0) })
        if status != ST_OK { throw invalid(String(cString: st_last_error())) }
        if st_idx_at_end(f) == 0 { throw invalid("data continues after the \(header.count) elements the header declares") }
        return t
    }
}

/// Images and labels of an MNIST-format dataset: Fashion-MNIST, MNIST, or the shipped 8×8 digits.
public struct ImageDataset: Dataset {
    /// images: [N, H, W], float32 in [0, 1] (or normalized)
    public let images: Tensor
    /// labels: [N], int64 class indices
    public let labels: Tensor
    public let classes: Int

    public var count: Int { labels.shape[0] }

    init(images: Tensor, labels: Tensor, classes: Int) {
        self.images = images
        self.labels = labels
        self.classes = classes
    }

    /// Mean and standard deviation of all pixels (to normalize a test set with its training set's).
    public var pixelStatistics: (mean: Float, std: Float) {
        withNoGrad { (images.mean().item(), images.variance(correction: 0).item().squareRoot()) }
    }

    /// The same samples with a channel dimension: images [N, 1, H, W] (NCHW, for convolutions).
    public func withChannelDimension() -> ImageDataset {
        if images.rank == 4 { return self }
        return ImageDataset(images: images.unsqueeze(1), labels: labels, classes: classes)
    }

    /// The same samples with pixels mapped to (x − mean) / std.
    public func normalized(mean: Float, std: Float) -> ImageDataset {
        ImageDataset(images: withNoGrad { (images - mean) / std }, labels: labels, classes: classes)
    }
    public subscript(index: Int) -> [Tensor] {
        checkIndex(index)
        return [images[index], labels[index]]
    }
    public func batch(_ indices: [Int]) -> [Tensor] { TensorDataset(images, labels).batch(indices) }

    /// Loads `<prefix>-images-idx3-ubyte[.gz]` and `<prefix>-labels-idx1-ubyte[.gz]` from a directory
    /// (prefix "train" or "t10k"). With `normalize`, pixels become (x − mean) / std.
    public init(directory: String, train: Bool, classes: Int = 10, normalize: (mean: Float, std: Float)? = nil) throws {
        let prefix = train ? "train" : "t10k"
        let names = ["\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte"]
        let paths = names.map { name -> String? in
            [name + ".gz", name].map { (directory as NSString).appendingPathComponent($0) }
                .first { FileManager.default.fileExists(atPath: $0) }
        }
        guard let imagePath = paths[0], let labelPath = paths[1] else {
            throw DatasetError.filesNotFound(directory: directory, expected: names.map { $0 + "[.gz]" })
        }
        var images = try IDX.readFloat(imagePath)
        let labels = try IDX.readInt(labelPath)
        let imageName = (imagePath as NSString).lastPathComponent, labelName = (labelPath as NSString).lastPathComponent
        if images.rank != 3 {
            throw DatasetError.invalidFile(format: "IDX", name: imageName, reason: "expected 3 dimensions [N, H, W], got \(images.shape)")
        }
        if labels.rank != 1 || labels.shape[0] != images.shape[0] {
            throw DatasetError.invalidFile(format: "IDX", name: labelName,
                                           reason: "\(labels.shape) labels for \(images.shape[0]) images")
        }
        if labels.count > 0 {
            let (lo, hi) = (labels.min().integers[0], labels.max().integers[0])
            if lo < 0 || hi >= classes {
                throw DatasetError.invalidFile(format: "IDX", name: labelName, reason: "labels \(lo)...\(hi) outside 0..<\(classes)")
            }
        }
        if let n = normalize { images = withNoGrad { (images - n.mean) / n.std } }
        self.images = images
        self.labels = labels
        self.classes = classes
    }
}

/// Fashion-MNIST (Zalando, MIT license): 60,000 training and 10,000 test images, 28×28, 10 classes.
/// Read from the Debian package `dataset-fashion-mnist` (its default directory) or a given directory.
public enum FashionMNIST {
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                    "Sneaker", "Bag", "Ankle boot"]

    public static func load(directory: String = defaultDirectory, train: Bool,
                            normalize: (mean: Float, std: Float)? = nil) throws -> ImageDataset {
        try ImageDataset(directory: directory, train: train, normalize: normalize)
    }
}

/// MNIST from a directory the user supplies (the same file names and format; nothing is downloaded).
public enum MNIST {
    public static func load(directory: String, train: Bool, normalize: (mean: Float, std: Float)? = nil) throws -> ImageDataset {
        try ImageDataset(directory: directory, train: train, normalize: normalize)
    }
}

/// The digits shipped with SwiftTorch: 1,437 training and 360 test images, 8×8, 10 classes (UCI
/// optical digits, CC BY 4.0; see Resources/digits8x8/LICENSE.md). Trains in seconds.
public enum TinyDigits {
    public static var directory: String {
        Bundle.module.url(forResource: "digits8x8", withExtension: nil)!.path
    }

    public static func load(train: Bool) throws -> ImageDataset {
        try ImageDataset(directory: directory, train: train)
    }
}
