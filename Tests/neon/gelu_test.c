// Standalone accuracy test and benchmark for tensor/gelu.c (fused GELU forward and backward).
//
// Each kernel (reference, AVX2, AVX-512 when the CPU has it, NEON on AArch64) is checked against float64
// formulas (libm erfc/exp/tanh in double) on x = -12 : 1e-4 : 12, special values, random bit patterns and
// wide-range values, with g uniform in [-2, 2] for the backward. Then tails, aliasing, dispatch and the
// exact-vs-tanh golden, then timings (x86 only; --no-bench skips them).
//
// Built with CKernels/tensor/gelu.c alone (this file stubs the ISA and error functions) by
// Tests/neon/run.sh: natively on x86 (AVX2 and reference kernels) and for AArch64 under qemu (NEON).
//   clang -O3 -std=gnu11 -ICKernels/include CKernels/tensor/gelu.c Tests/neon/gelu_test.c -lm -o gelu_test
#include "swifttorch_tensor.h" // the project header with the GELU declarations (shim/ in the standalone build)
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ---------------------------------------------------------------- stubs for the project's runtime
static st_isa g_active = ST_ISA_SCALAR;
st_isa st_isa_active(void) { return g_active; }
int st_isa_supported(st_isa isa) {
    switch (isa) {
    case ST_ISA_SCALAR: return 1;
#if defined(__x86_64__)
    case ST_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#if defined(GELU_TEST_EMU_AVX512) // emu/emu512.sh: the AVX-512 section runs on scalar stand-ins
    case ST_ISA_AVX512: return 1;
#else
    case ST_ISA_AVX512: return __builtin_cpu_supports("avx512f");
#endif
#endif
#if defined(__aarch64__)
    case ST_ISA_NEON: return 1;
#endif
    default: return 0;
    }
}
static char g_err[256];
st_status st_fail(st_status code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_err, sizeof g_err, fmt, ap);
    va_end(ap);
    return code;
}

static const char *isa_name(st_isa isa) {
    static const char *names[] = {"ref", "avx2", "avx512", "neon"};
    return names[isa];
}
static const char *kind_name(st_gelu_kind k) { return k == ST_GELU_EXACT ? "exact" : "tanh"; }

// ---------------------------------------------------------------- float64 oracles
#define K1 1.5957691216057308   // 2 √(2/π)
#define K2 0.071354816272600249 // K1 · 0.044715

// y64 and the derivative; *scale = sum of |terms| of the derivative (its condition, for the backward).
static double oracle_y(st_gelu_kind k, double x) {
    if (isinf(x)) return x > 0 ? x : 0.0;
    if (k == ST_GELU_EXACT) return 0.5 * x * erfc(-x / sqrt(2.0));
    return x / (1.0 + exp(-x * (K1 + K2 * x * x))); // = 0.5 x (1 + tanh u), without tanh's cancellation
}
static double oracle_d(st_gelu_kind k, double x, double *scale) {
    if (isinf(x)) { *scale = 1; return x > 0 ? 1.0 : 0.0; }
    double t1, t2;
    if (k == ST_GELU_EXACT) {
        t1 = 0.5 * erfc(-x / sqrt(2.0));
        t2 = x * exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
    } else {
        double z = x * (K1 + K2 * x * x), s = 1.0 / (1.0 + exp(-z)), sc = 1.0 / (1.0 + exp(z));
        t1 = s;
        t2 = s * sc * x * (K1 + 3.0 * K2 * x * x);
    }
    *scale = fabs(t1) + fabs(t2);
    return t1 + t2;
}
// The tanh form written as in the brief (libm tanh), for the golden and to cross-check the σ form.
static double tanh_form(double x) {
    double u = sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x);
    return 0.5 * x * (1.0 + tanh(u));
}

// ---------------------------------------------------------------- helpers
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd64(void) {
    g_rng ^= g_rng << 13; g_rng ^= g_rng >> 7; g_rng ^= g_rng << 17;
    return g_rng;
}
static double rnd_unit(void) { return (double)(rnd64() >> 11) * 0x1.0p-53; }

static float *falloc(size_t n) {
    float *p = aligned_alloc(64, ((n * sizeof(float)) + 63) / 64 * 64);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(2); }
    return p;
}

static int g_failures = 0;
#define CHECK(cond, ...) do { if (!(cond)) { g_failures++; printf("FAIL: " __VA_ARGS__); printf("\n"); } } while (0)

static void run_fwd(st_isa isa, st_gelu_kind k, int64_t n, const float *x, float *y) {
    if (isa == ST_ISA_SCALAR) st_gelu_f32_ref(k, n, x, y);
    else if (st_gelu_f32_isa(isa, k, n, x, y) != ST_OK) { printf("unexpected error: %s\n", g_err); exit(2); }
}
static void run_bwd(st_isa isa, st_gelu_kind k, int64_t n, const float *x, const float *g, float *dx) {
    if (isa == ST_ISA_SCALAR) st_gelu_backward_f32_ref(k, n, x, g, dx);
    else if (st_gelu_backward_f32_isa(isa, k, n, x, g, dx) != ST_OK) { printf("unexpected error: %s\n", g_err); exit(2); }
}

// ---------------------------------------------------------------- accuracy
typedef struct {
    double rel, rel_x;    // max relative error where |ref| > 1e-3, and its x
    double abs, abs_x;    // max absolute error where |ref| <= 1e-3
    double hard, hard_x;  // max |err| / max(1, |ref|)
    double cond, cond_x;  // backward: max |err| / (|g| (|t1| + |t2|)) (error relative to the terms' size)
    int64_t bad;          // elements with |err| > 2e-6 max(1, |ref|) or NaN/inf mismatches
    double bad_x;
} err_stats;

static void stats_init(err_stats *s) { memset(s, 0, sizeof *s); s->bad_x = NAN; }

static void stats_add(err_stats *s, double x, double got, double ref, double cond_scale) {
    if (isnan(ref) || isinf(ref) || isnan(got) || isinf(got)) {
        int same = (isnan(ref) && isnan(got)) || (got == ref);
        if (!same) { if (!s->bad) s->bad_x = x; s->bad++; }
        return;
    }
    double err = fabs(got - ref), h = err / fmax(1.0, fabs(ref));
    if (fabs(ref) > 1e-3) { if (err / fabs(ref) > s->rel) { s->rel = err / fabs(ref); s->rel_x = x; } }
    else if (err > s->abs) { s->abs = err; s->abs_x = x; }
    if (h > s->hard) { s->hard = h; s->hard_x = x; }
    if (cond_scale > 1e-3 && err / cond_scale > s->cond) { s->cond = err / cond_scale; s->cond_x = x; }
    if (h > 2e-6) { if (!s->bad) s->bad_x = x; s->bad++; }
}

static void print_stats(const char *what, const err_stats *s, int bwd) {
    printf("  %-22s rel %.2e @ x=%-9.4f abs %.2e @ x=%-9.4f hard %.2e", what, s->rel, s->rel_x, s->abs, s->abs_x,
           s->hard);
    if (bwd) printf("  cond %.2e @ x=%.4f", s->cond, s->cond_x);
    printf("  bad %lld\n", (long long)s->bad);
}

static const float k_specials[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 1e4f, -1e4f, INFINITY, -INFINITY, NAN, -NAN,
                                   1e-40f, -1e-40f, FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN, 5.0f, -5.0f, 9.9f,
                                   -9.9f, 10.0f, -10.0f, 13.0f, -13.0f, 20.0f, -20.0f, 100.0f, -100.0f,
                                   -0.7517915f, 1e10f, -1e10f, 3e19f, -3e19f};
#define N_SPECIALS ((int64_t)(sizeof k_specials / sizeof k_specials[0]))

/// Inputs: the grid, the specials, 1M random bit patterns (finite and not), 1M values ±e^U(-20, 6).
static int64_t make_inputs(float **xs, float **gs) {
    const int64_t ngrid = 240001, nrand = 1 << 20, nwide = 1 << 20;
    int64_t n = ngrid + N_SPECIALS + nrand + nwide, k = 0;
    float *x = falloc((size_t)n), *g = falloc((size_t)n);
    for (int64_t i = 0; i < ngrid; i++) x[k++] = (float)(-12.0 + 1e-4 * (double)i);
    for (int64_t i = 0; i < N_SPECIALS; i++) x[k++] = k_specials[i];
    for (int64_t i = 0; i < nrand; i++) { uint32_t b = (uint32_t)rnd64(); memcpy(&x[k++], &b, 4); }
    for (int64_t i = 0; i < nwide; i++) x[k++] = (float)((rnd64() & 1 ? -1 : 1) * exp(-20.0 + 26.0 * rnd_unit()));
    for (int64_t i = 0; i < n; i++) g[i] = (float)(-2.0 + 4.0 * rnd_unit());
    *xs = x; *gs = g;
    return n;
}

static void check_specials(st_isa isa, st_gelu_kind k) {
    float x[N_SPECIALS], g[N_SPECIALS], y[N_SPECIALS], d[N_SPECIALS];
    for (int64_t i = 0; i < N_SPECIALS; i++) { x[i] = k_specials[i]; g[i] = 1.5f; }
    run_fwd(isa, k, N_SPECIALS, x, y);
    run_bwd(isa, k, N_SPECIALS, x, g, d);
    const char *in = isa_name(isa), *kn = kind_name(k);
    for (int64_t i = 0; i < N_SPECIALS; i++) {
        float xi = x[i];
        if (isnan(xi)) { CHECK(isnan(y[i]) && isnan(d[i]), "%s %s: NaN in, y=%g dx=%g", in, kn, y[i], d[i]); continue; }
        CHECK(!isnan(y[i]) && !isnan(d[i]), "%s %s: x=%g gives y=%g dx=%g", in, kn, xi, y[i], d[i]);
        CHECK(isfinite(d[i]), "%s %s: x=%g gives infinite dx=%g", in, kn, xi, d[i]);
        if (xi == INFINITY) CHECK(y[i] == INFINITY && d[i] == 1.5f, "%s %s: +inf gives y=%g dx=%g", in, kn, y[i], d[i]);
        if (xi == -INFINITY) CHECK(y[i] <= 0 && y[i] > -1e-30f && fabsf(d[i]) < 1e-30f, "%s %s: -inf gives y=%g dx=%g", in, kn, y[i], d[i]);
        if (xi >= 10.0f) CHECK(y[i] == xi && d[i] == 1.5f, "%s %s: x=%g gives y=%.9g dx=%.9g", in, kn, xi, y[i], d[i]);
        if (xi <= -10.0f) CHECK(y[i] <= 0 && y[i] > -1e-20f && fabsf(d[i]) < 1e-19f, "%s %s: x=%g gives y=%g dx=%g", in, kn, xi, y[i], d[i]);
        if (xi == 0.0f) CHECK(y[i] == 0.0f && signbit(y[i]) == signbit(xi) && fabsf(d[i] - 0.75f) < 1e-6f, "%s %s: x=%g gives y=%g dx=%.9g", in, kn, xi, y[i], d[i]);
    }
}

static void check_accuracy(st_isa isa, int64_t n, const float *x, const float *g, float *y) {
    for (int k = 0; k < 2; k++) {
        st_gelu_kind kind = (st_gelu_kind)k;
        err_stats sg, sa, bg, ba; // grid / all inputs, forward / backward
        stats_init(&sg); stats_init(&sa); stats_init(&bg); stats_init(&ba);
        run_fwd(isa, kind, n, x, y);
        for (int64_t i = 0; i < n; i++) {
            double r = oracle_y(kind, x[i]);
            stats_add(i < 240001 ? &sg : &sa, x[i], y[i], r, 0);
        }
        run_bwd(isa, kind, n, x, g, y);
        for (int64_t i = 0; i < n; i++) {
            double sc, r = (double)g[i] * oracle_d(kind, x[i], &sc);
            stats_add(i < 240001 ? &bg : &ba, x[i], y[i], r, fabs(g[i]) * sc);
        }
        printf(" %s %s\n", isa_name(isa), kind_name(kind));
        print_stats("forward, grid", &sg, 0);
        print_stats("forward, other inputs", &sa, 0);
        print_stats("backward, grid", &bg, 1);
        print_stats("backward, other inputs", &ba, 1);
        CHECK(sg.bad + sa.bad + bg.bad + ba.bad == 0, "%s %s: %lld out of tolerance (first at x=%g)", isa_name(isa),
              kind_name(kind), (long long)(sg.bad + sa.bad + bg.bad + ba.bad),
              sg.bad ? sg.bad_x : sa.bad ? sa.bad_x : bg.bad ? bg.bad_x : ba.bad_x);
        check_specials(isa, kind);
    }
}

/// Every length 0..70 at every offset 0..15: the same bits as one long call, nothing written past the end;
/// in place (y = x, dx = g) gives the same bits.
static void check_tails(st_isa isa) {
    enum { L = 128 };
    float x[L], g[L], full[L], fullb[L], out[L + 8], buf[L];
    for (int i = 0; i < L; i++) { x[i] = (float)(-8.0 + 16.0 * rnd_unit()); g[i] = (float)(-2.0 + 4.0 * rnd_unit()); }
    for (int k = 0; k < 2; k++) {
        st_gelu_kind kind = (st_gelu_kind)k;
        run_fwd(isa, kind, L, x, full);
        run_bwd(isa, kind, L, x, g, fullb);
        int bad = 0;
        for (int off = 0; off < 16; off++)
            for (int len = 0; off + len <= 70; len++) {
                for (int i = 0; i < L + 8; i++) out[i] = -12345.0f;
                run_fwd(isa, kind, len, x + off, out);
                for (int i = 0; i < len; i++) bad += memcmp(&out[i], &full[off + i], 4) != 0;
                for (int i = len; i < L + 8; i++) bad += out[i] != -12345.0f;
                for (int i = 0; i < L + 8; i++) out[i] = -12345.0f;
                run_bwd(isa, kind, len, x + off, g + off, out);
                for (int i = 0; i < len; i++) bad += memcmp(&out[i], &fullb[off + i], 4) != 0;
                for (int i = len; i < L + 8; i++) bad += out[i] != -12345.0f;
            }
        memcpy(buf, x, sizeof buf);
        run_fwd(isa, kind, L - 3, buf, buf);
        bad += memcmp(buf, full, (L - 3) * 4) != 0;
        memcpy(buf, g, sizeof buf);
        run_bwd(isa, kind, L - 5, x, buf, buf); // dx = g
        bad += memcmp(buf, fullb, (L - 5) * 4) != 0;
        memcpy(buf, x, sizeof buf);
        run_bwd(isa, kind, L - 7, buf, g, buf); // dx = x
        bad += memcmp(buf, fullb, (L - 7) * 4) != 0;
        CHECK(bad == 0, "%s %s: %d tail/alias mismatches", isa_name(isa), kind_name(kind), bad);
    }
}

static void check_dispatch(void) {
    float x[37], g[37], a[37], b[37];
    for (int i = 0; i < 37; i++) { x[i] = (float)(-6.0 + 12.0 * rnd_unit()); g[i] = 1.0f - (float)rnd_unit(); }
    for (int isa = 0; isa < ST_ISA_COUNT; isa++) {
        st_status s1 = st_gelu_f32_isa((st_isa)isa, ST_GELU_EXACT, 37, x, a);
        st_status s2 = st_gelu_backward_f32_isa((st_isa)isa, ST_GELU_TANH, 37, x, g, b);
        if (!st_isa_supported((st_isa)isa)) {
            CHECK(s1 == ST_ERR_UNSUPPORTED && s2 == ST_ERR_UNSUPPORTED, "unsupported %s not refused", isa_name((st_isa)isa));
            continue;
        }
        CHECK(s1 == ST_OK && s2 == ST_OK, "%s refused", isa_name((st_isa)isa));
        float c[37], d[37];
        g_active = (st_isa)isa;
        st_gelu_f32_active(ST_GELU_EXACT, 37, x, c);
        st_gelu_backward_f32_active(ST_GELU_TANH, 37, x, g, d);
        g_active = ST_ISA_SCALAR;
        CHECK(!memcmp(a, c, sizeof a) && !memcmp(b, d, sizeof b), "dispatch to %s differs from _isa", isa_name((st_isa)isa));
        if (isa == ST_ISA_SCALAR) {
            st_gelu_f32_ref(ST_GELU_EXACT, 37, x, c);
            CHECK(!memcmp(a, c, sizeof a), "scalar _isa is not the reference");
        }
    }
    CHECK(st_gelu_f32_isa((st_isa)-1, ST_GELU_EXACT, 1, x, a) == ST_ERR_UNSUPPORTED, "isa -1 accepted");
    CHECK(st_gelu_f32_isa(ST_ISA_COUNT, ST_GELU_EXACT, 1, x, a) == ST_ERR_UNSUPPORTED, "isa COUNT accepted");
}

/// The AVX2 and AVX-512 kernels run the same IEEE operations (no estimates): their outputs must be identical
/// (NaN payloads and signs aside: which operand's NaN an operation returns is left to the hardware).
static int same_bits(float a, float b) { return (isnan(a) && isnan(b)) || !memcmp(&a, &b, 4); }
static void check_avx2_avx512_bits(int64_t n, const float *x, const float *g) {
    if (!st_isa_supported(ST_ISA_AVX2) || !st_isa_supported(ST_ISA_AVX512)) return;
    float *a = falloc((size_t)n), *b = falloc((size_t)n);
    for (int k = 0; k < 2; k++) {
        int64_t diff = 0;
        run_fwd(ST_ISA_AVX2, (st_gelu_kind)k, n, x, a);
        run_fwd(ST_ISA_AVX512, (st_gelu_kind)k, n, x, b);
        for (int64_t i = 0; i < n; i++) diff += !same_bits(a[i], b[i]);
        run_bwd(ST_ISA_AVX2, (st_gelu_kind)k, n, x, g, a);
        run_bwd(ST_ISA_AVX512, (st_gelu_kind)k, n, x, g, b);
        for (int64_t i = 0; i < n; i++) diff += !same_bits(a[i], b[i]);
        printf(" avx2 vs avx512 %s: %lld of %lld outputs differ in their bits (NaN = NaN)\n", kind_name((st_gelu_kind)k),
               (long long)diff, (long long)(2 * n));
        CHECK(diff == 0, "avx2 and avx512 differ");
    }
    free(a); free(b);
}

/// The grid and tolerance of the project's Swift test (ActivationTests.geluForms: x = -9:0.0137:9 plus
/// specials, g = 1, |err| <= 1e-7 + 2e-6 |ref| against 0.5 x (1 + tanh u) and its derivative written
/// with tanh).
static void check_swift_grid(st_isa isa) {
    enum { M = 1330 };
    float x[M], g[M], y[M], d[M];
    int n = 0, bad = 0;
    for (int i = 0; -9.0 + 0.0137 * i <= 9.0 && n < M - 20; i++) x[n++] = (float)(-9.0 + 0.0137 * i);
    const float extra[] = {0, -0.0f, 1e-20f, -1e-20f, 30, -30, -40, -20, -12, 12, 20, 40, 1e4f, -1e4f, 0.37f};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) x[n++] = extra[i];
    for (int i = 0; i < n; i++) g[i] = 1.0f;
    for (int k = 0; k < 2; k++) {
        st_gelu_kind kind = (st_gelu_kind)k;
        run_fwd(isa, kind, n, x, y);
        run_bwd(isa, kind, n, x, g, d);
        for (int i = 0; i < n; i++) {
            double xd = x[i], ry, rd, sc;
            if (kind == ST_GELU_EXACT) { ry = oracle_y(kind, xd); rd = oracle_d(kind, xd, &sc); }
            else {
                double kk = sqrt(2.0 / M_PI), tt = tanh(kk * (xd + 0.044715 * xd * xd * xd));
                ry = 0.5 * xd * (1 + tt);
                rd = 0.5 * (1 + tt) + 0.5 * xd * (1 - tt * tt) * kk * (1 + 3 * 0.044715 * xd * xd);
            }
            bad += !(fabs(y[i] - ry) <= 1e-7 + 2e-6 * fabs(ry)) + !(fabs(d[i] - rd) <= 1e-7 + 2e-6 * fabs(rd));
        }
    }
    CHECK(bad == 0, "%s: %d values outside the Swift test's tolerance", isa_name(isa), bad);
}

/// max |exact - tanh| on the grid: float64 (libm erf and tanh as written) and each kernel.
static void check_golden(const st_isa *isas, int nisa) {
    const int64_t n = 240001;
    float *x = falloc(n), *ye = falloc(n), *yt = falloc(n);
    double m64 = 0, x64 = 0, mx = 0;
    for (int64_t i = 0; i < n; i++) {
        x[i] = (float)(-12.0 + 1e-4 * (double)i);
        double xd = x[i], d = fabs(0.5 * xd * (1.0 + erf(xd / sqrt(2.0))) - tanh_form(xd));
        if (d > m64) { m64 = d; x64 = xd; }
        double dt = fabs(tanh_form(xd) - oracle_y(ST_GELU_TANH, xd));
        if (dt > mx) mx = dt;
    }
    printf(" float64: max |exact - tanh| = %.4e at x = %.4f (tanh vs sigma form differ by <= %.1e)\n", m64, x64, mx);
    // exact - tanh is even (both are x - gelu(-x)), so the maximum sits at ±2.70; rounding picks the side.
    CHECK(fabs(m64 - 4.73e-4) < 0.01e-4 && fabs(fabs(x64) - 2.70) < 0.02, "golden mismatch");
    for (int j = 0; j < nisa; j++) {
        run_fwd(isas[j], ST_GELU_EXACT, n, x, ye);
        run_fwd(isas[j], ST_GELU_TANH, n, x, yt);
        double m = 0, xm = 0;
        for (int64_t i = 0; i < n; i++) {
            double d = fabs((double)ye[i] - (double)yt[i]);
            if (d > m) { m = d; xm = x[i]; }
        }
        printf(" %-7s: max |exact - tanh| = %.4e at x = %.4f\n", isa_name(isas[j]), m, xm);
        CHECK(fabs(m - m64) < 2e-6 && fabs(fabs(xm) - 2.70) < 0.03, "golden mismatch for %s", isa_name(isas[j]));
    }
    free(x); free(ye); free(yt);
}

// ---------------------------------------------------------------- benchmark
#if defined(__x86_64__)
static double now(void) {
    struct timespec t;
    __asm__ volatile("" ::: "memory");
    clock_gettime(CLOCK_MONOTONIC, &t);
    __asm__ volatile("" ::: "memory");
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void copy_f32(int64_t n, const float *x, float *y) { memcpy(y, x, (size_t)n * 4); }
static void triad_f32(int64_t n, const float *b, const float *c, float *a) {
    for (int64_t i = 0; i < n; i++) a[i] = b[i] + 3.0f * c[i];
}

// One timed run: op 0..3 = fwd exact, fwd tanh, bwd exact, bwd tanh; 4 = memcpy; 5 = triad.
static void bench_once(st_isa isa, int op, int64_t n, const float *x, const float *g, float *y) {
    switch (op) {
    case 0: run_fwd(isa, ST_GELU_EXACT, n, x, y); break;
    case 1: run_fwd(isa, ST_GELU_TANH, n, x, y); break;
    case 2: run_bwd(isa, ST_GELU_EXACT, n, x, g, y); break;
    case 3: run_bwd(isa, ST_GELU_TANH, n, x, g, y); break;
    case 4: copy_f32(n, x, y); break;
    default: triad_f32(n, x, g, y); break;
    }
    __asm__ volatile("" ::: "memory"); // keep the stores
}

/// Best ns per element over `trials` timings, each of `reps` calls on the same n elements (many short
/// trials: the minimum filters out preemption by other processes).
static double bench(st_isa isa, int op, int64_t n, int reps, int trials, const float *x, const float *g, float *y) {
    double best = 1e30;
    bench_once(isa, op, n, x, g, y);
    for (int t = 0; t < trials; t++) {
        double t0 = now();
        for (int r = 0; r < reps; r++) bench_once(isa, op, n, x, g, y);
        double dt = (now() - t0) / reps;
        if (dt < best) best = dt;
    }
    return best / (double)n * 1e9;
}

static void run_bench(const st_isa *isas, int nisa) {
    const int64_t big = 16 << 20, small = 4096;
    float *x = falloc(big), *g = falloc(big), *y = falloc(big);
    for (int64_t i = 0; i < big; i++) { x[i] = (float)(-6.0 + 12.0 * rnd_unit()); g[i] = (float)(-2.0 + 4.0 * rnd_unit()); y[i] = 0; }
    static const char *ops[] = {"fwd exact", "fwd tanh", "bwd exact", "bwd tanh"};
    static const double bytes[] = {8, 8, 12, 12};
    double copy_s = bench(ST_ISA_SCALAR, 4, small, 100, 200, x, g, y), copy_b = bench(ST_ISA_SCALAR, 4, big, 1, 15, x, g, y);
    double triad_b = bench(ST_ISA_SCALAR, 5, big, 1, 15, x, g, y);
    printf(" memcpy: n=4096 %.3f ns/elem; n=16M %.3f ns/elem = %.1f GB/s (8 B/elem)\n", copy_s, copy_b, 8.0 / copy_b);
    printf(" triad (float, a = b + 3c): n=16M %.3f ns/elem = %.1f GB/s (12 B/elem)\n", triad_b, 12.0 / triad_b);
    printf(" %-6s %-10s %14s %14s %10s %12s\n", "isa", "op", "n=4096 ns/el", "n=16M ns/el", "16M GB/s", "% of memcpy");
    for (int j = 0; j < nisa; j++)
        for (int op = 0; op < 4; op++) {
            int scalar = isas[j] == ST_ISA_SCALAR;
            double s = bench(isas[j], op, small, scalar ? 5 : 100, scalar ? 20 : 200, x, g, y);
            double b = bench(isas[j], op, big, 1, scalar ? 2 : 15, x, g, y);
            printf(" %-6s %-10s %14.3f %14.3f %10.1f %11.0f%%\n", isa_name(isas[j]), ops[op], s, b, bytes[op] / b,
                   100.0 * (bytes[op] / b) / (8.0 / copy_b));
        }
    free(x); free(g); free(y);
}
#endif

int main(int argc, char **argv) {
    int do_bench = 1, do_check = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-bench")) do_bench = 0;
        else if (!strcmp(argv[i], "--bench-only")) do_check = 0;
        else { fprintf(stderr, "usage: %s [--no-bench | --bench-only]\n", argv[0]); return 2; }
    }
    st_isa isas[ST_ISA_COUNT];
    int nisa = 0;
    for (int isa = 0; isa < ST_ISA_COUNT; isa++)
        if (st_isa_supported((st_isa)isa)) isas[nisa++] = (st_isa)isa;
    printf("kernels:");
    for (int j = 0; j < nisa; j++) printf(" %s", isa_name(isas[j]));
    printf("\n");
    if (do_check) {
        float *x, *g;
        int64_t n = make_inputs(&x, &g);
        float *y = falloc((size_t)n);
        printf("accuracy vs float64 (grid: x = -12:1e-4:12; other: %lld specials, 1M random bit patterns, 1M +-e^U(-20,6));\n"
               " rel = max |err|/|ref| where |ref| > 1e-3, abs = max |err| where |ref| <= 1e-3, hard = max |err|/max(1,|ref|)"
               " (limit 2e-6),\n cond = max |err| / (|g| (|t1| + |t2|)) where that is > 1e-3, for dx = g (t1 + t2)\n", (long long)N_SPECIALS);
        for (int j = 0; j < nisa; j++) check_accuracy(isas[j], n, x, g, y);
        check_avx2_avx512_bits(n, x, g);
        free(x); free(g); free(y);
        for (int j = 0; j < nisa; j++) { check_tails(isas[j]); check_swift_grid(isas[j]); }
        check_dispatch();
        printf("golden:\n");
        check_golden(isas, nisa);
        printf("%s: %d failure(s)\n", g_failures ? "FAILED" : "checks passed", g_failures);
    }
#if defined(__x86_64__)
    if (do_bench) { printf("timings (one thread, best of several):\n"); run_bench(isas, nisa); }
#else
    (void)do_bench;
#endif
    return g_failures != 0;
}
