// IDX files (the MNIST format), raw or gzip-compressed (zlib reads both):
//   bytes 0-1: 0, byte 2: element type (0x08 = uint8), byte 3: ndim; then ndim big-endian uint32
//   sizes; then the elements, row-major. Images: 0x00000803 [N, H, W]; labels: 0x00000801 [N].
// The header is read and checked first; the payload size then comes from it (bounded, overflow
// checked), so a malformed file can never trigger a huge allocation or a read past a buffer.
#include "../internal/st_internal.h"
#include "swifttorch_data.h"
#include <string.h>
#include <stdlib.h>
#include <zlib.h>

struct st_idx_file {
    gzFile gz;
    st_idx_header header;
    int64_t remaining; // payload bytes not read yet
};

static st_status idx_error(st_idx_file *f, const char *reason) {
    if (f) { gzclose(f->gz); free(f); }
    return st_fail(ST_ERR_ARGUMENT, "%s", reason);
}

/// Reads exactly n bytes; 0 when the stream ends early or is corrupt.
static int read_exact(gzFile gz, void *buf, int64_t n) {
    char *p = buf;
    while (n > 0) {
        unsigned chunk = n > (1 << 30) ? (1u << 30) : (unsigned)n;
        int got = gzread(gz, p, chunk);
        if (got <= 0) return 0;
        p += got;
        n -= got;
    }
    return 1;
}

st_status st_idx_open(const char *path, int64_t max_elements, st_idx_file **out, st_idx_header *header) {
    *out = NULL;
    gzFile gz = gzopen(path, "rb");
    if (!gz) return st_fail(ST_ERR_ARGUMENT, "cannot open the file");
    st_idx_file *f = calloc(1, sizeof *f);
    if (!f) { gzclose(gz); return st_fail(ST_ERR_ALLOCATION, "out of memory"); }
    f->gz = gz;
    gzbuffer(gz, 1 << 17);
    unsigned char magic[4];
    if (!read_exact(gz, magic, 4)) return idx_error(f, "truncated header (shorter than 4 bytes)");
    if (magic[0] != 0 || magic[1] != 0)
        return idx_error(f, "bad magic number (the first two bytes must be 0; not an IDX file)");
    if (magic[2] != 0x08) return idx_error(f, "unsupported element type (only 0x08, unsigned bytes)");
    int ndim = magic[3];
    if (ndim < 1 || ndim > ST_IDX_MAX_DIMS) return idx_error(f, "bad number of dimensions (expected 1 to 4)");
    f->header.ndim = ndim;
    int64_t count = 1;
    for (int d = 0; d < ndim; d++) {
        unsigned char b[4];
        if (!read_exact(gz, b, 4)) return idx_error(f, "truncated header (dimension sizes missing)");
        int64_t size = ((int64_t)b[0] << 24) | ((int64_t)b[1] << 16) | ((int64_t)b[2] << 8) | b[3];
        f->header.dims[d] = size;
        if (size > 0 && count > max_elements / size) { // also catches products that overflow int64
            gzclose(f->gz);
            free(f);
            return st_fail(ST_ERR_ARGUMENT, "the header declares more than %lld elements", (long long)max_elements);
        }
        count *= size;
    }
    f->header.count = count;
    f->remaining = count;
    *out = f;
    *header = f->header;
    return ST_OK;
}

/// Reads the payload in chunks and converts each byte with `convert`.
#define READ_CONVERTED(T, EXPR)                                                                  \
    unsigned char buf[1 << 16];                                                                  \
    int64_t done = 0;                                                                            \
    while (done < f->remaining) {                                                                \
        int64_t chunk = f->remaining - done < (int64_t)sizeof buf ? f->remaining - done : (int64_t)sizeof buf; \
        if (!read_exact(f->gz, buf, chunk)) return st_fail(ST_ERR_ARGUMENT, "truncated data (%lld of %lld bytes)", \
                                                         (long long)done, (long long)f->remaining);              \
        for (int64_t i = 0; i < chunk; i++) { unsigned v = buf[i]; out[done + i] = (T)(EXPR); } \
        done += chunk;                                                                           \
    }                                                                                            \
    f->remaining = 0;                                                                            \
    return ST_OK;

st_status st_idx_read_f32(st_idx_file *f, float scale, float *out) { READ_CONVERTED(float, (float)v * scale) }

st_status st_idx_read_i64(st_idx_file *f, int64_t *out) { READ_CONVERTED(int64_t, v) }

int st_idx_at_end(st_idx_file *f) {
    unsigned char extra;
    return gzread(f->gz, &extra, 1) == 0;
}

void st_idx_close(st_idx_file *f) {
    if (!f) return;
    gzclose(f->gz);
    free(f);
}
