// Narrow products of the packed SGEMM: C [M, N] with N <= 16 columns (a classifier's N = 10 classes) and a
// row-major op(A). This file never names an ISA; the kernel comes from the micro-kernel table entry.
//
//   op(B) [K, N] -> packed once into scratch, [ceil(K/16), N, 16]: for each 16 k steps the N runs of 16
//                   next to each other (N·K floats, in L1), so the kernel reads them from one pointer
//   C [M, N] = alpha · op(A) [M, K] · op(B) + beta · C      (the kernel, two rows of A at a time; beta = 0
//                                                          never reads C)
//
// Each output is a dot product along K, 16 lanes at a time, so every lane of every FMA holds a real
// product. A micro-tile pads N = 10 to 16 or 32 columns (10 of 16 lanes used); the transposed product
// C^T = op(B)^T op(A)^T pads only M, but then op(A) must be copied transposed into B panels, which cost
// more than the product's FMAs (128x10x256 with the AVX-512 kernel: 3.6 of 10.3 us).
// Threads split the rows; K is never split, so each output is computed the same way whatever the thread count.
#include "internal/st_internal.h"
#include "internal/st_workspace.h"

#define ST_NARROW_MAX_B 8192 // floats of op(B), 32 KiB: it is read once per row of A (per pair for N <= 8)

int st_sgemm_narrow_shape(const st_sgemm_ukr_desc *d, st_trans ta, int64_t m, int64_t n, int64_t k) {
    return d->narrow != NULL && ta == ST_NO_TRANS && m >= 2 && n >= 2 && n <= 16 && 2 * n <= d->nr && k >= 64 &&
           n * k <= ST_NARROW_MAX_B;
}

typedef struct {
    st_sgemm_narrow_fn kernel;
    int64_t m, n, k;
    float alpha, beta;
    const float *a, *bp; // a: op(A) [M, K], rows at stride lda; bp: op(B) packed [ceil(K/16), N, 16]
    int64_t lda, ldc;
    float *c;
} narrow_ctx;

static void narrow_rows(const void *ctx, int t, int nt) {
    const narrow_ctx *x = ctx;
    const int64_t i0 = x->m * t / nt, i1 = x->m * (t + 1) / nt;
    if (i1 > i0)
        x->kernel(x->k, i1 - i0, x->n, x->alpha, x->a + i0 * x->lda, x->lda, x->bp, x->beta, x->c + i0 * x->ldc, x->ldc);
}

st_status st_sgemm_narrow(const st_sgemm_ukr_desc *d, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha,
                          const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    const int64_t packed = (k + 15) / 16 * n * 16;
    float *bp = st_workspace_get(ST_WS_SWAP, (size_t)packed);
    if (bp == NULL)
        return st_fail(ST_ERR_ALLOCATION, "sgemm: cannot allocate %lld bytes of scratch", (long long)(packed * 4));
    // op(B) = B stored [K, N]: element (p, j) at b[p * ldb + j]; op(B) = B^T stored [N, K]: at b[j * ldb + p].
    st_pack_narrow(b, tb == ST_NO_TRANS ? ldb : 1, tb == ST_NO_TRANS ? 1 : ldb, k, n, bp);
    narrow_ctx x = {.kernel = d->narrow, .m = m, .n = n, .k = k, .alpha = alpha, .beta = beta, .a = a, .lda = lda,
                    .bp = bp, .ldc = ldc, .c = c};
    // Threads: at least 256 Ki multiply-adds each.
    int nt = st_get_num_threads();
    while (nt > 1 && m * n * k < (int64_t)nt << 18) nt--;
    st_run_team(nt, narrow_rows, &x);
    return ST_OK;
}
