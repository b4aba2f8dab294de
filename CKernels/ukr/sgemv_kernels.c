// Matrix-vector kernels for the packed SGEMM's GEMV shapes (M = 1 or N = 1). A GEMV does two FLOPs per
// matrix element, so it is bound by memory bandwidth: these kernels read the matrix exactly once, in
// storage order, and keep the vector and the accumulators in L1. One portable source compiled per ISA
// (target attributes; the plain build is the reference twin and the scalar fallback).
//
//   rows form: acc[0:L] += Σ_p x[p] · Mat[p, 0:L]   (Mat rows at stride ldm; four rows per pass, added in
//              order p, p+1, p+2, p+3, so the sum order is p = 0, 1, 2, ... for every column)
//   dots form: out[j] = Σ_p x[p] · Mat[j, p]        (32 lane partial sums per row, added in a fixed order)
// Shapes: x [K], Mat [K, L] (rows) or [L, K] (dots), acc/out [L].
#include "../internal/st_internal.h"

#define ST_DOT_LANES 32

#define SGEMV_KERNELS(attr, suffix)                                                                        \
    attr static void rows_##suffix(int64_t k, int64_t l, const float *ST_RESTRICT x,                     \
                                   const float *ST_RESTRICT mat, int64_t ldm, float *ST_RESTRICT acc) {    \
        int64_t p = 0;                                                                                   \
        for (; p + 4 <= k; p += 4) {                                                                     \
            const float x0 = x[p], x1 = x[p + 1], x2 = x[p + 2], x3 = x[p + 3];                           \
            const float *ST_RESTRICT m0 = mat + p * ldm, *ST_RESTRICT m1 = m0 + ldm;                      \
            const float *ST_RESTRICT m2 = m1 + ldm, *ST_RESTRICT m3 = m2 + ldm;                           \
            for (int64_t j = 0; j < l; j++) acc[j] = (((acc[j] + x0 * m0[j]) + x1 * m1[j]) + x2 * m2[j]) + x3 * m3[j]; \
        }                                                                                                \
        for (; p < k; p++) {                                                                             \
            const float xp = x[p];                                                                       \
            const float *ST_RESTRICT mp = mat + p * ldm;                                                 \
            for (int64_t j = 0; j < l; j++) acc[j] = acc[j] + xp * mp[j];                                 \
        }                                                                                                \
    }                                                                                                    \
    attr static void dots_##suffix(int64_t k, int64_t l, const float *ST_RESTRICT x,                     \
                                   const float *ST_RESTRICT mat, int64_t ldm, float *ST_RESTRICT out) {    \
        for (int64_t j = 0; j < l; j++) {                                                                \
            const float *ST_RESTRICT row = mat + j * ldm;                                                \
            float s[ST_DOT_LANES] = {0};                                                                 \
            int64_t p = 0;                                                                               \
            for (; p + ST_DOT_LANES <= k; p += ST_DOT_LANES)                                             \
                for (int q = 0; q < ST_DOT_LANES; q++) s[q] = s[q] + x[p + q] * row[p + q];               \
            for (int q = 0; p + q < k; q++) s[q] = s[q] + x[p + q] * row[p + q];                          \
            for (int w = ST_DOT_LANES / 2; w >= 1; w /= 2) /* pairwise: lanes q and q + w */              \
                for (int q = 0; q < w; q++) s[q] = s[q] + s[q + w];                                      \
            out[j] = s[0];                                                                               \
        }                                                                                                \
    }

SGEMV_KERNELS(, ref)
#if defined(__x86_64__)
SGEMV_KERNELS(__attribute__((target("avx2,fma"))), avx2)
SGEMV_KERNELS(__attribute__((target("avx512f"))), avx512)
#endif

st_sgemv_kernels st_sgemv_kernels_for(st_isa isa) {
#if defined(__x86_64__)
    if (isa == ST_ISA_AVX512 && st_isa_supported(ST_ISA_AVX512)) return (st_sgemv_kernels){rows_avx512, dots_avx512};
    if (isa == ST_ISA_AVX2 && st_isa_supported(ST_ISA_AVX2)) return (st_sgemv_kernels){rows_avx2, dots_avx2};
#endif
    (void)isa;
    return (st_sgemv_kernels){rows_ref, dots_ref}; // arm64: the baseline build already uses NEON
}
