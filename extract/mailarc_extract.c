/*
 * mailarc-extract - the text of one attachment, for the indexer.
 *
 * usage: mailarc-extract [-t SECONDS] [-m MAXTEXT] [-M MAXMEMORY] TYPE
 *
 * Reads the file on standard input (a memfd the indexer filled), writes
 * its text as UTF-8 on standard output, and exits 0; or writes one line
 * saying why not on standard error and exits 1.  Before it reads a byte
 * it limits itself (CPU, memory, no file it could write) and installs its
 * seccomp filter; the indexer adds the wall clock and kills it when that
 * runs out.  TYPE is pdf, docx, xlsx, pptx, odt, ods, odp or rtf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ex_sandbox.h"
#include "extract.h"

static size_t ex_room;              /* output bytes still allowed */

void ex_out(const char *s, size_t len)
{
    if (len > ex_room)
        len = ex_room;
    while (len > 0) {
        ssize_t n = write(1, s, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(1);               /* the indexer stopped reading */
        s += n;
        len -= (size_t) n;
        ex_room -= (size_t) n;
    }
    if (ex_room == 0)
        _exit(0);                   /* the rest would be cut anyway */
}

static void ex_fail(const char *why)
{
    fprintf(stderr, "%s\n", why);
    exit(1);
}

static void ex_usage(void)
{
    fprintf(stderr, "usage: mailarc-extract [-t SECONDS] [-m MAXTEXT] [-M MAXMEMORY] TYPE\n");
    exit(2);
}

static long ex_number(const char *s)
{
    char   *end;
    long    v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v <= 0)
        ex_usage();
    return v;
}

#if defined(__SANITIZE_ADDRESS__)
/* A signal that ends the helper is its parent's to name ("crashed
 * (segmentation fault)" in show and status): in a sanitizer build,
 * AddressSanitizer must not catch it and turn it into an exit of its own. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "handle_segv=0:handle_sigbus=0";
}
#endif

int main(int argc, char **argv)
{
    long    cpu = 10;
    size_t  max_text = 16 * 1024 * 1024;
    size_t  max_mem = 1024UL * 1024 * 1024;
    const char *type;
    struct stat st;
    char    why[512];
    char   *data;
    int     ch, rc;

    while ((ch = getopt(argc, argv, "t:m:M:")) != -1) {
        switch (ch) {
        case 't': cpu = ex_number(optarg); break;
        case 'm': max_text = (size_t) ex_number(optarg); break;
        case 'M': max_mem = (size_t) ex_number(optarg); break;
        default: ex_usage();
        }
    }
    if (optind != argc - 1)
        ex_usage();
    type = argv[optind];
    ex_room = max_text;
    if (ex_limits(cpu, max_mem, why, sizeof(why)) < 0)
        ex_fail(why);
    if (fstat(0, &st) < 0 || !S_ISREG(st.st_mode))
        ex_fail("standard input is not a file");
    if (st.st_size == 0)
        ex_fail("empty file");
    data = mmap(0, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, 0, 0);
    if (data == MAP_FAILED) {
        snprintf(why, sizeof(why), "mmap: %s", strerror(errno));
        ex_fail(why);
    }
    if (ex_sandbox(why, sizeof(why)) < 0)
        ex_fail(why);
    if (strcmp(type, "pdf") == 0)
        rc = ex_pdf(data, (size_t) st.st_size, why, sizeof(why));
    else if (strcmp(type, "rtf") == 0)
        rc = ex_rtf(data, (size_t) st.st_size, why, sizeof(why));
    else if (strcmp(type, "docx") == 0 || strcmp(type, "xlsx") == 0 || strcmp(type, "pptx") == 0
             || strcmp(type, "odt") == 0 || strcmp(type, "ods") == 0 || strcmp(type, "odp") == 0)
        /* Inflate at most 16 bytes of XML for each byte of text allowed. */
        rc = ex_zip(type, data, (size_t) st.st_size, max_text * 16, why, sizeof(why));
    else {
        snprintf(why, sizeof(why), "unknown type \"%.40s\"", type);
        rc = -1;
    }
    if (rc < 0)
        ex_fail(why);
    return 0;
}
