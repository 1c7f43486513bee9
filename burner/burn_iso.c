/*
 * burn_iso.c - libisofs mastering (see burn_iso.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdint.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>

#include "digest.h"
#include "fileio.h"
#include "msg.h"
#include "mymalloc.h"
#include "burn_iso.h"

#define STREAM_FS_ID 0x6d617263u        /* "marc": our streams' inode space */
#define CHUNK (32 * 2048)

typedef struct mstream {
    const CONFIG *cfg;
    const VFILE *f;
    VREADER r;
    ino_t   ino;
    int     is_open;
} MSTREAM;

static int ms_open(IsoStream *s)
{
    MSTREAM *m = s->data;
    char    err[512];

    if (m->is_open)
        return ISO_FILE_ALREADY_OPENED;
    if (vreader_open(m->cfg, m->f, &m->r, err, sizeof(err)) < 0) {
        msg_warn("%s: %s", m->f->path, err);
        return ISO_FILE_ERROR;
    }
    m->is_open = 1;
    return 1;
}

static int ms_close(IsoStream *s)
{
    MSTREAM *m = s->data;

    if (m->is_open)
        vreader_close(&m->r);
    m->is_open = 0;
    return 1;
}

static off_t ms_get_size(IsoStream *s)
{
    return (off_t) ((MSTREAM *) s->data)->f->size;
}

static int ms_read(IsoStream *s, void *buf, size_t count)
{
    MSTREAM *m = s->data;
    size_t  got = 0;

    if (!m->is_open)
        return ISO_FILE_NOT_OPENED;
    while (got < count) {
        long    n = vreader_read(&m->r, (char *) buf + got, count - got);

        if (n < 0) {
            msg_warn("%s: shorter than when it was listed", m->f->path);
            return ISO_FILE_READ_ERROR;
        }
        if (n == 0)
            break;
        got += (size_t) n;
    }
    return (int) got;
}

static int ms_is_repeatable(IsoStream *s)
{
    (void) s;
    return 1;
}

static void ms_get_id(IsoStream *s, unsigned int *fs_id, dev_t *dev_id, ino_t *ino_id)
{
    *fs_id = STREAM_FS_ID;
    *dev_id = 0;
    *ino_id = ((MSTREAM *) s->data)->ino;
}

static void ms_free(IsoStream *s)
{
    MSTREAM *m = s->data;

    if (m->is_open)
        vreader_close(&m->r);
    myfree(m);
}

static IsoStreamIface ms_class = {
    .version = 0,
    .type = "user",
    .open = ms_open,
    .close = ms_close,
    .get_size = ms_get_size,
    .read = ms_read,
    .is_repeatable = ms_is_repeatable,
    .get_id = ms_get_id,
    .free = ms_free,
};

static IsoStream *ms_new(const CONFIG *cfg, const VFILE *f, ino_t ino)
{
    IsoStream *s = mycalloc(1, sizeof(*s));
    MSTREAM *m = mycalloc(1, sizeof(*m));

    m->cfg = cfg;
    m->f = f;
    m->ino = ino;
    s->class = &ms_class;
    s->refcount = 1;
    s->data = m;
    return s;
}

/* The directory for "A/B/c": created as needed below root. */
static IsoDir *iso_dir_of(IsoImage *img, const char *path, int64_t mtime, char *err, size_t len)
{
    IsoDir *dir = iso_image_get_root(img);
    char    part[256];
    const char *p = path, *slash;

    while ((slash = strchr(p, '/')) != 0) {
        IsoNode *node = 0;
        IsoDir *sub;
        int     rc;

        snprintf(part, sizeof(part), "%.*s", (int) (slash - p), p);
        if (iso_dir_get_node(dir, part, &node) == 1 && iso_node_get_type(node) == LIBISO_DIR) {
            dir = (IsoDir *) node;
        } else if ((rc = iso_image_add_new_dir(img, dir, part, &sub)) < 0) {
            snprintf(err, len, "%s: %s", path, iso_error_to_msg(rc));
            return 0;
        } else {
            iso_node_set_permissions((IsoNode *) sub, 0555);
            iso_node_set_mtime((IsoNode *) sub, (time_t) mtime);
            iso_node_set_atime((IsoNode *) sub, (time_t) mtime);
            iso_node_set_ctime((IsoNode *) sub, (time_t) mtime);
            dir = sub;
        }
        p = slash + 1;
    }
    return dir;
}

static IsoImage *iso_build(const CONFIG *cfg, const char *label, const char *volset,
                           const VLIST *l, char *err, size_t len)
{
    IsoImage *img = 0;
    int     rc;

    if ((rc = iso_image_new(label, &img)) < 0) {
        snprintf(err, len, "libisofs: %s", iso_error_to_msg(rc));
        return 0;
    }
    iso_image_set_volume_id(img, label);
    iso_image_set_volset_id(img, volset);
    iso_image_set_publisher_id(img, "MAILARC");
    iso_image_set_application_id(img, "MAILARC MAIL ARCHIVE");
    for (size_t i = 0; i < l->n; i++) {
        const VFILE *f = &l->f[i];
        IsoDir *dir = iso_dir_of(img, f->path, f->mtime, err, len);
        IsoStream *s;
        IsoFile *file;
        const char *base = strrchr(f->path, '/');

        if (dir == 0) {
            iso_image_unref(img);
            return 0;
        }
        s = ms_new(cfg, f, (ino_t) (i + 1));
        /* The new file takes the stream's reference. */
        rc = iso_image_add_new_file(img, dir, base ? base + 1 : f->path, s, &file);
        if (rc < 0) {
            iso_stream_unref(s);
            snprintf(err, len, "%s: %s", f->path, iso_error_to_msg(rc));
            iso_image_unref(img);
            return 0;
        }
        iso_node_set_permissions((IsoNode *) file, 0444);
        iso_node_set_mtime((IsoNode *) file, (time_t) f->mtime);
        iso_node_set_atime((IsoNode *) file, (time_t) f->mtime);
        iso_node_set_ctime((IsoNode *) file, (time_t) f->mtime);
    }
    return img;
}

int iso_write_image(const CONFIG *cfg, const char *label, const char *volset, const VLIST *l,
                    uint64_t max_bytes, int fd, BURN_PROGRESS prog, void *ctx,
                    uint64_t *size, char sha[65], char *err, size_t len)
{
    IsoImage *img = iso_build(cfg, label, volset, l, err, len);
    IsoWriteOpts *opts = 0;
    struct burn_source *bs = 0;
    unsigned char *buf;
    DIGEST *d;
    unsigned char bin[DIGEST_LEN];
    uint64_t done = 0;
    int     rc, result = ISO_WRITE_OK;

    if (img == 0)
        return ISO_WRITE_FAILED;
    if ((rc = iso_write_opts_new(&opts, 0)) < 0) {
        snprintf(err, len, "libisofs: %s", iso_error_to_msg(rc));
        iso_image_unref(img);
        return ISO_WRITE_FAILED;
    }
    iso_write_opts_set_iso_level(opts, 2);
    iso_write_opts_set_rockridge(opts, 1);
    iso_write_opts_set_joliet(opts, 1);
    iso_write_opts_set_joliet_long_names(opts, 1);
    iso_write_opts_set_always_gmt(opts, 1);
    rc = iso_image_create_burn_source(img, opts, &bs);
    iso_write_opts_free(opts);
    if (rc < 0) {
        snprintf(err, len, "libisofs: %s", iso_error_to_msg(rc));
        iso_image_unref(img);
        return ISO_WRITE_FAILED;
    }
    *size = (uint64_t) bs->get_size(bs);
    if (*size > max_bytes) {
        bs->cancel(bs);
        bs->free_data(bs);
        free(bs);
        iso_image_unref(img);
        return ISO_WRITE_TOO_BIG;
    }
    buf = mymalloc(CHUNK);
    d = digest_create();
    /* libisofs hands out whole 2048-byte sectors, one per call; they are
     * gathered into CHUNK-sized writes. */
    for (size_t fill = 0;;) {
        int     n = bs->read_xt(bs, buf + fill, 2048);

        if (n < 0) {
            snprintf(err, len, "libisofs could not write the image (see the log)");
            result = ISO_WRITE_FAILED;
            break;
        }
        fill += (size_t) n;
        if (fill < CHUNK && n > 0)
            continue;
        if (fill && fileio_write_all(fd, buf, fill) < 0) {
            snprintf(err, len, "writing the image: %s", strerror(errno));
            result = ISO_WRITE_FAILED;
            break;
        }
        digest_update(d, buf, fill);
        done += fill;
        fill = 0;
        if (n == 0)
            break;
        if (prog && prog(ctx, done) != 0) {
            snprintf(err, len, "stopped");
            result = ISO_WRITE_FAILED;
            break;
        }
    }
    digest_final(d, bin);
    digest_hex(bin, sha);
    if (result != ISO_WRITE_OK)
        bs->cancel(bs);
    else if (done != *size) {
        snprintf(err, len, "libisofs wrote %llu bytes of %llu", (unsigned long long) done,
                 (unsigned long long) *size);
        result = ISO_WRITE_FAILED;
    }
    bs->free_data(bs);
    free(bs);
    iso_image_unref(img);
    myfree(buf);
    return result;
}

uint64_t iso_overhead(const ITEM *it)
{
    uint64_t strings = strlen(it->from) + strlen(it->subject) + strlen(it->msgid);

    for (int i = 0; i < it->rcpt.n; i++)
        strings += strlen(it->rcpt.v[i]) + 24;
    /* A partly used last sector, about 450 bytes of directory records in
     * the three trees, and the manifest and index entries (escaping can
     * grow text up to six times). */
    return 2048 + 2048 + 6 * strings;
}
