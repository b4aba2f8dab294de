// Fused softmax cross-entropy: one pass over each row of logits gives the row's loss and the
// probabilities the backward pass needs.
//   logits x: [N, C]   labels y: [N] (int64)   probs p: [N, C]   dx: [N, C]
//   loss_i = logsumexp(x_i) − x_i[y_i] = −logSoftmax(x_i)[y_i];   mean over N
//   dL/dx = (p − onehot(y)) · scale   (scale = upstream gradient / N for the mean)
// Cost: ~5 FLOPs per logit forward, 1 backward; bytes: read x, write p (forward), read p, write dx.
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <math.h>
#include <stdlib.h>

static void row_f32(int64_t C, const float *x, int64_t y, float *p, double *loss) {
    float m;
    double s;
    if (!st_softmax_row_f32_simd(0, C, x, p, &m, &s)) { // p = softmax(x), m = max, s = Σ exp(x − m)
        m = x[0];
        for (int64_t j = 1; j < C; j++) m = x[j] > m ? x[j] : m;
        s = 0;
        for (int64_t j = 0; j < C; j++) s += exp((double)(x[j] - m));
        for (int64_t j = 0; j < C; j++) p[j] = (float)(exp((double)(x[j] - m)) / s);
    }
    *loss = (double)m + log(s) - (double)x[y]; // logsumexp(x) − x[y]
}

static void row_f64(int64_t C, const double *x, int64_t y, double *p, double *loss) {
    double m = x[0], s = 0;
    for (int64_t j = 1; j < C; j++) m = x[j] > m ? x[j] : m;
    for (int64_t j = 0; j < C; j++) s += exp(x[j] - m);
    double lse = m + log(s);
    *loss = lse - x[y];
    for (int64_t j = 0; j < C; j++) p[j] = exp(x[j] - lse);
}

st_status st_cross_entropy(st_dtype dtype, int64_t N, int64_t C, const void *logits, const int64_t *labels,
                           void *probs, double *mean_loss) {
    for (int64_t i = 0; i < N; i++)
        if (labels[i] < 0 || labels[i] >= C)
            return st_fail(ST_ERR_ARGUMENT, "Target %lld is out of bounds for %lld classes: expected 0 <= target < %lld",
                           (long long)labels[i], (long long)C, (long long)C);
    double stack_losses[256];
    double *losses = N <= 256 ? stack_losses : malloc((size_t)N * sizeof(double));
    if (!losses) return st_fail(ST_ERR_ALLOCATION, "st_cross_entropy: no memory for %lld row losses", (long long)N);
    const int threads = st_threads_for(N * C);
    ST_FOR(threads, i, N, {
        if (dtype == ST_F32)
            row_f32(C, (const float *)logits + i * C, labels[i], (float *)probs + i * C, &losses[i]);
        else
            row_f64(C, (const double *)logits + i * C, labels[i], (double *)probs + i * C, &losses[i]);
    });
    double total = 0;
    for (int64_t i = 0; i < N; i++) total += losses[i]; // in row order: independent of the threads
    if (losses != stack_losses) free(losses);
    *mean_loss = N > 0 ? total / (double)N : NAN;
    return ST_OK;
}

void st_cross_entropy_backward(st_dtype dtype, int64_t N, int64_t C, const void *probs, const int64_t *labels,
                               double scale, void *dx) {
    const int threads = st_threads_for(N * C);
    ST_FOR(threads, i, N, {
        if (dtype == ST_F32) {
            const float *p = (const float *)probs + i * C;
            float *d = (float *)dx + i * C, s = (float)scale;
            for (int64_t j = 0; j < C; j++) d[j] = p[j] * s;
            d[labels[i]] -= s;
        } else {
            const double *p = (const double *)probs + i * C;
            double *d = (double *)dx + i * C;
            for (int64_t j = 0; j < C; j++) d[j] = p[j] * scale;
            d[labels[i]] -= scale;
        }
    });
}
