/*
 * adb_shm.h - the database environment's regions in SysV shared memory.
 *
 * By default Berkeley DB keeps its regions (cache, locks, log buffer) in
 * files in db/ that every process maps.  The kernel writes a mapped file's
 * dirty pages back to disk, so a large cache costs disk bandwidth all the
 * time: at a million messages a 3 GB cache was written back over and over.
 * With db_shared_memory = yes the master creates the regions in SysV shared
 * memory (DB_SYSTEM_MEM) instead; db/__db.001 then only says where they are,
 * and every other process and Berkeley DB's own tools join through it.
 */
#ifndef MAILARC_ADB_SHM_H
#define MAILARC_ADB_SHM_H

/* Regions one environment may use: keys base .. base + ADB_SHM_SLOTS - 1. */
#define ADB_SHM_SLOTS 32

/* A base key whose slots are all unused, near a hash of the directory's
 * device and inode; 0 (with errno) when none is free or home is missing. */
long adb_shm_key(const char *home);

/* Remove the environment's regions (shared memory included) when no
 * process is inside it any more; 0, or a Berkeley DB code (EBUSY while
 * something is still attached). */
int adb_shm_release(const char *home);

#endif
