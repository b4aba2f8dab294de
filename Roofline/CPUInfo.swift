// What the CPU says about itself (Linux /proc/cpuinfo), and the FMA units per core that the theoretical
// peak needs: no instruction reports them, so they come from a table of known cores, overridable with
// SWIFTTORCH_FMA_UNITS.
import Foundation
import SwiftTorch

public struct CPUInfo: Codable, Equatable, Sendable {
    public var modelName: String
    public var vendor: String
    public var family: Int
    public var model: Int
    public var architecture: String

    public init(modelName: String, vendor: String, family: Int, model: Int, architecture: String) {
        self.modelName = modelName
        self.vendor = vendor
        self.family = family
        self.model = model
        self.architecture = architecture
    }

    /// This machine's CPU.
    public static let current: CPUInfo = {
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "arm64"
        #else
        let arch = "unknown"
        #endif
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return CPUInfo(cpuinfo: text, architecture: arch)
    }()

    /// Parses the first processor's block of /proc/cpuinfo.
    public init(cpuinfo: String, architecture: String) {
        var fields: [String: String] = [:]
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        func int(_ s: String?) -> Int { s.flatMap { $0.hasPrefix("0x") ? Int($0.dropFirst(2), radix: 16) : Int($0) } ?? 0 }
        modelName = fields["model name"] ?? fields["Model"] ?? "unknown CPU"
        vendor = fields["vendor_id"] ?? fields["CPU implementer"] ?? "unknown"
        family = int(fields["cpu family"] ?? fields["CPU architecture"])
        model = int(fields["model"] ?? fields["CPU part"])
        self.architecture = architecture
    }

    /// FMA pipes per core for `isa`'s registers: SWIFTTORCH_FMA_UNITS if set, else the table.
    ///   AMD Zen/Zen+ (family 17h, model < 30h): 256-bit FMAs split in two 128-bit halves, so 1.
    ///   Zen 2, Zen 3: 2. Zen 4 (family 19h): 2 for 256-bit, 1 for 512-bit (executed as two halves).
    ///   Zen 5 (family 1Ah): 2. Intel since Haswell: 2, except 512-bit on the client cores with AVX-512 (Ice
    ///   Lake, Tiger Lake, Rocket Lake: one 512-bit unit) and some Xeon Silver/Bronze (override).
    ///   arm64: 2 (Apple's performance cores and Neoverse V have 4; override). Scalar: nil (no model).
    public func fmaUnits(for isa: ISA, environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        if isa == .scalar { return nil }
        if let s = environment["SWIFTTORCH_FMA_UNITS"], let v = Int(s), v > 0 { return v }
        switch (vendor, isa) {
        case ("AuthenticAMD", _) where family == 0x17 && model < 0x30: return 1
        case ("AuthenticAMD", .avx512) where family == 0x19: return 1
        case ("GenuineIntel", .avx512) where family == 6 && Self.intelClientAVX512.contains(model): return 1
        default: return 2
        }
    }

    /// Intel family 6 models with one 512-bit FMA unit: Ice Lake client (7Dh, 7Eh), Tiger Lake (8Ch, 8Dh),
    /// Rocket Lake (A7h).
    static let intelClientAVX512: Set<Int> = [0x7D, 0x7E, 0x8C, 0x8D, 0xA7]

    /// FP32 lanes of one register of `isa`.
    public static func lanes(_ isa: ISA) -> Int {
        switch isa {
        case .scalar: return 1
        case .avx2: return 8
        case .avx512: return 16
        case .neon: return 4
        }
    }
}
