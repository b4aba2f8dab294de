// The safetensors format (Hugging Face), so Python tools can read SwiftTorch checkpoints:
//   [8 bytes: header length N, little-endian u64] [N bytes: JSON header, space-padded to 8-byte alignment]
//   [raw little-endian tensor data]
// The header maps each tensor name to {"dtype": "F32"|"F64"|"I32"|"I64", "shape": [...],
// "data_offsets": [begin, end]} (offsets into the data section) and "__metadata__" to string pairs.
// Files are written atomically: a temporary file in the same directory, flushed to disk, then renamed
// over the target, so an interrupted save never destroys the previous checkpoint.
import CKernels
import Foundation

/// Failures reading or writing a checkpoint.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case io(path: String, reason: String)
    case malformed(path: String, reason: String)
    case mismatch(problems: [String])

    public var description: String {
        switch self {
        case .io(let path, let reason): return "Cannot access checkpoint \(path): \(reason)"
        case .malformed(let path, let reason): return "Invalid safetensors file \(path): \(reason)"
        case .mismatch(let problems): return "Checkpoint does not match:\n  " + problems.joined(separator: "\n  ")
        }
    }
}

public enum Safetensors {
    static let codes: [DType: String] = [.float32: "F32", .float64: "F64", .int32: "I32", .int64: "I64"]
    /// Largest header accepted (100 MB, as the reference implementation).
    static let maxHeader = 100_000_000

    /// Writes `tensors` (any layout; stored row-major) and string `metadata` to `url` atomically,
    /// creating parent directories.
    public static func save(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let names = tensors.keys.sorted()
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        var contiguous: [Tensor] = []
        for name in names {
            let t = tensors[name]!.contiguous()
            contiguous.append(t)
            header[name] = ["dtype": codes[t.dtype]!, "shape": t.shape, "data_offsets": [offset, offset + t.byteCount]] as [String: Any]
            offset += t.byteCount
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var length = UInt64(json.count).littleEndian

        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError.io(path: url.path, reason: "cannot create directory \(dir.path): \(error.localizedDescription)")
        }
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if fd < 0 { throw CheckpointError.io(path: url.path, reason: "cannot create \(tmp.lastPathComponent): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            if !ok { close(fd); unlink(tmp.path) }
        }
        func write(_ p: UnsafeRawPointer, _ n: Int) throws {
            var done = 0
            while done < n {
                let w = Foundation.write(fd, p + done, n - done)
                if w < 0 {
                    if errno == EINTR { continue }
                    throw CheckpointError.io(path: url.path, reason: "write failed: \(String(cString: strerror(errno)))")
                }
                done += w
            }
        }
        try withUnsafeBytes(of: &length) { try write($0.baseAddress!, 8) }
        try json.withUnsafeBytes { try write($0.baseAddress!, json.count) }
        for t in contiguous where t.byteCount > 0 {
            try withExtendedLifetime(t) { try write(t.data, t.byteCount) }
        }
        if fsync(fd) != 0 { throw CheckpointError.io(path: url.path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
        close(fd)
        if rename(tmp.path, url.path) != 0 {
            unlink(tmp.path)
            ok = true
            throw CheckpointError.io(path: url.path, reason: "rename failed: \(String(cString: strerror(errno)))")
        }
        ok = true
        let dfd = open(dir.path, O_RDONLY) // make the rename itself durable
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// Reads every tensor and the metadata of a safetensors file, validating the header against the
    /// file: sizes, dtypes, shapes, offsets inside the data and not overlapping.
    public static func load(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let path = url.path
        func bad(_ reason: String) -> CheckpointError { .malformed(path: path, reason: reason) }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError.io(path: path, reason: error.localizedDescription)
        }
        guard data.count >= 8 else { throw bad("shorter than the 8-byte header length") }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(maxHeader), 8 + Int(n) <= data.count else { throw bad("header length \(n) exceeds the file (\(data.count) bytes)") }
        let headerEnd = 8 + Int(n)
        guard let header = try? JSONSerialization.jsonObject(with: data[8..<headerEnd]) as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let strings = m as? [String: String] else { throw bad("__metadata__ must map strings to strings") }
            metadata = strings
        }
        let dataSize = data.count - headerEnd
        var tensors: [String: Tensor] = [:]
        var ranges: [(Int, Int, String)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let code = entry["dtype"] as? String,
                  let shapeAny = entry["shape"] as? [Any], let offsetsAny = entry["data_offsets"] as? [Any] else {
                throw bad("entry \(name) needs dtype, shape and data_offsets")
            }
            guard let dtype = codes.first(where: { $0.value == code })?.key else { throw bad("\(name): unsupported dtype \(code)") }
            let shape = shapeAny.compactMap { ($0 as? NSNumber)?.intValue }
            let offsets = offsetsAny.compactMap { ($0 as? NSNumber)?.intValue }
            guard shape.count == shapeAny.count, shape.allSatisfy({ $0 >= 0 }), offsets.count == 2 else {
                throw bad("\(name): bad shape \(shapeAny) or data_offsets \(offsetsAny)")
            }
            var count = 1
            for d in shape {
                let (m, o) = count.multipliedReportingOverflow(by: d)
                guard !o, m <= dataSize else { throw bad("\(name): shape \(shape) is larger than the data") }
                count = m
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize, end - begin == count * dtype.byteSize else {
                throw bad("\(name): data_offsets [\(begin), \(end)] do not hold \(shape) \(code) inside \(dataSize) data bytes")
            }
            if end > begin { ranges.append((begin, end, name)) } // empty tensors occupy nothing
            let t = Tensor.empty(shape, dtype: dtype)
            if end > begin {
                data.withUnsafeBytes { raw in _ = memcpy(t.data, raw.baseAddress! + headerEnd + begin, end - begin) }
            }
            tensors[name] = t
        }
        ranges.sort { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
            throw bad("tensors \(a.2) and \(b.2) overlap")
        }
        return (tensors, metadata)
    }
}

extension Layer {
    /// Saves the parameters (state dict) as a safetensors file, atomically.
    public func save(to url: URL) throws { try Safetensors.save(stateDict(), to: url) }

    /// Loads parameters saved by `save(to:)` (or any safetensors file with the same names, dtypes and
    /// shapes); every mismatch is reported and nothing changes when there is any.
    public func load(from url: URL) throws {
        do {
            try loadStateDict(try Safetensors.load(from: url).tensors)
        } catch let e as StateDictError {
            throw CheckpointError.mismatch(problems: e.problems)
        }
    }
}
