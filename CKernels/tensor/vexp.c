// Vectorized float32 exp: an AVX2 kernel and its portable reference twin.
//
// exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2], exp(r) by a degree-6
// polynomial (the Cephes expf coefficients, error ~1 ulp). 2^n is applied as two factors 2^(n/2) and
// 2^(n - n/2), so results that overflow go to +inf and tiny ones go through the subnormals to 0; NaN
// passes through.
#include "../internal/st_internal.h"
#include "swifttorch_tensor.h"
#include "../internal/st_iter.h"
#include <math.h>

void st_vexp_f32_ref(int64_t n, const float *x, float *out) {
    for (int64_t i = 0; i < n; i++) out[i] = expf(x[i]);
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static inline __m256 pow2i_avx2(__m256i n) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
}

__attribute__((target("avx2,fma"))) static inline __m256 exp8_avx2(__m256 x) {
    const __m256 hi = _mm256_set1_ps(89.0f), lo = _mm256_set1_ps(-104.0f);
    __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    __m256 xc = _mm256_max_ps(_mm256_min_ps(x, hi), lo);
    __m256 fn = _mm256_round_ps(_mm256_mul_ps(xc, _mm256_set1_ps(1.44269504088896341f)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(0.693359375f), xc);
    r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    __m256 y = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i ni = _mm256_cvtps_epi32(fn);
    __m256i n1 = _mm256_srai_epi32(ni, 1), n2 = _mm256_sub_epi32(ni, n1);
    y = _mm256_mul_ps(_mm256_mul_ps(y, pow2i_avx2(n1)), pow2i_avx2(n2));
    return _mm256_blendv_ps(y, x, nan);
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
/// (log form: y = x - max - log(sum)).
__attribute__((target("avx2,fma"))) static void softmax_row_avx2(int log_form, int64_t n, const float *x, float *y) {
    __m256 vm = _mm256_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, vm);
    float m = lanes[0];
    for (int k = 1; k < 8; k++) m = lanes[k] > m ? lanes[k] : m;
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    __m256 vmax = _mm256_set1_ps(m), vs = _mm256_setzero_ps();
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 e = exp8_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax));
        vs = _mm256_add_ps(vs, e);
        if (!log_form) _mm256_storeu_ps(y + i, e);
    }
    _mm256_storeu_ps(lanes, vs);
    double s = 0;
    for (int k = 0; k < 8; k++) s += lanes[k];
    for (; i < n; i++) {
        float e = expf(x[i] - m);
        s += e;
        if (!log_form) y[i] = e;
    }
    if (log_form) {
        float ls = (float)log(s);
        for (i = 0; i < n; i++) y[i] = (x[i] - m) - ls;
    } else {
        __m256 inv = _mm256_set1_ps((float)(1.0 / s));
        for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), inv));
        for (; i < n; i++) y[i] *= (float)(1.0 / s);
    }
}
#endif

int st_softmax_row_f32_simd(int log_form, int64_t n, const float *x, float *y) {
#if defined(__x86_64__)
    st_isa isa = st_isa_active();
    if (isa == ST_ISA_AVX2 || isa == ST_ISA_AVX512) { softmax_row_avx2(log_form, n, x, y); return 1; }
#endif
    (void)log_form; (void)n; (void)x; (void)y;
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
