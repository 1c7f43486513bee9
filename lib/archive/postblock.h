/*
 * postblock.h - the blocks of a posting list in term.db.
 *
 * A term's duplicates are blocks of ascending message numbers: the first
 * number as 8 bytes big-endian (adb_num_key), then each further number as
 * its gap from the one before, 7 bits a byte, low bits first, the high bit
 * set on every byte of a gap but its last.  An item of 8 bytes holds one
 * number: every list written before blocks is a list of such items.
 *
 * A list's blocks never overlap: all numbers of a block lie below the next
 * block's first.  A list then reads in order, block after block, and a
 * number can only be in the block with the greatest first number not above
 * it.  Duplicates are ordered by their first 8 bytes (postblock_cmp), so a
 * block keeps its place while numbers are appended to it in place.
 *
 * The writer adds a transaction's numbers of a term with one call: they
 * go on the end of the list's last block, where they follow it (the usual
 * case, as numbers only grow), or are merged with the blocks they fall
 * among.
 */
#ifndef MAILARC_POSTBLOCK_H
#define MAILARC_POSTBLOCK_H

#include <db.h>
#include <stddef.h>
#include <stdint.h>

#define POSTBLOCK_MAX  512          /* bytes a writer puts in one block */
#define POSTBLOCK_ROOM 4096         /* room to read any block into */
#define POSTBLOCK_KEY  1024         /* room for any term.db key */

/* The duplicate order of term.db: the first 8 bytes. */
int     postblock_cmp(DB *dbp, const DBT *a, const DBT *b);

/* How many numbers a block of len bytes holds (0 if under 8 bytes). */
size_t  postblock_count(const unsigned char *d, size_t len);

/* Its numbers into out (room for postblock_count()), ascending: how many.
 * A damaged tail (a gap of 0, cut short or too long) ends the block; *bad
 * (may be NULL) says so. */
size_t  postblock_decode(const unsigned char *d, size_t len, uint64_t *out, int *bad);

uint64_t postblock_first(const unsigned char *d);

/* The block of a term at or below a number, read through cursor c into
 * blk (POSTBLOCK_ROOM bytes, *len its size): the one with the greatest
 * first number <= x, or when every first number is above x the first
 * block (*above set).  0, DB_NOTFOUND (no such term) or a Berkeley DB
 * error.  flags: 0 or DB_RMW. */
int     postblock_floor(DBC *c, const char *term, size_t tlen, uint64_t x, unsigned char *blk,
                        size_t *len, int *above, u_int32_t flags);

/* Add v[0..n) (ascending; those already in the list stay there once) to
 * term's list through c, a cursor of the writer's transaction.  0 or a
 * Berkeley DB error. */
int     postblock_add(DBC *c, const char *term, size_t tlen, const uint64_t *v, size_t n);

/* Take num out of term's list, if there.  0 or a Berkeley DB error. */
int     postblock_del(DBC *c, const char *term, size_t tlen, uint64_t num);

#endif
