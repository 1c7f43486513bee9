/*
 * seal.c - Ed25519 seals of the chain head (see seal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "auditlog.h"
#include "date.h"
#include "digest.h"
#include "fileio.h"
#include "mymalloc.h"
#include "record.h"
#include "seal.h"

#define SEAL_MAGIC "mailarc-seal "
#define SIG_SEP " sig="

static void seal_key_path(const CONFIG *cfg, VSTR *out)
{
    if (*cfg->seal_key)
        vstr_set(out, cfg->seal_key);
    else
        vstr_sprintf(out, "%s/seal.key", cfg->data_dir);
}

void seal_pub_path(const CONFIG *cfg, VSTR *out)
{
    vstr_sprintf(out, "%s/seal.pub", cfg->data_dir);
}

static void seals_path(const CONFIG *cfg, VSTR *out)
{
    vstr_sprintf(out, "%s/log/seals", cfg->data_dir);
}

/* The directory of path, opened without following a link in its place
 * (root works relative to it); *base is the file's name, in buf. */
static int seal_dir_open(const char *path, char *buf, size_t len, const char **base)
{
    char   *slash;
    int     fd;

    snprintf(buf, len, "%s", path);
    if ((slash = strrchr(buf, '/')) == 0) {
        *base = buf;
        return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    *slash = 0;
    *base = slash + 1;
    fd = open(slash == buf ? "/" : buf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return fd;
}

/* Write PEM through a new file in dfd (O_EXCL: never over something
 * else); the private key is given to owner (-1: left as it is). */
static int seal_write_pem(int dfd, const char *name, EVP_PKEY *key, int private, uid_t uid,
                          gid_t gid)
{
    int     fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        private ? 0600 : 0644);
    FILE   *fp;
    int     ok;

    if (fd < 0)
        return -1;
    if (private && uid != (uid_t) -1 && fchown(fd, uid, gid) < 0) {
        close(fd);
        unlinkat(dfd, name, 0);
        return -1;
    }
    if ((fp = fdopen(fd, "w")) == 0) {
        close(fd);
        return -1;
    }
    ok = private ? PEM_write_PrivateKey(fp, key, 0, 0, 0, 0, 0) : PEM_write_PUBKEY(fp, key);
    if (fflush(fp) != 0 || fsync(fileno(fp)) < 0)
        ok = 0;
    if (fclose(fp) != 0)
        ok = 0;
    if (!ok)
        unlinkat(dfd, name, 0);
    return ok ? 0 : -1;
}

/* log/seals: the archive's user appends; nobody rewrites it. */
static int seal_log_ensure(const CONFIG *cfg, uid_t uid, gid_t gid, char *err, size_t errlen)
{
    VSTR   *path = vstr_alloc(256);
    char    buf[4096];
    const char *base;
    int     dfd, fd = -1, flags, ret = 0;

    seals_path(cfg, path);
    if ((dfd = seal_dir_open(path->s, buf, sizeof(buf), &base)) < 0
        || (fd = openat(dfd, base, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                        0644)) < 0
        || (uid != (uid_t) -1 && fchown(fd, uid, gid) < 0)) {
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
        ret = -1;
    } else if (geteuid() == 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0
               && !(flags & FS_APPEND_FL)) {
        flags |= FS_APPEND_FL;
        (void) ioctl(fd, FS_IOC_SETFLAGS, &flags);      /* where the file system can */
    }
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    vstr_free(path);
    return ret;
}

int seal_key_ensure(const CONFIG *cfg, uid_t uid, gid_t gid, char *err, size_t errlen)
{
    VSTR   *kp = vstr_alloc(256), *pp = vstr_alloc(256);
    char    kbuf[4096], pbuf[4096];
    const char *kbase, *pbase;
    EVP_PKEY *key = 0;
    FILE   *fp;
    int     kdfd, pdfd, fd, ret = -1;

    seal_key_path(cfg, kp);
    seal_pub_path(cfg, pp);
    kdfd = seal_dir_open(kp->s, kbuf, sizeof(kbuf), &kbase);
    pdfd = seal_dir_open(pp->s, pbuf, sizeof(pbuf), &pbase);
    if (kdfd < 0 || pdfd < 0) {
        snprintf(err, errlen, "%s: %s", kdfd < 0 ? kp->s : pp->s, strerror(errno));
        goto out;
    }
    if ((fd = openat(kdfd, kbase, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
        if ((fp = fdopen(fd, "r")) != 0) {
            key = PEM_read_PrivateKey(fp, 0, 0, 0);
            fclose(fp);
        } else {
            close(fd);
        }
        if (key == 0) {
            snprintf(err, errlen, "%s: not a PEM private key", kp->s);
            goto out;
        }
        /* The public half is derived again when it went missing. */
        if (faccessat(pdfd, pbase, F_OK, AT_SYMLINK_NOFOLLOW) < 0
            && seal_write_pem(pdfd, pbase, key, 0, uid, gid) < 0) {
            snprintf(err, errlen, "%s: %s", pp->s, strerror(errno));
            goto out;
        }
        ret = seal_log_ensure(cfg, uid, gid, err, errlen);
        goto out;
    }
    if (errno != ENOENT) {
        snprintf(err, errlen, "%s: %s", kp->s, strerror(errno));
        goto out;
    }
    if ((key = EVP_PKEY_Q_keygen(0, 0, "ED25519")) == 0) {
        snprintf(err, errlen, "cannot make an Ed25519 key");
        goto out;
    }
    if (seal_write_pem(kdfd, kbase, key, 1, uid, gid) < 0) {
        snprintf(err, errlen, "%s: %s", kp->s, strerror(errno));
        goto out;
    }
    unlinkat(pdfd, pbase, 0);           /* a stale one would mislead */
    if (seal_write_pem(pdfd, pbase, key, 0, uid, gid) < 0) {
        snprintf(err, errlen, "%s: %s", pp->s, strerror(errno));
        goto out;
    }
    ret = seal_log_ensure(cfg, uid, gid, err, errlen);
out:
    if (kdfd >= 0)
        close(kdfd);
    if (pdfd >= 0)
        close(pdfd);
    EVP_PKEY_free(key);
    vstr_free(kp);
    vstr_free(pp);
    return ret;
}

int seal_sign(const CONFIG *cfg, const void *data, size_t len, unsigned char sig[SEAL_SIGLEN],
              char *err, size_t errlen)
{
    VSTR   *kp = vstr_alloc(256);
    EVP_PKEY *key = 0;
    EVP_MD_CTX *md = 0;
    size_t  slen = SEAL_SIGLEN;
    FILE   *fp;
    int     ret = -1;

    seal_key_path(cfg, kp);
    if ((fp = fopen(kp->s, "re")) == 0) {
        snprintf(err, errlen, "%s: %s", kp->s, strerror(errno));
        goto out;
    }
    key = PEM_read_PrivateKey(fp, 0, 0, 0);
    fclose(fp);
    if (key == 0 || (md = EVP_MD_CTX_new()) == 0
        || EVP_DigestSignInit(md, 0, 0, 0, key) != 1
        || EVP_DigestSign(md, sig, &slen, data, len) != 1 || slen != SEAL_SIGLEN) {
        snprintf(err, errlen, "%s: cannot sign with it", kp->s);
        goto out;
    }
    ret = 0;
out:
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    vstr_free(kp);
    return ret;
}

static EVP_PKEY *seal_pub_load(const CONFIG *cfg)
{
    VSTR   *pp = vstr_alloc(256);
    EVP_PKEY *key = 0;
    FILE   *fp;

    seal_pub_path(cfg, pp);
    if ((fp = fopen(pp->s, "re")) != 0) {
        key = PEM_read_PUBKEY(fp, 0, 0, 0);
        fclose(fp);
    }
    vstr_free(pp);
    return key;
}

static int seal_sig_ok(EVP_PKEY *key, const char *data, size_t len, const unsigned char *sig)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int     ok = md && EVP_DigestVerifyInit(md, 0, 0, 0, key) == 1
        && EVP_DigestVerify(md, sig, SEAL_SIGLEN, (const unsigned char *) data, len) == 1;

    EVP_MD_CTX_free(md);
    return ok;
}

/* The last record: number, id and chain value; 0, or a DB error. */
static int seal_last_record(ADB *db, uint64_t *num, unsigned char sha[32], unsigned char chain[32])
{
    DBC    *c;
    DBT     k = {0}, v = {0};
    MSGREC  r;
    int     rc;

    *num = 0;
    memset(sha, 0, 32);
    memset(chain, 0, 32);
    if ((rc = db->msg->cursor(db->msg, 0, &c, 0)) != 0)
        return rc;
    v.flags = DB_DBT_MALLOC;
    if ((rc = c->get(c, &k, &v, DB_LAST)) == 0) {
        if (k.size == 8 && record_decode(v.data, v.size, &r) == 0) {
            *num = adb_key_num(k.data);
            memcpy(sha, r.sha, 32);
            memcpy(chain, r.chain, 32);
            record_free(&r);
        } else {
            rc = DB_NOTFOUND;
        }
        myfree(v.data);
    } else if (rc == DB_NOTFOUND) {
        rc = 0;
    }
    c->close(c);
    return rc;
}

int seal_now(const CONFIG *cfg, ADB *db, VSTR *text, unsigned char sig[SEAL_SIGLEN],
             char *err, size_t errlen)
{
    unsigned char sha[32], chain[32], ahash[32];
    char    shahex[DIGEST_HEXLEN + 1], chainhex[DIGEST_HEXLEN + 1], ahex[DIGEST_HEXLEN + 1];
    char    when[32], aerr[256];
    uint64_t num, alines = 0;
    unsigned char b64[4 * SEAL_SIGLEN / 3 + 8];
    VSTR   *path, *line;
    int     rc, fd;

    if ((rc = seal_last_record(db, &num, sha, chain)) != 0) {
        snprintf(err, errlen, "msg.db: %s", db_strerror(rc));
        return -1;
    }
    if (auditlog_head(cfg, &alines, ahash, aerr, sizeof(aerr)) < 0) {
        snprintf(err, errlen, "%s", aerr);
        return -1;
    }
    digest_hex(sha, shahex);
    digest_hex(chain, chainhex);
    digest_hex(ahash, ahex);
    date_iso(time(0), when, sizeof(when));
    vstr_sprintf(text, SEAL_MAGIC "time=%s records=%llu last=%s chain=%s audit-lines=%llu "
                 "audit=%s\n", when, (unsigned long long) num, num ? shahex : "-", chainhex,
                 (unsigned long long) alines, ahex);
    if (seal_sign(cfg, text->s, text->len, sig, err, errlen) < 0)
        return -1;
    EVP_EncodeBlock(b64, sig, SEAL_SIGLEN);
    line = vstr_alloc(text->len + sizeof(b64) + 8);
    vstr_add(line, text->s, text->len - 1);
    vstr_sprintf_append(line, SIG_SEP "%s\n", (char *) b64);
    path = vstr_alloc(256);
    seals_path(cfg, path);
    fd = open(path->s, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    rc = fd >= 0 && fileio_write_all(fd, line->s, line->len) == 0 && fsync(fd) == 0 ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", path->s, strerror(errno));
    if (fd >= 0)
        close(fd);
    vstr_free(path);
    vstr_free(line);
    return rc;
}

/* One parsed seal line. */
typedef struct seal {
    char    time[32];
    uint64_t records, alines;
    unsigned char last[32], chain[32], audit[32];
    int     has_last;
    int     sig_ok;
} SEAL;

static int seal_field(const char *text, const char *name, char *buf, size_t len)
{
    const char *p = strstr(text, name);
    size_t  n;

    if (p == 0)
        return -1;
    p += strlen(name);
    n = strcspn(p, " \n");
    if (n >= len)
        return -1;
    memcpy(buf, p, n);
    buf[n] = 0;
    return 0;
}

static int seal_parse(const char *line, size_t len, EVP_PKEY *key, SEAL *s)
{
    const char *sep = 0;
    char    buf[128];
    unsigned char sig[SEAL_SIGLEN + 3];
    VSTR   *text;

    memset(s, 0, sizeof(*s));
    for (const char *q = line; (q = memmem(q, len - (size_t) (q - line), SIG_SEP, 5)) != 0; q++)
        sep = q;
    if (sep == 0 || strncmp(line, SEAL_MAGIC, strlen(SEAL_MAGIC)) != 0)
        return -1;
    text = vstr_alloc(len + 2);
    vstr_add(text, line, (size_t) (sep - line));
    vstr_addch(text, '\n');
    if (seal_field(text->s, "time=", s->time, sizeof(s->time)) < 0
        || seal_field(text->s, "records=", buf, sizeof(buf)) < 0
        || (s->records = strtoull(buf, 0, 10), 0)
        || seal_field(text->s, " chain=", buf, sizeof(buf)) < 0 || digest_unhex(buf, s->chain)
        || seal_field(text->s, "audit-lines=", buf, sizeof(buf)) < 0
        || (s->alines = strtoull(buf, 0, 10), 0)
        || seal_field(text->s, " audit=", buf, sizeof(buf)) < 0 || digest_unhex(buf, s->audit)
        || seal_field(text->s, " last=", buf, sizeof(buf)) < 0) {
        vstr_free(text);
        return -1;
    }
    s->has_last = digest_unhex(buf, s->last) == 0;
    if ((size_t) (line + len - sep - 5) == 4 * ((SEAL_SIGLEN + 2) / 3) && key
        && EVP_DecodeBlock(sig, (const unsigned char *) sep + 5, (int) (line + len - sep - 5))
        >= SEAL_SIGLEN)
        s->sig_ok = seal_sig_ok(key, text->s, text->len, sig);
    vstr_free(text);
    return 0;
}

/* All seals of log/seals; n set; problems with unparsable lines go out. */
static SEAL *seal_read_all(const CONFIG *cfg, size_t *n, void (*out)(void *, const char *),
                           void *ctx, SEAL_CHECK *res)
{
    VSTR   *path = vstr_alloc(256), *all = vstr_alloc(65536), *msg = vstr_alloc(256);
    EVP_PKEY *key = seal_pub_load(cfg);
    SEAL   *seals = 0;
    size_t  cap = 0, lineno = 0;
    int     fd;

    *n = 0;
    seals_path(cfg, path);
    if ((fd = open(path->s, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
        if (fileio_read_all(fd, all, 0) < 0)
            vstr_reset(all);
        close(fd);
    }
    if (all->len && key == 0) {
        seal_pub_path(cfg, path);
        vstr_sprintf(msg, "seals: cannot read the public key %s", path->s);
        out(ctx, msg->s);
        res->problems++;
    }
    for (char *p = all->s, *nl; p < all->s + all->len; p = nl + 1) {
        SEAL    s;

        if ((nl = memchr(p, '\n', all->len - (size_t) (p - all->s))) == 0)
            nl = all->s + all->len;
        lineno++;
        if (seal_parse(p, (size_t) (nl - p), key, &s) < 0) {
            vstr_sprintf(msg, "seal line %zu cannot be read", lineno);
            out(ctx, msg->s);
            res->problems++;
            continue;
        }
        res->seals++;
        if (!s.sig_ok && key) {
            vstr_sprintf(msg, "seal of %s: bad signature (line %zu changed)", s.time, lineno);
            out(ctx, msg->s);
            res->problems++;
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            seals = myrealloc(seals, cap * sizeof(SEAL));
        }
        seals[(*n)++] = s;
    }
    EVP_PKEY_free(key);
    vstr_free(path);
    vstr_free(all);
    vstr_free(msg);
    return seals;
}

int seal_check_log(const CONFIG *cfg, ADB *db, void (*out)(void *, const char *), void *ctx,
                   SEAL_CHECK *res)
{
    size_t  n;
    SEAL   *seals;
    VSTR   *msg = vstr_alloc(256);

    memset(res, 0, sizeof(*res));
    seals = seal_read_all(cfg, &n, out, ctx, res);
    for (size_t i = 0; i < n; i++) {
        const SEAL *s = &seals[i];
        unsigned char numk[8];
        DBT     k = {0}, v = {0};
        MSGREC  r;
        int     rc;

        if (s->records == 0)
            continue;
        adb_num_key(s->records, numk);
        k.data = numk;
        k.size = 8;
        v.flags = DB_DBT_MALLOC;
        if ((rc = db->msg->get(db->msg, 0, &k, &v, 0)) != 0) {
            vstr_sprintf(msg, "seal of %s: record %llu, its head, is gone", s->time,
                         (unsigned long long) s->records);
            out(ctx, msg->s);
            res->problems++;
            continue;
        }
        rc = record_decode(v.data, v.size, &r);
        myfree(v.data);
        if (rc < 0 || memcmp(r.chain, s->chain, 32) != 0
            || (s->has_last && memcmp(r.sha, s->last, 32) != 0)) {
            vstr_sprintf(msg, "seal of %s: record %llu no longer carries the sealed chain value",
                         s->time, (unsigned long long) s->records);
            out(ctx, msg->s);
            res->problems++;
        }
        if (rc == 0)
            record_free(&r);
    }
    myfree(seals);
    vstr_free(msg);
    return res->problems ? -1 : 0;
}

struct audit_heads {
    SEAL   *seals;
    size_t  n;
    unsigned char *found;           /* per seal: its line was seen and matched */
    uint64_t lines;
};

static void audit_head_fn(uint64_t lineno, const unsigned char hash[32], const char *line,
                          size_t len, void *ctx)
{
    struct audit_heads *h = ctx;

    (void) line;
    (void) len;
    h->lines = lineno;
    for (size_t i = 0; i < h->n; i++)
        if (h->seals[i].alines == lineno)
            h->found[i] = memcmp(h->seals[i].audit, hash, 32) == 0 ? 1 : 2;
}

int seal_check_audit(const CONFIG *cfg, void (*out)(void *, const char *), void *ctx,
                     SEAL_CHECK *res)
{
    struct audit_heads h;
    char    err[256];
    VSTR   *msg = vstr_alloc(256);

    memset(res, 0, sizeof(*res));
    memset(&h, 0, sizeof(h));
    h.seals = seal_read_all(cfg, &h.n, out, ctx, res);
    h.found = mycalloc(h.n + 1, 1);
    if (auditlog_scan(cfg, audit_head_fn, &h, err, sizeof(err)) < 0) {
        out(ctx, err);
        res->problems++;
    } else {
        for (size_t i = 0; i < h.n; i++) {
            if (h.seals[i].alines == 0 || h.found[i] == 1)
                continue;
            if (h.found[i] == 2)
                vstr_sprintf(msg, "seal of %s: audit line %llu is not the line it sealed",
                             h.seals[i].time, (unsigned long long) h.seals[i].alines);
            else
                vstr_sprintf(msg, "seal of %s: the audit log had %llu lines, now %llu: "
                             "lines removed from its end", h.seals[i].time,
                             (unsigned long long) h.seals[i].alines, (unsigned long long) h.lines);
            out(ctx, msg->s);
            res->problems++;
        }
    }
    myfree(h.found);
    myfree(h.seals);
    vstr_free(msg);
    return res->problems ? -1 : 0;
}

time_t seal_last(const CONFIG *cfg)
{
    VSTR   *path = vstr_alloc(256);
    struct stat st;
    time_t  t = 0;

    seals_path(cfg, path);
    if (stat(path->s, &st) == 0 && st.st_size > 0)
        t = st.st_mtime;
    vstr_free(path);
    return t;
}

int seal_fingerprint(const CONFIG *cfg, char hex[65])
{
    EVP_PKEY *key = seal_pub_load(cfg);
    unsigned char *der = 0, bin[32];
    int     len;

    if (key == 0)
        return -1;
    len = i2d_PUBKEY(key, &der);
    EVP_PKEY_free(key);
    if (len <= 0)
        return -1;
    digest_buffer(der, (size_t) len, bin);
    OPENSSL_free(der);
    digest_hex(bin, hex);
    return 0;
}
