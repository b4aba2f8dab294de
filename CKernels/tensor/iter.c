// The strided N-D iterator behind every elementwise kernel (see internal/st_iter.h).
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"

int st_threads_for(int64_t work) {
    if (work < ST_PARALLEL_MIN) return 1;
    int t = st_get_num_threads();
    int64_t most = work / (ST_PARALLEL_MIN / 2);
    return (int64_t)t < most ? t : (int)(most < 1 ? 1 : most);
}

/// Pointer of operand k at the start of `row` (row counts over every dimension but the last).
static inline char *row_pointer(const st_iter *it, int k, int64_t row) {
    if (it->ndim == 2) // the common case after coalescing (a broadcast row, a transposed matrix): no division
        return it->base[k] + row * it->strides[k][0] * (int64_t)it->esize[k];
    int64_t off = 0;
    for (int d = it->ndim - 2; d >= 0 && row > 0; d--) {
        int64_t size = it->shape[d];
        off += (row % size) * it->strides[k][d];
        row /= size;
    }
    return it->base[k] + off * (int64_t)it->esize[k];
}

void st_iter_run(const st_iter *it, st_row_fn fn, const void *ctx) {
    int64_t n = it->ndim > 0 ? it->shape[it->ndim - 1] : 1, rows = 1;
    for (int d = 0; d + 1 < it->ndim; d++) rows *= it->shape[d];
    if (n == 0 || rows == 0) return;
    int64_t step[ST_ITER_MAX_OPS] = {0};
    for (int k = 0; k < it->nops; k++) step[k] = it->ndim > 0 ? it->strides[k][it->ndim - 1] : 0;
    int64_t chunks = n > ST_ROW_CHUNK ? (n + ST_ROW_CHUNK - 1) / ST_ROW_CHUNK : 1;
    int64_t chunk = chunks > 1 ? ST_ROW_CHUNK : n, tasks = rows * chunks;
    const int threads = st_threads_for(rows * n);
    ST_FOR(threads, t, tasks, {
        int64_t row = chunks == 1 ? t : t / chunks, start = chunks == 1 ? 0 : t % chunks * chunk; // no division per row
        int64_t len = n - start < chunk ? n - start : chunk;
        char *ptrs[ST_ITER_MAX_OPS];
        for (int k = 0; k < it->nops; k++)
            ptrs[k] = row_pointer(it, k, row) + start * step[k] * (int64_t)it->esize[k];
        fn(ctx, len, ptrs, step);
    });
}
