// Packing for the packed SGEMM.
//   A block op(A)[MC, KC] -> ceil(MC/MR) micro-panels [KC, MR]  (column p of the panel is contiguous)
//   B block op(B)[KC, NC] -> ceil(NC/NR) micro-panels [KC, NR]  (row p of the panel is contiguous)
// Rows/columns past the matrix edge are zero so every micro-kernel call computes a full tile.
#include "internal/st_internal.h"
#if defined(__x86_64__)
#include <emmintrin.h> // SSE2: part of the x86-64 baseline, no run-time dispatch needed
#endif

#define ST_MAX_MR 32

// The copy loops below move one micro-panel row (8-32 floats) at a time: ST_NO_MEMCPY (st_internal.h) keeps
// the compiler from turning them into memcpy calls, whose call overhead costs more than the copy (14% of a
// 64x3072x768 product).

// Transposing copy: rows src[0..w) (each read along p) -> panel [kc, ld], panel[p * ld + r] = src[r][p] for
// r < w (columns w..ld-1 untouched). Used for op(A) = A (row tiles of A) and op(B) = B^T (column tiles of
// op(B)), full tiles (w = ld) and short edge tiles alike.
ST_NO_MEMCPY static void transpose_rows(const float *const *src, int64_t w, int64_t kc, float *ST_RESTRICT panel, int64_t ld) {
    int64_t p = 0;
#if defined(__x86_64__)
    for (; p + 4 <= kc; p += 4) { // 4 x 4 blocks in SSE registers, then a pair of rows, then one row
        float *out = panel + p * ld;
        int64_t r = 0;
        for (; r + 4 <= w; r += 4) {
            __m128 x0 = _mm_loadu_ps(src[r] + p), x1 = _mm_loadu_ps(src[r + 1] + p);
            __m128 x2 = _mm_loadu_ps(src[r + 2] + p), x3 = _mm_loadu_ps(src[r + 3] + p);
            _MM_TRANSPOSE4_PS(x0, x1, x2, x3); // x_q = column p + q of rows r..r+3
            _mm_storeu_ps(out + r, x0);
            _mm_storeu_ps(out + ld + r, x1);
            _mm_storeu_ps(out + 2 * ld + r, x2);
            _mm_storeu_ps(out + 3 * ld + r, x3);
        }
        if (r + 2 <= w) {
            const __m128 y0 = _mm_loadu_ps(src[r] + p), y1 = _mm_loadu_ps(src[r + 1] + p);
            const __m128 lo = _mm_unpacklo_ps(y0, y1), hi = _mm_unpackhi_ps(y0, y1);
            _mm_storel_pi((__m64 *)(out + r), lo);
            _mm_storeh_pi((__m64 *)(out + ld + r), lo);
            _mm_storel_pi((__m64 *)(out + 2 * ld + r), hi);
            _mm_storeh_pi((__m64 *)(out + 3 * ld + r), hi);
            r += 2;
        }
        if (r < w)
            for (int q = 0; q < 4; q++) out[q * ld + r] = src[r][p + q];
    }
#endif
    for (; p < kc; p++)
        for (int64_t r = 0; r < w; r++) panel[p * ld + r] = src[r][p];
}

/// panel[p * ld + r] = 0 for w <= r < ld: the zero padding of a short edge tile.
ST_NO_MEMCPY static void zero_tail(float *ST_RESTRICT panel, int64_t w, int64_t kc, int64_t ld) {
    if (w < ld)
        for (int64_t p = 0; p < kc; p++)
            for (int64_t r = w; r < ld; r++) panel[p * ld + r] = 0.0f;
}

/// Panels [t0, t1) of `count` stored rows (row i at base + i * ld, read from column p0 on), w rows per panel:
/// panel t, at out + t * panel_stride, holds rows t*w ..< t*w + w transposed to [kc, w], zero past `count`.
ST_NO_MEMCPY static void pack_rows_transposed(const float *base, int64_t ld, int64_t p0, int64_t count, int64_t t0,
                                              int64_t t1, int64_t kc, int64_t w, int64_t panel_stride,
                                              float *ST_RESTRICT out) {
    for (int64_t t = t0; t < t1; t++) {
        const int64_t first = t * w, rows = count - first < w ? count - first : w;
        const float *src[ST_MAX_MR];
        for (int64_t r = 0; r < rows; r++) src[r] = base + (first + r) * ld + p0;
        float *ST_RESTRICT panel = out + t * panel_stride; // [kc, w]
        transpose_rows(src, rows, kc, panel, w);
        zero_tail(panel, rows, kc, w);
    }
}

/// Row p of A dealt out to `panels` full micro-panels: panel t, column p gets src[t*w : t*w + w]. w is a
/// compile-time constant at every call, so each copy is a few vector moves.
static inline __attribute__((always_inline)) void deal_row(const float *ST_RESTRICT src, float *ST_RESTRICT dst,
                                                           int64_t panels, int64_t panel_floats, const int64_t w) {
    for (int64_t t = 0; t < panels; t++)
        for (int64_t r = 0; r < w; r++) dst[t * panel_floats + r] = src[t * w + r];
}

ST_NO_MEMCPY void st_pack_a(const float *a, int64_t lda, st_trans ta, int64_t i0, int64_t p0, int64_t mc, int64_t kc,
               int64_t mr, float *ST_RESTRICT ap) {
    if (ta == ST_TRANS) {
        // op(A)(i, p) = a[p * lda + i]: row p of A is column p of every panel, contiguous in i. Walk the rows
        // of A in order (one sequential run each) and deal each row out to the panels, like packing B.
        const int64_t full = mc / mr, rows = mc % mr, panel_floats = mr * kc;
        for (int64_t p = 0; p < kc && full > 0; p++) {
            const float *src = a + (p0 + p) * lda + i0;
            float *dst = ap + p * mr;
            switch (mr) { // the micro-kernels' MR
            case 4: deal_row(src, dst, full, panel_floats, 4); break;
            case 6: deal_row(src, dst, full, panel_floats, 6); break;
            case 8: deal_row(src, dst, full, panel_floats, 8); break;
            case 12: deal_row(src, dst, full, panel_floats, 12); break;
            default: deal_row(src, dst, full, panel_floats, mr); break;
            }
        }
        if (rows > 0) { // the short last panel, zero-padded
            float *ST_RESTRICT panel = ap + full * panel_floats;
            for (int64_t p = 0; p < kc; p++) {
                const float *src = a + (p0 + p) * lda + i0 + full * mr;
                for (int64_t r = 0; r < rows; r++) panel[p * mr + r] = src[r];
                for (int64_t r = rows; r < mr; r++) panel[p * mr + r] = 0.0f;
            }
        }
        return;
    }
    // op(A) = A: stored rows i become panel columns
    pack_rows_transposed(a + i0 * lda, lda, p0, mc, 0, (mc + mr - 1) / mr, kc, mr, mr * kc, ap);
}

ST_NO_MEMCPY void st_pack_b(const float *b, int64_t ldb, st_trans tb, int64_t p0, int64_t j0, int64_t kc, int64_t nc,
               int64_t nr, int64_t jp0, int64_t jp1, int64_t panel_stride, float *ST_RESTRICT bp) {
    if (jp0 >= jp1) return;
    if (tb == ST_NO_TRANS) {
        // Row p of the block is a contiguous run of B: walk the rows in order (one sequential stream per
        // row instead of one cache line per row per panel) and deal each row out to the panels.
        const int64_t jlast = jp1 - 1, last_cols = nc - jlast * nr < nr ? nc - jlast * nr : nr;
        const int64_t row_floats = (jp1 - jp0) * nr;
        for (int64_t p = 0; p < kc; p++) {
            const float *src = b + (p0 + p) * ldb + j0;
            if (p + 4 < kc) // B is often read from memory: fetch the row four ahead, every cache line of it
                for (int64_t off = 0; off < row_floats; off += 16) __builtin_prefetch(src + 4 * ldb + jp0 * nr + off);
            for (int64_t jp = jp0; jp < jlast; jp++) {
                float *ST_RESTRICT dst = bp + jp * panel_stride + p * nr;
                for (int64_t j = 0; j < nr; j++) dst[j] = src[jp * nr + j];
            }
            float *ST_RESTRICT dst = bp + jlast * panel_stride + p * nr;
            for (int64_t j = 0; j < last_cols; j++) dst[j] = src[jlast * nr + j];
            for (int64_t j = last_cols; j < nr; j++) dst[j] = 0.0f;
        }
        return;
    }
    // op(B)(p, j) = b[j * ldb + p]: stored rows j become panel columns
    pack_rows_transposed(b + j0 * ldb, ldb, p0, nc, jp0, jp1, kc, nr, panel_stride, bp);
}
