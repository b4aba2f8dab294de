// Portable reference micro-kernels: one twin per SIMD tile shape, same contract (see st_internal.h).
// They are the scalar fallback and the oracle the SIMD kernels are tested against.
// Shapes: A micro-panel [MR, k] (strides rs_a, cs_a), bp [k, NR] (row stride rs_b), C tile [MR, NR] with row stride ldc.
#include "../internal/st_internal.h"

static inline __attribute__((always_inline)) void
ukr_ref(const int64_t MR, const int64_t NR, int64_t k, float alpha, const float *ST_RESTRICT a, int64_t rs_a,
        int64_t cs_a, const float *ST_RESTRICT bp, int64_t rs_b, float beta, float *ST_RESTRICT c, int64_t ldc, int64_t m, int64_t n) {
    float acc[MR * NR]; // [MR, NR]
    for (int64_t i = 0; i < MR * NR; i++) acc[i] = 0.0f;
    for (int64_t p = 0; p < k; p++)
        for (int64_t i = 0; i < MR; i++)
            for (int64_t j = 0; j < NR; j++) acc[i * NR + j] += a[i * rs_a + p * cs_a] * bp[p * rs_b + j];
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            float t = alpha * acc[i * NR + j];
            c[i * ldc + j] = beta == 0.0f ? t : beta * c[i * ldc + j] + t;
        }
}

#define ST_DEFINE_REF(MR, NR)                                                                                 \
    void sgemm_ukr_ref_##MR##x##NR(int64_t k, float alpha, const float *a, int64_t rs_a, int64_t cs_a,      \
                                   const float *bp, int64_t rs_b, float beta, float *c, int64_t ldc, int64_t m,   \
                                   int64_t n) {                                                            \
        ukr_ref(MR, NR, k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n);                            \
    }

ST_DEFINE_REF(4, 8)   // the scalar ISA's own kernel
ST_DEFINE_REF(6, 16)  // twin of sgemm_ukr_avx2_6x16
ST_DEFINE_REF(12, 32) // twin of sgemm_ukr_avx512_12x32
ST_DEFINE_REF(8, 12)  // twin of sgemm_ukr_neon_8x12
