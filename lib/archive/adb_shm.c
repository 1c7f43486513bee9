/*
 * adb_shm.c - keys for the environment's shared-memory regions (adb_shm.h).
 */
#include <db.h>
#include <errno.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "adb_shm.h"

#define ADB_SHM_FIRST  0x10000000L      /* clear of small hand-picked keys */
#define ADB_SHM_WINDOWS 0x800000L       /* base keys: FIRST + i * SLOTS */
#define ADB_SHM_TRIES  256

static int adb_shm_used(long key)
{
    return shmget((key_t) key, 0, 0) >= 0 || errno != ENOENT;
}

long adb_shm_key(const char *home)
{
    struct stat st;
    uint64_t h = 1469598103934665603ULL;
    unsigned char b[16];

    if (stat(home, &st) < 0)
        return 0;
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char) ((uint64_t) st.st_dev >> (8 * i));
        b[8 + i] = (unsigned char) ((uint64_t) st.st_ino >> (8 * i));
    }
    for (int i = 0; i < 16; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    for (long t = 0; t < ADB_SHM_TRIES; t++) {
        long    base = ADB_SHM_FIRST + (long) ((h + (uint64_t) t) % ADB_SHM_WINDOWS) * ADB_SHM_SLOTS;
        int     used = 0;

        for (long k = 0; k < ADB_SHM_SLOTS && !used; k++)
            used = adb_shm_used(base + k);
        if (!used)
            return base;
    }
    errno = EADDRINUSE;
    return 0;
}

int adb_shm_release(const char *home)
{
    DB_ENV *env;
    int     rc;

    if ((rc = db_env_create(&env, 0)) != 0)
        return rc;
    /* Without DB_FORCE this refuses while a process is still attached. */
    return env->remove(env, home, 0);
}
