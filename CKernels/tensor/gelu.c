// TEMPORARY scaffold (replaced by the SIMD kernels before commit).
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <math.h>
static double g64(int k, double x) { if (x < -40) return 0; if (k == 0) return 0.5 * x * erfc(-x * M_SQRT1_2);
    return 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))); }
static double d64(int k, double x) { if (x < -40 || x > 40) return x > 0; if (k == 0) return 0.5 * erfc(-x * M_SQRT1_2) + x * exp(-0.5 * x * x) * 0.3989422804014327;
    double t = tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)); return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * 0.7978845608028654 * (1 + 3 * 0.044715 * x * x); }
void st_gelu_f32(st_gelu_kind kind, int64_t n, const float *x, float *y) { for (int64_t i = 0; i < n; i++) y[i] = (float)g64(kind, x[i]); }
void st_gelu_backward_f32(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx) { for (int64_t i = 0; i < n; i++) dx[i] = g[i] * (float)d64(kind, x[i]); }
