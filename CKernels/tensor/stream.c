// STREAM triad a[i] = b[i] + s * c[i] and copy a[i] = b[i] (McCalpin's kernels) with the kernels'
// threads: the memory bandwidth ceilings the elementwise kernels are measured against. Bytes counted per
// pass: triad 3 * 8 * n, copy 2 * 8 * n (as STREAM counts them: the write's read-for-ownership is not).
#include "../internal/st_internal.h"
#include "swifttorch_tensor.h"
#include "../internal/st_iter.h"
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// Best time of `reps` passes of STREAM's triad (kind 0: a = b + s·c, 24 B per element) or copy (kind 1:
/// a = b, 16 B per element) over n doubles, on the kernels' threads.
static double stream_best(int kind, int64_t n, int reps) {
    double *a = st_aligned_alloc((size_t)n * 8), *b = st_aligned_alloc((size_t)n * 8),
           *c = st_aligned_alloc((size_t)n * 8);
    if (!a || !b || !c) { st_aligned_free(a); st_aligned_free(b); st_aligned_free(c); return -1; }
    const int threads = st_get_num_threads();
    ST_FOR(threads, i, n, { a[i] = 0; b[i] = 1; c[i] = 2; }); // first touch by the thread that uses it
    double best = 1e30, s = 3.0;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (kind == 0) ST_FOR(threads, i, n, { a[i] = b[i] + s * c[i]; });
        else ST_FOR(threads, i, n, { a[i] = b[i]; });
        double t = now() - t0;
        if (t < best) best = t;
    }
    volatile double sink = a[n / 2];
    (void)sink;
    st_aligned_free(a); st_aligned_free(b); st_aligned_free(c);
    return best;
}

double st_stream_triad(int64_t n, int reps) { return stream_best(0, n, reps); }

double st_stream_copy(int64_t n, int reps) { return stream_best(1, n, reps); }
