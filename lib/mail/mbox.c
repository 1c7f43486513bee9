/*
 * mbox.c - the streaming mbox splitter (see mbox.h).
 */
#include <errno.h>
#include <string.h>

#include "mbox.h"
#include "mymalloc.h"

#define MBOX_BLOCK 65536            /* read size, and the longest piece of a line */

struct mbox {
    FILE   *fp;
    char   *buf;
    size_t  start, end;             /* unread bytes: buf[start..end) */
    off_t   off;                    /* file offset of buf[start] */
    int     eof;
    int     mid_line;               /* the next piece continues a long line */
    int     begun;                  /* the first separator was read */
    int     done;
    int     prev_blank;             /* the last whole line was empty */
    int     have_next;              /* a separator ended the last message */
    MBOX_ITEM next;                 /* ... and this is what it said */
};

MBOX   *mbox_open(FILE *fp)
{
    MBOX   *m = mycalloc(1, sizeof(*m));

    m->fp = fp;
    m->buf = mymalloc(MBOX_BLOCK);
    return m;
}

void mbox_close(MBOX *m)
{
    if (m == 0)
        return;
    myfree(m->buf);
    myfree(m);
}

int mbox_sniff(const char *head, size_t len)
{
    return len >= 5 && memcmp(head, "From ", 5) == 0;
}

/*
 * The next piece of input: a whole line with its LF, the last line of the
 * file without one, or MBOX_BLOCK bytes of a longer line.  *bol: it starts
 * a line; *eol: it ends one.  1, 0 at the end, -1 on a read error.
 */
static int mbox_piece(MBOX *m, const char **p, size_t *n, off_t *at, int *bol, int *eol)
{
    for (;;) {
        char   *lf = memchr(m->buf + m->start, '\n', m->end - m->start);
        size_t  got;

        if (lf || (m->eof && m->end > m->start) || m->end - m->start == MBOX_BLOCK) {
            size_t  len = lf ? (size_t) (lf + 1 - (m->buf + m->start)) : m->end - m->start;

            *p = m->buf + m->start;
            *n = len;
            *at = m->off;
            *bol = !m->mid_line;
            *eol = lf != 0 || m->eof;
            m->mid_line = !*eol;
            m->start += len;
            m->off += (off_t) len;
            return 1;
        }
        if (m->eof)
            return 0;
        if (m->start > 0) {
            memmove(m->buf, m->buf + m->start, m->end - m->start);
            m->end -= m->start;
            m->start = 0;
        }
        got = fread(m->buf + m->end, 1, MBOX_BLOCK - m->end, m->fp);
        if (got == 0) {
            if (ferror(m->fp))
                return -1;
            m->eof = 1;
        }
        m->end += got;
    }
}

static void mbox_separator(const char *p, size_t n, off_t at, MBOX_ITEM *it)
{
    size_t  i = 5, o = 0;

    memset(it, 0, sizeof(*it));
    it->offset = at;
    while (i < n && p[i] == ' ')
        i++;
    while (i < n && o < sizeof(it->from) - 1 && (unsigned char) p[i] > ' ' && p[i] != 0x7f)
        it->from[o++] = p[i++];
    it->from[o] = 0;
}

static void mbox_add(VSTR *msg, size_t max, MBOX_ITEM *it, const char *p, size_t n)
{
    it->size += n;
    if (it->too_big)
        return;
    if (msg->len + n > max) {
        it->too_big = 1;
        vstr_reset(msg);
        return;
    }
    vstr_add(msg, p, n);
}

int mbox_next(MBOX *m, VSTR *msg, size_t max, MBOX_ITEM *it)
{
    const char *p;
    size_t  n;
    off_t   at;
    int     bol, eol, rc;
    size_t  blank = 0;              /* an empty line held back: it may end the message */
    const char *crlf = "\r\n";

    vstr_reset(msg);
    if (m->done)
        return 0;
    if (m->have_next) {
        *it = m->next;
        m->have_next = 0;
    } else {
        /* The first line of the file must be a separator. */
        if ((rc = mbox_piece(m, &p, &n, &at, &bol, &eol)) <= 0) {
            m->done = 1;
            return rc;
        }
        if (!mbox_sniff(p, n)) {
            m->done = 1;
            return -2;
        }
        mbox_separator(p, n, at, it);
        m->begun = 1;
    }
    m->prev_blank = 0;
    while ((rc = mbox_piece(m, &p, &n, &at, &bol, &eol)) == 1) {
        if (bol && eol && (n == 1 || (n == 2 && p[0] == '\r'))) {
            if (blank)
                mbox_add(msg, max, it, crlf + 2 - blank, blank);
            blank = n;
            m->prev_blank = 1;
            continue;
        }
        if (bol && m->prev_blank && mbox_sniff(p, n)) {
            mbox_separator(p, n, at, &m->next);
            m->have_next = 1;
            if (it->too_big)
                vstr_reset(msg);
            return 1;                   /* the held empty line belonged to the separator */
        }
        if (blank) {
            mbox_add(msg, max, it, crlf + 2 - blank, blank);
            blank = 0;
        }
        if (bol && n > 5 && p[0] == '>') {
            size_t  k = 0;

            while (k < n && p[k] == '>')
                k++;
            if (n - k >= 5 && memcmp(p + k, "From ", 5) == 0) {
                p++;                    /* one level of quoting undone */
                n--;
            }
        }
        mbox_add(msg, max, it, p, n);
        m->prev_blank = 0;
    }
    m->done = 1;
    if (rc < 0)
        return -1;
    /* The end of the file: a last empty line is the separator's too. */
    if (it->too_big)
        vstr_reset(msg);
    return 1;
}

/* ^>*From  at p (a line start), within end? */
static int mbox_from_line(const char *p, const char *end)
{
    while (p < end && *p == '>')
        p++;
    return end - p >= 5 && memcmp(p, "From ", 5) == 0;
}

void mbox_append(VSTR *out, const char *sender, time_t when, const char *msg, size_t len)
{
    const char *end = msg + len;
    struct tm tm;
    char    date[64];

    gmtime_r(&when, &tm);
    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
    if (sender == 0 || *sender == 0 || strpbrk(sender, " \t\r\n"))
        sender = "MAILER-DAEMON";
    vstr_sprintf_append(out, "From %s %s\n", sender, date);
    for (const char *p = msg; p < end;) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        const char *next = nl ? nl + 1 : end;

        if (mbox_from_line(p, next))
            vstr_addch(out, '>');
        vstr_add(out, p, (size_t) (next - p));
        p = next;
    }
    if (len == 0 || msg[len - 1] != '\n')
        vstr_addch(out, '\n');
    vstr_addch(out, '\n');
}
