// Run-time ISA detection and selection (SWIFTTORCH_ISA overrides the choice).
#include "internal/st_internal.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const st_isa_names[ST_ISA_COUNT] = {"scalar", "avx2", "avx512", "neon"};

const char *st_isa_name(st_isa isa) {
    return (isa >= 0 && isa < ST_ISA_COUNT) ? st_isa_names[isa] : "unknown";
}

int st_isa_from_name(const char *name) {
    if (name == NULL) return -1;
    for (int i = 0; i < ST_ISA_COUNT; i++)
        if (strcmp(name, st_isa_names[i]) == 0) return i;
    return -1;
}

int st_isa_supported(st_isa isa) {
    switch (isa) {
    case ST_ISA_SCALAR: return 1;
#if defined(__x86_64__)
    case ST_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case ST_ISA_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma");
#endif
#if defined(__aarch64__)
    case ST_ISA_NEON: return 1;
#endif
    default: return 0;
    }
}

st_isa st_isa_best(void) {
    if (st_isa_supported(ST_ISA_AVX512)) return ST_ISA_AVX512;
    if (st_isa_supported(ST_ISA_AVX2)) return ST_ISA_AVX2;
    if (st_isa_supported(ST_ISA_NEON)) return ST_ISA_NEON;
    return ST_ISA_SCALAR;
}

static atomic_int st_active_isa = -1;

st_isa st_isa_active(void) {
    int isa = atomic_load(&st_active_isa);
    if (isa >= 0) return (st_isa)isa;
    isa = st_isa_best();
    const char *env = getenv("SWIFTTORCH_ISA");
    if (env != NULL && env[0] != '\0') {
        int wanted = st_isa_from_name(env);
        if (wanted < 0)
            fprintf(stderr, "swifttorch: SWIFTTORCH_ISA=%s is not one of scalar, avx2, avx512, neon; using %s\n",
                    env, st_isa_name((st_isa)isa));
        else if (!st_isa_supported((st_isa)wanted))
            fprintf(stderr, "swifttorch: SWIFTTORCH_ISA=%s is not supported by this CPU; using %s\n",
                    env, st_isa_name((st_isa)isa));
        else
            isa = wanted;
    }
    int expected = -1;
    atomic_compare_exchange_strong(&st_active_isa, &expected, isa);
    return (st_isa)atomic_load(&st_active_isa);
}

st_status st_isa_set(st_isa isa) {
    if (isa < 0 || isa >= ST_ISA_COUNT)
        return st_fail(ST_ERR_ARGUMENT, "st_isa_set: isa = %d is not a valid ISA", (int)isa);
    if (!st_isa_supported(isa))
        return st_fail(ST_ERR_UNSUPPORTED, "st_isa_set: this CPU does not support %s", st_isa_name(isa));
    atomic_store(&st_active_isa, (int)isa);
    return ST_OK;
}
