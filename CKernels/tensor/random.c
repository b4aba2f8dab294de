// Random numbers: xoshiro256** (Blackman & Vigna) seeded through splitmix64; uniform values from the
// top 24 (float) or 53 (double) bits; normal values by the Box-Muller transform. The same seed gives
// the same numbers on every machine and thread count (generation is serial).
#include "../internal/st_internal.h"
#include "swifttorch_tensor.h"
#include <math.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next_u64(st_rng *r) {
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t st_rng_next(st_rng *rng) { return next_u64(rng); }

void st_rng_seed(st_rng *rng, uint64_t seed) {
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

/// Uniform in [0, 1) with 53 random bits.
static inline double unit53(st_rng *r) { return (double)(next_u64(r) >> 11) * 0x1.0p-53; }

void st_rng_uniform(st_rng *rng, st_dtype dtype, int64_t n, void *out, double lo, double hi) {
    double w = hi - lo;
    if (dtype == ST_F32) {
        for (int64_t i = 0; i < n; i++) {
            float u = (float)(next_u64(rng) >> 40) * 0x1.0p-24f;
            float v = (float)lo + (float)w * u;
            ((float *)out)[i] = v < (float)hi ? v : (float)lo; // rounding must not reach hi
        }
    } else {
        for (int64_t i = 0; i < n; i++) ((double *)out)[i] = lo + w * unit53(rng);
    }
}

void st_rng_normal(st_rng *rng, st_dtype dtype, int64_t n, void *out, double mean, double std) {
    for (int64_t i = 0; i < n; i += 2) {
        double u1 = 1.0 - unit53(rng), u2 = unit53(rng); // u1 in (0, 1]: log(u1) is finite
        double radius = sqrt(-2.0 * log(u1)), angle = 2.0 * M_PI * u2;
        double z0 = mean + std * radius * cos(angle), z1 = mean + std * radius * sin(angle);
        if (dtype == ST_F32) {
            ((float *)out)[i] = (float)z0;
            if (i + 1 < n) ((float *)out)[i + 1] = (float)z1;
        } else {
            ((double *)out)[i] = z0;
            if (i + 1 < n) ((double *)out)[i + 1] = z1;
        }
    }
}

/// Unbiased integer in [0, bound) by rejection.
static uint64_t below(st_rng *r, uint64_t bound) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound, x;
    do x = next_u64(r); while (x >= limit);
    return x % bound;
}

void st_rng_permutation(st_rng *rng, int64_t n, int64_t *out) {
    for (int64_t i = 0; i < n; i++) out[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)below(rng, (uint64_t)i + 1), t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
}
