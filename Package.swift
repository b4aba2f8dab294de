// swift-tools-version: 6.2
import PackageDescription

// C kernels are always compiled optimized, also in debug builds, so `swift test` runs at real speed.
// ISA-specific code carries __attribute__((target(...))) and is chosen at run time: no -march here.
let kernelFlags: [CSetting] = [
    .unsafeFlags(["-O3", "-fno-math-errno", "-std=gnu11", "-Wall"]),
    .define("ST_HAVE_OPENMP", .when(traits: ["OpenMP"])),
    .unsafeFlags(["-fopenmp"], .when(traits: ["OpenMP"])),
    .define("ST_HAVE_HWLOC", .when(traits: ["hwloc"])),
]

let kernelLinks: [LinkerSetting] = [
    .linkedLibrary("omp5", .when(platforms: [.linux], traits: ["OpenMP"])),
    .linkedLibrary("omp", .when(platforms: [.macOS], traits: ["OpenMP"])),
    .linkedLibrary("hwloc", .when(traits: ["hwloc"])),
    .linkedLibrary("m", .when(platforms: [.linux])),
    .linkedLibrary("z"), // gzip-compressed datasets (zlib)
]

let package = Package(
    name: "SwiftTorch",
    products: [
        .library(name: "SwiftTorch", targets: ["SwiftTorch"]),
        // A shared library exporting cblas_sgemm and the Fortran sgemm_ entry point.
        .library(name: "SwiftTorchBLAS", type: .dynamic, targets: ["CKernels"]),
        .library(name: "Roofline", targets: ["Roofline"]),
        .executable(name: "bench", targets: ["bench"]),
        .executable(name: "milestone", targets: ["milestone"]),
    ],
    traits: [
        .trait(name: "OpenMP", description: "Parallelize kernels with OpenMP (links libomp)."),
        .trait(name: "hwloc", description: "Detect the cache hierarchy with hwloc (falls back to /sys)."),
        .default(enabledTraits: ["OpenMP", "hwloc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "CKernels",
            path: "CKernels",
            cSettings: kernelFlags,
            linkerSettings: kernelLinks
        ),
        .target(
            name: "SwiftTorch",
            dependencies: ["CKernels"],
            path: "Sources/SwiftTorch",
            resources: [.copy("Resources/digits8x8")]
        ),
        // Measured machine ceilings and the roofline model; sits on top of the library.
        .target(
            name: "Roofline",
            dependencies: ["SwiftTorch", "CKernels"],
            path: "Roofline",
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "bench",
            dependencies: [
                "SwiftTorch", "CKernels", "Roofline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/bench"
        ),
        .executableTarget(
            name: "milestone",
            dependencies: [
                "SwiftTorch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/milestone"
        ),
        .testTarget(
            name: "SwiftTorchTests",
            dependencies: ["SwiftTorch", "CKernels"],
            path: "Tests/SwiftTorchTests"
        ),
        .testTarget(
            name: "RooflineTests",
            dependencies: ["Roofline", "bench", "SwiftTorch", "CKernels"],
            path: "Tests/RooflineTests"
        ),
    ]
)
