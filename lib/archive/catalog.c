/*
 * catalog.c - the media catalogue in Berkeley DB (see catalog.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "msg.h"
#include "vstr.h"

static void catalog_encode(const VOLINFO *v, VSTR *out)
{
    vstr_sprintf(out, "name=%s\nlabel=%s\nmedia=%s\nmonth=%s\nnumber=%d\nof=%d\n"
                 "messages=%llu\nbytes=%llu\nimage_sha256=%s\nmanifest_sha256=%s\n"
                 "created=%lld\njob=%s\nburned=%s\n",
                 v->name, v->label, v->media, v->month, v->number, v->of,
                 (unsigned long long) v->messages, (unsigned long long) v->bytes,
                 v->image_sha256, v->manifest_sha256, v->created, v->job, v->burned);
}

static void catalog_field(char *dst, size_t len, const char *val, size_t vlen)
{
    if (vlen >= len)
        vlen = len - 1;
    memcpy(dst, val, vlen);
    dst[vlen] = 0;
}

static void catalog_decode(const char *text, size_t len, VOLINFO *v)
{
    const char *p = text, *end = text + len;

    memset(v, 0, sizeof(*v));
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        const char *eq = memchr(p, '=', (size_t) ((nl ? nl : end) - p));
        char    num[32];

        if (nl == 0)
            nl = end;
        if (eq) {
            size_t  klen = (size_t) (eq - p), vlen = (size_t) (nl - eq - 1);
            const char *val = eq + 1;

            catalog_field(num, sizeof(num), val, vlen);
#define K(k) (klen == strlen(k) && memcmp(p, k, klen) == 0)
            if (K("name")) catalog_field(v->name, sizeof(v->name), val, vlen);
            else if (K("label")) catalog_field(v->label, sizeof(v->label), val, vlen);
            else if (K("media")) catalog_field(v->media, sizeof(v->media), val, vlen);
            else if (K("month")) catalog_field(v->month, sizeof(v->month), val, vlen);
            else if (K("image_sha256")) catalog_field(v->image_sha256, sizeof(v->image_sha256), val, vlen);
            else if (K("manifest_sha256"))
                catalog_field(v->manifest_sha256, sizeof(v->manifest_sha256), val, vlen);
            else if (K("job")) catalog_field(v->job, sizeof(v->job), val, vlen);
            else if (K("burned")) catalog_field(v->burned, sizeof(v->burned), val, vlen);
            else if (K("number")) v->number = atoi(num);
            else if (K("of")) v->of = atoi(num);
            else if (K("messages")) v->messages = strtoull(num, 0, 10);
            else if (K("bytes")) v->bytes = strtoull(num, 0, 10);
            else if (K("created")) v->created = strtoll(num, 0, 10);
#undef K
        }
        p = nl + 1;
    }
}

static int catalog_put_volume(ADB *db, DB_TXN *txn, const VOLINFO *v)
{
    VSTR   *text = vstr_alloc(512);
    int     rc;

    catalog_encode(v, text);
    rc = adb_put(db->volume, txn, v->name, strlen(v->name), text->s, text->len, 0);
    vstr_free(text);
    return rc;
}

int catalog_add(ADB *db, const VOLINFO *v, const uint64_t *nums, size_t n)
{
    DB_TXN *txn = 0;
    int     rc;

    if ((rc = db->env->txn_begin(db->env, 0, &txn, 0)) != 0)
        return rc;
    rc = catalog_put_volume(db, txn, v);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        unsigned char key[8];

        adb_num_key(nums[i], key);
        rc = adb_put(db->media, txn, key, 8, v->name, strlen(v->name), DB_NODUPDATA);
    }
    if (rc != 0) {
        txn->abort(txn);
        return rc;
    }
    return txn->commit(txn, 0);
}

int catalog_update(ADB *db, const VOLINFO *v)
{
    DB_TXN *txn = 0;
    int     rc;

    if ((rc = db->env->txn_begin(db->env, 0, &txn, 0)) != 0)
        return rc;
    if ((rc = catalog_put_volume(db, txn, v)) != 0) {
        txn->abort(txn);
        return rc;
    }
    return txn->commit(txn, 0);
}

int catalog_volume(ADB *db, const char *name, VOLINFO *v)
{
    DBT     key = {0}, val = {0};
    int     rc;

    if (db->volume == 0)
        return DB_NOTFOUND;
    key.data = (void *) name;
    key.size = (u_int32_t) strlen(name);
    val.flags = DB_DBT_MALLOC;
    for (int i = 0; i < ADB_DEADLOCK_RETRIES; i++) {
        if ((rc = db->volume->get(db->volume, 0, &key, &val, 0)) != DB_LOCK_DEADLOCK)
            break;
    }
    if (rc == 0) {
        catalog_decode(val.data, val.size, v);
        free(val.data);
    }
    return rc;
}

int catalog_volumes_of(ADB *db, uint64_t num, STRLIST *names)
{
    unsigned char k[8];
    DBC    *cur = 0;
    DBT     key = {0}, val = {0};
    int     rc;

    if (db->media == 0)
        return 0;
    adb_num_key(num, k);
    if ((rc = db->media->cursor(db->media, 0, &cur, 0)) != 0)
        return rc;
    key.data = k;
    key.size = 8;
    for (rc = cur->get(cur, &key, &val, DB_SET); rc == 0;
         rc = cur->get(cur, &key, &val, DB_NEXT_DUP)) {
        char    name[64];

        catalog_field(name, sizeof(name), val.data, val.size);
        strlist_add(names, name);
    }
    cur->close(cur);
    return rc == DB_NOTFOUND ? 0 : rc;
}

void catalog_describe(const VOLINFO *v, VSTR *out)
{
    vstr_sprintf_append(out, "%s (%s, %s, volume %d of %d, %s)", v->name, v->label, v->media,
                        v->number, v->of, *v->burned ? v->burned : "image waits in media/");
}

void catalog_describe_message(ADB *db, uint64_t num, VSTR *out)
{
    STRLIST names;

    strlist_init(&names);
    vstr_reset(out);
    if (catalog_volumes_of(db, num, &names) != 0)
        vstr_set(out, "the catalogue cannot be read");
    for (int i = 0; i < names.n; i++) {
        VOLINFO v;

        if (i)
            vstr_addch(out, '\n');
        if (catalog_volume(db, names.v[i], &v) == 0)
            catalog_describe(&v, out);
        else
            vstr_sprintf_append(out, "%s (not in the volume catalogue)", names.v[i]);
    }
    if (names.n == 0 && out->len == 0)
        vstr_set(out, "not written to media yet");
    strlist_free(&names);
}
