// A roofline run as data: the machine's ceilings and every kernel point, as JSON and CSV.
import Foundation

public struct RooflineReport: Codable, Sendable {
    /// One thread count's roofline and the kernels measured with it.
    public struct Section: Codable, Sendable {
        public var threads: Int
        public var roofline: Roofline
        public var points: [RooflinePoint]
        public init(threads: Int, roofline: Roofline, points: [RooflinePoint]) {
            self.threads = threads
            self.roofline = roofline
            self.points = points
        }
    }

    public var ceilings: MachineCeilings
    public var sections: [Section]
    public var isa: String
    public var blocking: String
    public var timestamp: String

    public init(ceilings: MachineCeilings, sections: [Section], isa: String, blocking: String, date: Date = Date()) {
        self.ceilings = ceilings
        self.sections = sections
        self.isa = isa
        self.blocking = blocking
        self.timestamp = ISO8601DateFormatter().string(from: date)
    }

    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    /// One row per kernel point.
    public static let csvHeader = "threads,kernel,flops,bytes,ai,seconds,p25,p75,gflops,gbps,roof_gflops,fraction_of_roof,bound"

    public func csv() -> String {
        var lines = [Self.csvHeader]
        for s in sections {
            for p in s.points {
                let name = p.name.contains(",") ? "\"\(p.name)\"" : p.name
                lines.append([String(s.threads), name, "\(p.cost.flops)", "\(p.cost.bytes)", "\(p.arithmeticIntensity)",
                              "\(p.seconds)", p.p25.map { "\($0)" } ?? "", p.p75.map { "\($0)" } ?? "", "\(p.gflops)",
                              "\(p.gbps)", "\(p.attainable)", "\(p.fractionOfRoof)", p.bound.rawValue].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
