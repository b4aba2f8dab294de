// Cross test of the AArch64 NEON SGEMM path (sgemm_ukr_neon_8x12 and the three st_sgemm implementations).
// Built by Tests/neon/run.sh with aarch64-linux-gnu-gcc from the CKernels sources (no OpenMP, no hwloc)
// and run under qemu-aarch64. Plain C11; no dependency beyond libc and libm.
//
// Shapes (row-major everywhere): op(A) [M, K], op(B) [K, N], C [M, N]; the micro-kernel works on packed
// panels ap [K, MR] and bp [K, NR] and writes the valid m x n corner of a C tile [MR, NR].
//
// Checks:
//   (a) the NEON ISA is detected and active, with the 8 x 12 micro-kernel;
//   (b) naive / tiled / packed over many shapes, all transposes, alpha in {0, 1, -2.5}, beta in {0, 1, 0.5},
//       padded leading dimensions, against a float64 reference with the bound
//         |err| <= (K + 2) * FLT_EPSILON * (|alpha| * sum_p |a_ip| |b_pj| + |beta * c_ij|);
//       padding of A and B holds NaN (it must never be read) and padding / guards of C must stay untouched;
//   (c) beta == 0 overwrites NaN in C; alpha == 0 with NaN-filled A and B leaves C = beta * C;
//   (d) the NEON micro-kernel against its reference twin (st_sgemm_ukr_run) on full and edge tiles, with
//       nothing outside the m x n corner written, and edge tiles bit-identical to the full tile's corner;
//   plus the packed implementation with tiny MC/KC/NC (every loop of the five takes several trips) and,
//   when the library has st_sgemm_set_pack_a, with A packed / read in place (the kernel's strided path).
// Shapes whose M * N * K <= 100000 run all 9 (alpha, beta) pairs; larger ones (1, 0) and (-2.5, 0.5).
// NEON_TEST_SEED=<n> changes the random data and the sampled shapes; -v lists every case.
// Prints "N passed, M failed" last and exits non-zero when anything failed.
#define _POSIX_C_SOURCE 200809L
#include "swifttorch_kernels.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ST_MR 8
#define ST_NR 12
#define GUARD 19 // floats of guard before and after every C buffer

static long g_passed, g_failed;
static int g_verbose;
static const int max_reports = 40;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...) {
    if (ok) {
        g_passed++;
        return;
    }
    g_failed++;
    if (g_failed <= max_reports) {
        va_list args;
        va_start(args, fmt);
        fputs("FAIL: ", stdout);
        vprintf(fmt, args);
        fputc('\n', stdout);
        va_end(args);
        if (g_failed == max_reports) puts("(further failures not printed)");
    }
}

// ---------------------------------------------------------------- helpers
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static uint64_t rng_next(void) { // xorshift64*
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545F4914F6CDD1Dull;
}
static int rng_below(int n) { return (int)(rng_next() % (uint64_t)n); }
static float rng_float(void) { // uniform in [-1, 1), exactly representable
    return (float)((double)(rng_next() >> 40) / (double)(1ull << 23) - 1.0);
}

static float bits_float(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
static uint32_t float_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}
#define SENTINEL_BITS 0x7fc5a5a5u // a quiet NaN with a recognizable payload: C padding and guards
#define PAD_NAN_BITS 0x7fc0beefu  // quiet NaN in the padding of A and B (never to be read)

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *xmalloc(size_t bytes) {
    void *p = malloc(bytes > 0 ? bytes : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

static void *xaligned(size_t bytes) {
    void *p = NULL;
    size_t rounded = (bytes + 63) / 64 * 64;
    if (posix_memalign(&p, 64, rounded > 0 ? rounded : 64) != 0) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

static const char *tname(st_trans t) { return t == ST_NO_TRANS ? "N" : "T"; }

// ---------------------------------------------------------------- a stored operand
// `rows` x `cols` elements with row stride ld; the padding columns [cols, ld) hold NaN.
typedef struct {
    int64_t rows, cols, ld;
    float *p;
} matrix;

static matrix make_operand(int64_t rows, int64_t cols, int64_t pad, int nan_fill) {
    matrix x = {rows, cols, (cols > 1 ? cols : 1) + pad, NULL};
    const int64_t total = rows * x.ld;
    x.p = xmalloc((size_t)total * sizeof(float));
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < x.ld; j++)
            x.p[i * x.ld + j] = (j < cols && !nan_fill) ? rng_float() : bits_float(PAD_NAN_BITS);
    return x;
}

// The stored operand behind op(X) of shape [rows, cols]: [rows, cols] with padding pad_n, or [cols, rows]
// with padding pad_t when transposed.
static matrix make_op_operand(st_trans t, int64_t rows, int64_t cols, int64_t pad_n, int64_t pad_t, int nan_fill) {
    return t == ST_NO_TRANS ? make_operand(rows, cols, pad_n, nan_fill) : make_operand(cols, rows, pad_t, nan_fill);
}

static double op_a(const matrix *a, st_trans ta, int64_t i, int64_t p) {
    return ta == ST_NO_TRANS ? a->p[i * a->ld + p] : a->p[p * a->ld + i];
}
static double op_b(const matrix *b, st_trans tb, int64_t p, int64_t j) {
    return tb == ST_NO_TRANS ? b->p[p * b->ld + j] : b->p[j * b->ld + p];
}

// ---------------------------------------------------------------- float64 reference products
typedef struct {
    int64_t m, n, k;
    double *ab;    // [M, N] sum_p a_ip b_pj
    double *absab; // [M, N] sum_p |a_ip| |b_pj|
} reference;

static reference make_reference(const matrix *a, st_trans ta, const matrix *b, st_trans tb, int64_t m, int64_t n,
                                int64_t k) {
    reference r = {m, n, k, xmalloc((size_t)(m * n) * sizeof(double)), xmalloc((size_t)(m * n) * sizeof(double))};
    double *acol = xmalloc((size_t)k * sizeof(double));
    for (int64_t i = 0; i < m; i++) {
        for (int64_t p = 0; p < k; p++) acol[p] = op_a(a, ta, i, p);
        for (int64_t j = 0; j < n; j++) {
            double s = 0.0, sa = 0.0;
            for (int64_t p = 0; p < k; p++) {
                const double x = acol[p] * op_b(b, tb, p, j);
                s += x;
                sa += fabs(x);
            }
            r.ab[i * n + j] = s;
            r.absab[i * n + j] = sa;
        }
    }
    free(acol);
    return r;
}

static void free_reference(reference *r) {
    free(r->ab);
    free(r->absab);
}

// ---------------------------------------------------------------- one st_sgemm call, checked
// C buffer: GUARD sentinels, then M rows of ldc (the padding columns [N, ldc) are sentinels), then GUARD
// sentinels. The interior starts as c0 (or NaN when c_nan is set).
static void run_sgemm_case(const char *group, st_sgemm_impl impl, st_trans ta, st_trans tb, int64_t m, int64_t n,
                           int64_t k, float alpha, const matrix *a, const matrix *b, float beta, const float *c0,
                           int c_nan, int64_t padc, const reference *ref, float *out /* [M, N] or NULL */) {
    const int64_t ldc = (n > 1 ? n : 1) + padc;
    const int64_t total = GUARD + m * ldc + GUARD;
    float *buf = xmalloc((size_t)total * sizeof(float));
    for (int64_t t = 0; t < total; t++) buf[t] = bits_float(SENTINEL_BITS);
    float *c = buf + GUARD;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) c[i * ldc + j] = c_nan ? NAN : c0[i * n + j];

    char label[256];
    snprintf(label, sizeof label, "%s %s ta=%s tb=%s M=%lld N=%lld K=%lld alpha=%g beta=%g lda=%lld ldb=%lld ldc=%lld",
             group, st_sgemm_impl_name(impl), tname(ta), tname(tb), (long long)m, (long long)n, (long long)k,
             (double)alpha, (double)beta, (long long)a->ld, (long long)b->ld, (long long)ldc);

    const st_status s = st_sgemm(impl, ta, tb, m, n, k, alpha, a->p, a->ld, b->p, b->ld, beta, c, ldc);
    if (s != ST_OK) {
        check(0, "%s: status %d (%s)", label, (int)s, st_last_error());
        free(buf);
        return;
    }

    // Values.
    int64_t bad = 0, first_i = -1, first_j = -1;
    double first_err = 0.0, first_bound = 0.0, first_want = 0.0;
    float first_got = 0.0f;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) {
            const double cin = beta == 0.0f ? 0.0 : (double)c0[i * n + j];
            const double want = (double)alpha * ref->ab[i * n + j] + (double)beta * cin;
            const double bound = (double)(k + 2) * FLT_EPSILON *
                                 (fabs((double)alpha) * ref->absab[i * n + j] + fabs((double)beta * cin));
            const float got = c[i * ldc + j];
            const double err = fabs((double)got - want);
            if (!(err <= bound)) {
                if (bad++ == 0) {
                    first_i = i, first_j = j, first_err = err, first_bound = bound, first_want = want;
                    first_got = got;
                }
            }
        }
    }
    check(bad == 0, "%s: %lld wrong values, first C[%lld][%lld] = %.9g, want %.9g (err %.3g > bound %.3g)", label,
          (long long)bad, (long long)first_i, (long long)first_j, (double)first_got, first_want, first_err,
          first_bound);

    // Padding and guards.
    int64_t touched = 0, first_t = -1;
    for (int64_t t = 0; t < total; t++) {
        const int64_t off = t - GUARD;
        const int inside = off >= 0 && off < m * ldc && off % ldc < n;
        if (!inside && float_bits(buf[t]) != SENTINEL_BITS) {
            if (touched++ == 0) first_t = off;
        }
    }
    check(touched == 0, "%s: %lld elements outside C[M, N] written, first at offset %lld from C", label,
          (long long)touched, (long long)first_t);
    if (g_verbose) printf("  ok? %s\n", label);
    if (out != NULL)
        for (int64_t i = 0; i < m; i++) memcpy(out + i * n, c + i * ldc, (size_t)n * sizeof(float));
    free(buf);
}

static const float alphas[3] = {0.0f, 1.0f, -2.5f};
static const float betas[3] = {0.0f, 1.0f, 0.5f};
static const int pads[4] = {0, 1, 3, 5};

// One shape: every transpose combination and implementation; `full_ab` runs all 9 (alpha, beta) pairs,
// otherwise two (alpha, beta) pairs that exercise both beta paths.
static void run_shape(const char *group, int64_t m, int64_t n, int64_t k, int full_ab) {
    for (int t = 0; t < 4; t++) {
        const st_trans ta = (t & 1) ? ST_TRANS : ST_NO_TRANS, tb = (t & 2) ? ST_TRANS : ST_NO_TRANS;
        const int64_t pada = pads[rng_below(4)], padb = pads[rng_below(4)], padc = pads[rng_below(4)];
        matrix a = make_op_operand(ta, m, k, pada, pada, 0);
        matrix b = make_op_operand(tb, k, n, padb, padb, 0);
        float *c0 = xmalloc((size_t)(m * n) * sizeof(float));
        for (int64_t i = 0; i < m * n; i++) c0[i] = rng_float();
        reference ref = make_reference(&a, ta, &b, tb, m, n, k);
        for (int impl = ST_SGEMM_NAIVE; impl <= ST_SGEMM_PACKED; impl++) {
            if (full_ab) {
                for (int ia = 0; ia < 3; ia++)
                    for (int ib = 0; ib < 3; ib++)
                        run_sgemm_case(group, (st_sgemm_impl)impl, ta, tb, m, n, k, alphas[ia], &a, &b, betas[ib], c0,
                                       betas[ib] == 0.0f, padc, &ref, NULL);
            } else {
                run_sgemm_case(group, (st_sgemm_impl)impl, ta, tb, m, n, k, 1.0f, &a, &b, 0.0f, c0, 1, padc, &ref, NULL);
                run_sgemm_case(group, (st_sgemm_impl)impl, ta, tb, m, n, k, -2.5f, &a, &b, 0.5f, c0, 0, padc, &ref, NULL);
            }
        }
        free_reference(&ref);
        free(c0);
        free(a.p);
        free(b.p);
    }
}

// ---------------------------------------------------------------- (a) ISA
static void test_isa(void) {
    check(st_isa_supported(ST_ISA_NEON) == 1, "st_isa_supported(NEON) = %d, want 1", st_isa_supported(ST_ISA_NEON));
    check(st_isa_best() == ST_ISA_NEON, "st_isa_best() = %s, want neon", st_isa_name(st_isa_best()));
    check(st_isa_active() == ST_ISA_NEON, "st_isa_active() = %s, want neon", st_isa_name(st_isa_active()));
    check(st_isa_supported(ST_ISA_AVX2) == 0 && st_isa_supported(ST_ISA_AVX512) == 0,
          "x86 ISAs reported as supported on AArch64");
    check(strcmp(st_sgemm_ukr_name(), "sgemm_ukr_neon_8x12") == 0, "st_sgemm_ukr_name() = %s, want sgemm_ukr_neon_8x12",
          st_sgemm_ukr_name());
    const st_blocking blk = st_blocking_active();
    check(blk.mr == ST_MR && blk.nr == ST_NR && blk.mc % ST_MR == 0 && blk.nc % ST_NR == 0 && blk.kc > 0,
          "st_blocking_active() = {mr %lld, nr %lld, mc %lld, kc %lld, nc %lld}", (long long)blk.mr, (long long)blk.nr,
          (long long)blk.mc, (long long)blk.kc, (long long)blk.nc);
    const st_cache_info ci = st_cache_detect();
    printf("isa: active %s, micro-kernel %s, blocking MC %lld KC %lld NC %lld, caches L1d %lld L2 %lld L3 %lld (%s)\n",
           st_isa_name(st_isa_active()), st_sgemm_ukr_name(), (long long)blk.mc, (long long)blk.kc, (long long)blk.nc,
           (long long)ci.l1d.size, (long long)ci.l2.size, (long long)ci.l3.size,
           ci.source == ST_CACHE_SYSFS ? "sysfs" : ci.source == ST_CACHE_HWLOC ? "hwloc" : "defaults");
}

// ---------------------------------------------------------------- (b) shapes
static const int64_t sizes[] = {0, 1, 2, 3, 7, 8, 9, 11, 12, 13, 17, 31, 61, 127, 293};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

static void test_shapes(void) {
    // Every size in every role (M, N, K); the two other dimensions are drawn from the same list, keeping
    // M * N * K small enough for qemu. Small products get all 9 (alpha, beta) pairs.
    const int64_t max_volume = 400000;
    for (int role = 0; role < 3; role++) {
        for (int s = 0; s < NSIZES; s++) {
            int64_t d[3];
            for (int tries = 0;; tries++) {
                d[role] = sizes[s];
                d[(role + 1) % 3] = sizes[rng_below(NSIZES)];
                d[(role + 2) % 3] = sizes[rng_below(NSIZES)];
                if (d[0] * d[1] * d[2] <= max_volume || tries > 1000) break;
            }
            run_shape("shape", d[0], d[1], d[2], d[0] * d[1] * d[2] <= 100000);
        }
    }
    // Fixed shapes: full tiles only, edges in both directions, M or N below one tile, 0-sized.
    static const int64_t fixed[][3] = {
        {8, 12, 1},   {16, 24, 7},  {9, 13, 5},  {7, 11, 3}, {1, 1, 1},   {1, 293, 2}, {293, 1, 2},
        {2, 2, 293},  {0, 5, 5},    {5, 0, 5},   {5, 5, 0},  {0, 0, 0},   {17, 25, 9}, {24, 36, 33},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) run_shape("fixed", fixed[i][0], fixed[i][1], fixed[i][2], 1);
}

static void test_large(void) {
    static const int64_t large[][3] = {{300, 301, 302}, {29, 37, 1500}, {127, 293, 61}};
    for (size_t i = 0; i < sizeof large / sizeof large[0]; i++) run_shape("large", large[i][0], large[i][1], large[i][2], 0);
}

// The packed implementation with tiny cache blocks, so every one of the five loops takes several trips
// (beta must apply on the first KC block only; MC/NC are rounded down to multiples of MR/NR).
static void test_small_blocking(void) {
    static const st_blocking overrides[] = {{0, 0, 16, 24, 36}, {0, 0, 20, 5, 40}, {0, 0, 8, 1, 12}};
    static const int64_t shapes[][3] = {{45, 50, 61}, {8, 12, 48}, {33, 71, 29}, {3, 100, 7}};
    for (size_t o = 0; o < sizeof overrides / sizeof overrides[0]; o++) {
        st_blocking_set(overrides[o]);
        const st_blocking blk = st_blocking_active();
        check(blk.mc % ST_MR == 0 && blk.nc % ST_NR == 0, "blocking override not rounded: MC %lld NC %lld",
              (long long)blk.mc, (long long)blk.nc);
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            const int64_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            for (int t = 0; t < 4; t++) {
                const st_trans ta = (t & 1) ? ST_TRANS : ST_NO_TRANS, tb = (t & 2) ? ST_TRANS : ST_NO_TRANS;
                matrix a = make_op_operand(ta, m, k, 3, 1, 0);
                matrix b = make_op_operand(tb, k, n, 1, 5, 0);
                float *c0 = xmalloc((size_t)(m * n) * sizeof(float));
                for (int64_t i = 0; i < m * n; i++) c0[i] = rng_float();
                reference ref = make_reference(&a, ta, &b, tb, m, n, k);
                for (int ib = 0; ib < 3; ib++)
                    run_sgemm_case("blocking", ST_SGEMM_PACKED, ta, tb, m, n, k, -2.5f, &a, &b, betas[ib], c0,
                                   betas[ib] == 0.0f, 3, &ref, NULL);
                free_reference(&ref);
                free(c0);
                free(a.p);
                free(b.p);
            }
        }
    }
    st_blocking_reset();
}

// The packed implementation may read op(A) in place (strided, through the micro-kernel's gather path)
// instead of packing it. When the library has st_sgemm_set_pack_a (weak here, so the test still links
// without it), force "never" and "always" and check both against the reference and bit for bit against
// each other and the automatic choice (the same operations in the same order, whatever the A layout).
void st_sgemm_set_pack_a(int mode);
#pragma weak st_sgemm_set_pack_a

static void test_pack_a_modes(void) {
    if (st_sgemm_set_pack_a == NULL) {
        puts("pack-a modes: st_sgemm_set_pack_a not in this build, skipped");
        return;
    }
    static const int64_t shapes[][3] = {{8, 12, 5},  {16, 48, 7},  {9, 61, 13}, {31, 127, 17}, {61, 13, 31},
                                        {127, 37, 8}, {7, 293, 3}, {1, 100, 9}, {40, 240, 2},  {17, 50, 1}};
    static const st_blocking overrides[] = {{0, 0, 0, 0, 0}, {0, 0, 16, 5, 48}};
    static const int modes[3] = {0, 1, -1};
    for (size_t o = 0; o < sizeof overrides / sizeof overrides[0]; o++) {
        st_blocking_set(overrides[o]);
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            const int64_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            for (int t = 0; t < 4; t++) {
                const st_trans ta = (t & 1) ? ST_TRANS : ST_NO_TRANS, tb = (t & 2) ? ST_TRANS : ST_NO_TRANS;
                const int64_t pada = pads[rng_below(4)];
                matrix a = make_op_operand(ta, m, k, pada, pada, 0);
                matrix b = make_op_operand(tb, k, n, 1, 2, 0);
                float *c0 = xmalloc((size_t)(m * n) * sizeof(float));
                for (int64_t i = 0; i < m * n; i++) c0[i] = rng_float();
                reference ref = make_reference(&a, ta, &b, tb, m, n, k);
                for (int ib = 0; ib < 3; ib++) {
                    float *out[3];
                    for (int md = 0; md < 3; md++) {
                        out[md] = xmalloc((size_t)(m * n) * sizeof(float));
                        st_sgemm_set_pack_a(modes[md]);
                        char group[32];
                        snprintf(group, sizeof group, "pack-a=%d", modes[md]);
                        run_sgemm_case(group, ST_SGEMM_PACKED, ta, tb, m, n, k, -2.5f, &a, &b, betas[ib], c0,
                                       betas[ib] == 0.0f, 2, &ref, out[md]);
                    }
                    int64_t differ = 0;
                    for (int64_t i = 0; i < m * n; i++)
                        differ += float_bits(out[0][i]) != float_bits(out[1][i]) ||
                                  float_bits(out[0][i]) != float_bits(out[2][i]);
                    check(differ == 0,
                          "pack-a modes ta=%s tb=%s M=%lld N=%lld K=%lld beta=%g: %lld values differ between modes",
                          tname(ta), tname(tb), (long long)m, (long long)n, (long long)k, (double)betas[ib],
                          (long long)differ);
                    for (int md = 0; md < 3; md++) free(out[md]);
                }
                free_reference(&ref);
                free(c0);
                free(a.p);
                free(b.p);
            }
        }
    }
    st_sgemm_set_pack_a(-1);
    st_blocking_reset();
}

// ---------------------------------------------------------------- (c) NaN semantics
static void test_nan_semantics(void) {
    static const int64_t shapes[][3] = {{1, 1, 1}, {7, 13, 5}, {8, 12, 8}, {17, 25, 31}, {61, 11, 3}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int64_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        for (int t = 0; t < 4; t++) {
            const st_trans ta = (t & 1) ? ST_TRANS : ST_NO_TRANS, tb = (t & 2) ? ST_TRANS : ST_NO_TRANS;
            matrix a = make_op_operand(ta, m, k, 1, 1, 0);
            matrix b = make_op_operand(tb, k, n, 2, 2, 0);
            matrix an = make_op_operand(ta, m, k, 1, 1, 1);
            matrix bn = make_op_operand(tb, k, n, 2, 2, 1);
            float *c0 = xmalloc((size_t)(m * n) * sizeof(float));
            for (int64_t i = 0; i < m * n; i++) c0[i] = rng_float();
            reference ref = make_reference(&a, ta, &b, tb, m, n, k);
            reference zero = {m, n, k, xmalloc((size_t)(m * n) * sizeof(double)), xmalloc((size_t)(m * n) * sizeof(double))};
            for (int64_t i = 0; i < m * n; i++) zero.ab[i] = zero.absab[i] = 0.0;
            for (int impl = ST_SGEMM_NAIVE; impl <= ST_SGEMM_PACKED; impl++) {
                // beta == 0: C full of NaN is overwritten (for alpha 1 and -2.5, and for alpha 0).
                run_sgemm_case("nan-c", (st_sgemm_impl)impl, ta, tb, m, n, k, 1.0f, &a, &b, 0.0f, c0, 1, 2, &ref, NULL);
                run_sgemm_case("nan-c", (st_sgemm_impl)impl, ta, tb, m, n, k, -2.5f, &a, &b, 0.0f, c0, 1, 0, &ref, NULL);
                run_sgemm_case("nan-c", (st_sgemm_impl)impl, ta, tb, m, n, k, 0.0f, &an, &bn, 0.0f, c0, 1, 1, &zero, NULL);
                // alpha == 0: A and B (all NaN) are never read; C = beta * C.
                for (int ib = 1; ib < 3; ib++)
                    run_sgemm_case("nan-ab", (st_sgemm_impl)impl, ta, tb, m, n, k, 0.0f, &an, &bn, betas[ib], c0, 0, 3,
                                   &zero, NULL);
                // K == 0 with NaN operands behaves the same.
                run_sgemm_case("nan-k0", (st_sgemm_impl)impl, ta, tb, m, n, 0, 1.0f, &an, &bn, 0.5f, c0, 0, 1, &zero, NULL);
            }
            free_reference(&ref);
            free_reference(&zero);
            free(c0);
            free(a.p);
            free(b.p);
            free(an.p);
            free(bn.p);
        }
    }
}

// ---------------------------------------------------------------- (d) micro-kernel
// C tile buffer: GUARD sentinels, MR rows of ldc, GUARD sentinels; only the m x n corner may change.
typedef struct {
    float *buf, *c;
    int64_t ldc, total;
} tile_buf;

static tile_buf make_tile(int64_t ldc, const float *c0 /* [MR, NR] */, int c_nan) {
    tile_buf t = {NULL, NULL, ldc, GUARD + ST_MR * ldc + GUARD};
    t.buf = xmalloc((size_t)t.total * sizeof(float));
    for (int64_t i = 0; i < t.total; i++) t.buf[i] = bits_float(SENTINEL_BITS);
    t.c = t.buf + GUARD;
    for (int64_t i = 0; i < ST_MR; i++)
        for (int64_t j = 0; j < ST_NR && j < ldc; j++) t.c[i * ldc + j] = c_nan ? NAN : c0[i * ST_NR + j];
    return t;
}

// Elements of the buffer outside the m x n corner that differ from what was there before the call.
static int64_t tile_touched_outside(const tile_buf *t, const float *before, int64_t m, int64_t n) {
    int64_t touched = 0;
    for (int64_t x = 0; x < t->total; x++) {
        const int64_t off = x - GUARD;
        const int inside = off >= 0 && off / t->ldc < m && off % t->ldc < n;
        if (!inside && float_bits(t->buf[x]) != float_bits(before[x])) touched++;
    }
    return touched;
}

static void test_ukr(void) {
    static const int64_t ks[] = {0, 1, 5, 64};
    static const float ukr_alphas[] = {1.0f, -2.5f, 0.0f};
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++) {
        const int64_t k = ks[ki];
        float *ap = xaligned((size_t)(k * ST_MR) * sizeof(float)), *bp = xaligned((size_t)(k * ST_NR) * sizeof(float));
        for (int64_t x = 0; x < k * ST_MR; x++) ap[x] = rng_float();
        for (int64_t x = 0; x < k * ST_NR; x++) bp[x] = rng_float();
        float c0[ST_MR * ST_NR];
        for (int x = 0; x < ST_MR * ST_NR; x++) c0[x] = rng_float();
        double ab[ST_MR * ST_NR], absab[ST_MR * ST_NR];
        for (int i = 0; i < ST_MR; i++)
            for (int j = 0; j < ST_NR; j++) {
                double s = 0.0, sa = 0.0;
                for (int64_t p = 0; p < k; p++) {
                    const double x = (double)ap[p * ST_MR + i] * (double)bp[p * ST_NR + j];
                    s += x;
                    sa += fabs(x);
                }
                ab[i * ST_NR + j] = s;
                absab[i * ST_NR + j] = sa;
            }

        for (size_t ai = 0; ai < sizeof ukr_alphas / sizeof ukr_alphas[0]; ai++) {
            for (int ib = 0; ib < 3; ib++) {
                const float alpha = ukr_alphas[ai], beta = betas[ib];
                const int c_nan = beta == 0.0f;
                // The full tile with ldc = NR: the corner every edge tile must reproduce bit for bit.
                float full_simd[ST_MR * ST_NR], full_ref[ST_MR * ST_NR];
                {
                    tile_buf ts = make_tile(ST_NR, c0, c_nan), tr = make_tile(ST_NR, c0, c_nan);
                    st_status s1 = st_sgemm_ukr_run(1, k, alpha, ap, bp, beta, ts.c, ST_NR, ST_MR, ST_NR);
                    st_status s2 = st_sgemm_ukr_run(0, k, alpha, ap, bp, beta, tr.c, ST_NR, ST_MR, ST_NR);
                    check(s1 == ST_OK && s2 == ST_OK, "ukr full k=%lld: status %d / %d (%s)", (long long)k, (int)s1,
                          (int)s2, st_last_error());
                    memcpy(full_simd, ts.c, sizeof full_simd);
                    memcpy(full_ref, tr.c, sizeof full_ref);
                    free(ts.buf);
                    free(tr.buf);
                }
                for (int64_t m = 1; m <= ST_MR; m++) {
                    for (int64_t n = 1; n <= ST_NR; n++) {
                        // Every (m, n) with ldc = n (tight) and ldc = NR + 3 (padded); a sample with ldc = n + 1.
                        const int64_t ldcs[3] = {n, ST_NR + 3, n + 1};
                        const int nldc = ((m + n + ib + (int64_t)ai) % 3 == 0) ? 3 : 2;
                        for (int li = 0; li < nldc; li++) {
                            const int64_t ldc = ldcs[li];
                            tile_buf ts = make_tile(ldc, c0, c_nan), tr = make_tile(ldc, c0, c_nan);
                            float *before = xmalloc((size_t)ts.total * sizeof(float));
                            memcpy(before, ts.buf, (size_t)ts.total * sizeof(float));
                            const st_status s1 = st_sgemm_ukr_run(1, k, alpha, ap, bp, beta, ts.c, ldc, m, n);
                            const st_status s2 = st_sgemm_ukr_run(0, k, alpha, ap, bp, beta, tr.c, ldc, m, n);
                            char label[160];
                            snprintf(label, sizeof label, "ukr k=%lld m=%lld n=%lld ldc=%lld alpha=%g beta=%g", (long long)k,
                                     (long long)m, (long long)n, (long long)ldc, (double)alpha, (double)beta);
                            check(s1 == ST_OK && s2 == ST_OK, "%s: status %d / %d (%s)", label, (int)s1, (int)s2,
                                  st_last_error());
                            int64_t bad_ref = 0, bad_twin = 0, bad_edge = 0;
                            char first[200] = "";
                            for (int64_t i = 0; i < m; i++) {
                                for (int64_t j = 0; j < n; j++) {
                                    const float got = ts.c[i * ldc + j], twin = tr.c[i * ldc + j];
                                    const double cin = beta == 0.0f ? 0.0 : (double)c0[i * ST_NR + j];
                                    const double want = (double)alpha * ab[i * ST_NR + j] + (double)beta * cin;
                                    const double bound = (double)(k + 2) * FLT_EPSILON *
                                                         (fabs((double)alpha) * absab[i * ST_NR + j] + fabs((double)beta * cin));
                                    if (!(fabs((double)got - want) <= bound)) {
                                        if (bad_ref++ == 0)
                                            snprintf(first, sizeof first, "C[%lld][%lld] = %.9g, want %.9g (bound %.3g)",
                                                     (long long)i, (long long)j, (double)got, want, bound);
                                    }
                                    // SIMD vs its twin: both within the bound of each other's arithmetic.
                                    if (!(fabs((double)got - (double)twin) <= 2.0 * bound)) bad_twin++;
                                    // Edge policy: same arithmetic as the full tile, so bit-identical corners.
                                    if (float_bits(got) != float_bits(full_simd[i * ST_NR + j])) bad_edge++;
                                    if (float_bits(twin) != float_bits(full_ref[i * ST_NR + j])) bad_edge++;
                                }
                            }
                            check(bad_ref == 0, "%s: %lld values off the float64 reference, first %s", label,
                                  (long long)bad_ref, first);
                            check(bad_twin == 0, "%s: %lld values differ from the reference twin beyond the bound", label,
                                  (long long)bad_twin);
                            check(bad_edge == 0, "%s: %lld corner values differ from the full tile's (edge policy)",
                                  label, (long long)bad_edge);
                            const int64_t out_s = tile_touched_outside(&ts, before, m, n);
                            const int64_t out_r = tile_touched_outside(&tr, before, m, n);
                            check(out_s == 0, "%s: SIMD kernel wrote %lld elements outside the m x n corner", label,
                                  (long long)out_s);
                            check(out_r == 0, "%s: reference twin wrote %lld elements outside the m x n corner", label,
                                  (long long)out_r);
                            free(before);
                            free(ts.buf);
                            free(tr.buf);
                        }
                    }
                }
            }
        }
        free(ap);
        free(bp);
    }

    // Argument checks of st_sgemm_ukr_run: the tile limits are MR x NR, panels must be aligned.
    float *ap = xaligned(64 * sizeof(float) * 2), *bp = xaligned(64 * sizeof(float) * 2);
    float c[ST_MR * (ST_NR + 1)];
    memset(ap, 0, 128 * sizeof(float));
    memset(bp, 0, 128 * sizeof(float));
    for (int x = 0; x < ST_MR * (ST_NR + 1); x++) c[x] = 1.0f;
    check(st_sgemm_ukr_run(1, 1, 1.0f, ap, bp, 0.0f, c, ST_NR + 1, ST_MR + 1, ST_NR) == ST_ERR_ARGUMENT,
          "ukr_run accepted m = MR + 1");
    check(st_sgemm_ukr_run(1, 1, 1.0f, ap, bp, 0.0f, c, ST_NR + 1, ST_MR, ST_NR + 1) == ST_ERR_ARGUMENT,
          "ukr_run accepted n = NR + 1");
    check(st_sgemm_ukr_run(1, 1, 1.0f, ap, bp, 0.0f, c, ST_NR + 1, 0, ST_NR) == ST_ERR_ARGUMENT, "ukr_run accepted m = 0");
    check(st_sgemm_ukr_run(1, 1, 1.0f, ap + 1, bp, 0.0f, c, ST_NR + 1, ST_MR, ST_NR) == ST_ERR_ARGUMENT,
          "ukr_run accepted a misaligned A panel");
    check(st_sgemm_ukr_run(1, 1, 1.0f, ap, bp, 0.0f, c, 5, ST_MR, 6) == ST_ERR_ARGUMENT, "ukr_run accepted ldc < n");
    int untouched = 1;
    for (int x = 0; x < ST_MR * (ST_NR + 1); x++) untouched &= c[x] == 1.0f;
    check(untouched, "ukr_run wrote C on an argument error");
    free(ap);
    free(bp);
}

// ---------------------------------------------------------------- main
typedef struct {
    const char *name;
    void (*run)(void);
} group;

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-v") == 0) g_verbose = 1;
    const char *seed = getenv("NEON_TEST_SEED");
    if (seed != NULL && seed[0] != '\0') g_rng = strtoull(seed, NULL, 0) | 1u;
    unsetenv("SWIFTTORCH_ISA"); // the test is about what the library picks on its own
    printf("neon_sgemm_test: seed 0x%llx, MR x NR = %d x %d\n", (unsigned long long)g_rng, ST_MR, ST_NR);

    const group groups[] = {
        {"isa", test_isa},
        {"micro-kernel", test_ukr},
        {"nan semantics", test_nan_semantics},
        {"shapes", test_shapes},
        {"small blocking", test_small_blocking},
        {"pack-a modes", test_pack_a_modes},
        {"large", test_large},
    };
    const double t_start = now_seconds();
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        const long p0 = g_passed, f0 = g_failed;
        const double t0 = now_seconds();
        groups[g].run();
        printf("group %-15s %6ld passed, %ld failed (%.2f s)\n", groups[g].name, g_passed - p0, g_failed - f0,
               now_seconds() - t0);
        fflush(stdout);
    }
    printf("total time %.2f s\n", now_seconds() - t_start);
    printf("%ld passed, %ld failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
