// Tensor storage: aligned allocation with live/peak statistics and a cache of large freed blocks.
//
// Blocks of up to 1 KiB come straight from malloc; larger ones are aligned to ST_ALIGN (a cache line).
// Blocks of 64 KiB and more are rounded up to a size class (quarter steps between powers of two, at most
// 25% slack) and, when freed, kept in a list for the next request of the same class, up to a limit
// (default 1 GiB); when it is reached the oldest blocks go back to the system. A training loop then reuses the same pages every step instead of faulting in fresh
// ones: a 64 MiB tensor from the system costs ~16k page faults, more than the arithmetic on it, and
// glibc serves blocks from 128 KiB with mmap/munmap, so even a small MLP's activations would fault anew
// every step.
// Statistics count the bytes callers asked for, so they match the estimate of a shape ledger.
#include "../internal/st_internal.h"
#include "swifttorch_tensor.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CACHE_MIN ((size_t)64 << 10)
#define CACHE_SLOTS 1024
/// Blocks up to this size come from malloc (16-byte aligned); larger ones are ST_ALIGN-aligned.
#define SMALL_MAX 1024

typedef struct { void *p; size_t capacity; } cached_block;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached_block cache[CACHE_SLOTS];
static int cache_count = 0;
static int64_t cache_bytes = 0;
static int64_t cache_limit = -1; // -1: not read yet

static atomic_llong live_bytes = 0, peak_bytes = 0, allocations = 0;

size_t st_dtype_size(st_dtype dtype) {
    switch (dtype) {
    case ST_F32: case ST_I32: return 4;
    case ST_F64: case ST_I64: return 8;
    }
    return 0;
}

/// Size class of a large block: the next of 4 steps between consecutive powers of two.
static size_t size_class(size_t bytes) {
    size_t p = CACHE_MIN;
    while (p * 2 <= bytes) p *= 2;
    size_t q = p / 4;
    return (bytes + q - 1) / q * q;
}

static int64_t limit_locked(void) {
    if (cache_limit < 0) {
        const char *env = getenv("SWIFTTORCH_CACHE_BYTES");
        cache_limit = env ? atoll(env) : ((int64_t)1 << 30);
        if (cache_limit < 0) cache_limit = 0;
    }
    return cache_limit;
}

static void count_alloc(size_t bytes) {
    long long live = atomic_fetch_add(&live_bytes, (long long)bytes) + (long long)bytes;
    atomic_fetch_add(&allocations, 1);
    long long peak = atomic_load(&peak_bytes);
    while (live > peak && !atomic_compare_exchange_weak(&peak_bytes, &peak, live)) {}
}

void *st_tensor_alloc(size_t bytes) {
    void *p = NULL;
    if (bytes <= SMALL_MAX) {
        // malloc's 16-byte alignment is enough for kernels that load unaligned; posix_memalign costs
        // more than a tiny op's arithmetic.
        p = malloc(bytes ? bytes : 1);
        if (!p) return NULL;
    } else if (bytes < CACHE_MIN) {
        size_t rounded = (bytes + ST_ALIGN - 1) / ST_ALIGN * ST_ALIGN;
        if (posix_memalign(&p, ST_ALIGN, rounded) != 0) return NULL;
    } else {
        size_t cap = size_class(bytes);
        pthread_mutex_lock(&cache_lock);
        for (int i = cache_count - 1; i >= 0; i--) {
            if (cache[i].capacity == cap) {
                p = cache[i].p;
                cache[i] = cache[--cache_count];
                cache_bytes -= (int64_t)cap;
                break;
            }
        }
        pthread_mutex_unlock(&cache_lock);
        if (!p) {
            size_t align = cap >= ((size_t)2 << 20) ? ((size_t)2 << 20) : ST_ALIGN;
            if (posix_memalign(&p, align, cap) != 0) return NULL;
#ifdef MADV_HUGEPAGE
            if (align > ST_ALIGN) madvise(p, cap, MADV_HUGEPAGE);
#endif
        }
    }
    count_alloc(bytes);
    return p;
}

void st_tensor_free(void *p, size_t bytes) {
    if (!p) return;
    atomic_fetch_sub(&live_bytes, (long long)bytes);
    if (bytes >= CACHE_MIN) {
        size_t cap = size_class(bytes);
        void *evicted[CACHE_SLOTS];
        int n_evicted = 0;
        pthread_mutex_lock(&cache_lock);
        const int64_t limit = limit_locked();
        if ((int64_t)cap <= limit) {
            // Make room by dropping the oldest blocks: the block freed now is the likeliest to be
            // requested again (the next step of a loop), a block cached long ago the least.
            int drop = 0;
            int64_t bytes_after = cache_bytes;
            while (drop < cache_count && (cache_count - drop >= CACHE_SLOTS || bytes_after + (int64_t)cap > limit)) {
                bytes_after -= (int64_t)cache[drop].capacity;
                evicted[n_evicted++] = cache[drop++].p;
            }
            if (drop > 0) memmove(cache, cache + drop, (size_t)(cache_count - drop) * sizeof *cache);
            cache_count -= drop;
            cache_bytes = bytes_after;
            cache[cache_count++] = (cached_block){p, cap};
            cache_bytes += (int64_t)cap;
            p = NULL;
        }
        pthread_mutex_unlock(&cache_lock);
        for (int i = 0; i < n_evicted; i++) free(evicted[i]);
    }
    free(p);
}

st_alloc_stats st_get_alloc_stats(void) {
    st_alloc_stats s;
    s.live_bytes = atomic_load(&live_bytes);
    s.peak_bytes = atomic_load(&peak_bytes);
    s.allocations = atomic_load(&allocations);
    pthread_mutex_lock(&cache_lock);
    s.cached_bytes = cache_bytes;
    pthread_mutex_unlock(&cache_lock);
    return s;
}

void st_reset_alloc_stats(void) {
    atomic_store(&peak_bytes, atomic_load(&live_bytes));
    atomic_store(&allocations, 0);
}

void st_empty_cache(void) {
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < cache_count; i++) free(cache[i].p);
    cache_count = 0;
    cache_bytes = 0;
    pthread_mutex_unlock(&cache_lock);
}

void st_set_cache_limit(int64_t bytes) {
    pthread_mutex_lock(&cache_lock);
    cache_limit = bytes < 0 ? 0 : bytes;
    pthread_mutex_unlock(&cache_lock);
    st_empty_cache();
}
