// Datasets, the loader, and the IDX reader on real and deliberately malformed files.
import Foundation
import Testing
@testable import SwiftTorch

/// A fresh temporary directory for files a test writes.
func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("swifttorch-\(name)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// IDX bytes: magic 0 0 type ndim, big-endian sizes, payload.
func idxBytes(type: UInt8 = 0x08, dims: [UInt32], payload: [UInt8]) -> [UInt8] {
    var b: [UInt8] = [0, 0, type, UInt8(dims.count)]
    for d in dims { b += [UInt8(d >> 24), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
    return b + payload
}

/// gzip of `bytes` by the system's gzip (so the reader is tested on a file it did not write).
func gzipped(_ bytes: [UInt8], in dir: URL) throws -> [UInt8] {
    let raw = dir.appendingPathComponent("tmp-\(UUID().uuidString)")
    try Data(bytes).write(to: raw)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-f", raw.path]
    try p.run()
    p.waitUntilExit()
    let gz = URL(fileURLWithPath: raw.path + ".gz")
    defer { try? FileManager.default.removeItem(at: gz) }
    return [UInt8](try Data(contentsOf: gz))
}

@Suite("Data")
struct DataTests {
    @Test("TensorDataset samples and validation; DataLoader batches [32, 32, 32, 4] in order")
    func tensorDatasetAndLoader() {
        let x = Tensor.arange(0, 200).reshape(100, 2), y = Tensor(integers: Array(0..<100))
        let ds = TensorDataset(x, y)
        #expect(ds.count == 100 && ds[7][0].scalars == [14, 15] && ds[7][1].integers == [7])
        let loader = DataLoader(ds, batchSize: 32)
        #expect(loader.count == 4)
        let batches = Array(loader)
        #expect(batches.map(\.size) == [32, 32, 32, 4] && batches.map(\.input.shape) == [[32, 2], [32, 2], [32, 2], [4, 2]])
        #expect(batches.flatMap { $0.target.integers } == Array(0..<100))
        #expect(batches[3].input.scalars == [192, 193, 194, 195, 196, 197, 198, 199])
        #expect(Array(DataLoader(ds, batchSize: 32, dropLast: true)).map(\.size) == [32, 32, 32])
        #expect(DataLoader(TensorDataset(Tensor.zeros([10_000, 1])), batchSize: 32).count == 313)
        // The default batch() (stacking samples) agrees with the gathered one.
        struct Wrapped: Dataset {
            let inner: TensorDataset
            var count: Int { inner.count }
            subscript(index: Int) -> [Tensor] { inner[index] }
        }
        let stacked = Wrapped(inner: ds).batch([5, 2, 9])
        #expect(stacked[0].scalars == ds.batch([5, 2, 9])[0].scalars && stacked[1].integers == [5, 2, 9])
    }

    @Test("shuffling permutes indices anew each epoch, reproducibly from the generator, covering every sample once")
    func shuffle() {
        let ds = TensorDataset(Tensor(integers: Array(0..<50)))
        let loader = DataLoader(ds, batchSize: 8, shuffle: true, generator: seeded(40))
        let e1 = loader.flatMap { $0[0].integers }, e2 = loader.flatMap { $0[0].integers }
        #expect(e1.sorted() == Array(0..<50) && e2.sorted() == Array(0..<50) && e1 != e2 && e1 != Array(0..<50))
        let again = DataLoader(ds, batchSize: 8, shuffle: true, generator: seeded(40)).flatMap { $0[0].integers }
        #expect(again == e1)
    }

    @Test("bad datasets trap with the catalogue's messages")
    func datasetErrors() async {
        let sizes = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = TensorDataset(Tensor.zeros([3, 2]), Tensor.zeros([4]))
        }
        #expect(standardError(sizes).contains("All tensors must have same size in first dimension (got [3, 4])"))
        let index = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = TensorDataset(Tensor.zeros([3, 2]))[3]
        }
        #expect(standardError(index).contains("Index 3 out of range for dataset of size 3"))
    }

    @Test("IDX: raw and gzip files read the same; images scale to [0, 1]; labels are int64")
    func idxRoundTrip() throws {
        let dir = temporaryDirectory("idx")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pixels: [UInt8] = (0..<24).map { UInt8($0 * 10) }
        let images = idxBytes(dims: [2, 3, 4], payload: pixels), labels = idxBytes(dims: [2], payload: [7, 1])
        try Data(images).write(to: dir.appendingPathComponent("train-images-idx3-ubyte"))
        try Data(try gzipped(labels, in: dir)).write(to: dir.appendingPathComponent("train-labels-idx1-ubyte.gz"))
        let ds = try ImageDataset(directory: dir.path, train: true)
        #expect(ds.images.shape == [2, 3, 4] && ds.labels.integers == [7, 1] && ds.labels.dtype == .int64)
        expectClose(ds.images, pixels.map { Double(Float($0) * (1 / Float(255))) }, .float32)
        let gz = try IDX.readFloat(dir.appendingPathComponent("train-labels-idx1-ubyte.gz").path, scale: 1)
        #expect(gz.scalars == [7, 1])
        let normalized = try ImageDataset(directory: dir.path, train: true, normalize: (mean: 0.5, std: 0.25))
        expectClose(normalized.images, pixels.map { (Double(Float($0) / 255) - 0.5) / 0.25 }, Tolerance(rtol: 1e-5, atol: 1e-5))
    }

    @Test("IDX: malformed files throw descriptive errors (magic, type, dims, overflow, truncation, trailing data, counts)")
    func idxMalformed() throws {
        let dir = temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        func reason(_ bytes: [UInt8], gzip: Bool = false) throws -> String {
            let url = dir.appendingPathComponent("f-\(UUID().uuidString)")
            try Data(gzip ? try gzipped(bytes, in: dir) : bytes).write(to: url)
            do {
                _ = try IDX.readInt(url.path)
                return "no error"
            } catch let e as DatasetError {
                guard case .invalidFile(let format, let name, let reason) = e, format == "IDX", name == url.lastPathComponent else {
                    return "wrong error \(e)"
                }
                #expect(e.description.hasPrefix("Invalid IDX file \(name): "))
                return reason
            }
        }
        #expect(try reason([0, 0]).contains("truncated header"))
        #expect(try reason([1, 0, 8, 1, 0, 0, 0, 0]).contains("bad magic number"))
        #expect(try reason(idxBytes(type: 0x0D, dims: [1], payload: [0, 0, 0, 0])).contains("unsupported element type"))
        #expect(try reason([0, 0, 8, 0]).contains("bad number of dimensions"))
        #expect(try reason([0, 0, 8, 9]).contains("bad number of dimensions"))
        #expect(try reason([0, 0, 8, 2, 0, 0, 0]).contains("truncated header"))
        // 65535^4 elements: refused from the header alone, before any allocation.
        #expect(try reason(idxBytes(dims: [65535, 65535, 65535, 65535], payload: [])) == "the header declares more than 2147483648 elements")
        #expect(try reason(idxBytes(dims: [40000, 40000, 2], payload: [])).contains("more than 2147483648 elements"))
        #expect(try reason(idxBytes(dims: [10], payload: [1, 2, 3])).contains("truncated data (0 of 10 bytes)"))
        #expect(try reason(idxBytes(dims: [10], payload: [1, 2, 3]), gzip: true).contains("truncated data"))
        #expect(try reason(idxBytes(dims: [2], payload: [1, 2, 3])).contains("data continues after the 2 elements"))
        #expect(try reason([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2]).contains("truncated header")) // broken gzip
        // Image/label files that disagree.
        try Data(idxBytes(dims: [2, 2, 2], payload: Array(repeating: 0, count: 8))).write(to: dir.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data(idxBytes(dims: [3], payload: [0, 1, 2])).write(to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect(throws: DatasetError.invalidFile(format: "IDX", name: "t10k-labels-idx1-ubyte", reason: "[3] labels for 2 images")) {
            try ImageDataset(directory: dir.path, train: false)
        }
        try Data(idxBytes(dims: [2], payload: [0, 12])).write(to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect(throws: DatasetError.invalidFile(format: "IDX", name: "t10k-labels-idx1-ubyte", reason: "labels 0...12 outside 0..<10")) {
            try ImageDataset(directory: dir.path, train: false)
        }
        try Data(idxBytes(dims: [4], payload: [0, 1, 2, 3])).write(to: dir.appendingPathComponent("t10k-images-idx3-ubyte"))
        #expect(throws: DatasetError.self) { try ImageDataset(directory: dir.path, train: false) }
    }

    @Test("missing files: the catalogue's message, nothing downloaded")
    func missingFiles() {
        let err = DatasetError.filesNotFound(directory: "/nonexistent", expected: ["train-images-idx3-ubyte[.gz]", "train-labels-idx1-ubyte[.gz]"])
        #expect(throws: err) { try MNIST.load(directory: "/nonexistent", train: true) }
        #expect(err.description == "Dataset files not found in /nonexistent: expected train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]. Nothing is downloaded; supply a local directory")
    }

    @Test("the shipped 8×8 digits: 1,437 + 360 images, all ten classes, pixels in [0, 1]")
    func tinyDigits() throws {
        let train = try TinyDigits.load(train: true), test = try TinyDigits.load(train: false)
        #expect(train.images.shape == [1437, 8, 8] && test.images.shape == [360, 8, 8])
        #expect(Set(train.labels.integers) == Set(0..<10) && Set(test.labels.integers) == Set(0..<10))
        #expect(train.images.min().item() == 0 && train.images.max().item() == 1)
    }

    @Test("Fashion-MNIST from the Debian package: 60,000 + 10,000 images of 28×28, 1,000 test images per class",
          .enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory)))
    func fashionMNIST() throws {
        let test = try FashionMNIST.load(train: false)
        #expect(test.images.shape == [10_000, 28, 28] && test.count == 10_000)
        let counts = Dictionary(grouping: test.labels.integers, by: { $0 }).mapValues(\.count)
        #expect(counts == Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, 1000) }))
        #expect(test.images.min().item() == 0 && test.images.max().item() == 1)
        let train = try FashionMNIST.load(train: true)
        #expect(train.images.shape == [60_000, 28, 28])
    }

    @Test("CIFAR-10 binary batches: records of a label byte and 3,072 channel-major pixels; malformed files throw")
    func cifar10() throws {
        let dir = temporaryDirectory("cifar")
        defer { try? FileManager.default.removeItem(at: dir) }
        func record(_ label: UInt8, _ seed: Int) -> [UInt8] { [label] + (0..<3072).map { UInt8(($0 * 7 + seed) % 256) } }
        for b in 1...5 { try Data(record(UInt8(b), b) + record(9, 10 + b)).write(to: dir.appendingPathComponent("data_batch_\(b).bin")) }
        try Data(record(3, 99)).write(to: dir.appendingPathComponent("test_batch.bin"))
        let train = try CIFAR10.load(directory: dir.path, train: true), test = try CIFAR10.load(directory: dir.path, train: false)
        #expect(train.images.shape == [10, 3, 32, 32] && train.labels.integers == [1, 9, 2, 9, 3, 9, 4, 9, 5, 9])
        #expect(test.images.shape == [1, 3, 32, 32] && test.labels.integers == [3])
        // Pixel 0 of the green plane of image 0 is byte 1 + 1024 of the record.
        expectClose(train.images[0, 1, 0, 0], [Double(Float((1024 * 7 + 1) % 256) * (1 / Float(255)))], .float32)
        try Data(record(1, 1).dropLast()).write(to: dir.appendingPathComponent("test_batch.bin"))
        #expect(throws: DatasetError.invalidFile(format: "CIFAR-10", name: "test_batch.bin",
                                                 reason: "size 3072 is not a whole number of 3073-byte records")) {
            try CIFAR10.load(directory: dir.path, train: false)
        }
        try Data(record(10, 1)).write(to: dir.appendingPathComponent("test_batch.bin"))
        #expect(throws: DatasetError.self) { try CIFAR10.load(directory: dir.path, train: false) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data_batch_4.bin"))
        #expect(throws: DatasetError.filesNotFound(directory: dir.path, expected: (1...5).map { "data_batch_\($0).bin" })) {
            try CIFAR10.load(directory: dir.path, train: true)
        }
    }

    @Test("transforms: horizontal flip, random crop of the zero-padded image, composition, transformed batches")
    func transforms() {
        let image = Tensor.arange(0, 20).reshape(1, 4, 5)   // [C, H, W]
        #expect(RandomHorizontalFlip(p: 1, generator: seeded(1))(image).scalars
                == [4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 14, 13, 12, 11, 10, 19, 18, 17, 16, 15])
        #expect(RandomHorizontalFlip(p: 0, generator: seeded(1))(image).scalars == image.scalars)
        // A crop is some 4x5 window of the image padded by 1 with zeros.
        var padded = [[Float]](repeating: [Float](repeating: 0, count: 7), count: 6)
        for r in 1...4 {
            for c in 1...5 { padded[r][c] = Float((r - 1) * 5 + c - 1) }
        }
        let crop = RandomCrop(size: Pair2D(4, 5), padding: 1, generator: seeded(2))
        var offsets = Set<[Int]>()
        for _ in 0..<40 {
            let out = crop(image)
            #expect(out.shape == [1, 4, 5])
            let v = out.scalars
            var match: [Int]? = nil
            for t in 0...2 {
                for l in 0...2 {
                    var same = true
                    for r in 0..<4 {
                        for c in 0..<5 where v[r * 5 + c] != padded[t + r][l + c] { same = false }
                    }
                    if same { match = [t, l] }
                }
            }
            #expect(match != nil)
            if let match { offsets.insert(match) }
        }
        #expect(offsets.count > 3) // the offset really varies
        let flipCrop = Compose([RandomCrop(size: Pair2D(4, 5), padding: 0, generator: seeded(3)), RandomHorizontalFlip(p: 1, generator: seeded(4))])
        #expect(flipCrop(image).scalars == RandomHorizontalFlip(p: 1, generator: seeded(4))(image).scalars)
        let ds = TransformedDataset(TensorDataset(Tensor.zeros([6, 1, 4, 5]) + 1, Tensor(integers: Array(0..<6))),
                                    transform: RandomCrop(size: Pair2D(4, 5), padding: 2, generator: seeded(5)))
        let batch = Array(DataLoader(ds, batchSize: 4))[0]
        #expect(batch.input.shape == [4, 1, 4, 5] && batch.target.integers == [0, 1, 2, 3])
    }

    @Test("synthetic sequence reversal: y is each row of x reversed, tokens in the vocabulary")
    func sequenceReversal() {
        let (x, y) = SyntheticData.sequenceReversal(count: 5, length: 6, vocabulary: 7, generator: seeded(6))
        #expect(x.shape == [5, 6] && y.shape == [5, 6] && x.integers.allSatisfy { (0..<7).contains($0) })
        let xv = x.integers, yv = y.integers
        #expect((0..<5).allSatisfy { r in Array(xv[(r * 6)..<(r * 6 + 6)].reversed()) == Array(yv[(r * 6)..<(r * 6 + 6)]) })
    }
}
