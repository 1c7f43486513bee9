/*
 * lookup.c - one stored message by number or id (see lookup.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "digest.h"
#include "lookup.h"
#include "mymalloc.h"

int lookup_record(ADB *db, uint64_t num, MSGREC *rec)
{
    DBT     key = {0}, val = {0};
    unsigned char k[8];
    int     rc;

    adb_num_key(num, k);
    key.data = k;
    key.size = 8;
    val.flags = DB_DBT_MALLOC;
    for (int i = 0; i < ADB_DEADLOCK_RETRIES; i++)
        if ((rc = db->msg->get(db->msg, 0, &key, &val, DB_READ_COMMITTED)) != DB_LOCK_DEADLOCK)
            break;
    if (rc != 0)
        return -1;
    rc = record_decode(val.data, val.size, rec);
    myfree(val.data);
    return rc;
}

/* Count the ids starting with the prefix (stopping at two); the first
 * one's number in *num.  A Berkeley DB code on failure. */
static int lookup_prefix(ADB *db, const unsigned char lo[32], const char *id, size_t len,
                         uint64_t *num, int *matches)
{
    DBC    *cur;
    DBT     key = {0}, val = {0};
    unsigned char kbuf[32], vbuf[8];
    int     rc;

    *matches = 0;
    if ((rc = db->id->cursor(db->id, 0, &cur, DB_READ_COMMITTED)) != 0)
        return rc;
    memcpy(kbuf, lo, 32);
    key.data = kbuf;
    key.size = 32;
    key.ulen = 32;
    key.flags = DB_DBT_USERMEM;
    val.data = vbuf;
    val.ulen = 8;
    val.flags = DB_DBT_USERMEM;
    for (rc = cur->get(cur, &key, &val, DB_SET_RANGE); rc == 0 && *matches < 2;
         rc = cur->get(cur, &key, &val, DB_NEXT)) {
        char    hex[DIGEST_HEXLEN + 1];

        if (key.size != 32)
            break;
        digest_hex(kbuf, hex);
        if (strncasecmp(hex, id, len) != 0)
            break;
        if ((*matches)++ == 0)
            *num = adb_key_num(vbuf);
    }
    cur->close(cur);
    return rc == DB_NOTFOUND ? 0 : rc;
}

int lookup_id(ADB *db, const char *id, uint64_t *num, MSGREC *rec)
{
    size_t  len = strlen(id);
    unsigned char lo[32];
    int     matches = 0;
    int     rc = 0;

    if (!digest_is_hex(id, 12, 64))
        return LOOKUP_BADID;
    /* The smallest key with this prefix: the prefix, then zero bits. */
    memset(lo, 0, sizeof(lo));
    for (size_t i = 0; i < len; i++) {
        int     v = digest_hexval(id[i]);

        lo[i / 2] |= (unsigned char) (i % 2 ? v : v << 4);
    }
    for (int attempt = 0; attempt <= ADB_DEADLOCK_RETRIES; attempt++)
        if ((rc = lookup_prefix(db, lo, id, len, num, &matches)) != DB_LOCK_DEADLOCK)
            break;
    if (rc != 0)
        return LOOKUP_UNAVAILABLE;
    if (matches == 0)
        return LOOKUP_NOTFOUND;
    if (matches > 1)
        return LOOKUP_AMBIGUOUS;
    return lookup_record(db, *num, rec) < 0 ? LOOKUP_UNAVAILABLE : LOOKUP_OK;
}

void lookup_deleted_key(const char *hex, char *key, size_t len)
{
    snprintf(key, len, "deleted/%.64s", hex);
}

uint64_t lookup_deleted(ADB *db, const char *hex)
{
    char    key[80];

    if (strlen(hex) != 64)
        return 0;
    lookup_deleted_key(hex, key, sizeof(key));
    return adb_meta_u64(db, 0, key);
}
