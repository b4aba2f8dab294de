// Packing for the packed SGEMM.
//   A block op(A)[MC, KC] -> ceil(MC/MR) micro-panels [KC, MR]  (column p of the panel is contiguous)
//   B block op(B)[KC, NC] -> ceil(NC/NR) micro-panels [KC, NR]  (row p of the panel is contiguous)
// Rows/columns past the matrix edge are zero so every micro-kernel call computes a full tile.
#include "internal/st_internal.h"
#include <string.h>

#define ST_MAX_MR 32

void st_pack_a(const float *a, int64_t lda, st_trans ta, int64_t i0, int64_t p0, int64_t mc, int64_t kc,
               int64_t mr, float *ST_RESTRICT ap) {
    for (int64_t ir = 0; ir < mc; ir += mr) {
        const int64_t rows = mc - ir < mr ? mc - ir : mr;
        float *ST_RESTRICT panel = ap + ir * kc; // [kc, mr]
        if (ta == ST_NO_TRANS) {
            const float *src[ST_MAX_MR];
            for (int64_t r = 0; r < rows; r++) src[r] = a + (i0 + ir + r) * lda + p0;
            if (rows == mr) {
                for (int64_t p = 0; p < kc; p++)
                    for (int64_t r = 0; r < mr; r++) panel[p * mr + r] = src[r][p];
            } else {
                for (int64_t p = 0; p < kc; p++) {
                    for (int64_t r = 0; r < rows; r++) panel[p * mr + r] = src[r][p];
                    for (int64_t r = rows; r < mr; r++) panel[p * mr + r] = 0.0f;
                }
            }
        } else { // op(A)(i, p) = a[p * lda + i]: each panel column is a contiguous run of A
            for (int64_t p = 0; p < kc; p++) {
                const float *src = a + (p0 + p) * lda + i0 + ir;
                memcpy(panel + p * mr, src, (size_t)rows * sizeof(float));
                for (int64_t r = rows; r < mr; r++) panel[p * mr + r] = 0.0f;
            }
        }
    }
}

void st_pack_b(const float *b, int64_t ldb, st_trans tb, int64_t p0, int64_t j0, int64_t kc, int64_t nc,
               int64_t nr, int64_t jp0, int64_t jp1, float *ST_RESTRICT bp) {
    for (int64_t jp = jp0; jp < jp1; jp++) {
        const int64_t jr = jp * nr;
        const int64_t cols = nc - jr < nr ? nc - jr : nr;
        float *ST_RESTRICT panel = bp + jp * kc * nr; // [kc, nr]
        if (tb == ST_NO_TRANS) { // row p of the panel is a contiguous run of B
            for (int64_t p = 0; p < kc; p++) {
                const float *src = b + (p0 + p) * ldb + j0 + jr;
                memcpy(panel + p * nr, src, (size_t)cols * sizeof(float));
                for (int64_t j = cols; j < nr; j++) panel[p * nr + j] = 0.0f;
            }
        } else { // op(B)(p, j) = b[j * ldb + p]: read each column of op(B) along p
            for (int64_t j = 0; j < cols; j++) {
                const float *src = b + (j0 + jr + j) * ldb + p0;
                for (int64_t p = 0; p < kc; p++) panel[p * nr + j] = src[p];
            }
            for (int64_t p = 0; p < kc; p++)
                for (int64_t j = cols; j < nr; j++) panel[p * nr + j] = 0.0f;
        }
    }
}
