// Cache geometry: hwloc when the "hwloc" trait is on (completed from /sys where it leaves a value out), else
// /sys/devices/system/cpu, else compiled defaults.
#include "internal/st_internal.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef ST_HAVE_HWLOC
#include <hwloc.h>
#endif

// Compiled defaults: a common x86-64 / AArch64 server core.
static const st_cache_level st_default_l1d = {32 * 1024, 64, 8};
static const st_cache_level st_default_l2 = {256 * 1024, 64, 8};
static const st_cache_level st_default_l3 = {8 * 1024 * 1024, 64, 16};

static st_cache_level sanitize_level(st_cache_level c, st_cache_level fallback) {
    const int64_t max_size = (int64_t)4 << 30;
    if (c.size < 1024 || c.size > max_size) return fallback;
    if (c.line < 16 || c.line > 1024 || (c.line & (c.line - 1)) != 0) c.line = fallback.line;
    if (c.associativity == 0 || c.associativity < -1 || c.associativity > 1024) c.associativity = fallback.associativity;
    if (c.associativity > 0 && c.associativity * c.line > c.size) c.associativity = c.size / c.line;
    return c;
}

st_cache_info st_cache_sanitize(st_cache_info info) {
    info.l1d = sanitize_level(info.l1d, st_default_l1d);
    info.l2 = sanitize_level(info.l2, st_default_l2);
    info.l3 = sanitize_level(info.l3, st_default_l3);
    // Each level must be larger than the one below it; otherwise the lower level's figure is suspect.
    if (info.l2.size <= info.l1d.size) info.l2 = st_default_l2.size > info.l1d.size ? st_default_l2 : (st_cache_level){info.l1d.size * 8, info.l1d.line, 8};
    if (info.l3.size <= info.l2.size) info.l3 = (st_cache_level){info.l2.size * 4, info.l2.line, 16};
    return info;
}

#ifdef ST_HAVE_HWLOC
static int detect_hwloc(st_cache_info *out) {
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0) return 0;
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        return 0;
    }
    const hwloc_obj_type_t types[3] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE};
    st_cache_level *levels[3] = {&out->l1d, &out->l2, &out->l3};
    int found = 0;
    for (int t = 0; t < 3; t++) {
        for (int i = 0; i < hwloc_get_nbobjs_by_type(topo, types[t]); i++) {
            hwloc_obj_t obj = hwloc_get_obj_by_type(topo, types[t], (unsigned)i);
            if (obj == NULL || obj->attr == NULL) continue;
            if (obj->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION) continue;
            levels[t]->size = (int64_t)obj->attr->cache.size;
            levels[t]->line = obj->attr->cache.linesize;
            levels[t]->associativity = obj->attr->cache.associativity;
            found++;
            break;
        }
    }
    hwloc_topology_destroy(topo);
    return found > 0;
}
#endif

static int64_t read_sys_value(const char *dir, const char *file) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    char buf[64] = {0};
    int64_t value = -1;
    if (fgets(buf, sizeof buf, f) != NULL) {
        char *end = NULL;
        long long v = strtoll(buf, &end, 10);
        if (end != buf) {
            value = v;
            if (*end == 'K') value *= 1024;
            else if (*end == 'M') value *= 1024 * 1024;
            else if (*end == 'G') value *= 1024LL * 1024 * 1024;
        }
    }
    fclose(f);
    return value;
}

static int detect_sysfs(st_cache_info *out) {
    int found = 0;
    for (int index = 0; index < 16; index++) {
        char dir[256], type[32] = {0};
        snprintf(dir, sizeof dir, "/sys/devices/system/cpu/cpu0/cache/index%d", index);
        char path[300];
        snprintf(path, sizeof path, "%s/type", dir);
        FILE *f = fopen(path, "r");
        if (f == NULL) break;
        if (fgets(type, sizeof type, f) == NULL) type[0] = '\0';
        fclose(f);
        if (strncmp(type, "Instruction", 11) == 0) continue;
        int64_t level = read_sys_value(dir, "level");
        st_cache_level c = {read_sys_value(dir, "size"), read_sys_value(dir, "coherency_line_size"),
                            read_sys_value(dir, "ways_of_associativity")};
        if (level == 1) out->l1d = c;
        else if (level == 2) out->l2 = c;
        else if (level == 3) out->l3 = c;
        else continue;
        found++;
    }
    return found > 0;
}

static int level_incomplete(st_cache_level c) { return c.size <= 0 || c.line <= 0 || c.associativity == 0; }

static void fill_level(st_cache_level *level, st_cache_level from) {
    if (level->size <= 0) {
        *level = from;
        return;
    }
    if (level->line <= 0) level->line = from.line;
    if (level->associativity == 0) level->associativity = from.associativity; // -1 (fully associative) is known
}

st_cache_info st_cache_fill_missing(st_cache_info info, st_cache_info from) {
    fill_level(&info.l1d, from.l1d);
    fill_level(&info.l2, from.l2);
    fill_level(&info.l3, from.l3);
    return info;
}

static st_cache_info st_detected;
static pthread_once_t st_detect_once = PTHREAD_ONCE_INIT;

static void detect_once(void) {
    st_cache_info info;
    memset(&info, 0, sizeof info);
    info.source = ST_CACHE_DEFAULTS;
#ifdef ST_HAVE_HWLOC
    if (detect_hwloc(&info)) {
        info.source = ST_CACHE_HWLOC;
        st_cache_info sys; // a level or value hwloc does not report, from /sys when it has it
        memset(&sys, 0, sizeof sys);
        if ((level_incomplete(info.l1d) || level_incomplete(info.l2) || level_incomplete(info.l3)) && detect_sysfs(&sys))
            info = st_cache_fill_missing(info, sys);
    } else
#endif
    if (detect_sysfs(&info)) info.source = ST_CACHE_SYSFS;
    st_cache_source source = info.source;
    st_detected = st_cache_sanitize(info);
    st_detected.source = source;
}

st_cache_info st_cache_detect(void) {
    pthread_once(&st_detect_once, detect_once);
    return st_detected;
}

int64_t st_cache_half_l2_items(int64_t item_bytes, int64_t count) {
    int64_t items = st_cache_detect().l2.size / 2 / (item_bytes > 0 ? item_bytes : 1);
    if (items > count) items = count;
    return items < 1 ? 1 : items;
}
