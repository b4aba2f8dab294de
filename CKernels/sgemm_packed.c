// The packed SGEMM: BLIS's five loops around a micro-kernel. This file never names an ISA; the
// micro-kernel and its MR x NR come from the table for the active ISA, MC/KC/NC from st_blocking_for() on it.
//
//   for jc in 0..<N step NC            (5th loop)  B block op(B)[KC, NC] -> packed, shared by the team
//     for pc in 0..<K step KC          (4th loop)  beta applies on the first KC block only
//       pack B block                               micro-panels [KC, NR], split among threads
//       for ic in my rows step MC      (3rd loop)  A block op(A)[MC, KC] -> packed, per thread (L2),
//                                                  unless it would be used by too few B micro-panels
//         for jr in my columns step NR (2nd loop)  B micro-panel [KC, NR] stays in L1
//           for ir in 0..<MC step MR   (1st loop)  micro-kernel: C tile [MR, NR]
//         (A read in place: the 1st and 2nd loops swap, so the A micro-panel [MR, KC] of strided rows
//          stays in L1 and the packed B micro-panels stream from L2)
//
// When all of M fits one micro-tile row (M <= MR: GEMV, conv layers with few output channels) and op(B)
// is row-major, every B value is used exactly once: the micro-kernel reads B in place (row stride ldb)
// and only a short last column panel is packed, so the B matrix is read once instead of copied first.
// A row-major op(B) small enough for half of L1 is read in place too: it stays in L1 either way.
//
// Threads split the M (and, when M is short, the N) micro-panels of each block: K is never split, so
// every element of C is computed by the same sequence of operations whatever the thread count. With B
// read in place the row blocks are claimed from a counter instead of split in fixed parts.
#include "internal/st_internal.h"
#include "internal/st_workspace.h"
#include <stdatomic.h>

// Packing the A block costs one pass over it; it pays off when the block then feeds many columns of B
// (counted in columns, not micro-panels: a 32-wide panel does twice the work of a 16-wide one with each
// A value). Below this many columns the micro-kernel reads op(A) in place (strided), except for a short
// last row tile, which is packed so that the kernel never reads past row M. (As 32 panels of 16 it let the
// AVX-512 kernel read A in place for 16 panels of 32: on 1024^3 with 2 threads, 512 columns each, its 12
// rows 4 KiB apart share L1 sets of 8 ways, and the product ran at 140-195 GFLOP/s, ~210 after.)
#define ST_PACK_A_MIN_COLUMNS 512

static atomic_int st_pack_a_mode = -1; // -1 automatic, 0 never, 1 always
static atomic_int st_pack_b_mode = -1; // -1 automatic, 1 always

void st_sgemm_set_pack_a(int mode) { atomic_store(&st_pack_a_mode, mode < 0 ? -1 : mode > 0 ? 1 : 0); }
int st_sgemm_get_pack_a(void) { return atomic_load(&st_pack_a_mode); }
void st_sgemm_set_pack_b(int mode) { atomic_store(&st_pack_b_mode, mode > 0 ? 1 : -1); }
int st_sgemm_get_pack_b(void) { return atomic_load(&st_pack_b_mode); }

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
static int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t split_at(int64_t count, int part, int parts) { return count * part / parts; }
/// The block size for `total` split into ceil(total / block) equal blocks, rounded up to `multiple`.
static int64_t balanced(int64_t total, int64_t block, int64_t multiple) {
    if (total <= 0) return block;
    const int64_t b = round_up(ceil_div(total, ceil_div(total, block)), multiple);
    return b < block ? b : block;
}

typedef struct {
    st_trans ta, tb;
    int64_t m, n, k;
    float alpha, beta;
    const float *a, *b;
    float *c;
    int64_t lda, ldb, ldc;
    const st_sgemm_ukr_desc *ukr;
    st_blocking blk;
    float *bbuf;         // packed B block: NC/NR panels [KC, NR]; one copy per thread when private_b
    int64_t panel_stride; // floats between B panels: KC * NR rounded up to 16, the same for every block,
                          // so a panel never moves while another thread may still read it
    int64_t b_stride;    // floats per B block copy
    int private_b;       // the B block is small: every thread packs its own copy, no barriers
    float *abuf;         // nt packed A blocks [MC rounded up to MR, KC]
    int64_t a_stride;    // floats per thread A block
    int pack_a_mode;     // -1 automatic, 0 never, 1 always
    int inplace_b;       // op(B) row-major and M <= MR or B small: B read in place; bbuf holds one edge panel per thread
    int64_t kc_step;     // the KC blocks' size (balanced)
    int a_fits_l1;       // an A micro-panel read in place (row-major or transposed) stays in L1
    int64_t claim_rows;  // > 0: threads claim blocks of this many rows from *next_row instead of a fixed split
    _Atomic int64_t *next_row;
} packed_ctx;

// A transposed op(A) read in place gives the micro-kernel one run of MR floats per k step, stride_bytes
// apart; with the row tiles outermost that A micro-panel should stay in L1. A stride that is a multiple of
// a large power of two puts its lines in a few L1 sets (lda = 128 floats: 8 of 64 sets), where they evict
// each other on every call. Then A is packed instead. True when no set needs more than half its ways:
// the k steps' offsets within one way (L1 size / ways) repeat with period way / gcd(stride, way).
static int64_t gcd64(int64_t a, int64_t b) {
    while (b != 0) {
        const int64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

/// The detected L1 as the two in-place checks below see it: line and ways (defaults where unknown), one
/// way's bytes, and the sets per way.
typedef struct {
    int64_t line, ways, way, sets;
} l1_geometry;

static l1_geometry l1_detected(void) {
    const st_cache_level l1 = st_cache_detect().l1d;
    l1_geometry g = {.line = l1.line > 0 ? l1.line : 64, .ways = l1.associativity > 0 ? l1.associativity : 8};
    g.way = l1.size / g.ways, g.sets = g.way / g.line;
    return g;
}

static int trans_a_fits_l1(int64_t stride_bytes, int64_t kc) {
    const l1_geometry l1 = l1_detected();
    const int64_t line = l1.line, ways = l1.ways, way = l1.way, sets = l1.sets;
    if (stride_bytes < line || sets < 1) return 1; // consecutive k steps share lines: a contiguous run
    const int64_t g = gcd64(stride_bytes % way, way); // offsets within a way are multiples of g
    const int64_t per_set = g >= line ? ceil_div(kc, way / g) : ceil_div(kc, sets) + 1;
    return per_set <= ways / 2;
}

// A row-major op(A) read in place gives the micro-kernel MR runs of kc floats, stride_bytes apart, and with
// the row tiles outermost that micro-panel should stay in L1 while the B panels stream through. Rows a
// multiple of 4 KiB apart (lda = 1024) start in the same L1 set, and 12 runs there overflow 8 ways on every
// call: 1024x256x1024 with the AVX-512 kernel ran at 66-97 GFLOP/s (varying run to run) against 100-104
// with A packed. True when no set holds lines of more than ways - 2 runs (one way each left for the B
// stream and C).
static int rows_a_fit_l1(int64_t stride_bytes, int64_t mr, int64_t kc) {
    const l1_geometry l1 = l1_detected();
    const int64_t line = l1.line, ways = l1.ways, way = l1.way, sets = l1.sets;
    if (sets < 1 || sets > 4096) return 1;
    int16_t count[4096]; // runs per set: only the first `sets` are used and cleared (this runs on every call)
    for (int64_t s = 0; s < sets; s++) count[s] = 0;
    int64_t worst = 0;
    for (int64_t i = 0; i < mr; i++) {
        const int64_t offset = i * stride_bytes % way, first = offset / line;
        const int64_t lines = ceil_div(offset % line + kc * (int64_t)sizeof(float), line);
        for (int64_t l = 0; l < lines && l < sets; l++) {
            const int64_t c = ++count[(first + l) % sets] + (lines - 1 - l) / sets; // runs longer than a way wrap
            if (c > worst) worst = c;
        }
    }
    return worst <= ways - 2;
}

// Thread grid tm x tn = nt over (row panels, column panels): the smallest per-thread tile count, where
// counts within 2% of it count as ties. What settles a tie is which data the threads would share:
// - split columns: every C row has a cache line that both threads write (4096x64x64 on 2 threads runs
//   at half speed);
// - split rows: a shared B block is packed by the team and read by every thread, across cores and
//   barriers (128x256x784 on 2 threads: 16% slower than the column split).
// So with a B block that each thread packs privately (or reads in place) ties go to row splits, and
// otherwise to column splits.
static void choose_grid(int nt, int64_t row_panels, int64_t col_panels, int prefer_rows, int *tm, int *tn) {
    int64_t best = -1;
    for (int r = 1; r <= nt; r++)
        if (nt % r == 0) {
            const int64_t cost = ceil_div(row_panels, r) * ceil_div(col_panels, nt / r);
            if (best < 0 || cost < best) best = cost;
        }
    *tm = 1, *tn = nt;
    for (int i = 0; i < nt; i++) { // r from 1 up, or from nt down
        const int r = prefer_rows ? nt - i : i + 1;
        if (nt % r == 0 && 50 * ceil_div(row_panels, r) * ceil_div(col_panels, nt / r) <= 51 * best) {
            *tm = r, *tn = nt / r;
            return;
        }
    }
}

// The five loops over rows [lo, hi) and all columns, or (lo < 0) over this thread's part of the grid.
static void packed_rows(const packed_ctx *x, int tid, int nt, int64_t lo, int64_t hi) {
    const int64_t MR = x->ukr->mr, NR = x->ukr->nr;
    // Blocks of equal size rather than full blocks and a short tail (K = 784, KC = 320: 3 x 262, not
    // 320 + 320 + 144): each block stays within its cache budget and no block is short of work.
    const int64_t KC = x->kc_step, NC = balanced(x->n, x->blk.nc, NR);
    const int64_t row_panels = ceil_div(x->m, MR);
    float *ap = x->abuf + (int64_t)tid * x->a_stride;
    const st_sgemm_ukr_fn kernel = x->ukr->kernel;

    for (int64_t jc = 0; jc < x->n; jc += NC) {
        const int64_t nc = min64(NC, x->n - jc);
        const int64_t col_panels = ceil_div(nc, NR);
        int tm = 1, tn = 1;
        if (lo < 0) choose_grid(nt, row_panels, col_panels, x->private_b || x->inplace_b, &tm, &tn);
        const int tr = lo < 0 ? tid / tn : 0, tc = lo < 0 ? tid % tn : 0; // claimed rows: all columns
        const int64_t r0 = lo >= 0 ? lo : split_at(row_panels, tr, tm) * MR,
                      r1 = lo >= 0 ? hi : min64(split_at(row_panels, tr + 1, tm) * MR, x->m);
        const int64_t c0 = split_at(col_panels, tc, tn), c1 = split_at(col_panels, tc + 1, tn);
        const int64_t MC = balanced(r1 - r0, x->blk.mc, MR);

        const int pack_a = x->pack_a_mode >= 0 ? x->pack_a_mode
                                               : (c1 - c0) * NR >= ST_PACK_A_MIN_COLUMNS || !x->a_fits_l1;
        // Strides of op(A) read in place: row-major A is (lda, 1), a transposed one (1, lda).
        const int64_t rs_a = x->ta == ST_NO_TRANS ? x->lda : 1, cs_a = x->ta == ST_NO_TRANS ? 1 : x->lda;

        for (int64_t pc = 0; pc < x->k; pc += KC) {
            const int64_t kc = min64(KC, x->k - pc);
            const float beta = pc == 0 ? x->beta : 1.0f;
            // With a 1 x nt grid each thread packs exactly the B panels it multiplies, and a small B block
            // is packed by every thread into its own copy: no thread waits for another. Otherwise the
            // team packs the block together and meets at a barrier.
            const int shared_b = tm > 1 && !x->private_b && !x->inplace_b;
            float *bbuf = x->private_b || x->inplace_b ? x->bbuf + (int64_t)tid * x->b_stride : x->bbuf;
            const int64_t full_panels = nc / NR; // in place: panels before this one are read from op(B)
            if (x->inplace_b) {
                if (c1 > full_panels) // this thread's short last panel
                    st_pack_b(x->ukr, x->b, x->ldb, x->tb, pc, jc + full_panels * NR, kc, nc - full_panels * NR, 0,
                              1, x->panel_stride, bbuf);
            } else {
                const int64_t jp0 = shared_b ? split_at(col_panels, tid, nt) : c0;
                const int64_t jp1 = shared_b ? split_at(col_panels, tid + 1, nt) : c1;
                st_pack_b(x->ukr, x->b, x->ldb, x->tb, pc, jc, kc, nc, jp0, jp1, x->panel_stride, bbuf);
            }
#ifdef ST_HAVE_OPENMP
            if (shared_b) {
#pragma omp barrier
            }
#endif
            for (int64_t ic = r0; ic < r1; ic += MC) {
                const int64_t mc = min64(MC, r1 - ic);
                const float *ablock = ap; // the A block [MC, KC] as the micro-kernel reads it
                int64_t rs = 1, cs = MR, panel_step = MR * kc;
                if (pack_a) {
                    st_pack_a(x->a, x->lda, x->ta, ic, pc, mc, kc, MR, ap);
                } else {
                    ablock = x->ta == ST_NO_TRANS ? x->a + ic * x->lda + pc : x->a + pc * x->lda + ic;
                    rs = rs_a, cs = cs_a, panel_step = MR * rs_a;
                    if (mc % MR != 0) // the short last row tile is packed: the kernel reads all MR rows
                        st_pack_a(x->a, x->lda, x->ta, ic + mc / MR * MR, pc, mc % MR, kc, MR, ap);
                }
                // Packed A: each B micro-panel stays in L1 while the A micro-panels stream from L2 (BLIS's
                // order). A read in place: each A micro-panel (MR strided rows) stays in L1 while the packed
                // B micro-panels stream from L2, so every row of A is fetched once per block instead of once
                // per B micro-panel.
                const int64_t tiles_r = ceil_div(mc, MR), tiles_c = c1 - c0;
                const int64_t outer = pack_a ? tiles_c : tiles_r, inner = pack_a ? tiles_r : tiles_c;
                for (int64_t o = 0; o < outer; o++)
                for (int64_t i = 0; i < inner; i++) {
                    const int64_t ti = pack_a ? i : o, jp = c0 + (pack_a ? o : i);
                    const int64_t ir = ti * MR, mr = min64(MR, mc - ir);
                    const int64_t jr = jp * NR, nr = min64(NR, nc - jr);
                    const float *bp = bbuf + jp * x->panel_stride;
                    int64_t rs_b = NR;
                    if (x->inplace_b) {
                        if (jp < full_panels) bp = x->b + pc * x->ldb + jc + jr, rs_b = x->ldb;
                        else bp = bbuf;
                    }
                    float *ctile = x->c + (ic + ir) * x->ldc + jc + jr;
                    if (pack_a || mr == MR)
                        kernel(kc, x->alpha, ablock + ti * panel_step, rs, cs, bp, rs_b, beta, ctile, x->ldc, mr, nr);
                    else
                        kernel(kc, x->alpha, ap, 1, MR, bp, rs_b, beta, ctile, x->ldc, mr, nr);
                }
            }
#ifdef ST_HAVE_OPENMP
            if (shared_b) { // the next B block overwrites this one
#pragma omp barrier
            }
#endif
        }
#ifdef ST_HAVE_OPENMP
        // A next NC block of another width may split the panels differently, and a thread could repack a
        // panel that another is still reading: then all wait here. With a column split and a next block of
        // the same width (balanced blocks), each thread only ever rewrites its own panels: no waiting
        // (64x3072x768 on 2 threads: +3%). A row split already met at the end of the last KC block. Every
        // thread computes the same condition.
        if (!x->private_b && !x->inplace_b && nt > 1 && tm == 1 && jc + NC < x->n &&
            ceil_div(min64(NC, x->n - jc - NC), NR) != col_panels) { // the next block's panel count
#pragma omp barrier
        }
#endif
    }
}

static void packed_worker(const void *ctx, int tid, int nt) {
    const packed_ctx *x = ctx;
    if (x->claim_rows <= 0) {
        packed_rows(x, tid, nt, -1, -1);
        return;
    }
    for (int64_t r0; (r0 = atomic_fetch_add(x->next_row, x->claim_rows)) < x->m;)
        packed_rows(x, tid, 1, r0, min64(r0 + x->claim_rows, x->m));
}

// Threads worth using: at least ~1 MFLOP of work per thread, and no more threads than micro-tiles.
static int choose_threads(int64_t m, int64_t n, int64_t k, int64_t mr, int64_t nr) {
    int nt = st_get_num_threads();
    const double flops = 2.0 * (double)m * (double)n * (double)k;
    const double per_thread = 1.0e6;
    if (flops < per_thread * nt) nt = (int)(flops / per_thread) < 1 ? 1 : (int)(flops / per_thread);
    const int64_t tiles = ceil_div(m, mr) * ceil_div(n, nr);
    if (nt > tiles) nt = (int)tiles;
    return nt < 1 ? 1 : nt;
}

static st_status packed_direct(const st_sgemm_ukr_desc *ukr, st_trans ta, st_trans tb, int64_t m, int64_t n,
                               int64_t k, float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                               float beta, float *c, int64_t ldc) {
    // ukr is looked up once per call: a concurrent ISA change cannot mix two kernels' shapes.
    packed_ctx x = {.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .alpha = alpha, .beta = beta, .a = a, .b = b,
                    .c = c, .lda = lda, .ldb = ldb, .ldc = ldc, .ukr = ukr, .blk = st_blocking_for(ukr),
                    .pack_a_mode = st_sgemm_get_pack_a()};
    const int64_t MR = x.ukr->mr, NR = x.ukr->nr;
    const int nt = choose_threads(m, n, k, MR, NR);
    // K is cut into equal KC blocks, each at most 10% above the cache-derived KC: the model's L1 share for B
    // is floored to whole ways and leaves that slack, and each block saved is one pass less over C (1024^3:
    // 3 blocks of 342 instead of 4 of 256). A wider KC (384) was slower on every shape tried.
    x.kc_step = balanced(k, x.blk.kc + x.blk.kc / 10, 1);
    if (m <= x.blk.mc) {
        // One A block holds all of M, so a B block is used once, right after it is packed: keep it in L2
        // (half of it) instead of sending a large block out to L3 and back. When the threads split the
        // block's columns, each keeps only its share in its own L2 (private per core, as the per-thread A
        // blocks already assume), so the block grows with the column split: 64x3072x768 on 2 threads packs
        // 768-byte runs of each B row instead of 384-byte ones (+2-5% on the deep-learning shapes).
        // (Sized with the derived KC, not the KC block: the wider block that the shorter KC blocks of
        // 64x3072x768 would allow was 2-3% slower.)
        const int64_t l2_nc = st_cache_half_l2_items(min64(x.blk.kc, k) * (int64_t)sizeof(float), INT64_MAX) / NR * NR;
        int tm = 1, tn = 1;
        choose_grid(nt, ceil_div(m, MR), ceil_div(min64(n, nt * l2_nc), NR), 0, &tm, &tn);
        x.blk.nc = min64(x.blk.nc, l2_nc > NR ? tn * l2_nc : NR);
    }
    const int64_t kc = min64(x.kc_step, k), nc = min64(x.blk.nc, round_up(n, NR)), mc = min64(x.blk.mc, round_up(m, MR));

    x.a_fits_l1 = ta == ST_NO_TRANS ? rows_a_fit_l1(lda * (int64_t)sizeof(float), MR, x.kc_step)
                                    : trans_a_fits_l1(lda * (int64_t)sizeof(float), x.kc_step);
    x.panel_stride = round_up(x.kc_step * NR, 16);
    // Panels a multiple of 4 KiB apart would put row p of every panel in the same L1 set, and packing a row
    // of op(B) writes one line into each panel: offset the panels by one cache line each.
    if (x.panel_stride * (int64_t)sizeof(float) % 4096 == 0) x.panel_stride += 16;
    const int64_t b_floats = ceil_div(nc, NR) * x.panel_stride;
    // A B block of at most 64 KiB costs less to pack once per thread than to share through barriers.
    // B is read in place (row stride ldb) when every B value is used once (M <= MR), or when all of a
    // row-major op(B) fits in half of L1: then the micro-kernel finds it in L1 anyway, and packing it
    // would only copy it (the tiny MLP's weights and gradients: packing was a third of the GEMM overhead).
    // (Not when B's rows are a multiple of 4 KiB apart: they would all fall in the same L1 sets.)
    const int64_t b_bytes = k * round_up(n, NR) * (int64_t)sizeof(float);
    const int row_aliasing = ldb * (int64_t)sizeof(float) % 4096 == 0;
    x.inplace_b = tb == ST_NO_TRANS && st_sgemm_get_pack_b() < 0 &&
                  (m <= MR || (b_bytes <= st_cache_detect().l1d.size / 2 && !row_aliasing));
    x.private_b = nt > 1 && b_floats * (int64_t)sizeof(float) <= 64 * 1024;
    x.b_stride = x.inplace_b ? x.panel_stride : b_floats;
    const int64_t b_total = x.inplace_b ? nt * x.panel_stride : x.private_b ? nt * b_floats : b_floats;
    x.a_stride = round_up(round_up(mc, MR) * kc, 16);
    float *buf = st_workspace_get(ST_WS_PACK, (size_t)(b_total + nt * x.a_stride));
    if (buf == NULL)
        return st_fail(ST_ERR_ALLOCATION, "sgemm: cannot allocate %lld bytes of packing workspace",
                       (long long)((b_total + nt * x.a_stride) * 4));
    x.bbuf = buf;
    x.abuf = buf + b_total;

    // With B read in place the threads share nothing (no packed B block, no barriers), so a row split need not
    // be fixed halves: each thread claims blocks of rows from a counter until none are left, and one that
    // starts late or runs on a busier core simply takes fewer. On 2 threads, against the fixed halves:
    // 4096x64x64 3-11% faster, products of ~40 µs (512x64x64, 1000x40x50) 1.5x, where the second thread's
    // late start had decided the time. A block gets the same values whichever thread computes it, so results
    // stay bit-identical. At least 4 blocks per thread, each at most one A block (MC rows).
    _Atomic int64_t next_row = 0;
    x.next_row = &next_row;
    x.claim_rows = 0;
    if (x.inplace_b && nt > 1) {
        int tm = 1, tn = 1;
        choose_grid(nt, ceil_div(m, MR), ceil_div(min64(balanced(n, x.blk.nc, NR), n), NR), 1, &tm, &tn);
        if (tm == nt) x.claim_rows = min64(balanced(m, x.blk.mc, MR), round_up(ceil_div(m, 4 * nt), MR));
    }
    st_run_team(nt, packed_worker, &x);
    return ST_OK;
}

// A narrow C (N well below NR) wastes most of every micro-tile. Then the transposed product
// C^T [N, M] = op(B)^T op(A)^T fills the tiles far better (128x10: 12x128 padded instead of 132x16);
// it is computed into a scratch buffer and added back transposed: C = T^T + beta * C.
#define ST_SWAP_MAX_ELEMENTS (1 << 20)

st_status st_sgemm_packed(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha,
                          const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                          int64_t ldc) {
    if (st_sgemv_shape(m, n)) return st_sgemv(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    const st_sgemm_ukr_desc *d = st_sgemm_ukr_for(st_isa_active());
    if (st_sgemm_narrow_shape(d, ta, m, n, k)) return st_sgemm_narrow(d, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    const int64_t direct = round_up(m, d->mr) * round_up(n, d->nr), swapped = round_up(n, d->mr) * round_up(m, d->nr);
    if (5 * swapped > 4 * direct || m * n > ST_SWAP_MAX_ELEMENTS)
        return packed_direct(d, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    float *t = st_workspace_get(ST_WS_SWAP, (size_t)(m * n)); // T: [N, M]
    if (t == NULL)
        return st_fail(ST_ERR_ALLOCATION, "sgemm: cannot allocate %lld bytes of scratch", (long long)(m * n * 4));
    // op(B)^T is B read with the opposite flag, and likewise op(A)^T.
    const st_trans tb_t = tb == ST_NO_TRANS ? ST_TRANS : ST_NO_TRANS, ta_t = ta == ST_NO_TRANS ? ST_TRANS : ST_NO_TRANS;
    st_status s = packed_direct(d, tb_t, ta_t, n, m, k, alpha, b, ldb, a, lda, 0.0f, t, m);
    if (s != ST_OK) return s;
    if (beta == 0.0f) {
        st_transpose(t, m, n, m, c, ldc); // C[i, j] = T[j, i], in 4 x 4 blocks
        return ST_OK;
    }
    for (int64_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        for (int64_t j = 0; j < n; j++) row[j] = t[j * m + i] + beta * row[j];
    }
    return ST_OK;
}
