/*
 * burn_seal.c - seals and signatures on the media (see burn_seal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "mymalloc.h"
#include "seal.h"
#include "vstr.h"
#include "burn_seal.h"

static void add_vstr(VLIST *l, const char *path, VSTR *v, int64_t created)
{
    size_t  len = v->len;

    vlist_add_mem(l, path, (unsigned char *) vstr_export(v), len, created);
}

static void add_sig(VLIST *l, const char *path, const unsigned char sig[SEAL_SIGLEN],
                    int64_t created)
{
    vlist_add_mem(l, path, (unsigned char *) mymemdup((const char *) sig, SEAL_SIGLEN),
                  SEAL_SIGLEN, created);
}

static int read_file(const char *path, VSTR *out, char *err, size_t len)
{
    int     fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int     rc;

    if (fd < 0) {
        snprintf(err, len, "%s: %s", path, strerror(errno));
        return -1;
    }
    rc = fileio_read_all(fd, out, 0);
    if (rc < 0)
        snprintf(err, len, "%s: %s", path, strerror(errno));
    close(fd);
    return rc;
}

int burn_seal_add(const CONFIG *cfg, ADB *db, VLIST *l, int64_t created, char *err, size_t len)
{
    VSTR   *text = vstr_alloc(512), *seals = vstr_alloc(4096), *pub = vstr_alloc(512);
    VSTR   *path = vstr_alloc(256);
    unsigned char sig[SEAL_SIGLEN];
    int     rc = -1;

    if (seal_now(cfg, db, text, sig, err, len) < 0)
        goto out;
    vstr_sprintf(path, "%s/log/seals", cfg->data_dir);
    if (read_file(path->s, seals, err, len) < 0)
        goto out;
    seal_pub_path(cfg, path);
    if (read_file(path->s, pub, err, len) < 0)
        goto out;
    add_vstr(l, "SEAL.TXT", text, created);
    add_sig(l, "SEAL.TXT.sig", sig, created);
    add_vstr(l, "SEALS.TXT", seals, created);
    add_vstr(l, "seal.pub", pub, created);
    text = seals = pub = 0;
    rc = 0;
out:
    if (text)
        vstr_free(text);
    if (seals)
        vstr_free(seals);
    if (pub)
        vstr_free(pub);
    vstr_free(path);
    return rc;
}

int burn_seal_sign(const CONFIG *cfg, VLIST *l, int64_t created, char *err, size_t len)
{
    const VFILE *man = &l->f[l->n - 1];
    unsigned char sig[SEAL_SIGLEN];
    VSTR   *sums = vstr_alloc(65536);
    size_t  slen;

    if (strcmp(man->path, "MANIFEST.XML") != 0 || man->mem == 0) {
        snprintf(err, len, "the manifest is not the last file");
        vstr_free(sums);
        return -1;
    }
    if (seal_sign(cfg, man->mem, (size_t) man->size, sig, err, len) < 0) {
        vstr_free(sums);
        return -1;
    }
    add_sig(l, "MANIFEST.XML.sig", sig, created);
    for (size_t i = 0; i < l->n; i++)
        vstr_sprintf_append(sums, "%s  %s\n", l->f[i].sha, l->f[i].path);
    if (seal_sign(cfg, sums->s, sums->len, sig, err, len) < 0) {
        vstr_free(sums);
        return -1;
    }
    slen = sums->len;
    vlist_add_mem(l, "SHA256SUMS", (unsigned char *) vstr_export(sums), slen, created);
    add_sig(l, "SHA256SUMS.sig", sig, created);
    return 0;
}
