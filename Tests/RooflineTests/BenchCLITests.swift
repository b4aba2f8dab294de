// The bench command line: --roofline and its options, sweep lists, shapes and their errors; the runner of
// the Python reference scripts.
import ArgumentParser
import Foundation
@testable import bench
import SwiftTorch
import Testing

@Suite struct BenchCLITests {
    @Test func rooflineFlagAndOptions() throws {
        let args = Bench.arguments(["--threads", "1,2", "--roofline", "--repeat", "7", "--format", "json", "--output", "out", "--quick"])
        #expect(args.first == "roofline" && !args.contains("--roofline"))
        let b = try #require(try Bench.parseAsRoot(args) as? RooflineCommand)
        #expect(try b.options.threadCounts == [1, 2])
        #expect(b.options.repeat == 7 && b.options.format == .json && b.options.output == "out" && b.options.quick)
        let d = try #require(try Bench.parseAsRoot(Bench.arguments(["--roofline"])) as? RooflineCommand)
        #expect(d.options.repeat == 10 && d.options.warmup == 2 && d.options.format == .table && d.options.output == ".")
        // The default is 1 and all threads (read while the setting is held, so no other test changes it).
        // Without OpenMP the kernels have one thread, and the default is just 1.
        try Kernels.withThreads(3) {
            let all = try #require(try Bench.parseAsRoot(Bench.arguments(["--roofline"])) as? RooflineCommand)
            #expect(try all.options.threadCounts == (Kernels.openMPEnabled ? [1, 3] : [1]))
        }
        // A subcommand's own arguments are left alone.
        #expect(Bench.arguments(["matmul", "--roofline"]) == ["matmul", "--roofline"])
        #expect(try Bench.parseAsRoot([]) is Bench)
    }

    @Test func badOptionsAreRejected() throws {
        #expect(throws: (any Error).self) { try Bench.parseAsRoot(Bench.arguments(["--roofline", "--format", "xml"])) }
        #expect(throws: (any Error).self) { try Bench.parseAsRoot(["--no-such-flag"]) }
        // Rejected while parsing (validate), before anything is measured.
        #expect(throws: (any Error).self) { try Bench.parseAsRoot(Bench.arguments(["--roofline", "--threads", "1,zero"])) }
        #expect(throws: (any Error).self) { try Bench.parseAsRoot(Bench.arguments(["--roofline", "--warmup", "-1"])) }
        #expect(throws: (any Error).self) { try Bench.parseAsRoot(Bench.arguments(["--roofline", "--repeat", "0"])) }
        #expect(throws: (any Error).self) { try Bench.parseAsRoot(["sweep", "--repeat", "0"]) }
        #expect(throws: (any Error).self) { try Bench.parseAsRoot(["matmul", "--warmup", "-2"]) }
    }

    @Test func subcommandsParse() throws {
        let s = try #require(try Bench.parseAsRoot(["sweep", "--shape", "64x64x64", "--mc", "12,24", "--kc", "64", "--threads", "2"])
            as? SweepCommand)
        #expect(s.shape == "64x64x64" && s.mc == "12,24" && s.kc == "64" && s.nc == nil && s.threads == 2)
        let m = try #require(try Bench.parseAsRoot(["matmul", "--impl", "naive,packed", "--shape", "8x16x32"]) as? MatmulCommand)
        #expect(m.impl == ["naive,packed"] && m.shape == "8x16x32")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
    func pythonReferenceRunner() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-python-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ok = dir.appendingPathComponent("ok.py").path, missing = dir.appendingPathComponent("missing.py").path
        try ["import json, sys",
             "print(json.dumps({'kernel': 'a', 'seconds': 0.5, 'args': sys.argv[1:]}))",
             "print('not json')",
             "print(json.dumps({'kernel': 'b', 'gbps': 2}))"].joined(separator: "\n")
            .write(toFile: ok, atomically: true, encoding: .utf8)
        try "import sys\nsys.exit(3)\n".write(toFile: missing, atomically: true, encoding: .utf8)

        let (status, objects) = runPython("python3", script: ok, ["x", "--y"])
        #expect(status == 0 && objects.count == 2)
        #expect(objects.first?["args"] as? [String] == ["x", "--y"])
        let byKernel = try #require(PyTorchReference.results(["x"], python: "python3", script: ok))
        #expect(byKernel["a"]?["seconds"] as? Double == 0.5 && byKernel["b"]?["gbps"] as? Int == 2)
        // PyTorch missing (the script's status 3), an interpreter that does not exist.
        #expect(runPython("python3", script: missing, []).status == 3)
        #expect(PyTorchReference.results([], python: "python3", script: missing) == nil)
        #expect(PyTorchReference.results([], python: "/nonexistent/python", script: ok) == nil)
    }

    @Test func matmulShapes() {
        let s = MatmulShape(argument: "128X256x784")
        #expect(s?.m == 128 && s?.n == 256 && s?.k == 784)
        #expect(MatmulShape(argument: "1x2") == nil)
        #expect(MatmulShape(argument: "0x2x3") == nil)
        #expect(MatmulShape(argument: "ax2x3") == nil)
    }
}
