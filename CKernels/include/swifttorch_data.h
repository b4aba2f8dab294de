// Data files read in C: IDX (MNIST format), raw or gzip (data/idx.c); CIFAR-10 binary batches (data/cifar.c).
#ifndef SWIFTTORCH_DATA_H
#define SWIFTTORCH_DATA_H

#include <stdint.h>
#include "swifttorch_kernels.h"

#define ST_IDX_MAX_DIMS 4

typedef struct {
    int ndim;
    int64_t dims[ST_IDX_MAX_DIMS];
    int64_t count; // product of dims
} st_idx_header;

typedef struct st_idx_file st_idx_file;

/// Opens an IDX file (gzip or raw) and validates its header: magic, uint8 elements, 1-4 dims, at most
/// max_elements elements. On failure *out is NULL and st_last_error() says why.
st_status st_idx_open(const char *path, int64_t max_elements, st_idx_file **out, st_idx_header *header);
/// Reads all header.count elements as float (byte · scale); fails on truncated data.
st_status st_idx_read_f32(st_idx_file *f, float scale, float *out);
/// Reads all header.count elements as int64 (labels).
st_status st_idx_read_i64(st_idx_file *f, int64_t *out);
/// 1 when nothing follows the data (a longer file is malformed).
int st_idx_at_end(st_idx_file *f);
void st_idx_close(st_idx_file *f);

/// Records of a CIFAR-10 binary batch (1 label byte + 3,072 pixel bytes each): fails unless the file is a
/// whole number of records, at most max_records (data/cifar.c).
st_status st_cifar_count(const char *path, int64_t max_records, int64_t *records);
/// Reads `records` records: images [records, 3, 32, 32] as byte · scale, labels [records] (0...9, checked).
st_status st_cifar_read(const char *path, int64_t records, float scale, float *images, int64_t *labels);

#endif
