// The package traits really switch OpenMP and hwloc (`swift test --disable-default-traits` turns both off).
import Testing
@testable import SwiftTorch

@Test("OpenMP and hwloc traits match what the kernels report")
func traitsMatchBuild() {
    #if OpenMP
    #expect(Kernels.openMPEnabled)
    #else
    #expect(!Kernels.openMPEnabled)
    #expect(Kernels.withThreads(2) { Kernels.threads } == 1, "without OpenMP the kernels run on one thread")
    #endif
    #if hwloc
    #expect(Kernels.caches.source == .hwloc)
    #else
    #if os(Linux)
    #expect(Kernels.caches.source == .sysfs, "without hwloc the caches come from /sys")
    #endif
    #endif
}
