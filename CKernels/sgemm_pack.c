// Packing for the packed SGEMM.
//   A block op(A)[MC, KC] -> ceil(MC/MR) micro-panels [KC, MR]  (column p of the panel is contiguous)
//   B block op(B)[KC, NC] -> ceil(NC/NR) micro-panels [KC, NR]  (row p of the panel is contiguous)
// Rows/columns past the matrix edge are zero so every micro-kernel call computes a full tile.
#include "internal/st_internal.h"
#if defined(__x86_64__)
#include <emmintrin.h> // SSE2: part of the x86-64 baseline, no run-time dispatch needed
#endif

// The copy loops below move one micro-panel row (8-32 floats) at a time: ST_NO_MEMCPY (st_internal.h) keeps
// the compiler from turning them into memcpy calls, whose call overhead costs more than the copy (14% of a
// 64x3072x768 product).

// Transposing copy of a group of g rows (g = 8, 6, 4, 2 or 1, a compile-time constant at every call):
// out[p * ld + r] = src[r][p]. The group walks all of p before the next group starts, so only g source rows
// are read at a time: with all of a 16-wide panel's rows at once, rows a multiple of 4 KiB apart (B^T with
// ldb = 1024 or 3072) fall in one L1 set and evict each other (3x slower), and 16 read streams are more
// than the prefetchers follow.
static inline __attribute__((always_inline)) void transpose_group(const float *const *rows, const int g, int64_t kc,
                                                                  float *ST_RESTRICT out, int64_t ld) {
    const float *src[8];
    for (int r = 0; r < g; r++) src[r] = rows[r];
    int64_t p = 0;
#if defined(__x86_64__)
    for (; g >= 2 && p + 4 <= kc; p += 4) {
        float *o = out + p * ld;
        int h = 0;
        for (; h + 4 <= g; h += 4) { // 4 x 4 blocks in SSE registers
            __m128 x0 = _mm_loadu_ps(src[h] + p), x1 = _mm_loadu_ps(src[h + 1] + p);
            __m128 x2 = _mm_loadu_ps(src[h + 2] + p), x3 = _mm_loadu_ps(src[h + 3] + p);
            _MM_TRANSPOSE4_PS(x0, x1, x2, x3); // x_q = column p + q of rows h..h+3
            _mm_storeu_ps(o + h, x0);
            _mm_storeu_ps(o + ld + h, x1);
            _mm_storeu_ps(o + 2 * ld + h, x2);
            _mm_storeu_ps(o + 3 * ld + h, x3);
        }
        if (h + 2 == g) { // a last pair of rows: 2 x 4 -> 4 x 2
            const __m128 y0 = _mm_loadu_ps(src[h] + p), y1 = _mm_loadu_ps(src[h + 1] + p);
            const __m128 lo = _mm_unpacklo_ps(y0, y1), hi = _mm_unpackhi_ps(y0, y1);
            _mm_storel_pi((__m64 *)(o + h), lo);
            _mm_storeh_pi((__m64 *)(o + ld + h), lo);
            _mm_storel_pi((__m64 *)(o + 2 * ld + h), hi);
            _mm_storeh_pi((__m64 *)(o + 3 * ld + h), hi);
        }
    }
#endif
    for (; p < kc; p++)
        for (int r = 0; r < g; r++) out[p * ld + r] = src[r][p];
}

// Transposing copy: rows src[0..w) (each read along p) -> panel [kc, ld], panel[p * ld + r] = src[r][p] for
// r < w (columns w..ld-1 untouched), in groups of 8 rows, then one of 6, 4 or 2, then a single row (MR = 6:
// one group). Used for op(A) = A (row tiles of A) and op(B) = B^T (column tiles of op(B)), full tiles
// (w = ld) and short edge tiles alike.
ST_NO_MEMCPY static void transpose_rows(const float *const *src, int64_t w, int64_t kc, float *ST_RESTRICT panel, int64_t ld) {
    int64_t r = 0;
    for (; r + 8 <= w; r += 8) transpose_group(src + r, 8, kc, panel + r, ld);
    switch ((w - r) / 2 * 2) {
    case 6: transpose_group(src + r, 6, kc, panel + r, ld), r += 6; break;
    case 4: transpose_group(src + r, 4, kc, panel + r, ld), r += 4; break;
    case 2: transpose_group(src + r, 2, kc, panel + r, ld), r += 2; break;
    }
    if (r < w) transpose_group(src + r, 1, kc, panel + r, ld);
}

ST_NO_MEMCPY void st_transpose(const float *src, int64_t ld, int64_t rows, int64_t cols, float *ST_RESTRICT out, int64_t ldo) {
    for (int64_t r0 = 0; r0 < rows; r0 += 8) { // groups of up to 8 rows: see transpose_group
        const int64_t w = rows - r0 < 8 ? rows - r0 : 8;
        const float *s[8];
        for (int64_t r = 0; r < w; r++) s[r] = src + (r0 + r) * ld;
        transpose_rows(s, w, cols, out + r0, ldo);
    }
}

/// Panels [t0, t1) of `count` stored rows (row i at base + i * ld, read from column p0 on), w rows per panel:
/// panel t, at out + t * panel_stride, holds rows t*w ..< t*w + w transposed to [kc, w], zero past `count`.
ST_NO_MEMCPY static void pack_rows_transposed(const float *base, int64_t ld, int64_t p0, int64_t count, int64_t t0,
                                              int64_t t1, int64_t kc, int64_t w, int64_t panel_stride,
                                              float *ST_RESTRICT out) {
    for (int64_t t = t0; t < t1; t++) {
        const int64_t first = t * w, rows = count - first < w ? count - first : w;
        float *ST_RESTRICT panel = out + t * panel_stride; // [kc, w]
        if (rows < w) // a short edge tile: the whole panel zeroed first, then its rows transposed over it
            for (int64_t i = 0; i < kc * w; i++) panel[i] = 0.0f;
        st_transpose(base + first * ld + p0, ld, rows, kc, panel, w);
    }
}

/// `panels` full micro-panels from one source row: panel t, at dst + t * panel_stride, gets src[t*w : t*w + w].
/// w is a compile-time constant (see pack_rows_dealt), so each copy is a few vector moves.
static inline __attribute__((always_inline)) void deal_row(const float *ST_RESTRICT src, float *ST_RESTRICT dst,
                                                           int64_t panels, int64_t panel_stride, const int64_t w) {
    for (int64_t t = 0; t < panels; t++)
        for (int64_t r = 0; r < w; r++) dst[t * panel_stride + r] = src[t * w + r];
}

/// The last panel [kc, w] of a dealt copy: row p = src[p * ld ..< p * ld + last], zero up to w. A loop to
/// `last` and another to w cost ~15 cycles per row (128x10x256 packs only this panel, 4 of 6 rows wide: it
/// was 9% of the product's time). With w a compile-time constant:
/// - w <= 8 (A's MR): w fixed moves, each of a source float or zero by the test j < last, which has the same
///   outcome in every row and is always predicted (2.5x faster at w = 6);
/// - wider (B's NR): the panel is zeroed first, then each row copies last / 4 runs of 4 floats and a
///   remainder of 0-3 through one switch with the same target in every row (w = 16: 1.0-2x faster).
static inline __attribute__((always_inline)) void last_panel(const float *ST_RESTRICT src, int64_t ld, int64_t kc,
                                                              int64_t last, float *ST_RESTRICT panel, const int64_t w) {
    if (w <= 8) {
        for (int64_t p = 0; p < kc; p++)
            for (int64_t j = 0; j < w; j++) panel[p * w + j] = j < last ? src[p * ld + j] : 0.0f;
        return;
    }
    for (int64_t i = 0; i < kc * w; i++) panel[i] = 0.0f;
    const int64_t runs = last / 4 * 4;
    for (int64_t p = 0; p < kc; p++) {
        const float *ST_RESTRICT s = src + p * ld;
        float *ST_RESTRICT d = panel + p * w;
        for (int64_t j = 0; j < runs; j += 4)
            for (int q = 0; q < 4; q++) d[j + q] = s[j + q];
        switch (last - runs) {
        case 3: d[runs + 2] = s[runs + 2]; // fall through
        case 2: d[runs + 1] = s[runs + 1]; // fall through
        case 1: d[runs] = s[runs];
        }
    }
}

/// `panels` full panels [kc, w] from kc rows (row p at src + p * ld): the st_sgemm_pack_fn contract with
/// NR = w. The rows are walked in order (one sequential stream each, instead of one cache line per row per
/// panel) and each is dealt out to the panels.
static inline __attribute__((always_inline)) void deal_rows(const float *ST_RESTRICT src, int64_t ld, int64_t kc,
                                                            int64_t panels, int64_t panel_stride,
                                                            float *ST_RESTRICT out, const int64_t w) {
    for (int64_t p = 0; p < kc; p++) {
        const float *row = src + p * ld;
        if (p + 4 < kc) // the source is often read from memory: fetch the row four ahead, every cache line of it
            for (int64_t off = 0; off < panels * w; off += 16) __builtin_prefetch(row + 4 * ld + off);
        deal_row(row, out + p * w, panels, panel_stride, w);
    }
}

// The portable B-panel copies, one per NR: the fallback and the SIMD copies' test oracle.
#define ST_PACK_REF(w)                                                                                       \
    ST_NO_MEMCPY void sgemm_pack_ref_##w(const float *ST_RESTRICT src, int64_t ld, int64_t kc, int64_t panels, \
                                         int64_t panel_stride, float *ST_RESTRICT out) {                      \
        deal_rows(src, ld, kc, panels, panel_stride, out, w);                                                \
    }
ST_PACK_REF(8)
ST_PACK_REF(12)
ST_PACK_REF(16)
ST_PACK_REF(32)

/// Panels [t0, t1) of a block whose rows are contiguous runs (row p at base + (p0 + p) * ld, `count` elements),
/// w columns per panel: panel t, at out + t * panel_stride, is [kc, w] with row p = that row's elements
/// t*w ..< t*w + w, zero past `count`. Used for op(A) = Aᵀ (rows of A; full panels by deal_rows) and
/// op(B) = B (rows of B; full panels by the kernel's copy `full_copy`). w is a compile-time constant at the
/// calls in pack_rows_dealt.
static inline __attribute__((always_inline)) void dealt(const float *base, int64_t ld, int64_t p0, int64_t count,
                                                        int64_t t0, int64_t t1, int64_t kc, const int64_t w,
                                                        int64_t panel_stride, float *ST_RESTRICT out,
                                                        st_sgemm_pack_fn full_copy) {
    const int64_t tlast = t1 - 1, last = count - tlast * w < w ? count - tlast * w : w; // the last panel's width
    // A last panel of full width is dealt in the main pass (a second pass would fetch a line per row again).
    const int64_t full = last == w ? t1 - t0 : tlast - t0;
    const float *src = base + p0 * ld + t0 * w;
    if (full > 0 && full_copy != NULL) full_copy(src, ld, kc, full, panel_stride, out + t0 * panel_stride);
    else if (full > 0) deal_rows(src, ld, kc, full, panel_stride, out + t0 * panel_stride, w);
    if (last < w) // the short last panel, zero-padded
        last_panel(base + p0 * ld + tlast * w, ld, kc, last, out + tlast * panel_stride, w);
}

ST_NO_MEMCPY static void pack_rows_dealt(const float *base, int64_t ld, int64_t p0, int64_t count, int64_t t0,
                                         int64_t t1, int64_t kc, int64_t w, int64_t panel_stride,
                                         float *ST_RESTRICT out, st_sgemm_pack_fn full_copy) {
    if (t0 >= t1) return;
    switch (w) { // the micro-kernels' MR and NR
    case 4: dealt(base, ld, p0, count, t0, t1, kc, 4, panel_stride, out, full_copy); break;
    case 6: dealt(base, ld, p0, count, t0, t1, kc, 6, panel_stride, out, full_copy); break;
    case 8: dealt(base, ld, p0, count, t0, t1, kc, 8, panel_stride, out, full_copy); break;
    case 12: dealt(base, ld, p0, count, t0, t1, kc, 12, panel_stride, out, full_copy); break;
    case 16: dealt(base, ld, p0, count, t0, t1, kc, 16, panel_stride, out, full_copy); break;
    case 32: dealt(base, ld, p0, count, t0, t1, kc, 32, panel_stride, out, full_copy); break;
    default: dealt(base, ld, p0, count, t0, t1, kc, w, panel_stride, out, full_copy); break;
    }
}

ST_NO_MEMCPY void st_pack_a(const float *a, int64_t lda, st_trans ta, int64_t i0, int64_t p0, int64_t mc, int64_t kc,
               int64_t mr, float *ST_RESTRICT ap) {
    const int64_t panels = (mc + mr - 1) / mr;
    // op(A)(i, p) = a[p * lda + i]: row p of A is column p of every panel, contiguous in i
    if (ta == ST_TRANS) pack_rows_dealt(a + i0, lda, p0, mc, 0, panels, kc, mr, mr * kc, ap, NULL);
    // op(A) = A: stored rows i become panel columns
    else pack_rows_transposed(a + i0 * lda, lda, p0, mc, 0, panels, kc, mr, mr * kc, ap);
}

ST_NO_MEMCPY void st_pack_b(const st_sgemm_ukr_desc *ukr, const float *b, int64_t ldb, st_trans tb, int64_t p0,
               int64_t j0, int64_t kc, int64_t nc, int64_t jp0, int64_t jp1, int64_t panel_stride,
               float *ST_RESTRICT bp) {
    const int64_t nr = ukr->nr;
    // op(B)(p, j) = b[p * ldb + j]: row p of the block is a contiguous run of B
    if (tb == ST_NO_TRANS) pack_rows_dealt(b + j0, ldb, p0, nc, jp0, jp1, kc, nr, panel_stride, bp, ukr->pack_b);
    // op(B)(p, j) = b[j * ldb + p]: stored rows j become panel columns
    else pack_rows_transposed(b + j0 * ldb, ldb, p0, nc, jp0, jp1, kc, nr, panel_stride, bp);
}
