// CIFAR-10 binary batches: records of 1 label byte followed by 3,072 pixel bytes (3×32×32, channel-major:
// the red plane, then green, then blue). A file must hold a whole number of records (at most max_records);
// its size is checked before anything is read, so a malformed file never causes a large allocation.
//   images: [n, 3, 32, 32] float32 (byte · scale)   labels: [n] int64
#include "../internal/st_internal.h"
#include "swifttorch_data.h"
#include <stdio.h>
#include <stdlib.h>

#define CIFAR_PIXELS 3072
#define CIFAR_RECORD (1 + CIFAR_PIXELS)

st_status st_cifar_count(const char *path, int64_t max_records, int64_t *records) {
    *records = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return st_fail(ST_ERR_ARGUMENT, "cannot open the file");
    int ok = fseek(f, 0, SEEK_END) == 0;
    long size = ok ? ftell(f) : -1;
    fclose(f);
    if (size < 0) return st_fail(ST_ERR_ARGUMENT, "cannot read the file size");
    if (size == 0 || size % CIFAR_RECORD != 0)
        return st_fail(ST_ERR_ARGUMENT, "size %ld is not a whole number of %d-byte records", size, CIFAR_RECORD);
    if (size / CIFAR_RECORD > max_records)
        return st_fail(ST_ERR_ARGUMENT, "%ld records, more than the %lld allowed", size / CIFAR_RECORD, (long long)max_records);
    *records = size / CIFAR_RECORD;
    return ST_OK;
}

st_status st_cifar_read(const char *path, int64_t records, float scale, float *images, int64_t *labels) {
    FILE *f = fopen(path, "rb");
    if (!f) return st_fail(ST_ERR_ARGUMENT, "cannot open the file");
    unsigned char record[CIFAR_RECORD];
    for (int64_t r = 0; r < records; r++) {
        if (fread(record, 1, CIFAR_RECORD, f) != CIFAR_RECORD) {
            fclose(f);
            return st_fail(ST_ERR_ARGUMENT, "truncated at record %lld of %lld", (long long)r, (long long)records);
        }
        if (record[0] > 9) {
            fclose(f);
            return st_fail(ST_ERR_ARGUMENT, "label %d of record %lld is outside 0..9", record[0], (long long)r);
        }
        labels[r] = record[0];
        float *dst = images + r * CIFAR_PIXELS;
        for (int i = 0; i < CIFAR_PIXELS; i++) dst[i] = (float)record[1 + i] * scale;
    }
    fclose(f);
    return ST_OK;
}
