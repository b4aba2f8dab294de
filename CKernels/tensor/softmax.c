// Row softmax and log-softmax over contiguous [rows, cols], max-subtracted so softmax([1000, 1001, 1002])
// equals softmax([1, 2, 3]). A row of cols floats is read from memory once and written once: the
// max, exp and scale passes after the first read hit the cache for rows up to L2 size.
//   softmax(x)_j    = exp(x_j - m) / s,       s = sum_j exp(x_j - m), m = max_j x_j
//   logSoftmax(x)_j = x_j - m - log(s)
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <math.h>

static void softmax_row_f32(int log_form, int64_t n, const float *x, float *y) {
    if (st_softmax_row_f32_simd(log_form, n, x, y, NULL, NULL)) return;
    float m = x[0];
    for (int64_t j = 1; j < n; j++) m = x[j] > m ? x[j] : m;
    for (int64_t j = 0; j < n; j++) y[j] = x[j] - m;
    if (log_form) {
        // exp into y, sum, then overwrite y with the log form (x - m is recomputed, exactly as above).
        st_vexp_f32(n, y, y);
        double s = 0;
        for (int64_t j = 0; j < n; j++) s += y[j];
        float ls = (float)log(s);
        for (int64_t j = 0; j < n; j++) y[j] = (x[j] - m) - ls;
        return;
    }
    st_vexp_f32(n, y, y);
    float lane[16] = {0};
    int64_t j = 0;
    for (; j + 16 <= n; j += 16)
        for (int k = 0; k < 16; k++) lane[k] += y[j + k];
    double s = 0;
    for (int k = 0; k < 16; k++) s += lane[k];
    for (; j < n; j++) s += y[j];
    float inv = (float)(1.0 / s);
    for (j = 0; j < n; j++) y[j] *= inv;
}

static void softmax_row_f64(int log_form, int64_t n, const double *x, double *y) {
    double m = x[0], s = 0;
    for (int64_t j = 1; j < n; j++) m = x[j] > m ? x[j] : m;
    for (int64_t j = 0; j < n; j++) s += exp(x[j] - m);
    double ls = log(s);
    for (int64_t j = 0; j < n; j++) y[j] = log_form ? (x[j] - m) - ls : exp(x[j] - m - ls);
}

void st_softmax(st_dtype dtype, int log_form, int64_t rows, int64_t cols, const void *x, void *out) {
    if (cols == 0) return;
    const int threads = st_threads_for(rows * cols);
    ST_FOR(threads, r, rows, {
        if (dtype == ST_F32) softmax_row_f32(log_form, cols, (const float *)x + r * cols, (float *)out + r * cols);
        else softmax_row_f64(log_form, cols, (const double *)x + r * cols, (double *)out + r * cols);
    });
}
