// Row functions of the elementwise kernels for one element type. Included once per dtype by
// tensor/elementwise.c with T (the element type), SFX (a name suffix), IS_INT (and T_MIN, T_MAX for
// integer types) and the math functions M_EXP, M_LOG, M_SQRT, M_TANH, M_SIN, M_COS, M_POW, M_FABS defined.
//
// Every loop has a contiguous fast path (steps of 1, or a broadcast scalar operand) that the compiler
// vectorizes, and a general strided path.

#include "st_template.h"

/// Applies EXPR(x, y) over a row with the four stride patterns.
#define BIN_LOOP(EXPR)                                                                        \
    if (so == 1 && sa == 1 && sb == 1) {                                                      \
        for (int64_t i = 0; i < n; i++) { T x = a[i], y = b[i]; o[i] = (T)(EXPR); }           \
    } else if (so == 1 && sa == 1 && sb == 0) {                                               \
        T y = b[0];                                                                           \
        for (int64_t i = 0; i < n; i++) { T x = a[i]; o[i] = (T)(EXPR); }                     \
    } else if (so == 1 && sa == 0 && sb == 1) {                                               \
        T x = a[0];                                                                           \
        for (int64_t i = 0; i < n; i++) { T y = b[i]; o[i] = (T)(EXPR); }                     \
    } else {                                                                                  \
        for (int64_t i = 0; i < n; i++) { T x = a[i * sa], y = b[i * sb]; o[i * so] = (T)(EXPR); } \
    }

static void CAT(binary_row, SFX)(const void *ctx, int64_t n, char *const *p, const int64_t *s) {
    st_binary_op op = *(const st_binary_op *)ctx;
    T *o = (T *)p[0];
    const T *a = (const T *)p[1], *b = (const T *)p[2];
    int64_t so = s[0], sa = s[1], sb = s[2];
    switch (op) {
    case ST_ADD: BIN_LOOP(x + y); break;
    case ST_SUB: BIN_LOOP(x - y); break;
    case ST_MUL: BIN_LOOP(x * y); break;
#if IS_INT
    case ST_DIV: case ST_POW: for (int64_t i = 0; i < n; i++) o[i * so] = 0; break; // refused by Swift
#else
    case ST_DIV: BIN_LOOP(x / y); break;
    case ST_POW: BIN_LOOP(M_POW(x, y)); break;
#endif
    case ST_MAXIMUM: BIN_LOOP(IS_NAN(x) ? x : (IS_NAN(y) ? y : (x > y ? x : y))); break;
    case ST_MINIMUM: BIN_LOOP(IS_NAN(x) ? x : (IS_NAN(y) ? y : (x < y ? x : y))); break;
    case ST_EQ: BIN_LOOP(x == y); break;
    case ST_NE: BIN_LOOP(x != y); break;
    case ST_LT: BIN_LOOP(x < y); break;
    case ST_LE: BIN_LOOP(x <= y); break;
    case ST_GT: BIN_LOOP(x > y); break;
    case ST_GE: BIN_LOOP(x >= y); break;
    case ST_RELU_GRAD: BIN_LOOP(y <= 0 ? 0 : x); break; // NaN x passes dY, as in PyTorch
    }
}

/// Applies EXPR(x) over a row, contiguous or strided.
#define UN_LOOP(EXPR)                                                                         \
    if (so == 1 && sx == 1) {                                                                 \
        for (int64_t i = 0; i < n; i++) { T x = a[i]; o[i] = (T)(EXPR); }                     \
    } else {                                                                                  \
        for (int64_t i = 0; i < n; i++) { T x = a[i * sx]; o[i * so] = (T)(EXPR); }           \
    }

typedef struct { st_unary_op op; double p0, p1; } CAT(unary_ctx, SFX);

#if IS_INT
/// A parameter as T, saturated: an open clamp bound is ±inf, and converting a double outside T's range
/// to an integer is undefined behavior (x86 gives T_MIN, so clamp(min: 0) returned T_MIN everywhere).
static inline T CAT(param, SFX)(double v) {
    if (v != v) return 0;
    if (v <= (double)T_MIN) return T_MIN;
    if (v >= (double)T_MAX) return T_MAX;
    return (T)v;
}
#endif

#if !IS_INT
/// Logistic sigmoid without overflow: the exponential is always of a non-positive number.
static inline T CAT(sigmoid, SFX)(T x) {
    T e = (T)M_EXP(-(x < 0 ? -x : x));
    return x >= 0 ? (T)1 / ((T)1 + e) : e / ((T)1 + e);
}
#endif

static void CAT(unary_row, SFX)(const void *ctx, int64_t n, char *const *p, const int64_t *s) {
    const CAT(unary_ctx, SFX) *c = ctx;
    T *o = (T *)p[0];
    const T *a = (const T *)p[1];
    int64_t so = s[0], sx = s[1];
#if IS_INT
    const T p0 = CAT(param, SFX)(c->p0), p1 = CAT(param, SFX)(c->p1);
#else
    const T p0 = (T)c->p0, p1 = (T)c->p1;
#endif
    switch (c->op) {
    case ST_NEG: UN_LOOP(-x); break;
    case ST_ABS: UN_LOOP(x < 0 ? -x : x); break;
    case ST_RELU: UN_LOOP(x < 0 ? 0 : x); break;
    case ST_SIGN: UN_LOOP((x > 0) - (x < 0)); break;
    case ST_SQUARE: UN_LOOP(x * x); break;
    case ST_CLAMP: UN_LOOP(x < p0 ? p0 : (x > p1 ? p1 : x)); break;
    case ST_MASK_RANGE: UN_LOOP(x >= p0 && x <= p1); break;
    case ST_ADD_S: UN_LOOP(x + p0); break;
    case ST_MUL_S: UN_LOOP(x * p0); break;
    case ST_RSUB_S: UN_LOOP(p0 - x); break;
    case ST_EQ_S: UN_LOOP(x == p0); break;
    case ST_NE_S: UN_LOOP(x != p0); break;
    case ST_LT_S: UN_LOOP(x < p0); break;
    case ST_LE_S: UN_LOOP(x <= p0); break;
    case ST_GT_S: UN_LOOP(x > p0); break;
    case ST_GE_S: UN_LOOP(x >= p0); break;
#if IS_INT
    default: for (int64_t i = 0; i < n; i++) o[i * so] = 0; break; // refused by the Swift layer
#else
    case ST_RDIV_S: UN_LOOP(p0 / x); break;
    case ST_POW_S: UN_LOOP(M_POW(x, p0)); break;
    case ST_RPOW_S: UN_LOOP(M_POW(p0, x)); break;
    case ST_EXP: UN_LOOP(M_EXP(x)); break;
    case ST_LOG: UN_LOOP(M_LOG(x)); break;
    case ST_SQRT: UN_LOOP(M_SQRT(x)); break;
    case ST_TANH: UN_LOOP(M_TANH(x)); break;
    case ST_SIN: UN_LOOP(M_SIN(x)); break;
    case ST_COS: UN_LOOP(M_COS(x)); break;
    case ST_SIGMOID: UN_LOOP(CAT(sigmoid, SFX)(x)); break;
    case ST_LEAKY_RELU: UN_LOOP(x > 0 ? x : p0 * x); break;
    case ST_STEP: UN_LOOP(x > 0 ? 1 : p0); break;
    case ST_SILU: UN_LOOP(x * CAT(sigmoid, SFX)(x)); break;
    case ST_SILU_GRAD: {
        T sg;
        UN_LOOP((sg = CAT(sigmoid, SFX)(x), sg * (1 + x * (1 - sg))));
        break;
    }
    case ST_GELU: UN_LOOP(gelu64((int)c->p0, (double)x)); break;
    case ST_GELU_GRAD: UN_LOOP(gelu_grad64((int)c->p0, (double)x)); break;
#endif
    }
}

static void CAT(where_row, SFX)(const void *ctx, int64_t n, char *const *p, const int64_t *s) {
    (void)ctx;
    T *o = (T *)p[0];
    const T *c = (const T *)p[1], *a = (const T *)p[2], *b = (const T *)p[3];
    for (int64_t i = 0; i < n; i++) o[i * s[0]] = c[i * s[1]] != 0 ? a[i * s[2]] : b[i * s[3]];
}

static void CAT(accumulate_row, SFX)(const void *ctx, int64_t n, char *const *p, const int64_t *s) {
    (void)ctx;
    T *o = (T *)p[0];
    const T *a = (const T *)p[1];
    if (s[0] == 1 && s[1] == 1) {
        for (int64_t i = 0; i < n; i++) o[i] += a[i];
    } else {
        for (int64_t i = 0; i < n; i++) o[i * s[0]] += a[i * s[1]];
    }
}

#undef BIN_LOOP
#undef UN_LOOP
