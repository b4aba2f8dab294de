// The GEMV shapes of the packed SGEMM (M = 1 or N = 1): bound by memory bandwidth (two FLOPs per matrix
// element), so instead of packing the matrix into micro-panels first, the matrix is streamed once in
// storage order by the matrix-vector kernels (ukr/sgemv_kernels.c). This file never names an ISA.
//
//   M = 1:  y [N] = x [K] · op(B)     x = row 0 of op(A); B [K, N] -> rows form, B^T stored [N, K] -> dots form
//   N = 1:  y [M] = op(A) · x [K]     x = column 0 of op(B); A [M, K] -> dots form, A^T stored [K, M] -> rows form
//   then C = alpha · y + beta · C (beta = 0 never reads C).
// Threads split the outputs (columns of the rows form in 16-float multiples, rows of the dots form): K is
// never split, so each output is computed by the same operations whatever the thread count.
#include "internal/st_internal.h"
#include "internal/st_workspace.h"

/// Rows-form column block: acc stays in L1 and each matrix row is read in runs of 8 KiB.
#define ST_GEMV_COLUMN_BLOCK 2048

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/// Outputs [j0, j1) of thread t of nt, split at multiples of 16.
static void share(int64_t l, int t, int nt, int64_t *j0, int64_t *j1) {
    *j0 = t == 0 ? 0 : l * t / nt / 16 * 16;
    *j1 = t == nt - 1 ? l : l * (t + 1) / nt / 16 * 16;
}

typedef struct {
    st_sgemv_kernels kern;
    int rows_form;
    int64_t k, l, ldm;
    const float *x, *mat;
    float *y; // [l]: the product before alpha and beta
} gemv_ctx;

static void gemv_worker(const void *ctx, int t, int nt) {
    const gemv_ctx *g = ctx;
    int64_t j0, j1;
    share(g->l, t, nt, &j0, &j1);
    if (!g->rows_form) {
        if (j1 > j0) g->kern.dots(g->k, j1 - j0, g->x, g->mat + j0 * g->ldm, g->ldm, g->y + j0);
        return;
    }
    for (int64_t jb = j0; jb < j1; jb += ST_GEMV_COLUMN_BLOCK) {
        const int64_t w = min64(ST_GEMV_COLUMN_BLOCK, j1 - jb);
        for (int64_t j = 0; j < w; j++) g->y[jb + j] = 0.0f;
        g->kern.rows(g->k, w, g->x, g->mat + jb, g->ldm, g->y + jb);
    }
}

int st_sgemv_shape(int64_t m, int64_t n) { return m == 1 || n == 1; }

st_status st_sgemv(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                   int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    gemv_ctx g = {.kern = st_sgemv_kernels_for(st_isa_active()), .k = k};
    const float *x;
    int64_t incx, incy;
    if (m == 1) { // x = op(A)[0, :], the matrix is op(B)
        x = a, incx = ta == ST_NO_TRANS ? 1 : lda;
        g.rows_form = tb == ST_NO_TRANS, g.mat = b, g.ldm = ldb, g.l = n, incy = 1;
    } else { // n == 1: x = op(B)[:, 0], the matrix is op(A)
        x = b, incx = tb == ST_NO_TRANS ? ldb : 1;
        g.rows_form = ta == ST_TRANS, g.mat = a, g.ldm = lda, g.l = m, incy = ldc;
    }
    float *buf = st_workspace_get(ST_WS_SWAP, (size_t)(g.l + (incx == 1 ? 0 : k)));
    if (buf == NULL)
        return st_fail(ST_ERR_ALLOCATION, "sgemm: cannot allocate %lld bytes of GEMV scratch",
                       (long long)((g.l + k) * 4));
    g.y = buf;
    if (incx != 1) { // gather a strided vector once: the kernels read x for every matrix row
        float *xc = buf + g.l;
        for (int64_t p = 0; p < k; p++) xc[p] = x[p * incx];
        x = xc;
    }
    g.x = x;

    // Threads: at least 64 Ki matrix elements and 64 outputs each.
    int nt = st_get_num_threads();
    while (nt > 1 && (k * g.l < (int64_t)nt << 16 || g.l < 64 * nt)) nt--;
    st_run_team(nt, gemv_worker, &g);

    for (int64_t j = 0; j < g.l; j++) {
        float *out = c + j * incy;
        *out = beta == 0.0f ? alpha * g.y[j] : alpha * g.y[j] + beta * *out;
    }
    return ST_OK;
}
