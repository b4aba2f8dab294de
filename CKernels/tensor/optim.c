// Optimizer updates, one fused pass over each parameter (read p, g and the state, write p and the
// state). Float32 and float64 parameters; the arithmetic is in the parameter's type.
//   p, g, buf, m, v: [n]
//   SGD:   g ← g + wd·p;  momentum: buf ← μ·buf + g (buf = g on the first step);
//          nesterov: g ← g + μ·buf, else g ← buf;  p ← p − lr·g
//   Adam:  g ← g + wd·p (L2, Adam only);  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
//          p ← p − lr·(m / c1) / (√(v / c2) + eps),  c1 = 1 − β1^t, c2 = 1 − β2^t
//          AdamW then decays decoupled: p ← p·(1 − lr·wd)
// Bytes per element: SGD 12 (16 with momentum), Adam 28 in float32.
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <math.h>

/// Chunks small enough to share among threads, large enough to stream.
#define OPT_CHUNK 16384

#define SGD_BODY(T, SQRT)                                                                           \
    T *p = (T *)param; const T *g = (const T *)grad; T *b = (T *)buf;                            \
    const T lr = (T)h->lr, mu = (T)h->momentum, wd = (T)h->weight_decay;                         \
    for (int64_t i = lo; i < hi; i++) {                                                          \
        T d = g[i] + wd * p[i];                                                                   \
        if (b) {                                                                                  \
            b[i] = h->first_step ? d : mu * b[i] + d;                                             \
            d = h->nesterov ? d + mu * b[i] : b[i];                                               \
        }                                                                                         \
        p[i] -= lr * d;                                                                           \
    }

void st_sgd_step(st_dtype dtype, int64_t n, void *param, const void *grad, void *buf, const st_sgd_params *h) {
    const int threads = st_threads_for(n);
    ST_FOR(threads, c, (n + OPT_CHUNK - 1) / OPT_CHUNK, {
        int64_t lo = c * OPT_CHUNK, hi = lo + OPT_CHUNK < n ? lo + OPT_CHUNK : n;
        if (dtype == ST_F32) { SGD_BODY(float, sqrtf) } else { SGD_BODY(double, sqrt) }
    });
}

#define ADAM_BODY(T, SQRT)                                                                          \
    T *p = (T *)param; const T *g = (const T *)grad; T *m = (T *)m_; T *v = (T *)v_;             \
    const T lr = (T)h->lr, b1 = (T)h->beta1, b2 = (T)h->beta2, eps = (T)h->eps;                   \
    const T wd = (T)h->weight_decay, ic1 = (T)(1 / c1), ic2 = (T)(1 / c2);                         \
    const T l2 = h->decoupled ? 0 : wd, keep = h->decoupled ? (T)(1 - h->lr * h->weight_decay) : 1; \
    for (int64_t i = lo; i < hi; i++) {                                                          \
        T d = g[i] + l2 * p[i];                                                                   \
        m[i] = b1 * m[i] + (1 - b1) * d;                                                          \
        v[i] = b2 * v[i] + (1 - b2) * d * d;                                                      \
        p[i] = (p[i] - lr * (m[i] * ic1) / (SQRT(v[i] * ic2) + eps)) * keep;                      \
    }

void st_adam_step(st_dtype dtype, int64_t n, void *param, const void *grad, void *m_, void *v_,
                  const st_adam_params *h) {
    const double c1 = 1 - pow(h->beta1, (double)h->step), c2 = 1 - pow(h->beta2, (double)h->step);
    const int threads = st_threads_for(n);
    ST_FOR(threads, c, (n + OPT_CHUNK - 1) / OPT_CHUNK, {
        int64_t lo = c * OPT_CHUNK, hi = lo + OPT_CHUNK < n ? lo + OPT_CHUNK : n;
        if (dtype == ST_F32) { ADAM_BODY(float, sqrtf) } else { ADAM_BODY(double, sqrt) }
    });
}
