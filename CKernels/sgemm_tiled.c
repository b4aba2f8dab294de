// Cache-blocked SGEMM without packing: C[M, N] := alpha * op(A)[M, K] * op(B)[K, N] + beta * C.
// Square T x T tiles chosen so that three tiles fit in L2 (3 * T^2 * 4 bytes <= L2); the innermost loop
// runs along a contiguous row and is vectorized by the compiler for each ISA (run-time dispatch).
#include "internal/st_internal.h"

#define ST_ALWAYS_INLINE inline __attribute__((always_inline))

int64_t st_tiled_tile_size(void) {
    st_cache_info caches = st_cache_detect();
    int64_t t = 16;
    while (3 * (t + 16) * (t + 16) * 4 <= caches.l2.size) t += 16;
    return t;
}

static ST_ALWAYS_INLINE void tiled_block(st_trans ta, st_trans tb, int64_t i0, int64_t i1, int64_t p0,
                                         int64_t p1, int64_t j0, int64_t j1, float alpha, const float *a,
                                         int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc) {
    if (tb == ST_TRANS && ta == ST_NO_TRANS) {
        // Both operands run along p: dot products with 8 independent lanes (vectorizable, no reassociation).
        for (int64_t i = i0; i < i1; i++) {
            const float *arow = a + i * lda;
            for (int64_t j = j0; j < j1; j++) {
                const float *brow = b + j * ldb;
                float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
                int64_t p = p0;
                for (; p + 8 <= p1; p += 8)
                    for (int l = 0; l < 8; l++) lane[l] += arow[p + l] * brow[p + l];
                float sum = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
                for (; p < p1; p++) sum += arow[p] * brow[p];
                c[i * ldc + j] += alpha * sum;
            }
        }
        return;
    }
    for (int64_t i = i0; i < i1; i++) {
        float *ST_RESTRICT crow = c + i * ldc;
        for (int64_t p = p0; p < p1; p++) {
            const float av = alpha * st_op_a(a, lda, ta, i, p);
            if (tb == ST_NO_TRANS) {
                const float *ST_RESTRICT brow = b + p * ldb;
                for (int64_t j = j0; j < j1; j++) crow[j] += av * brow[j];
            } else {
                for (int64_t j = j0; j < j1; j++) crow[j] += av * b[j * ldb + p];
            }
        }
    }
}

// One block row of C: rows [i0, i1) against all of K and N. Compiled once per ISA (the block code is
// inlined into each), then called from the ISA-neutral parallel loop below: an OpenMP region inside a
// target-attributed function would be outlined without that target, i.e. as plain SSE2 code.
static ST_ALWAYS_INLINE void tiled_rows(st_trans ta, st_trans tb, int64_t i0, int64_t i1, int64_t n, int64_t k,
                                        float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                                        float *c, int64_t ldc, int64_t t) {
    for (int64_t p0 = 0; p0 < k; p0 += t) {
        const int64_t p1 = p0 + t < k ? p0 + t : k;
        for (int64_t j0 = 0; j0 < n; j0 += t) {
            const int64_t j1 = j0 + t < n ? j0 + t : n;
            tiled_block(ta, tb, i0, i1, p0, p1, j0, j1, alpha, a, lda, b, ldb, c, ldc);
        }
    }
}

typedef void (*tiled_rows_fn)(st_trans, st_trans, int64_t, int64_t, int64_t, int64_t, float, const float *,
                              int64_t, const float *, int64_t, float *, int64_t, int64_t);

static void tiled_rows_generic(st_trans ta, st_trans tb, int64_t i0, int64_t i1, int64_t n, int64_t k, float alpha,
                               const float *a, int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc,
                               int64_t t) {
    tiled_rows(ta, tb, i0, i1, n, k, alpha, a, lda, b, ldb, c, ldc, t);
}
#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void
tiled_rows_avx2(st_trans ta, st_trans tb, int64_t i0, int64_t i1, int64_t n, int64_t k, float alpha, const float *a,
                int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc, int64_t t) {
    tiled_rows(ta, tb, i0, i1, n, k, alpha, a, lda, b, ldb, c, ldc, t);
}
__attribute__((target("avx512f,avx2,fma"))) static void
tiled_rows_avx512(st_trans ta, st_trans tb, int64_t i0, int64_t i1, int64_t n, int64_t k, float alpha,
                  const float *a, int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc, int64_t t) {
    tiled_rows(ta, tb, i0, i1, n, k, alpha, a, lda, b, ldb, c, ldc, t);
}
#endif

void st_sgemm_tiled_with_tile(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha,
                              const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                              int64_t ldc, int64_t tile) {
    st_scale_matrix(m, n, beta, c, ldc); // beta == 0 writes zeros: NaN/Inf in C never propagate
    tiled_rows_fn fn = tiled_rows_generic;
#if defined(__x86_64__)
    switch (st_isa_active()) {
    case ST_ISA_AVX512: fn = tiled_rows_avx512; break;
    case ST_ISA_AVX2: fn = tiled_rows_avx2; break;
    default: break;
    }
#endif
    const int64_t t = tile > 0 ? tile : st_tiled_tile_size();
    const int64_t mblocks = (m + t - 1) / t;
    int nt = st_get_num_threads();
    if (nt > mblocks) nt = (int)mblocks;
#ifdef ST_HAVE_OPENMP
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
#endif
    for (int64_t ib = 0; ib < mblocks; ib++) {
        const int64_t i0 = ib * t, i1 = i0 + t < m ? i0 + t : m;
        fn(ta, tb, i0, i1, n, k, alpha, a, lda, b, ldb, c, ldc, t);
    }
    (void)nt;
}

void st_sgemm_tiled(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                    int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    st_sgemm_tiled_with_tile(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 0);
}
