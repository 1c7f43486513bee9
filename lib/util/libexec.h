/*
 * libexec.h - where mailarc's helper programs are.
 *
 * $MAILARC_LIBEXEC if set; else the directory of the running program when
 * it holds the named helper (a build tree, where every program sits in
 * bin/); else the installed LIBEXECDIR.
 */
#ifndef MAILARC_LIBEXEC_H
#define MAILARC_LIBEXEC_H

/* A new string (mymalloc). */
char   *libexec_dir(const char *probe);

#endif
