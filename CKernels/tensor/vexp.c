// Vectorized float32 exp: an AVX2 kernel and its portable reference twin.
//
// exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2], exp(r) =
// 1 + r + r^2 P(r) with P of degree 4 (a relative-error minimax fit: 3.3e-9 on the interval, so the
// result is within ~1 ulp; brute-force checked over every third float of [-104.5, 89.5]). 2^n is applied
// as two factors 2^(n/2) and 2^(n - n/2), so results that overflow go to +inf and tiny ones go through
// the subnormals to 0; NaN passes through. When all 8 inputs have |x| <= 86, 2^n is added to the
// exponent bits instead: 13 vector FP ops per 8 elements.
#include "../internal/st_internal.h"
#include "swifttorch_tensor.h"
#include "../internal/st_iter.h"
#include <math.h>

void st_vexp_f32_ref(int64_t n, const float *x, float *out) {
    for (int64_t i = 0; i < n; i++) out[i] = expf(x[i]);
}

#if defined(__x86_64__)
#include <immintrin.h>

// P(r) = C2 + C3 r + C4 r^2 + C5 r^3 + C6 r^4.
#define EXP_C2 0.4999999403953552f
#define EXP_C3 0.1666652113199234f
#define EXP_C4 0.041668299585580826f
#define EXP_C5 0.008368706330657005f
#define EXP_C6 0.0013819487066939473f

__attribute__((target("avx2,fma"))) static inline __m256 pow2i_avx2(__m256i n) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
}

/// exp(r) 2^-n for x already in [-104, 89] (or NaN): returns the polynomial value y in [0.7, 1.42] and n.
__attribute__((target("avx2,fma"))) static inline __m256 exp8_reduced(__m256 x, __m256i *n) {
    // n = round(x / ln 2) by the 1.5 * 2^23 trick: t's low mantissa bits hold n, t - magic is n as a float.
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), magic);
    __m256 fn = _mm256_sub_ps(t, magic);
    __m256 r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(0.693359375f), x); // ln 2 in two parts (Cody-Waite)
    r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(EXP_C6);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_C5));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_C4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_C3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_C2));
    *n = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_castps_si256(magic));
    return _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
}

/// exp of 8 floats. When every |x| <= 86 the result is normal and 2^n goes straight into the exponent
/// bits; otherwise x is clamped to [-104, 89] (x second in min/max, so NaN passes through) and 2^n is
/// applied as two factors 2^(n/2) and 2^(n - n/2), reaching +inf and the subnormals. Both paths give
/// the same bits where they overlap.
__attribute__((target("avx2,fma"))) static inline __m256 exp8_avx2(__m256 x) {
    __m256i n;
    __m256 ax = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    if (!_mm256_movemask_ps(_mm256_cmp_ps(ax, _mm256_set1_ps(86.0f), _CMP_NLE_UQ))) {
        __m256 y = exp8_reduced(x, &n);
        return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(y), _mm256_slli_epi32(n, 23)));
    }
    __m256 xc = _mm256_max_ps(_mm256_set1_ps(-104.0f), _mm256_min_ps(_mm256_set1_ps(89.0f), x));
    __m256 y = exp8_reduced(xc, &n);
    __m256i n1 = _mm256_srai_epi32(n, 1), n2 = _mm256_sub_epi32(n, n1);
    return _mm256_mul_ps(_mm256_mul_ps(y, pow2i_avx2(n1)), pow2i_avx2(n2));
}

__attribute__((target("avx2,fma"))) static void vexp_avx2(int64_t n, const float *x, float *out) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, exp8_avx2(_mm256_loadu_ps(x + i)));
    if (i < n) {
        float tmp[8] = {0};
        for (int64_t j = i; j < n; j++) tmp[j - i] = x[j];
        _mm256_storeu_ps(tmp, exp8_avx2(_mm256_loadu_ps(tmp)));
        for (int64_t j = i; j < n; j++) out[j] = tmp[j - i];
    }
}

/// One softmax row in three vectorized passes: max; y = exp(x - max) with the running sum; scale
/// (log form: y = x - max - log(sum)). Several accumulators hide the max and add latencies; the last
/// partial vector of the exp pass is masked (no scalar libm calls, which dominate short rows such as
/// 10 classes). Returns the max and the sum of exponentials. (Streaming stores of the last pass from a
/// scratch row were tried for outputs larger than L3: slower here.)
__attribute__((target("avx2,fma"))) static void softmax_row_avx2(int log_form, int64_t n, const float *x, float *y,
                                                                 float *max_out, double *sum_out) {
    __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0, m2 = m0, m3 = m0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + i));
        m1 = _mm256_max_ps(m1, _mm256_loadu_ps(x + i + 8));
        m2 = _mm256_max_ps(m2, _mm256_loadu_ps(x + i + 16));
        m3 = _mm256_max_ps(m3, _mm256_loadu_ps(x + i + 24));
    }
    for (; i + 8 <= n; i += 8) m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, _mm256_max_ps(_mm256_max_ps(m0, m1), _mm256_max_ps(m2, m3)));
    float m = lanes[0];
    for (int k = 1; k < 8; k++) m = lanes[k] > m ? lanes[k] : m;
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    __m256 vmax = _mm256_set1_ps(m), s0 = _mm256_setzero_ps(), s1 = s0;
    for (i = 0; i + 16 <= n; i += 16) {
        // Rows are usually consecutive: fetch the next row's line now, so its max pass (the only one
        // that waits on memory) overlaps this row's arithmetic. A prefetch past the end does no harm.
        _mm_prefetch((const char *)(x + n + i), _MM_HINT_T0);
        __m256 e0 = exp8_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax));
        __m256 e1 = exp8_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), vmax));
        s0 = _mm256_add_ps(s0, e0);
        s1 = _mm256_add_ps(s1, e1);
        if (!log_form) { _mm256_storeu_ps(y + i, e0); _mm256_storeu_ps(y + i + 8, e1); }
    }
    for (; i + 8 <= n; i += 8) {
        __m256 e0 = exp8_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax));
        s0 = _mm256_add_ps(s0, e0);
        if (!log_form) _mm256_storeu_ps(y + i, e0);
    }
    if (i < n) { // the last n − i elements in a vector padded with −inf (exp 0); no masked stores (slow on AMD)
        float tail[8];
        for (int k = 0; k < 8; k++) tail[k] = i + k < n ? x[i + k] - m : -INFINITY;
        __m256 e0 = exp8_avx2(_mm256_loadu_ps(tail));
        e0 = _mm256_and_ps(e0, _mm256_cmp_ps(_mm256_loadu_ps(tail), _mm256_set1_ps(-INFINITY), _CMP_NEQ_OQ));
        s0 = _mm256_add_ps(s0, e0);
        _mm256_storeu_ps(tail, e0);
        if (!log_form) for (int64_t k = 0; i + k < n; k++) y[i + k] = tail[k];
    }
    _mm256_storeu_ps(lanes, _mm256_add_ps(s0, s1));
    double s = 0;
    for (int k = 0; k < 8; k++) s += lanes[k];
    if (max_out) *max_out = m;
    if (sum_out) *sum_out = s;
    if (log_form) { // log only here: a 10-class row costs about as much as one log
        __m256 vls = _mm256_set1_ps((float)log(s));
        for (i = 0; i + 8 <= n; i += 8)
            _mm256_storeu_ps(y + i, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax), vls));
        for (; i < n; i++) y[i] = (x[i] - m) - _mm256_cvtss_f32(vls);
    } else {
        const float inv = (float)(1.0 / s);
        __m256 vinv = _mm256_set1_ps(inv);
        for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), vinv));
        for (; i < n; i++) y[i] *= inv;
    }
}

/// Lanes of v reduced by max (or sum), the result in every lane.
__attribute__((target("avx2,fma"))) static inline __m256 hmax8(__m256 v) {
    v = _mm256_max_ps(v, _mm256_permute2f128_ps(v, v, 1));
    v = _mm256_max_ps(v, _mm256_permute_ps(v, 0x4e));
    return _mm256_max_ps(v, _mm256_permute_ps(v, 0xb1));
}
__attribute__((target("avx2,fma"))) static inline __m256 hsum8(__m256 v) {
    v = _mm256_add_ps(v, _mm256_permute2f128_ps(v, v, 1));
    v = _mm256_add_ps(v, _mm256_permute_ps(v, 0x4e));
    return _mm256_add_ps(v, _mm256_permute_ps(v, 0xb1));
}

/// A row of at most 16 (a classifier's 10 classes): two vectors held in registers from a masked load to
/// the stores, max and sum reduced by lane shuffles. The padding lanes enter exp as 0 and are masked
/// after it, so they never take exp's slow path. Outputs go through a scratch vector for the partial
/// one (no masked stores: slow on AMD). The long-row kernel spent ~60 ns on a 10-class row, mostly in
/// its scalar reductions and tail handling.
__attribute__((target("avx2,fma"))) static void softmax_row_short_avx2(int log_form, int64_t n, const float *x,
                                                                       float *y, float *max_out, double *sum_out) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i k0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lane);
    const __m256i k1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n - 8), lane);
    const __m256 m0 = _mm256_castsi256_ps(k0), m1 = _mm256_castsi256_ps(k1), ninf = _mm256_set1_ps(-INFINITY);
    const __m256 v0 = _mm256_blendv_ps(ninf, _mm256_maskload_ps(x, k0), m0);
    const __m256 v1 = _mm256_blendv_ps(ninf, _mm256_maskload_ps(x + 8, k1), m1); // no access when n <= 8
    const __m256 vmax = hmax8(_mm256_max_ps(v0, v1));
    const __m256 d0 = _mm256_and_ps(_mm256_sub_ps(v0, vmax), m0), d1 = _mm256_and_ps(_mm256_sub_ps(v1, vmax), m1);
    const __m256 e0 = _mm256_and_ps(exp8_avx2(d0), m0);
    const __m256 e1 = n > 8 ? _mm256_and_ps(exp8_avx2(d1), m1) : _mm256_setzero_ps();
    const float s = _mm256_cvtss_f32(hsum8(_mm256_add_ps(e0, e1)));
    __m256 o0, o1;
    if (log_form) {
        const __m256 vls = _mm256_set1_ps((float)log((double)s));
        o0 = _mm256_sub_ps(d0, vls), o1 = _mm256_sub_ps(d1, vls);
    } else {
        const __m256 vinv = _mm256_set1_ps((float)(1.0 / (double)s));
        o0 = _mm256_mul_ps(e0, vinv), o1 = _mm256_mul_ps(e1, vinv);
    }
    float tail[8];
    if (n >= 8) _mm256_storeu_ps(y, o0);
    if (n == 16) _mm256_storeu_ps(y + 8, o1);
    if (n % 8 != 0) {
        _mm256_storeu_ps(tail, n > 8 ? o1 : o0);
        for (int64_t k = n / 8 * 8; k < n; k++) y[k] = tail[k % 8];
    }
    if (max_out) *max_out = _mm256_cvtss_f32(vmax);
    if (sum_out) *sum_out = s;
}
#endif

int st_softmax_row_f32_simd(int log_form, int64_t n, const float *x, float *y, float *max_out, double *sum_out) {
#if defined(__x86_64__)
    st_isa isa = st_isa_active();
    if (isa == ST_ISA_AVX2 || isa == ST_ISA_AVX512) {
        if (n >= 1 && n <= 16) softmax_row_short_avx2(log_form, n, x, y, max_out, sum_out);
        else softmax_row_avx2(log_form, n, x, y, max_out, sum_out);
        return 1;
    }
#endif
    (void)log_form; (void)n; (void)x; (void)y; (void)max_out; (void)sum_out;
    return 0;
}

static void vexp_with(st_isa isa, int64_t n, const float *x, float *out) {
#if defined(__x86_64__)
    if (isa == ST_ISA_AVX2 || isa == ST_ISA_AVX512) { vexp_avx2(n, x, out); return; }
#endif
    (void)isa;
    st_vexp_f32_ref(n, x, out);
}

void st_vexp_f32(int64_t n, const float *x, float *out) { vexp_with(st_isa_active(), n, x, out); }

st_status st_vexp_f32_isa(st_isa isa, int64_t n, const float *x, float *out) {
    if (isa < 0 || isa >= ST_ISA_COUNT || !st_isa_supported(isa))
        return st_fail(ST_ERR_UNSUPPORTED, "st_vexp_f32_isa: this CPU does not support ISA %d", (int)isa);
    vexp_with(isa, n, x, out);
    return ST_OK;
}
