// Fused GELU, float32: forward and backward kernels for AVX2+FMA, AVX-512F and NEON, and their portable
// reference twins.
//
// exact: y = x Φ(x), Φ(x) = erfc(-x/√2) / 2;     dy/dx = Φ(x) + x φ(x), φ(x) = exp(-x²/2) / √(2π)
// tanh:  u = √(2/π) (x + 0.044715 x³), y = x (1 + tanh u) / 2 = x σ(2u), σ(z) = 1 / (1 + exp(-z));
//        dy/dx = (1 + tanh u) / 2 + x (1 - tanh² u) / 2 · √(2/π) (1 + 3 · 0.044715 x²)
//              = σ (1 + e σ x (K1 + 3 K2 x²))  with 2u = x (K1 + K2 x²), e = exp(-2u), 1 - σ = e σ.
//
// SIMD algorithm (one exp2 and one division per element, no branches):
//   exp2(w), w = x p (|w| <= 126): t = fma(x, p, 1.5·2^20) rounds w to k/8; f = fma(x, p, -k/8) in
//     [-1/16, 1/16] is rounded once (w itself is never formed); 2^f by a cubic (8.5e-8 relative after
//     float rounding) times 2^(j/8), j = k mod 8, from an 8-entry table by a lane permute, with 2^(k div 8)
//     added to the exponent bits. Callers clamp x so w stays in range. (NEON: 2^f by a degree-6 polynomial
//     on [-1/2, 1/2] with w rounded to an integer; it has no cheap 8-lane permute.)
//   tanh:  xc = clamp(x, ±9.9) (|w| <= 122.7), e = 2^(xc (W1 + W2 xc²)) = exp(-2u), y = x / (1 + e), with
//          y = 0 below x = -9.9 (so -inf -> 0; the true |y| < 1.2e-36 there) and +inf -> +inf.
//   exact: a = |x| (forward: 0 where |x| > 13, backward: min(|x|, 13)), q = Φ(-a) = e R(a), e = exp(-a²/2)
//          = 2^(a (a H)), R(a) = erfcx(a/√2) / 2 = C P3(a) / Q4(a) (P, Q monic, C folded into the exp2
//          table; relative error 2.2e-7 on [0, 6.5] and 1.9e-6 on [6.5, 13], where |y| < 3e-10). Φ(x) =
//          1 - q for x >= 0, q for x < 0, so y = max(x, 0) - a q: no cancellation, and a = 0 above 13 gives
//          y = max(x, 0) exactly. Backward: v = a φ(a) - q = e (a/√(2π) - R) (e zeroed above 13);
//          dy/dx = 1 + v for x >= +0, -v for x <= -0.
// Each loop step works on GELU_U vectors statement by statement: the dependency chains are long (~60
// cycles) and interleaving independent vectors is what keeps the FMA pipes busy.
// NaN propagates: min/max keep x as the second operand (x86 returns the second operand when either is NaN;
// NEON fmin/fmax return NaN), masks are "not less than" style (true for NaN), and x reaches the result.
#include "../internal/st_internal.h"
#include "swifttorch_tensor.h"
#include <math.h>

// The threaded entry points st_gelu_f32 / st_gelu_backward_f32 split arrays into chunks in
// tensor/elementwise.c; this file is self-contained (Tests/neon/gelu_test.c builds it alone).

// ---------------------------------------------------------------- constants
#define GELU_K1 1.5957691216057308f     // 2 √(2/π): 2u = x (K1 + K2 x²)
#define GELU_K2X3 0.21406444881780073f  // 3 K2, K2 = K1 · 0.044715
#define GELU_W1 -2.3022081981443252f    // -K1 log2(e): exp(-2u) = 2^(x (W1 + W2 x²))
#define GELU_W2 -0.10294323958002349f   // -K2 log2(e)
#define GELU_TANH_CLAMP 9.9f            // |w| <= 122.7 at the clamp
#define GELU_H -0.72134752044448169f    // -log2(e) / 2: exp(-a²/2) = 2^(a (a H))
#define GELU_EXACT_CLAMP 13.0f          // w >= -121.9 at the clamp
#define GELU_MAGIC8 1572864.0f          // 1.5 · 2^20: adding it rounds to a multiple of 1/8

// 2^f on [-1/16, 1/16]: 1 + f (E1 + f (E2 + f E3)), relative minimax.
#define GELU_E1 6.9314721427e-01f
#define GELU_E2 2.4025763268e-01f
#define GELU_E3 5.5496218800e-02f

// R(a) = erfcx(a/√2) / 2 ≈ C P(a) / Q(a) with P, Q monic (their first Horner step is an add): relative
// minimax on [0, 6.5] with 10x the error allowed on [6.5, 13] (2.2e-7 and 1.9e-6 with float coefficients).
// C is folded into exp2's table, so e' = C exp(-a²/2) and R' = P/Q. (P4/Q5 would give 3e-8, and 5.7e-7
// instead of 7.8e-7 worst forward error, for two more FMAs: about 0.05 ns per element.)
#define GELU_RC 3.9885300666e-01f  // C
#define GELU_C0C 1.0002238262e+00f // (1/√(2π)) / C
#define GELU_P0 3.2062728718e+01f
#define GELU_P1 2.2513196035e+01f
#define GELU_P2 7.2675356654e+00f
#define GELU_Q0 2.5576636290e+01f
#define GELU_Q1 3.8365860464e+01f
#define GELU_Q2 2.3622735083e+01f
#define GELU_Q3 7.2580819635e+00f

// ---------------------------------------------------------------- reference twins (double inside)
// x, y, g, dx: [n]
static double gelu_ref64(st_gelu_kind kind, double x) {
    if (isinf(x)) return x > 0 ? x : 0.0;
    if (kind == ST_GELU_EXACT) return 0.5 * x * erfc(-x * 0.70710678118654752);
    return x / (1.0 + exp(-x * (1.5957691216057308 + 0.071354816272600249 * x * x))); // x σ(2u)
}

static double gelu_grad_ref64(st_gelu_kind kind, double x) {
    if (isinf(x)) return x > 0 ? 1.0 : 0.0;
    if (kind == ST_GELU_EXACT)
        return 0.5 * erfc(-x * 0.70710678118654752) + x * exp(-0.5 * x * x) * 0.3989422804014327;
    double z = x * (1.5957691216057308 + 0.071354816272600249 * x * x); // 2u
    double s = 1.0 / (1.0 + exp(-z)), sc = 1.0 / (1.0 + exp(z));      // σ(2u), 1 - σ(2u)
    return s + s * sc * x * (1.5957691216057308 + 0.21406444881780073 * x * x);
}

void st_gelu_f32_ref(st_gelu_kind kind, int64_t n, const float *x, float *y) {
    for (int64_t i = 0; i < n; i++) y[i] = (float)gelu_ref64(kind, x[i]);
}

void st_gelu_backward_f32_ref(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx) {
    for (int64_t i = 0; i < n; i++) dx[i] = (float)((double)g[i] * gelu_grad_ref64(kind, x[i]));
}

// Every SIMD kernel below works on GELU_U vectors per step, one statement at a time for all of them.
#define GELU_U 4
#define EACH for (int u = 0; u < GELU_U; u++)

// ---------------------------------------------------------------- AVX2 + FMA: 8 lanes, 32 elements a step
#if defined(__x86_64__)
#include <immintrin.h>
#define GELU_AVX2 __attribute__((target("avx2,fma")))
#define STEP8 (8 * GELU_U)
#define V8(c) _mm256_set1_ps(c)

// float bits of 2^(j/8) minus j << 20: adding (k << 20) to entry j = k mod 8 gives 2^(k/8) (k div 8 lands
// in the exponent, the j << 20 that comes with it is cancelled).
static const int32_t gelu_exp2_table[2][8] = {
    {0x3f800000, 0x3f7b95c2, 0x3f7837f0, 0x3f75fed7, 0x3f7504f3, 0x3f75672a, 0x3f7744fd, 0x3f7ac0c7}, // tanh
    {0x3ecc3676, 0x3eceb211, 0x3ed2d9eb, 0x3ed46a63, 0x3ed06674, 0x3ecd7834, 0x3ecbb8c5, 0x3ecb438f}, // C 2^(j/8)
};

/// e = s 2^w from t = w + 1.5·2^20 (w rounded to k/8) and f = w - k/8; tbl: a row of gelu_exp2_table (s 2^(j/8)).
GELU_AVX2 static inline void gelu_exp2_avx2(const __m256 *t, const __m256 *f, __m256 tbl, __m256 *e) {
    __m256 p[GELU_U], s[GELU_U];
    EACH p[u] = _mm256_fmadd_ps(V8(GELU_E3), f[u], V8(GELU_E2));
    EACH s[u] = _mm256_permutevar8x32_ps(tbl, _mm256_castps_si256(t[u])); // entry k mod 8
    EACH p[u] = _mm256_fmadd_ps(p[u], f[u], V8(GELU_E1));
    EACH s[u] = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(s[u]),
                                                     _mm256_slli_epi32(_mm256_castps_si256(t[u]), 20)));
    EACH p[u] = _mm256_fmadd_ps(p[u], f[u], V8(1.0f));
    EACH e[u] = _mm256_mul_ps(p[u], s[u]);
}

/// Tanh form: xc = clamp(x, ±9.9), x2 = xc², e = exp(-2u(xc)).
GELU_AVX2 static inline void gelu_tanh_core_avx2(const __m256 *x, __m256 tbl, __m256 *xc, __m256 *x2, __m256 *e) {
    __m256 pp[GELU_U], t[GELU_U], f[GELU_U];
    EACH xc[u] = _mm256_min_ps(V8(GELU_TANH_CLAMP), _mm256_max_ps(V8(-GELU_TANH_CLAMP), x[u]));
    EACH x2[u] = _mm256_mul_ps(xc[u], xc[u]);
    EACH pp[u] = _mm256_fmadd_ps(x2[u], V8(GELU_W2), V8(GELU_W1));
    EACH t[u] = _mm256_fmadd_ps(xc[u], pp[u], V8(GELU_MAGIC8));
    EACH f[u] = _mm256_fmsub_ps(xc[u], pp[u], _mm256_sub_ps(t[u], V8(GELU_MAGIC8)));
    gelu_exp2_avx2(t, f, tbl, e);
}

/// Exact form: e = C exp(-a²/2) and r = R(a) / C for a in [0, 13] (tbl: the C-scaled table).
GELU_AVX2 static inline void gelu_exact_core_avx2(const __m256 *a, __m256 tbl, __m256 *e, __m256 *r) {
    __m256 ah[GELU_U], t[GELU_U], f[GELU_U], p[GELU_U], q[GELU_U];
    EACH ah[u] = _mm256_mul_ps(a[u], V8(GELU_H));
    EACH t[u] = _mm256_fmadd_ps(a[u], ah[u], V8(GELU_MAGIC8));
    EACH f[u] = _mm256_fmsub_ps(a[u], ah[u], _mm256_sub_ps(t[u], V8(GELU_MAGIC8))); // a (a H) - k/8, one rounding
    gelu_exp2_avx2(t, f, tbl, e);
    EACH p[u] = _mm256_add_ps(a[u], V8(GELU_P2));
    EACH q[u] = _mm256_add_ps(a[u], V8(GELU_Q3));
    EACH p[u] = _mm256_fmadd_ps(p[u], a[u], V8(GELU_P1));
    EACH q[u] = _mm256_fmadd_ps(q[u], a[u], V8(GELU_Q2));
    EACH p[u] = _mm256_fmadd_ps(p[u], a[u], V8(GELU_P0));
    EACH q[u] = _mm256_fmadd_ps(q[u], a[u], V8(GELU_Q1));
    EACH q[u] = _mm256_fmadd_ps(q[u], a[u], V8(GELU_Q0));
    EACH r[u] = _mm256_div_ps(p[u], q[u]);
}

// One step on STEP8 elements. x, y, g, dx: [STEP8]; y may alias x, dx may alias g or x.
GELU_AVX2 static inline void gelu_fwd_tanh_avx2(const float *x, float *y, __m256 tbl) {
    __m256 xv[GELU_U], xc[GELU_U], x2[GELU_U], e[GELU_U];
    EACH xv[u] = _mm256_loadu_ps(x + 8 * u);
    gelu_tanh_core_avx2(xv, tbl, xc, x2, e);
    EACH xv[u] = _mm256_and_ps(_mm256_cmp_ps(xv[u], V8(-GELU_TANH_CLAMP), _CMP_NLT_UQ), xv[u]); // 0 below -9.9
    EACH _mm256_storeu_ps(y + 8 * u, _mm256_div_ps(xv[u], _mm256_add_ps(e[u], V8(1.0f))));
}

GELU_AVX2 static inline void gelu_fwd_exact_avx2(const float *x, float *y, __m256 tbl) {
    __m256 xv[GELU_U], a[GELU_U], e[GELU_U], r[GELU_U];
    EACH xv[u] = _mm256_loadu_ps(x + 8 * u);
    EACH a[u] = _mm256_andnot_ps(V8(-0.0f), xv[u]);
    EACH a[u] = _mm256_and_ps(_mm256_cmp_ps(a[u], V8(GELU_EXACT_CLAMP), _CMP_LE_OQ), a[u]); // 0 above 13 and NaN
    gelu_exact_core_avx2(a, tbl, e, r);
    EACH a[u] = _mm256_mul_ps(a[u], e[u]);
    EACH _mm256_storeu_ps(y + 8 * u, _mm256_fnmadd_ps(a[u], r[u], _mm256_max_ps(_mm256_setzero_ps(), xv[u])));
}

GELU_AVX2 static inline void gelu_bwd_tanh_avx2(const float *x, const float *g, float *dx, __m256 tbl) {
    __m256 xv[GELU_U], xc[GELU_U], x2[GELU_U], e[GELU_U], s[GELU_U], k[GELU_U];
    EACH xv[u] = _mm256_loadu_ps(x + 8 * u);
    gelu_tanh_core_avx2(xv, tbl, xc, x2, e);
    EACH s[u] = _mm256_div_ps(V8(1.0f), _mm256_add_ps(e[u], V8(1.0f)));                // σ
    EACH k[u] = _mm256_mul_ps(xc[u], _mm256_fmadd_ps(x2[u], V8(GELU_K2X3), V8(GELU_K1))); // x (K1 + 3 K2 x²)
    EACH e[u] = _mm256_mul_ps(e[u], s[u]);                                                // 1 - σ
    EACH s[u] = _mm256_mul_ps(s[u], _mm256_fmadd_ps(e[u], k[u], V8(1.0f)));
    EACH s[u] = _mm256_and_ps(_mm256_cmp_ps(xv[u], V8(-GELU_TANH_CLAMP), _CMP_NLT_UQ), s[u]);
    EACH _mm256_storeu_ps(dx + 8 * u, _mm256_mul_ps(_mm256_loadu_ps(g + 8 * u), s[u]));
}

GELU_AVX2 static inline void gelu_bwd_exact_avx2(const float *x, const float *g, float *dx, __m256 tbl) {
    __m256 xv[GELU_U], ax[GELU_U], a[GELU_U], e[GELU_U], r[GELU_U];
    EACH xv[u] = _mm256_loadu_ps(x + 8 * u);
    EACH ax[u] = _mm256_andnot_ps(V8(-0.0f), xv[u]);
    EACH a[u] = _mm256_min_ps(V8(GELU_EXACT_CLAMP), ax[u]);
    gelu_exact_core_avx2(a, tbl, e, r);
    EACH e[u] = _mm256_and_ps(_mm256_cmp_ps(ax[u], V8(GELU_EXACT_CLAMP), _CMP_NGT_UQ), e[u]); // 0 above 13
    EACH e[u] = _mm256_mul_ps(e[u], _mm256_fmsub_ps(a[u], V8(GELU_C0C), r[u]));               // v = a φ(a) - Φ(-a)
    EACH e[u] = _mm256_blendv_ps(_mm256_add_ps(e[u], V8(1.0f)), _mm256_xor_ps(e[u], V8(-0.0f)), xv[u]); // x's sign
    EACH _mm256_storeu_ps(dx + 8 * u, _mm256_mul_ps(_mm256_loadu_ps(g + 8 * u), e[u]));
}

GELU_AVX2 static void gelu_fwd_avx2(st_gelu_kind kind, int64_t n, const float *x, float *y) {
    const __m256 tbl = _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)gelu_exp2_table[kind != ST_GELU_TANH]));
    int64_t i = 0;
    if (kind == ST_GELU_TANH)
        for (; i + STEP8 <= n; i += STEP8) gelu_fwd_tanh_avx2(x + i, y + i, tbl);
    else
        for (; i + STEP8 <= n; i += STEP8) gelu_fwd_exact_avx2(x + i, y + i, tbl);
    if (i < n) { // tail: the same step on a zero-padded copy
        float tmp[STEP8] = {0};
        for (int64_t j = i; j < n; j++) tmp[j - i] = x[j];
        if (kind == ST_GELU_TANH) gelu_fwd_tanh_avx2(tmp, tmp, tbl);
        else gelu_fwd_exact_avx2(tmp, tmp, tbl);
        for (int64_t j = i; j < n; j++) y[j] = tmp[j - i];
    }
}

GELU_AVX2 static void gelu_bwd_avx2(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx) {
    const __m256 tbl = _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)gelu_exp2_table[kind != ST_GELU_TANH]));
    int64_t i = 0;
    if (kind == ST_GELU_TANH)
        for (; i + STEP8 <= n; i += STEP8) gelu_bwd_tanh_avx2(x + i, g + i, dx + i, tbl);
    else
        for (; i + STEP8 <= n; i += STEP8) gelu_bwd_exact_avx2(x + i, g + i, dx + i, tbl);
    if (i < n) {
        float tx[STEP8] = {0}, tg[STEP8] = {0};
        for (int64_t j = i; j < n; j++) { tx[j - i] = x[j]; tg[j - i] = g[j]; }
        if (kind == ST_GELU_TANH) gelu_bwd_tanh_avx2(tx, tg, tx, tbl);
        else gelu_bwd_exact_avx2(tx, tg, tx, tbl);
        for (int64_t j = i; j < n; j++) dx[j] = tx[j - i];
    }
}

// ---------------------------------------------------------------- AVX-512F: the AVX2 code at 16 lanes
// A line-for-line port (compiled here, not run: this machine has no AVX-512). Masks replace the compare-and
// blends; the 8-entry table is repeated to 16 entries since vpermps zmm reads 4 index bits.
#define GELU_AVX512 __attribute__((target("avx512f")))
#define STEP16 (16 * GELU_U)
#define V16(c) _mm512_set1_ps(c)

GELU_AVX512 static inline void gelu_exp2_avx512(const __m512 *t, const __m512 *f, __m512 tbl, __m512 *e) {
    __m512 p[GELU_U], s[GELU_U];
    EACH p[u] = _mm512_fmadd_ps(V16(GELU_E3), f[u], V16(GELU_E2));
    EACH s[u] = _mm512_permutexvar_ps(_mm512_castps_si512(t[u]), tbl); // entry k mod 16 = k mod 8
    EACH p[u] = _mm512_fmadd_ps(p[u], f[u], V16(GELU_E1));
    EACH s[u] = _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(s[u]),
                                                     _mm512_slli_epi32(_mm512_castps_si512(t[u]), 20)));
    EACH p[u] = _mm512_fmadd_ps(p[u], f[u], V16(1.0f));
    EACH e[u] = _mm512_mul_ps(p[u], s[u]);
}

GELU_AVX512 static inline void gelu_tanh_core_avx512(const __m512 *x, __m512 tbl, __m512 *xc, __m512 *x2, __m512 *e) {
    __m512 pp[GELU_U], t[GELU_U], f[GELU_U];
    EACH xc[u] = _mm512_min_ps(V16(GELU_TANH_CLAMP), _mm512_max_ps(V16(-GELU_TANH_CLAMP), x[u]));
    EACH x2[u] = _mm512_mul_ps(xc[u], xc[u]);
    EACH pp[u] = _mm512_fmadd_ps(x2[u], V16(GELU_W2), V16(GELU_W1));
    EACH t[u] = _mm512_fmadd_ps(xc[u], pp[u], V16(GELU_MAGIC8));
    EACH f[u] = _mm512_fmsub_ps(xc[u], pp[u], _mm512_sub_ps(t[u], V16(GELU_MAGIC8)));
    gelu_exp2_avx512(t, f, tbl, e);
}

GELU_AVX512 static inline void gelu_exact_core_avx512(const __m512 *a, __m512 tbl, __m512 *e, __m512 *r) {
    __m512 ah[GELU_U], t[GELU_U], f[GELU_U], p[GELU_U], q[GELU_U];
    EACH ah[u] = _mm512_mul_ps(a[u], V16(GELU_H));
    EACH t[u] = _mm512_fmadd_ps(a[u], ah[u], V16(GELU_MAGIC8));
    EACH f[u] = _mm512_fmsub_ps(a[u], ah[u], _mm512_sub_ps(t[u], V16(GELU_MAGIC8)));
    gelu_exp2_avx512(t, f, tbl, e);
    EACH p[u] = _mm512_add_ps(a[u], V16(GELU_P2));
    EACH q[u] = _mm512_add_ps(a[u], V16(GELU_Q3));
    EACH p[u] = _mm512_fmadd_ps(p[u], a[u], V16(GELU_P1));
    EACH q[u] = _mm512_fmadd_ps(q[u], a[u], V16(GELU_Q2));
    EACH p[u] = _mm512_fmadd_ps(p[u], a[u], V16(GELU_P0));
    EACH q[u] = _mm512_fmadd_ps(q[u], a[u], V16(GELU_Q1));
    EACH q[u] = _mm512_fmadd_ps(q[u], a[u], V16(GELU_Q0));
    EACH r[u] = _mm512_div_ps(p[u], q[u]);
}

GELU_AVX512 static inline void gelu_fwd_tanh_avx512(const float *x, float *y, __m512 tbl) {
    __m512 xv[GELU_U], xc[GELU_U], x2[GELU_U], e[GELU_U];
    EACH xv[u] = _mm512_loadu_ps(x + 16 * u);
    gelu_tanh_core_avx512(xv, tbl, xc, x2, e);
    EACH xv[u] = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(xv[u], V16(-GELU_TANH_CLAMP), _CMP_NLT_UQ), xv[u]);
    EACH _mm512_storeu_ps(y + 16 * u, _mm512_div_ps(xv[u], _mm512_add_ps(e[u], V16(1.0f))));
}

GELU_AVX512 static inline void gelu_fwd_exact_avx512(const float *x, float *y, __m512 tbl) {
    __m512 xv[GELU_U], a[GELU_U], e[GELU_U], r[GELU_U];
    EACH xv[u] = _mm512_loadu_ps(x + 16 * u);
    EACH a[u] = _mm512_abs_ps(xv[u]);
    EACH a[u] = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(a[u], V16(GELU_EXACT_CLAMP), _CMP_LE_OQ), a[u]);
    gelu_exact_core_avx512(a, tbl, e, r);
    EACH a[u] = _mm512_mul_ps(a[u], e[u]);
    EACH _mm512_storeu_ps(y + 16 * u, _mm512_fnmadd_ps(a[u], r[u], _mm512_max_ps(_mm512_setzero_ps(), xv[u])));
}

GELU_AVX512 static inline void gelu_bwd_tanh_avx512(const float *x, const float *g, float *dx, __m512 tbl) {
    __m512 xv[GELU_U], xc[GELU_U], x2[GELU_U], e[GELU_U], s[GELU_U], k[GELU_U];
    EACH xv[u] = _mm512_loadu_ps(x + 16 * u);
    gelu_tanh_core_avx512(xv, tbl, xc, x2, e);
    EACH s[u] = _mm512_div_ps(V16(1.0f), _mm512_add_ps(e[u], V16(1.0f)));
    EACH k[u] = _mm512_mul_ps(xc[u], _mm512_fmadd_ps(x2[u], V16(GELU_K2X3), V16(GELU_K1)));
    EACH e[u] = _mm512_mul_ps(e[u], s[u]);
    EACH s[u] = _mm512_mul_ps(s[u], _mm512_fmadd_ps(e[u], k[u], V16(1.0f)));
    EACH s[u] = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(xv[u], V16(-GELU_TANH_CLAMP), _CMP_NLT_UQ), s[u]);
    EACH _mm512_storeu_ps(dx + 16 * u, _mm512_mul_ps(_mm512_loadu_ps(g + 16 * u), s[u]));
}

GELU_AVX512 static inline void gelu_bwd_exact_avx512(const float *x, const float *g, float *dx, __m512 tbl) {
    __m512 xv[GELU_U], ax[GELU_U], a[GELU_U], e[GELU_U], r[GELU_U];
    EACH xv[u] = _mm512_loadu_ps(x + 16 * u);
    EACH ax[u] = _mm512_abs_ps(xv[u]);
    EACH a[u] = _mm512_min_ps(V16(GELU_EXACT_CLAMP), ax[u]);
    gelu_exact_core_avx512(a, tbl, e, r);
    EACH e[u] = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(ax[u], V16(GELU_EXACT_CLAMP), _CMP_NGT_UQ), e[u]);
    EACH e[u] = _mm512_mul_ps(e[u], _mm512_fmsub_ps(a[u], V16(GELU_C0C), r[u]));
    EACH e[u] = _mm512_mask_blend_ps(_mm512_cmplt_epi32_mask(_mm512_castps_si512(xv[u]), _mm512_setzero_si512()),
                                     _mm512_add_ps(e[u], V16(1.0f)),
                                     _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(e[u]),
                                                                          _mm512_set1_epi32(INT32_MIN))));
    EACH _mm512_storeu_ps(dx + 16 * u, _mm512_mul_ps(_mm512_loadu_ps(g + 16 * u), e[u]));
}

GELU_AVX512 static inline __m512 gelu_table_avx512(st_gelu_kind kind) {
    __m256i t8 = _mm256_loadu_si256((const __m256i *)gelu_exp2_table[kind != ST_GELU_TANH]);
    return _mm512_castsi512_ps(_mm512_inserti64x4(_mm512_castsi256_si512(t8), t8, 1));
}

GELU_AVX512 static void gelu_fwd_avx512(st_gelu_kind kind, int64_t n, const float *x, float *y) {
    const __m512 tbl = gelu_table_avx512(kind);
    int64_t i = 0;
    if (kind == ST_GELU_TANH)
        for (; i + STEP16 <= n; i += STEP16) gelu_fwd_tanh_avx512(x + i, y + i, tbl);
    else
        for (; i + STEP16 <= n; i += STEP16) gelu_fwd_exact_avx512(x + i, y + i, tbl);
    if (i < n) {
        float tmp[STEP16] = {0};
        for (int64_t j = i; j < n; j++) tmp[j - i] = x[j];
        if (kind == ST_GELU_TANH) gelu_fwd_tanh_avx512(tmp, tmp, tbl);
        else gelu_fwd_exact_avx512(tmp, tmp, tbl);
        for (int64_t j = i; j < n; j++) y[j] = tmp[j - i];
    }
}

GELU_AVX512 static void gelu_bwd_avx512(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx) {
    const __m512 tbl = gelu_table_avx512(kind);
    int64_t i = 0;
    if (kind == ST_GELU_TANH)
        for (; i + STEP16 <= n; i += STEP16) gelu_bwd_tanh_avx512(x + i, g + i, dx + i, tbl);
    else
        for (; i + STEP16 <= n; i += STEP16) gelu_bwd_exact_avx512(x + i, g + i, dx + i, tbl);
    if (i < n) {
        float tx[STEP16] = {0}, tg[STEP16] = {0};
        for (int64_t j = i; j < n; j++) { tx[j - i] = x[j]; tg[j - i] = g[j]; }
        if (kind == ST_GELU_TANH) gelu_bwd_tanh_avx512(tx, tg, tx, tbl);
        else gelu_bwd_exact_avx512(tx, tg, tx, tbl);
        for (int64_t j = i; j < n; j++) dx[j] = tx[j - i];
    }
}
#endif

// ---------------------------------------------------------------- NEON: 4 lanes, 16 elements a step
// The same algorithm except exp2: no cheap 8-entry float permute, so 2^f is a degree-6 polynomial on
// [-1/2, 1/2] (7.9e-8 relative) with w rounded to an integer (1.5·2^23 trick). vfmsq gives n - w, so the
// polynomial is evaluated at -f (odd coefficients negated). Reciprocals are divisions (fdiv), as on x86.
#if defined(__aarch64__)
#include <arm_neon.h>
#define STEP4 (4 * GELU_U)
#define V4(c) vdupq_n_f32(c)
#define GELU_MAGIC 12582912.0f // 1.5 · 2^23: adding it rounds to an integer

/// e = c 2^w from t = w + 1.5·2^23 (w rounded to n) and m = n - w (c: 1, or C for the exact form).
static inline void gelu_exp2_neon(const float32x4_t *t, const float32x4_t *m, float c, float32x4_t *e) {
    float32x4_t p[GELU_U];
    EACH p[u] = vfmaq_f32(V4(c * -1.339887889e-03f), V4(c * 1.535337337e-04f), m[u]); // c 2^-m, -m in [-1/2, 1/2]
    EACH p[u] = vfmaq_f32(V4(c * 9.618437355e-03f), p[u], m[u]);
    EACH p[u] = vfmaq_f32(V4(c * -5.550332460e-02f), p[u], m[u]);
    EACH p[u] = vfmaq_f32(V4(c * 2.402264791e-01f), p[u], m[u]);
    EACH p[u] = vfmaq_f32(V4(c * -6.931472029e-01f), p[u], m[u]);
    EACH p[u] = vfmaq_f32(V4(c), p[u], m[u]);
    EACH e[u] = vreinterpretq_f32_s32(vaddq_s32(vreinterpretq_s32_f32(p[u]),
                                                vshlq_n_s32(vreinterpretq_s32_f32(t[u]), 23)));
}

static inline void gelu_tanh_core_neon(const float32x4_t *x, float32x4_t *xc, float32x4_t *x2, float32x4_t *e) {
    float32x4_t pp[GELU_U], t[GELU_U], m[GELU_U];
    EACH xc[u] = vminq_f32(V4(GELU_TANH_CLAMP), vmaxq_f32(V4(-GELU_TANH_CLAMP), x[u]));
    EACH x2[u] = vmulq_f32(xc[u], xc[u]);
    EACH pp[u] = vfmaq_f32(V4(GELU_W1), x2[u], V4(GELU_W2));
    EACH t[u] = vfmaq_f32(V4(GELU_MAGIC), xc[u], pp[u]);
    EACH m[u] = vfmsq_f32(vsubq_f32(t[u], V4(GELU_MAGIC)), xc[u], pp[u]);
    gelu_exp2_neon(t, m, 1.0f, e);
}

static inline void gelu_exact_core_neon(const float32x4_t *a, float32x4_t *e, float32x4_t *r) {
    float32x4_t ah[GELU_U], t[GELU_U], m[GELU_U], p[GELU_U], q[GELU_U];
    EACH ah[u] = vmulq_f32(a[u], V4(GELU_H));
    EACH t[u] = vfmaq_f32(V4(GELU_MAGIC), a[u], ah[u]);
    EACH m[u] = vfmsq_f32(vsubq_f32(t[u], V4(GELU_MAGIC)), a[u], ah[u]);
    gelu_exp2_neon(t, m, GELU_RC, e);
    EACH p[u] = vaddq_f32(a[u], V4(GELU_P2));
    EACH q[u] = vaddq_f32(a[u], V4(GELU_Q3));
    EACH p[u] = vfmaq_f32(V4(GELU_P1), p[u], a[u]);
    EACH q[u] = vfmaq_f32(V4(GELU_Q2), q[u], a[u]);
    EACH p[u] = vfmaq_f32(V4(GELU_P0), p[u], a[u]);
    EACH q[u] = vfmaq_f32(V4(GELU_Q1), q[u], a[u]);
    EACH q[u] = vfmaq_f32(V4(GELU_Q0), q[u], a[u]);
    EACH r[u] = vdivq_f32(p[u], q[u]);
}

/// x with the lanes below -9.9 zeroed (NaN kept).
static inline float32x4_t gelu_keep_neon(float32x4_t x, float32x4_t v) {
    return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(v), vcltq_f32(x, V4(-GELU_TANH_CLAMP))));
}

static inline void gelu_fwd_tanh_neon(const float *x, float *y) {
    float32x4_t xv[GELU_U], xc[GELU_U], x2[GELU_U], e[GELU_U];
    EACH xv[u] = vld1q_f32(x + 4 * u);
    gelu_tanh_core_neon(xv, xc, x2, e);
    EACH vst1q_f32(y + 4 * u, vdivq_f32(gelu_keep_neon(xv[u], xv[u]), vaddq_f32(e[u], V4(1.0f))));
}

static inline void gelu_fwd_exact_neon(const float *x, float *y) {
    float32x4_t xv[GELU_U], a[GELU_U], e[GELU_U], r[GELU_U];
    EACH xv[u] = vld1q_f32(x + 4 * u);
    EACH a[u] = vabsq_f32(xv[u]);
    EACH a[u] = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(a[u]), vcleq_f32(a[u], V4(GELU_EXACT_CLAMP))));
    gelu_exact_core_neon(a, e, r);
    EACH a[u] = vmulq_f32(a[u], e[u]);
    // max(-0, x), not max(0, x): fmax(+0, -0) is +0, and gelu(-0) should be -0 as on x86.
    EACH vst1q_f32(y + 4 * u, vfmsq_f32(vmaxq_f32(V4(-0.0f), xv[u]), a[u], r[u]));
}

static inline void gelu_bwd_tanh_neon(const float *x, const float *g, float *dx) {
    float32x4_t xv[GELU_U], xc[GELU_U], x2[GELU_U], e[GELU_U], s[GELU_U], k[GELU_U];
    EACH xv[u] = vld1q_f32(x + 4 * u);
    gelu_tanh_core_neon(xv, xc, x2, e);
    EACH s[u] = vdivq_f32(V4(1.0f), vaddq_f32(e[u], V4(1.0f)));
    EACH k[u] = vmulq_f32(xc[u], vfmaq_f32(V4(GELU_K1), x2[u], V4(GELU_K2X3)));
    EACH e[u] = vmulq_f32(e[u], s[u]);
    EACH s[u] = vmulq_f32(s[u], vfmaq_f32(V4(1.0f), e[u], k[u]));
    EACH vst1q_f32(dx + 4 * u, vmulq_f32(vld1q_f32(g + 4 * u), gelu_keep_neon(xv[u], s[u])));
}

static inline void gelu_bwd_exact_neon(const float *x, const float *g, float *dx) {
    float32x4_t xv[GELU_U], ax[GELU_U], a[GELU_U], e[GELU_U], r[GELU_U];
    EACH xv[u] = vld1q_f32(x + 4 * u);
    EACH ax[u] = vabsq_f32(xv[u]);
    EACH a[u] = vminq_f32(V4(GELU_EXACT_CLAMP), ax[u]);
    gelu_exact_core_neon(a, e, r);
    EACH e[u] = vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(e[u]), vcgtq_f32(ax[u], V4(GELU_EXACT_CLAMP))));
    EACH e[u] = vmulq_f32(e[u], vfmsq_f32(r[u], a[u], V4(GELU_C0C))); // -v = Φ(-a) - a φ(a)
    EACH e[u] = vbslq_f32(vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_f32(xv[u]), 31)), e[u],
                          vsubq_f32(V4(1.0f), e[u]));
    EACH vst1q_f32(dx + 4 * u, vmulq_f32(vld1q_f32(g + 4 * u), e[u]));
}

static void gelu_fwd_neon(st_gelu_kind kind, int64_t n, const float *x, float *y) {
    int64_t i = 0;
    if (kind == ST_GELU_TANH)
        for (; i + STEP4 <= n; i += STEP4) gelu_fwd_tanh_neon(x + i, y + i);
    else
        for (; i + STEP4 <= n; i += STEP4) gelu_fwd_exact_neon(x + i, y + i);
    if (i < n) {
        float tmp[STEP4] = {0};
        for (int64_t j = i; j < n; j++) tmp[j - i] = x[j];
        if (kind == ST_GELU_TANH) gelu_fwd_tanh_neon(tmp, tmp);
        else gelu_fwd_exact_neon(tmp, tmp);
        for (int64_t j = i; j < n; j++) y[j] = tmp[j - i];
    }
}

static void gelu_bwd_neon(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx) {
    int64_t i = 0;
    if (kind == ST_GELU_TANH)
        for (; i + STEP4 <= n; i += STEP4) gelu_bwd_tanh_neon(x + i, g + i, dx + i);
    else
        for (; i + STEP4 <= n; i += STEP4) gelu_bwd_exact_neon(x + i, g + i, dx + i);
    if (i < n) {
        float tx[STEP4] = {0}, tg[STEP4] = {0};
        for (int64_t j = i; j < n; j++) { tx[j - i] = x[j]; tg[j - i] = g[j]; }
        if (kind == ST_GELU_TANH) gelu_bwd_tanh_neon(tx, tg, tx);
        else gelu_bwd_exact_neon(tx, tg, tx);
        for (int64_t j = i; j < n; j++) dx[j] = tx[j - i];
    }
}
#endif

// ---------------------------------------------------------------- dispatch
static void gelu_fwd_with(st_isa isa, st_gelu_kind kind, int64_t n, const float *x, float *y) {
#if defined(__x86_64__)
    if (isa == ST_ISA_AVX512) { gelu_fwd_avx512(kind, n, x, y); return; }
    if (isa == ST_ISA_AVX2) { gelu_fwd_avx2(kind, n, x, y); return; }
#endif
#if defined(__aarch64__)
    if (isa == ST_ISA_NEON) { gelu_fwd_neon(kind, n, x, y); return; }
#endif
    (void)isa;
    st_gelu_f32_ref(kind, n, x, y);
}

static void gelu_bwd_with(st_isa isa, st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx) {
#if defined(__x86_64__)
    if (isa == ST_ISA_AVX512) { gelu_bwd_avx512(kind, n, x, g, dx); return; }
    if (isa == ST_ISA_AVX2) { gelu_bwd_avx2(kind, n, x, g, dx); return; }
#endif
#if defined(__aarch64__)
    if (isa == ST_ISA_NEON) { gelu_bwd_neon(kind, n, x, g, dx); return; }
#endif
    (void)isa;
    st_gelu_backward_f32_ref(kind, n, x, g, dx);
}

void st_gelu_f32_active(st_gelu_kind kind, int64_t n, const float *x, float *y) {
    gelu_fwd_with(st_isa_active(), kind, n, x, y);
}

void st_gelu_backward_f32_active(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx) {
    gelu_bwd_with(st_isa_active(), kind, n, x, g, dx);
}

st_status st_gelu_f32_isa(st_isa isa, st_gelu_kind kind, int64_t n, const float *x, float *y) {
    if (isa < 0 || isa >= ST_ISA_COUNT || !st_isa_supported(isa))
        return st_fail(ST_ERR_UNSUPPORTED, "st_gelu_f32_isa: this CPU does not support ISA %d", (int)isa);
    gelu_fwd_with(isa, kind, n, x, y);
    return ST_OK;
}

st_status st_gelu_backward_f32_isa(st_isa isa, st_gelu_kind kind, int64_t n, const float *x, const float *g,
                                   float *dx) {
    if (isa < 0 || isa >= ST_ISA_COUNT || !st_isa_supported(isa))
        return st_fail(ST_ERR_UNSUPPORTED, "st_gelu_backward_f32_isa: this CPU does not support ISA %d", (int)isa);
    gelu_bwd_with(isa, kind, n, x, g, dx);
    return ST_OK;
}
