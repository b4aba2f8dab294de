// Memory bandwidth: the slanted roofs. STREAM's copy (a = b) and triad (a = b + s*c) on doubles, each
// thread on arrays of its own (allocated and first touched by the thread that uses them, so they sit in
// its cache or its memory node). A working set that fits a cache level measures that level; arrays far
// larger than the last-level cache measure the memory. Bytes per element as STREAM counts them: copy 16,
// triad 24 (the write's read-for-ownership is not counted).
//
// Each ISA gets its own copy of the loops (the compiler vectorizes them for that ISA): cache-resident
// bandwidth depends on the vector width; memory bandwidth does not. The copy stays a loop (ST_NO_MEMCPY):
// the C library's memcpy would use non-temporal stores on large arrays, which STREAM's copy does not.
#include "../internal/st_internal.h"
#include "swifttorch_roofline.h"
#include "swifttorch_tensor.h"

int st_bw_bytes_per_element(st_bw_kind kind) { return kind == ST_BW_COPY ? 16 : 24; }

// One pass per repetition; the scalar changes each pass and the compiler barrier keeps every pass.
#define BW_PASSES(attr, name)                                                                             \
    attr ST_NO_MEMCPY static void name(st_bw_kind kind, double *ST_RESTRICT a, const double *ST_RESTRICT b,          \
                          const double *ST_RESTRICT c, int64_t n, int64_t reps) {                        \
        for (int64_t r = 0; r < reps; r++) {                                                            \
            const double s = 3.0 + 1e-9 * (double)r;                                                    \
            if (kind == ST_BW_COPY)                                                                     \
                for (int64_t i = 0; i < n; i++) a[i] = b[i];                                            \
            else                                                                                        \
                for (int64_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];                                 \
            __asm__ volatile("" : : "r"(a) : "memory");                                                 \
        }                                                                                               \
    }

typedef void (*bw_fn)(st_bw_kind, double *, const double *, const double *, int64_t, int64_t);

BW_PASSES(, passes_ref)
#if defined(__x86_64__)
BW_PASSES(__attribute__((target("avx2"))), passes_avx2)
BW_PASSES(__attribute__((target("avx512f"))), passes_avx512)
#endif

static bw_fn passes_for(st_isa isa) {
#if defined(__x86_64__)
    if (isa == ST_ISA_AVX512 && st_isa_supported(ST_ISA_AVX512)) return passes_avx512;
    if (isa == ST_ISA_AVX2 && st_isa_supported(ST_ISA_AVX2)) return passes_avx2;
#endif
    (void)isa;
    return passes_ref; // NEON: the baseline of arm64 already vectorizes with 128-bit registers
}

/// One thread's part: allocate, touch, then `trials` timed rounds between barriers (thread 0 keeps time).
static void thread_part(bw_fn fn, st_bw_kind kind, int64_t n, int64_t reps, int trials, int tid,
                        double *best, int *failed) {
    double *a = st_aligned_alloc((size_t)n * 8), *b = st_aligned_alloc((size_t)n * 8);
    double *c = kind == ST_BW_TRIAD ? st_aligned_alloc((size_t)n * 8) : NULL; // copy reads b only
    const int ok = a && b && (c || kind != ST_BW_TRIAD);
    if (ok)
        for (int64_t i = 0; i < n; i++) { a[i] = 0; b[i] = 1; if (c) c[i] = 2; }
    else {
#ifdef ST_HAVE_OPENMP
#pragma omp atomic write
#endif
        *failed = 1;
    }
    for (int t = 0; t < trials; t++) {
#ifdef ST_HAVE_OPENMP
#pragma omp barrier
#endif
        const double t0 = st_now();
        if (ok) fn(kind, a, b, c ? c : b, n, reps);
#ifdef ST_HAVE_OPENMP
#pragma omp barrier
#endif
        const double dt = st_now() - t0;
        if (tid == 0 && dt < *best) *best = dt;
    }
    st_aligned_free(a);
    st_aligned_free(b);
    st_aligned_free(c);
}

double st_bandwidth(st_bw_kind kind, st_isa isa, int64_t n, int64_t reps, int trials, int threads, int *team) {
    if (team) *team = 1;
    if (n < 1 || reps < 1 || trials < 1) return -1;
    const bw_fn fn = passes_for(isa);
    double best = 1e30;
    int failed = 0;
#ifdef ST_HAVE_OPENMP
    if (threads > 1) {
#pragma omp parallel num_threads(threads)
        {
#pragma omp master
            if (team) *team = omp_get_num_threads();
            thread_part(fn, kind, n, reps, trials, omp_get_thread_num(), &best, &failed);
        }
        return failed ? -1 : best;
    }
#else
    (void)threads;
#endif
    thread_part(fn, kind, n, reps, trials, 0, &best, &failed);
    return failed ? -1 : best;
}

// The tensor kernels' STREAM figures (bench ops): n doubles shared among the kernels' threads.
static double stream_best(st_bw_kind kind, int64_t n, int reps) {
    const int threads = st_get_num_threads();
    return st_bandwidth(kind, st_isa_active(), (n + threads - 1) / threads, 1, reps, threads, NULL);
}

double st_stream_triad(int64_t n, int reps) { return stream_best(ST_BW_TRIAD, n, reps); }

double st_stream_copy(int64_t n, int reps) { return stream_best(ST_BW_COPY, n, reps); }
