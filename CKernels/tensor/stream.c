// STREAM triad a[i] = b[i] + s * c[i] (McCalpin's kernel) with the kernels' threads: the memory
// bandwidth ceiling the elementwise kernels are measured against. Bytes moved = 3 * 8 * n per pass.
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

double st_stream_triad(int64_t n, int reps) {
    double *a = st_aligned_alloc((size_t)n * 8), *b = st_aligned_alloc((size_t)n * 8),
           *c = st_aligned_alloc((size_t)n * 8);
    if (!a || !b || !c) { st_aligned_free(a); st_aligned_free(b); st_aligned_free(c); return -1; }
    const int threads = st_get_num_threads();
    ST_FOR(threads, i, n, { a[i] = 0; b[i] = 1; c[i] = 2; }); // first touch by the thread that uses it
    double best = 1e30, s = 3.0;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        ST_FOR(threads, i, n, { a[i] = b[i] + s * c[i]; });
        double t = now() - t0;
        if (t < best) best = t;
    }
    volatile double sink = a[n / 2];
    (void)sink;
    st_aligned_free(a); st_aligned_free(b); st_aligned_free(c);
    return best;
}
