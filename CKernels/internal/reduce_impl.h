// Reduction over the middle axis of a contiguous [O, R, I] array, for one element type. Included once
// per dtype by tensor/reduce.c with T, SFX, ACC (the sum accumulator type) and IS_INT defined.

#include "st_template.h"

/// Sum of a contiguous row: 16 independent lanes (vectorized without reassociating), flushed into the
/// wider accumulator every 1024 elements.
static ACC CAT(row_sum, SFX)(int64_t n, const T *x) {
    ACC total = 0;
    for (int64_t start = 0; start < n; start += 1024) {
        int64_t end = start + 1024 < n ? start + 1024 : n, i = start;
        T lane[16] = {0};
        for (; i + 16 <= end; i += 16)
            for (int j = 0; j < 16; j++) lane[j] += x[i + j];
        T block = 0;
        for (int j = 0; j < 16; j++) block += lane[j];
        for (; i < end; i++) block += x[i];
        total += (ACC)block;
    }
    return total;
}

/// out[i0:i1] of one o: reduce x[o, :, i0:i1] over R.
static void CAT(reduce_cols, SFX)(st_reduce_op op, int64_t R, int64_t I, const T *x, void *out_row,
                                  int64_t i0, int64_t i1) {
    if (op == ST_SUM) {
        // Accumulate in ACC like the row sums: a float32 running sum over a tall R loses ~R·ε
        // (100,000 × 0.1 summed down a column gave 9998.56).
        T *o = (T *)out_row;
        ACC acc[1024]; // i1 - i0 <= 1024: the column block of CAT(reduce, SFX)
        for (int64_t i = i0; i < i1; i++) acc[i - i0] = 0;
        for (int64_t r = 0; r < R; r++) {
            const T *xr = x + r * I;
            for (int64_t i = i0; i < i1; i++) acc[i - i0] += (ACC)xr[i];
        }
        for (int64_t i = i0; i < i1; i++) o[i] = (T)acc[i - i0];
    } else if (op == ST_MAX || op == ST_MIN) {
        T *o = (T *)out_row;
        int is_max = op == ST_MAX;
        for (int64_t i = i0; i < i1; i++) o[i] = x[i];
        for (int64_t r = 1; r < R; r++) {
            const T *xr = x + r * I;
            for (int64_t i = i0; i < i1; i++) {
                T v = xr[i], m = o[i];
                o[i] = IS_NAN(m) ? m : IS_NAN(v) ? v : (is_max ? (v > m ? v : m) : (v < m ? v : m));
            }
        }
    } else {
        int64_t *o = (int64_t *)out_row;
        int is_max = op == ST_ARGMAX;
        for (int64_t i = i0; i < i1; i++) {
            T m = x[i];
            int64_t best = 0;
            for (int64_t r = 1; r < R && !IS_NAN(m); r++) {
                T v = x[r * I + i];
                if (IS_NAN(v) || (is_max ? v > m : v < m)) { m = v; best = r; }
            }
            o[i] = best;
        }
    }
}

/// out[k] = sum over a and b of x[a, k, b], x a contiguous [A, K, B]: each (a, k) row is summed as a row
/// sum, and the rows of one k are added in order of a in ACC. Threads split k only, so the result does not
/// depend on the thread count. (A bias gradient: dY [N, C, H·W] summed over N and H·W, with no copy.)
static void CAT(sum_outer_inner, SFX)(int64_t A, int64_t K, int64_t B, const T *x, T *out) {
    int threads = st_threads_for(A * K * B);
    if ((int64_t)threads > K) threads = (int)K;
    ST_FOR(threads, k, K, {
        ACC s = 0;
        for (int64_t a = 0; a < A; a++) s += CAT(row_sum, SFX)(B, x + (a * K + k) * B);
        out[k] = (T)s;
    });
}

static void CAT(reduce, SFX)(st_reduce_op op, int64_t O, int64_t R, int64_t I, const T *x, void *out) {
    size_t osize = (op == ST_ARGMAX || op == ST_ARGMIN) ? sizeof(int64_t) : sizeof(T);
    if (R == 0) { // empty reduction: sum is 0; the Swift layer refuses max/min/arg* of nothing
        for (int64_t i = 0; i < O * I; i++) ((T *)out)[i] = 0;
        return;
    }
    if (I == 1 && op == ST_SUM) {
        // Rows cut into fixed chunks (independent of the thread count), summed in chunk order.
        const int64_t chunk = 1 << 16;
        int64_t per_row = (R + chunk - 1) / chunk, tasks = O * per_row;
        ACC stack_parts[64];
        ACC *parts = tasks <= 64 ? stack_parts : malloc((size_t)tasks * sizeof(ACC));
        if (!parts) { // no memory for the partials: one thread adds the chunks in the same order
            for (int64_t o = 0; o < O; o++) {
                ACC s = 0;
                for (int64_t start = 0; start < R; start += chunk)
                    s += CAT(row_sum, SFX)(R - start < chunk ? R - start : chunk, x + o * R + start);
                ((T *)out)[o] = (T)s;
            }
            return;
        }
        const int threads = st_threads_for(O * R);
        ST_FOR(threads, t, tasks, {
            int64_t o = t / per_row, c = t % per_row, start = c * chunk;
            int64_t len = R - start < chunk ? R - start : chunk;
            parts[t] = CAT(row_sum, SFX)(len, x + o * R + start);
        });
        for (int64_t o = 0; o < O; o++) {
            ACC s = 0;
            for (int64_t c = 0; c < per_row; c++) s += parts[o * per_row + c];
            ((T *)out)[o] = (T)s;
        }
        if (parts != stack_parts) free(parts);
        return;
    }
    // Tasks are (o, block of columns); each reduces its columns over all of R.
    int64_t cols = I < 1024 ? I : 1024, blocks = (I + cols - 1) / cols, tasks = O * blocks;
    const int threads = st_threads_for(O * R * I);
    ST_FOR(threads, t, tasks, {
        int64_t o = t / blocks, i0 = (t % blocks) * cols, i1 = i0 + cols < I ? i0 + cols : I;
        CAT(reduce_cols, SFX)(op, R, I, x + o * R * I, (char *)out + (size_t)(o * I) * osize, i0, i1);
    });
}
