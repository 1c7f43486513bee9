/*
 * ex_sandbox.h - what mailarc-extract may do once it reads a file.
 *
 * Limits on CPU, memory and output size, then a seccomp filter: no
 * sockets, no program started, no file opened for writing or created,
 * renamed, removed or changed.  A forbidden call fails with EPERM.
 */
#ifndef MAILARC_EX_SANDBOX_H
#define MAILARC_EX_SANDBOX_H

#include <stddef.h>

/* 0, or -1 with the reason in why. */
int ex_limits(long cpu_seconds, size_t max_memory, char *why, size_t whylen);
int ex_sandbox(char *why, size_t whylen);

#endif
