// The roofline's C kernels on every ISA this build and CPU have (NEON under qemu-aarch64, scalar, AVX2 and
// AVX-512 natively on x86): each FMA peak kernel runs and counts its operations (chains x lanes x 2 per
// round), unsupported ISAs report seconds < 0, the bandwidth kernels run on one-level working sets and
// reject empty ones, and the clock probe answers. Timings are not judged (qemu, shared machines).
//   cc -O2 -std=gnu11 -ICKernels/include -ICKernels CKernels/*.c CKernels/ukr/*.c CKernels/roofline/*.c
//      Tests/neon/roofline_test.c -lm -lpthread
#include "swifttorch_roofline.h"
#include <stdio.h>

static int failures = 0;
#define CHECK(cond, ...)                                                                                   \
    do {                                                                                                   \
        if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
    } while (0)

int main(void) {
    // chains x lanes per round, per ISA (peak.c's kernels).
    const struct { st_isa isa; double per_round; } isas[] = {
        {ST_ISA_SCALAR, 16 * 1 * 2.0}, {ST_ISA_AVX2, 12 * 8 * 2.0}, {ST_ISA_AVX512, 20 * 16 * 2.0}, {ST_ISA_NEON, 20 * 4 * 2.0}};
    int ran = 0;
    for (int i = 0; i < 4; i++) {
        st_peak_result r = st_peak_fp32(isas[i].isa, 1000, 1);
        if (!st_isa_supported(isas[i].isa)) {
            CHECK(r.seconds < 0, "%s is not supported but ran", st_isa_name(isas[i].isa));
            continue;
        }
        ran++;
        CHECK(r.seconds > 0, "%s: seconds %g", st_isa_name(isas[i].isa), r.seconds);
        CHECK(r.ops == isas[i].per_round * 1000 && r.threads == 1, "%s: ops %g, want %g", st_isa_name(isas[i].isa), r.ops,
              isas[i].per_round * 1000);
        printf("fp32 peak %-7s %8.2f GFLOP/s (not judged)\n", st_isa_name(isas[i].isa), r.ops / r.seconds / 1e9);
    }
    CHECK(ran >= 2 || !st_isa_supported(st_isa_best()) || st_isa_best() == ST_ISA_SCALAR, "only %d ISAs ran", ran);
    CHECK(st_peak_fp32(ST_ISA_SCALAR, 0, 1).seconds < 0, "zero iterations accepted");
    // Two threads asked for: the count reports the threads that really ran (1 in this build without OpenMP),
    // and the operations are counted for those only.
    st_peak_result two = st_peak_fp32(ST_ISA_SCALAR, 1000, 2);
#ifndef ST_HAVE_OPENMP
    CHECK(two.threads == 1, "without OpenMP 2 threads ran: %d", two.threads);
#endif
    CHECK(two.threads >= 1 && two.ops == isas[0].per_round * 1000 * two.threads, "2-thread ops %g for %d threads",
          two.ops, two.threads);
    st_peak_result q = st_peak_int8(100, 1);
    if (st_peak_int8_supported()) CHECK(q.seconds > 0 && q.ops == 20 * 64 * 2.0 * 100, "int8: %g s, %g ops", q.seconds, q.ops);
    else CHECK(q.seconds < 0, "int8 ran without VNNI");
    CHECK(st_clock_hz(100000) > 0, "clock probe");
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 4; i++) {
            int team = -1;
            double s = st_bandwidth((st_bw_kind)k, isas[i].isa, 1000, 10, 2, 1, &team);
            CHECK(s > 0 && team == 1, "bandwidth kind %d isa %s: %g s, %d threads", k, st_isa_name(isas[i].isa), s, team);
        }
        CHECK(st_bandwidth((st_bw_kind)k, ST_ISA_SCALAR, 0, 1, 1, 1, NULL) < 0, "empty arrays accepted");
    }
    CHECK(st_bw_bytes_per_element(ST_BW_COPY) == 16 && st_bw_bytes_per_element(ST_BW_TRIAD) == 24, "bytes per element");
    printf("roofline kernels: %s (%d failures)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
