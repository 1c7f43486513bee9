/*
 * burn_tar.c - ustar + zstd + openssl-compatible encryption (see burn_tar.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zstd.h>

#include "digest.h"
#include "fileio.h"
#include "mymalloc.h"
#include "burn_tar.h"

#define TAR_BLOCK 512

typedef struct sink {
    int     fd;
    ZSTD_CCtx *z;
    EVP_CIPHER_CTX *cipher;
    DIGEST *digest;
    uint64_t written;               /* bytes to fd */
    uint64_t fed;                   /* tar bytes in */
    unsigned char *zbuf, *cbuf;
    size_t  zcap;
    int     failed;
    char   *err;
    size_t  errlen;
} SINK;

/* Bytes that leave the compressor: encrypt, hash, write. */
static int sink_out(SINK *s, const unsigned char *p, size_t n)
{
    if (s->cipher) {
        int     outl = 0;

        if (EVP_EncryptUpdate(s->cipher, s->cbuf, &outl, p, (int) n) != 1) {
            snprintf(s->err, s->errlen, "encryption failed");
            return -1;
        }
        p = s->cbuf;
        n = (size_t) outl;
    }
    if (n == 0)
        return 0;
    if (fileio_write_all(s->fd, p, n) < 0) {
        snprintf(s->err, s->errlen, "writing the archive: %s", strerror(errno));
        return -1;
    }
    digest_update(s->digest, p, n);
    s->written += n;
    return 0;
}

static int sink_compress(SINK *s, const void *p, size_t n, ZSTD_EndDirective mode)
{
    ZSTD_inBuffer in = {p, n, 0};

    for (;;) {
        ZSTD_outBuffer out = {s->zbuf, s->zcap, 0};
        size_t  left = ZSTD_compressStream2(s->z, &out, &in, mode);

        if (ZSTD_isError(left)) {
            snprintf(s->err, s->errlen, "zstd: %s", ZSTD_getErrorName(left));
            return -1;
        }
        if (sink_out(s, s->zbuf, out.pos) < 0)
            return -1;
        if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
            return 0;
    }
}

static int sink_put(SINK *s, const void *p, size_t n)
{
    if (s->failed)
        return -1;
    s->fed += n;
    if (sink_compress(s, p, n, ZSTD_e_continue) < 0)
        return (s->failed = 1), -1;
    return 0;
}

static int sink_open(SINK *s, int fd, const char *password, int level, char *err, size_t len)
{
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->err = err;
    s->errlen = len;
    s->digest = digest_create();
    s->z = ZSTD_createCCtx();
    s->zcap = ZSTD_CStreamOutSize();
    s->zbuf = mymalloc(s->zcap);
    s->cbuf = mymalloc(s->zcap + 32);
    ZSTD_CCtx_setParameter(s->z, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(s->z, ZSTD_c_checksumFlag, 1);
    if (password && *password) {
        unsigned char salt[8], kiv[48];
        unsigned char head[16];

        if (RAND_bytes(salt, sizeof(salt)) != 1
            || PKCS5_PBKDF2_HMAC(password, (int) strlen(password), salt, sizeof(salt),
                                 ARCHIVE_PBKDF2_ITER, EVP_sha256(), sizeof(kiv), kiv) != 1
            || (s->cipher = EVP_CIPHER_CTX_new()) == 0
            || EVP_EncryptInit_ex(s->cipher, EVP_aes_256_cbc(), 0, kiv, kiv + 32) != 1) {
            snprintf(err, len, "cannot set up the encryption");
            OPENSSL_cleanse(kiv, sizeof(kiv));
            return -1;
        }
        OPENSSL_cleanse(kiv, sizeof(kiv));
        memcpy(head, "Salted__", 8);
        memcpy(head + 8, salt, 8);
        if (fileio_write_all(fd, head, sizeof(head)) < 0) {
            snprintf(err, len, "writing the archive: %s", strerror(errno));
            return -1;
        }
        digest_update(s->digest, head, sizeof(head));
        s->written += sizeof(head);
    }
    return 0;
}

static int sink_close(SINK *s, char sha[65])
{
    unsigned char bin[DIGEST_LEN];
    int     rc = s->failed ? -1 : 0;

    if (rc == 0)
        rc = sink_compress(s, "", 0, ZSTD_e_end);
    if (rc == 0 && s->cipher) {
        int     outl = 0;

        if (EVP_EncryptFinal_ex(s->cipher, s->cbuf, &outl) != 1) {
            snprintf(s->err, s->errlen, "encryption failed");
            rc = -1;
        } else if (outl > 0) {
            if (fileio_write_all(s->fd, s->cbuf, (size_t) outl) < 0) {
                snprintf(s->err, s->errlen, "writing the archive: %s", strerror(errno));
                rc = -1;
            } else {
                digest_update(s->digest, s->cbuf, (size_t) outl);
                s->written += (uint64_t) outl;
            }
        }
    }
    digest_final(s->digest, bin);
    digest_hex(bin, sha);
    if (s->cipher)
        EVP_CIPHER_CTX_free(s->cipher);
    ZSTD_freeCCtx(s->z);
    myfree(s->zbuf);
    myfree(s->cbuf);
    return rc;
}

/* width - 1 octal digits, zero-padded, then NUL (callers keep v in range). */
static void tar_octal(char *field, size_t width, uint64_t v)
{
    field[width - 1] = 0;
    for (size_t i = width - 1; i-- > 0; v >>= 3)
        field[i] = (char) ('0' + (v & 7));
}

/* A ustar header; -1 when the name cannot be expressed. */
static int tar_header(unsigned char h[TAR_BLOCK], const char *name, uint64_t size,
                      int64_t mtime)
{
    size_t  n = strlen(name);
    const char *split = 0;
    unsigned sum = 0;

    memset(h, 0, TAR_BLOCK);
    if (n <= 100) {
        memcpy(h, name, n);
    } else {
        for (const char *p = name + n - 1; p > name; p--)
            if (*p == '/' && (size_t) (p - name) <= 155 && strlen(p + 1) <= 100) {
                split = p;
                break;
            }
        if (split == 0)
            return -1;
        memcpy(h, split + 1, strlen(split + 1));
        memcpy(h + 345, name, (size_t) (split - name));
    }
    tar_octal((char *) h + 100, 8, 0444);
    tar_octal((char *) h + 108, 8, 0);
    tar_octal((char *) h + 116, 8, 0);
    if (size >= (UINT64_C(1) << 33))
        return -1;
    tar_octal((char *) h + 124, 12, size);
    tar_octal((char *) h + 136, 12, (uint64_t) (mtime > 0 ? mtime : 0));
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memcpy(h + 265, "mailarc", 7);
    memcpy(h + 297, "mailarc", 7);
    memset(h + 148, ' ', 8);
    for (int i = 0; i < TAR_BLOCK; i++)
        sum += h[i];
    tar_octal((char *) h + 148, 7, sum);
    h[155] = ' ';
    return 0;
}

int archive_write(const CONFIG *cfg, const char *top, const VLIST *l, const char *password,
                  int level, int fd, BURN_PROGRESS prog, void *ctx, uint64_t *size,
                  char sha[65], char *err, size_t len)
{
    SINK    s;
    unsigned char hdr[TAR_BLOCK], zero[TAR_BLOCK];
    unsigned char *buf = mymalloc(1 << 16);
    int     rc = 0;

    memset(zero, 0, sizeof(zero));
    if (sink_open(&s, fd, password, level, err, len) < 0) {
        sink_close(&s, sha);
        myfree(buf);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const VFILE *f = &l->f[i];
        char    name[512];
        VREADER r;
        long    n = 0;

        snprintf(name, sizeof(name), "%s/%s", top, f->path);
        if (tar_header(hdr, name, f->size, f->mtime) < 0) {
            snprintf(err, len, "%s: name or size does not fit a tar header", name);
            rc = -1;
            break;
        }
        if (vreader_open(cfg, f, &r, err, len) < 0) {
            rc = -1;
            break;
        }
        rc = sink_put(&s, hdr, TAR_BLOCK);
        while (rc == 0 && (n = vreader_read(&r, buf, 1 << 16)) > 0)
            rc = sink_put(&s, buf, (size_t) n);
        if (rc == 0 && n < 0) {
            snprintf(err, len, "%s: shorter than when it was listed", f->path);
            rc = -1;
        }
        vreader_close(&r);
        if (rc == 0 && f->size % TAR_BLOCK)
            rc = sink_put(&s, zero, TAR_BLOCK - f->size % TAR_BLOCK);
        if (rc == 0 && prog && prog(ctx, s.fed) != 0) {
            snprintf(err, len, "stopped");
            rc = -1;
        }
    }
    if (rc == 0)
        rc = sink_put(&s, zero, TAR_BLOCK) < 0 || sink_put(&s, zero, TAR_BLOCK) < 0 ? -1 : 0;
    if (sink_close(&s, sha) < 0)
        rc = -1;
    *size = s.written;
    myfree(buf);
    return rc;
}
