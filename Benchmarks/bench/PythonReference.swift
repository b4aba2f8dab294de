// Reference implementations timed in the same run as SwiftTorch: NumPy's hand-written MLP
// (Benchmarks/mlp_numpy.py) and PyTorch on the workloads of `bench conv`, `bench train` and `bench ops`
// (Benchmarks/torch_compare.py). The issues' PyTorch figures were measured on another machine; these
// are this machine's.
import Foundation

/// Absolute path of a script in Benchmarks/.
func benchmarkScript(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(name).path
}

/// Runs `python script arguments...` (python: a path, or a command looked up on PATH); returns its exit
/// status and the JSON objects it printed, one per line. Status -1 when it could not start.
func runPython(_ python: String, script: String, _ arguments: [String]) -> (status: Int32, objects: [[String: Any]]) {
    let p = Process()
    if python.contains("/") {
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script] + arguments
    } else {
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, script] + arguments
    }
    let out = Pipe()
    p.standardOutput = out
    do { try p.run() } catch { return (-1, []) }
    let bytes = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let objects = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
    return (p.terminationStatus, objects)
}

/// PyTorch's figures for the same workloads, from Benchmarks/torch_compare.py.
enum PyTorchReference {
    /// The interpreter that has PyTorch: $SWIFTTORCH_TORCH_PYTHON, else python3.
    static var python: String { ProcessInfo.processInfo.environment["SWIFTTORCH_TORCH_PYTHON"] ?? "python3" }

    nonisolated(unsafe) private static var warned = false

    /// The script's results keyed by kernel name, or nil when PyTorch cannot be imported, the interpreter
    /// cannot start or the script printed nothing (then a note goes to stderr, once per process). When the
    /// script fails part way, what it printed before is kept, with a note.
    static func results(_ arguments: [String], python: String = python,
                        script: String = benchmarkScript("torch_compare.py")) -> [String: [String: Any]]? {
        let (status, objects) = runPython(python, script: script, arguments)
        if status != 0 || objects.isEmpty, !warned {
            warned = true
            let why = status == 3 ? "PyTorch (or NumPy) cannot be imported by \(python)"
                : status == -1 ? "\(python) could not be started"
                : status == 0 ? "torch_compare.py printed no result" : "torch_compare.py failed (status \(status))"
            let what = objects.isEmpty ? "no PyTorch comparison" : "PyTorch figures only for what it printed before"
            FileHandle.standardError.write(Data(("note: \(why); \(what) (set SWIFTTORCH_TORCH_PYTHON to an interpreter "
                + "that has torch, see Benchmarks/torch_compare.py)\n").utf8))
        }
        if objects.isEmpty { return nil }
        var byKernel: [String: [String: Any]] = [:]
        for o in objects { if let k = o["kernel"] as? String { byKernel[k] = o } }
        return byKernel
    }
}

extension Optional where Wrapped == String {
    /// The string, or "" for nil: an optional suffix of a printed line.
    var orEmpty: String { self ?? "" }
}
