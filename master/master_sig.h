/*
 * master_sig.h - the master's signals: handlers set flags and write a
 * byte to a self-pipe; the main loop polls the pipe and acts.
 */
#ifndef MAILARC_MASTER_SIG_H
#define MAILARC_MASTER_SIG_H

#include <signal.h>

extern volatile sig_atomic_t master_sig_term;
extern volatile sig_atomic_t master_sig_hup;
extern volatile sig_atomic_t master_sig_chld;

/* Install handlers; returns the read end of the self-pipe. */
int master_sig_init(void);
void master_sig_drain(void);

#endif
