// Cache blocking for the packed SGEMM, derived analytically from the cache geometry
// (after Low, Igual, Smith, Quintana-Orti, "Analytical modeling is enough for high-performance BLIS", 2016).
//
//   KC: the B micro-panel [KC, NR] stays in L1 while the A micro-panels [MR, KC] stream through it;
//       B gets the ways left after one way for C and A's share:  ways_B = floor((W1 - 1) / (1 + MR/NR)),
//       KC = ways_B * (L1 / W1) / (NR * 4).
//       A kernel whose B row is longer than a cache line gets KC >= ST_KC_WIDE (B micro-panel from L2).
//   MC: the packed A block [MC, KC] stays in L2 beside one B micro-panel and one way for C:
//       ways_A = W2 - 1 - ceil(KC*NR*4 / (L2/W2)),  MC = ways_A * (L2/W2) / (KC*4), a multiple of MR.
//   NC: the packed B block [KC, NC] stays in L3 beside the A block:
//       ways = W3 - 1 - ceil(MC*KC*4 / (L3/W3)),  NC = ways * (L3/W3) / (KC*4), a multiple of NR.
#include "internal/st_internal.h"
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>

#define ST_KC_WIDE 512 // measured on Zen 4 (12x32, 1024^3 and 2048^3): KC 160 -> ~101 GFLOP/s, 384 -> 106, 512 -> 108

static int64_t ways_of(st_cache_level c) {
    if (c.associativity > 0) return c.associativity;
    if (c.associativity == -1) return 16; // fully associative: model it as 16-way
    return 8;
}
static int64_t round_down(int64_t v, int64_t multiple) { return v / multiple * multiple; }
static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

st_blocking st_blocking_derive(st_cache_info caches, int64_t mr, int64_t nr) {
    caches = st_cache_sanitize(caches);
    if (mr < 1) mr = 1;
    if (nr < 1) nr = 1;
    const int64_t f = (int64_t)sizeof(float);

    const int64_t w1 = ways_of(caches.l1d), way1 = caches.l1d.size / w1;
    int64_t ways_b = (int64_t)((double)(w1 - 1) / (1.0 + (double)mr / (double)nr));
    if (ways_b < 1) ways_b = 1;
    int64_t kc = round_down(ways_b * way1 / (nr * f), 8);
    if (nr * f > caches.l1d.line && kc < ST_KC_WIDE) {
        // A wide micro-panel (a B row longer than a line: the 12x32 AVX-512 kernel's is two) leaves KC at half the
        // narrow kernel's (160 on 32 KiB / 8 ways), and the C tile is then updated twice as often per FMA.
        // Such kernels stream the B micro-panel from L2 instead, as BLIS's AVX-512 configurations do
        // (Skylake-X KC = 384, Zen 4 KC = 480): KC = ST_KC_WIDE, as long as the panel takes at most a
        // quarter of L2.
        const int64_t cap = round_down(caches.l2.size / 4 / (nr * f), 8);
        const int64_t wide = ST_KC_WIDE < cap ? ST_KC_WIDE : cap;
        if (wide > kc) kc = wide;
    }
    if (kc < 8) kc = 8;
    if (kc > 4096) kc = 4096;

    const int64_t w2 = ways_of(caches.l2), way2 = caches.l2.size / w2;
    int64_t ways_a = w2 - 1 - ceil_div(kc * nr * f, way2);
    if (ways_a < 1) ways_a = 1;
    int64_t mc = round_down(ways_a * way2 / (kc * f), mr);
    if (mc < mr) mc = mr;

    const int64_t w3 = ways_of(caches.l3), way3 = caches.l3.size / w3;
    int64_t ways_bb = w3 - 1 - ceil_div(mc * kc * f, way3);
    if (ways_bb < 1) ways_bb = 1;
    int64_t nc = round_down(ways_bb * way3 / (kc * f), nr);
    if (nc < nr) nc = nr;
    if (nc > 16384) nc = round_down(16384, nr);

    return (st_blocking){mr, nr, mc, kc, nc};
}

// Overrides: environment (read once) and st_blocking_set (under a lock).
static pthread_mutex_t st_blocking_lock = PTHREAD_MUTEX_INITIALIZER;
static st_blocking st_set_overrides = {0, 0, 0, 0, 0};
static st_blocking st_env_overrides = {0, 0, 0, 0, 0};
static pthread_once_t st_env_once = PTHREAD_ONCE_INIT;

static int64_t env_value(const char *name) {
    const char *s = getenv(name);
    if (s == NULL) return 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (end != s && *end == '\0' && v > 0) return (int64_t)v;
    fprintf(stderr, "swifttorch: %s=%s is not a positive integer; ignored (the derived value is used)\n", name, s);
    return 0;
}

static void read_env(void) {
    st_env_overrides.mc = env_value("SWIFTTORCH_MC");
    st_env_overrides.kc = env_value("SWIFTTORCH_KC");
    st_env_overrides.nc = env_value("SWIFTTORCH_NC");
}

// The blocking per ISA, cached: deriving it on every call cost ~15% of an 8x8x8 product. st_blocking_set
// starts a new generation, which empties the cache (the environment is read once, the caches detected once).
static st_blocking st_cached[ST_ISA_COUNT];
static unsigned st_cached_gen[ST_ISA_COUNT]; // 0: not cached
static unsigned st_generation = 1;

void st_blocking_set(st_blocking o) {
    pthread_mutex_lock(&st_blocking_lock);
    st_set_overrides = o;
    st_generation = st_generation + 1 == 0 ? 1 : st_generation + 1;
    pthread_mutex_unlock(&st_blocking_lock);
}

void st_blocking_reset(void) { st_blocking_set((st_blocking){0, 0, 0, 0, 0}); }

st_blocking st_blocking_active(void) { return st_blocking_for(st_sgemm_ukr_for(st_isa_active())); }

st_blocking st_blocking_for(const st_sgemm_ukr_desc *d) {
    pthread_once(&st_env_once, read_env);
    pthread_mutex_lock(&st_blocking_lock);
    if (st_cached_gen[d->isa] == st_generation) {
        const st_blocking cached = st_cached[d->isa];
        pthread_mutex_unlock(&st_blocking_lock);
        return cached;
    }
    const unsigned generation = st_generation;
    const st_blocking layers[2] = {st_env_overrides, st_set_overrides};
    pthread_mutex_unlock(&st_blocking_lock);
    st_blocking b = st_blocking_derive(st_cache_detect(), d->mr, d->nr);
    for (int i = 0; i < 2; i++) {
        if (layers[i].mc > 0) b.mc = layers[i].mc;
        if (layers[i].kc > 0) b.kc = layers[i].kc;
        if (layers[i].nc > 0) b.nc = layers[i].nc;
    }
    b.mc = b.mc < b.mr ? b.mr : round_down(b.mc, b.mr);
    b.nc = b.nc < b.nr ? b.nr : round_down(b.nc, b.nr);
    if (b.kc > 1 << 20) b.kc = 1 << 20;
    if (b.mc > 1 << 20) b.mc = round_down(1 << 20, b.mr);
    if (b.nc > 1 << 20) b.nc = round_down(1 << 20, b.nr);
    pthread_mutex_lock(&st_blocking_lock); // (if st_blocking_set ran meanwhile, the next call derives again)
    st_cached[d->isa] = b;
    st_cached_gen[d->isa] = generation;
    pthread_mutex_unlock(&st_blocking_lock);
    return b;
}
