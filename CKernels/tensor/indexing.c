// Index kernels: index_select / gather (embeddings, picking the target logit), their scatter-add
// backward, and one-hot rows. Indices are int64 and checked; a bad one fails with a message.
//   x: [O, D, I] contiguous; index_select index: [n]; gather index: [O, n, I]; out: [O, n, I]
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <string.h>

void st_min_max_i64(int64_t n, const int64_t *x, int64_t *mn, int64_t *mx) {
    int64_t lo = 0, hi = 0;
    for (int64_t i = 0; i < n; i++) {
        if (i == 0 || x[i] < lo) lo = x[i];
        if (i == 0 || x[i] > hi) hi = x[i];
    }
    *mn = lo;
    *mx = hi;
}

static st_status check_indices(const char *op, int64_t n, const int64_t *index, int64_t D) {
    for (int64_t j = 0; j < n; j++)
        if (index[j] < 0 || index[j] >= D)
            return st_fail(ST_ERR_ARGUMENT, "%s: index %lld is out of bounds for a dimension of size %lld", op,
                           (long long)index[j], (long long)D);
    return ST_OK;
}

st_status st_index_select(size_t esize, int64_t O, int64_t D, int64_t I, const void *x,
                          int64_t n, const int64_t *index, void *out) {
    st_status s = check_indices("indexSelect", n, index, D);
    if (s != ST_OK) return s;
    size_t row = (size_t)I * esize;
    const int threads = st_threads_for(O * n * I);
    ST_FOR(threads, t, O * n, {
        int64_t o = t / n, j = t % n;
        memcpy((char *)out + (size_t)t * row, (const char *)x + (size_t)(o * D + index[j]) * row, row);
    });
    return ST_OK;
}

#define ADD_ROWS(T)                                                                            \
    for (int64_t o = 0; o < O; o++)                                                            \
        for (int64_t j = 0; j < n; j++) {                                                      \
            T *d = (T *)dx + (o * D + index[j]) * I;                                           \
            const T *s = (const T *)g + (o * n + j) * I;                                       \
            for (int64_t i = 0; i < I; i++) d[i] += s[i];                                      \
        }

void st_index_add(st_dtype dtype, int64_t O, int64_t D, int64_t I, void *dx, int64_t n, const int64_t *index,
                  const void *g) {
    // Serial over j: two j may hit the same row, and a fixed order keeps the sum bit-identical.
    if (dtype == ST_F32) { ADD_ROWS(float) } else { ADD_ROWS(double) }
}

st_status st_gather(size_t esize, int64_t O, int64_t D, int64_t I, const void *x, int64_t n,
                    const int64_t *index, void *out) {
    st_status s = check_indices("gather", O * n * I, index, D);
    if (s != ST_OK) return s;
    for (int64_t o = 0; o < O; o++)
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < I; i++) {
                int64_t t = (o * n + j) * I + i;
                memcpy((char *)out + (size_t)t * esize, (const char *)x + (size_t)((o * D + index[t]) * I + i) * esize,
                       esize);
            }
    return ST_OK;
}

#define SCATTER(T)                                                                             \
    for (int64_t o = 0; o < O; o++)                                                            \
        for (int64_t j = 0; j < n; j++)                                                        \
            for (int64_t i = 0; i < I; i++) {                                                  \
                int64_t t = (o * n + j) * I + i;                                               \
                ((T *)dx)[(o * D + index[t]) * I + i] += ((const T *)g)[t];                    \
            }

void st_scatter_add(st_dtype dtype, int64_t O, int64_t D, int64_t I, void *dx, int64_t n, const int64_t *index,
                    const void *g) {
    if (dtype == ST_F32) { SCATTER(float) } else { SCATTER(double) }
}

st_status st_one_hot(st_dtype dtype, int64_t n, const int64_t *labels, int64_t classes, void *out) {
    st_status s = check_indices("oneHot", n, labels, classes);
    if (s != ST_OK) return s;
    st_fill(dtype, n * classes, out, 0);
    for (int64_t r = 0; r < n; r++) {
        int64_t at = r * classes + labels[r];
        switch (dtype) {
        case ST_F32: ((float *)out)[at] = 1; break;
        case ST_F64: ((double *)out)[at] = 1; break;
        case ST_I32: ((int32_t *)out)[at] = 1; break;
        case ST_I64: ((int64_t *)out)[at] = 1; break;
        }
    }
    return ST_OK;
}
