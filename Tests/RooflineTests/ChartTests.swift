// The SVGs are well-formed XML with one point per kernel (roofline) and one cell per grid point (heatmap);
// the report's CSV and JSON carry every point.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Roofline
import Testing

/// Counts elements by name and class while parsing; `ok` is false when the document is not well-formed.
final class SVGCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var texts: [String] = []
    var ok = false

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        ok = parser.parse()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        if let c = attributes["class"] { counts["\(name).\(c)", default: 0] += 1 }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
}

@Suite struct ChartTests {
    func points(_ roof: Roofline) -> [RooflinePoint] {
        [roof.place("sgemm 1024", cost: .sgemm(m: 1024, n: 1024, k: 1024), seconds: 0.03),
         roof.place("add <a & b>", cost: .elementwise(count: 1 << 24, inputs: 2, flopsPerElement: 1), seconds: 0.01),
         roof.place("gelu", cost: .gelu(count: 1 << 24), seconds: 0.008)]
    }

    @Test func rooflineSVGIsWellFormedWithOnePointPerKernel() {
        let roof = Roofline(peakGFLOPS: 103, bandwidthGBps: 23)
        let chart = RooflineChart(title: "test \"machine\"", compute: [.init("avx2 peak", 103), .init("scalar", 7.5)],
                                  bandwidth: [.init("DRAM", 23), .init("L1", 250)], points: points(roof))
        let svg = SVGCounter(chart.svg())
        #expect(svg.ok)
        #expect(svg.counts["circle.point"] == 3)
        #expect(svg.counts["line.ceiling compute"] == 2)
        #expect(svg.counts["line.ceiling bandwidth"] == 2)
        let text = svg.texts.joined()
        #expect(text.contains("Arithmetic intensity (FLOP/byte)"))
        #expect(text.contains("Performance (GFLOP/s)"))
        #expect(text.contains("add <a & b>")) // escaped in the file, restored by the parser
    }

    @Test func heatmapSVGHasOneCellPerPointAndFindsTheBest() {
        let values: [[Double?]] = [[10, 20, 30], [40, nil, 35]]
        let chart = HeatmapChart(title: "sweep", xLabel: "MC", yLabel: "KC", xValues: [96, 192, 384], yValues: [128, 256],
                                 values: values, marked: (x: 2, y: 1))
        #expect(chart.best! == (x: 0, y: 1))
        let svg = SVGCounter(chart.svg())
        #expect(svg.ok)
        #expect(svg.counts["rect.cell"] == 6)
        #expect(svg.counts["rect.mark"] == 2) // best and derived
    }

    @Test func reportCSVAndJSONCarryEveryPoint() throws {
        let roof = Roofline(peakGFLOPS: 103, bandwidthGBps: 23, label: "avx2, 1 thread")
        let ceilings = MachineCeilings(cpu: CPUInfo(cpuinfo: "model name : Test CPU\n", architecture: "x86_64"),
                                       caches: ["L1d": 32768], clockGHz: 3.2, fp32: [], int8: [], bandwidth: [])
        let report = RooflineReport(ceilings: ceilings, sections: [.init(threads: 1, roofline: roof, points: points(roof))],
                                    isa: "avx2", blocking: "MR=6")
        let lines = report.csv().split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == Substring(RooflineReport.csvHeader))
        #expect(lines[1].hasPrefix("1,sgemm 1024,2147483648.0,12582912.0,"))
        let decoded = try JSONDecoder().decode(RooflineReport.self, from: report.json())
        #expect(decoded.sections[0].points == report.sections[0].points)
        #expect(decoded.ceilings.cpu.modelName == "Test CPU")
    }
}
