/*
 * ex_sandbox.c - limits and the seccomp filter of mailarc-extract.
 *
 * The filter is a deny list: poppler, glib and libxml2 need many calls to
 * read a file, none of them to talk to the network, start a program or
 * change a file.  open() and openat() are allowed only without a flag
 * that writes or creates.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ex_sandbox.h"

int ex_limits(long cpu_seconds, size_t max_memory, char *why, size_t whylen)
{
    struct rlimit cpu = {(rlim_t) cpu_seconds, (rlim_t) cpu_seconds + 1};
    struct rlimit none = {0, 0};
    struct rlimit files = {64, 64};

    if (setrlimit(RLIMIT_CPU, &cpu) < 0 || setrlimit(RLIMIT_FSIZE, &none) < 0
        || setrlimit(RLIMIT_CORE, &none) < 0 || setrlimit(RLIMIT_NOFILE, &files) < 0) {
        snprintf(why, whylen, "setrlimit: %s", strerror(errno));
        return -1;
    }
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer reserves terabytes of address space for its shadow:
     * a sanitizer build keeps the CPU and wall-clock limits only. */
    (void) max_memory;
#else
    {
        struct rlimit mem = {(rlim_t) max_memory, (rlim_t) max_memory};

        if (setrlimit(RLIMIT_AS, &mem) < 0) {
            snprintf(why, whylen, "setrlimit: %s", strerror(errno));
            return -1;
        }
    }
#endif
    return 0;
}

#define DENY(nr) \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

/* open(path, flags) and openat(dir, path, flags): flags is argument 1 or 2. */
#define OPEN_CHECK(nr, arg) \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4), \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[(arg)])), \
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0, 1), \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM), \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

#if defined(__SANITIZE_ADDRESS__)
/* LeakSanitizer stops the process's threads with ptrace to look for leaks
 * at exit: a sanitizer build lets it. */
#define DENY_PTRACE
#else
#define DENY_PTRACE DENY(SYS_ptrace),
#endif

/* kill() and tgkill() only at this process (abort() raises SIGABRT): the
 * indexer runs as the same user. */
#define SELF_ONLY(nr, pid) \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4), \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])), \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (pid), 1, 0), \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM), \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

int ex_sandbox(char *why, size_t whylen)
{
    __u32   me = (__u32) getpid();
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* x32 calls carry a high bit: refuse them all. */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        DENY(SYS_socket), DENY(SYS_socketpair), DENY(SYS_connect), DENY(SYS_bind),
        DENY(SYS_listen), DENY(SYS_accept), DENY(SYS_accept4), DENY(SYS_sendto),
        DENY(SYS_sendmsg), DENY(SYS_sendmmsg),
        DENY(SYS_execve), DENY(SYS_execveat), DENY(SYS_fork), DENY(SYS_vfork),
        DENY_PTRACE DENY(SYS_process_vm_writev), DENY(SYS_tkill),
        SELF_ONLY(SYS_kill, me), SELF_ONLY(SYS_tgkill, me),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        DENY(SYS_creat), DENY(SYS_mkdir), DENY(SYS_mkdirat), DENY(SYS_rmdir),
        DENY(SYS_unlink), DENY(SYS_unlinkat), DENY(SYS_rename), DENY(SYS_renameat),
        DENY(SYS_renameat2), DENY(SYS_link), DENY(SYS_linkat), DENY(SYS_symlink),
        DENY(SYS_symlinkat), DENY(SYS_chmod), DENY(SYS_fchmod), DENY(SYS_fchmodat),
        DENY(SYS_chown), DENY(SYS_fchown), DENY(SYS_lchown), DENY(SYS_fchownat),
        DENY(SYS_truncate), DENY(SYS_mknod), DENY(SYS_mknodat), DENY(SYS_utimensat),
        DENY(SYS_setxattr), DENY(SYS_fsetxattr), DENY(SYS_lsetxattr), DENY(SYS_mount),
        DENY(SYS_open_by_handle_at), DENY(SYS_memfd_create),
        OPEN_CHECK(SYS_open, 1),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        OPEN_CHECK(SYS_openat, 2),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {(unsigned short) (sizeof(filter) / sizeof(filter[0])), filter};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
        || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
        snprintf(why, whylen, "seccomp: %s", strerror(errno));
        return -1;
    }
    return 0;
}
