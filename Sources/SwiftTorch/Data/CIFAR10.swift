// CIFAR-10 from local binary batches (nothing is downloaded): data_batch_1.bin ... data_batch_5.bin
// (50,000 training images) and test_batch.bin (10,000), 10 classes.
//   images: [N, 3, 32, 32] float32 in [0, 1]   labels: [N] int64
import CKernels
import Foundation

public enum CIFAR10 {
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    static let files = (train: (1...5).map { "data_batch_\($0).bin" }, test: ["test_batch.bin"])

    /// Loads the training or test batches from `directory` (every file of the split must be there).
    public static func load(directory: String, train: Bool) throws -> ImageDataset {
        let names = train ? files.train : files.test
        let paths = names.map { (directory as NSString).appendingPathComponent($0) }
        guard paths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else {
            throw DatasetError.filesNotFound(directory: directory, expected: names)
        }
        var counts: [Int] = []
        for (name, path) in zip(names, paths) {
            var n: Int64 = 0
            if st_cifar_count(path, 10_000, &n) != ST_OK {
                throw DatasetError.invalidFile(format: "CIFAR-10", name: name, reason: String(cString: st_last_error()))
            }
            counts.append(Int(n))
        }
        let total = counts.reduce(0, +)
        let images = Tensor.empty([total, 3, 32, 32], dtype: .float32), labels = Tensor.empty([total], dtype: .int64)
        var offset = 0
        for ((name, path), n) in zip(zip(names, paths), counts) {
            let status = st_cifar_read(path, Int64(n), 1 / 255,
                                       images.data.assumingMemoryBound(to: Float.self) + offset * 3072,
                                       labels.data.assumingMemoryBound(to: Int64.self) + offset)
            if status != ST_OK {
                throw DatasetError.invalidFile(format: "CIFAR-10", name: name, reason: String(cString: st_last_error()))
            }
            offset += n
        }
        return ImageDataset(images: images, labels: labels, classes: 10)
    }
}
