/*
 * smtpblast.c - send a corpus over N concurrent SMTP sessions, as fast as
 * the server answers; the same client drives mailarc and the reference
 * (Postfix smtp-sink), so the ratio compares servers, not clients.
 *
 * usage: smtpblast HOST PORT SESSIONS ENVELOPES.jsonl EMLDIR
 * Prints "sent N failed F seconds S".  Messages are read and dot-stuffed
 * before the clock starts, up to PRELOAD bytes; beyond that (a corpus of a
 * million) each is read when it is sent, so the client does not take the
 * memory the server's page cache needs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PRELOAD ((long) 2 << 30)

typedef struct item {
    char   *from;
    char  **rcpt;
    int     nrcpt;
    char   *path;
    char   *data;                   /* dot-stuffed, ends with CRLF . CRLF; NULL: not read yet */
    size_t  len;
} ITEM;

static ITEM *items;
static int nitems;
static int next_item;
static int sent, failed;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *host;
static int port;

static char *json_str(const char **p)
{
    const char *s = strchr(*p, '"');
    const char *e;

    if (!s)
        return 0;
    e = strchr(s + 1, '"');
    *p = e + 1;
    return strndup(s + 1, (size_t) (e - s - 1));
}

/* The message file, dot-stuffed and terminated, into *data (malloc'd). */
static void stuff(const char *path, char **data, size_t *len)
{
    FILE   *mf;
    char   *raw;
    long    n;

    if (!(mf = fopen(path, "rb"))) {
        perror(path);
        exit(1);
    }
    fseek(mf, 0, SEEK_END);
    n = ftell(mf);
    rewind(mf);
    raw = malloc((size_t) n + 1);
    if (fread(raw, 1, (size_t) n, mf) != (size_t) n)
        exit(1);
    fclose(mf);
    *data = malloc((size_t) n * 2 + 8);
    *len = 0;
    for (long i = 0; i < n; i++) {
        if (raw[i] == '.' && (i == 0 || raw[i - 1] == '\n'))
            (*data)[(*len)++] = '.';
        (*data)[(*len)++] = raw[i];
    }
    memcpy(*data + *len, ".\r\n", 3);
    *len += 3;
    free(raw);
}

static void load(const char *envpath, const char *dir)
{
    FILE   *fp = fopen(envpath, "r");
    char    line[65536];
    int     cap = 1024;
    long    loaded = 0;

    if (!fp) {
        perror(envpath);
        exit(1);
    }
    items = calloc((size_t) cap, sizeof(ITEM));
    while (fgets(line, sizeof(line), fp)) {
        ITEM   *it;
        const char *p = strstr(line, "\"mail_from\":");
        char    path[4096];

        if (nitems == cap)
            items = realloc(items, (size_t) (cap *= 2) * sizeof(ITEM));
        it = &items[nitems++];
        memset(it, 0, sizeof(*it));
        p += 12;
        it->from = json_str(&p);
        p = strstr(p, "[");
        while (*p && *p != ']') {
            const char *q = strchr(p, '"');

            if (!q || q > strchr(p, ']'))
                break;
            it->rcpt = realloc(it->rcpt, (size_t) (it->nrcpt + 1) * sizeof(char *));
            it->rcpt[it->nrcpt++] = json_str(&p);
        }
        p = strstr(p, "\"file\":") + 7;
        snprintf(path, sizeof(path), "%s/%s", dir, json_str(&p));
        it->path = strdup(path);
        if (loaded < PRELOAD) {
            stuff(it->path, &it->data, &it->len);
            loaded += (long) it->len;
        }
    }
    fclose(fp);
}

static int reply(int fd, char *buf, size_t cap, size_t *have)
{
    for (;;) {
        char   *nl;

        while ((nl = memchr(buf, '\n', *have)) != 0) {
            size_t  llen = (size_t) (nl - buf) + 1;
            int     code = atoi(buf);
            int     more = llen > 3 && buf[3] == '-';

            memmove(buf, nl + 1, *have - llen);
            *have -= llen;
            if (!more)
                return code;
        }
        ssize_t n = read(fd, buf + *have, cap - *have);

        if (n <= 0)
            return -1;
        *have += (size_t) n;
    }
}

static int put(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = write(fd, s, len);

        if (n <= 0)
            return -1;
        s += n;
        len -= (size_t) n;
    }
    return 0;
}

static void *session(void *arg)
{
    char    buf[8192];
    char    cmd[1024];
    size_t  have = 0;
    struct sockaddr_in sa;
    int     fd = socket(AF_INET, SOCK_STREAM, 0);
    int     one = 1;

    (void) arg;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t) port);
    inet_pton(AF_INET, host, &sa.sin_addr);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || reply(fd, buf, sizeof(buf), &have) != 220
        || put(fd, "EHLO blast.example\r\n", 20) < 0 || reply(fd, buf, sizeof(buf), &have) != 250) {
        fprintf(stderr, "smtpblast: cannot open a session: %s\n", strerror(errno));
        exit(1);
    }
    for (;;) {
        int     i;
        int     ok = 1;

        pthread_mutex_lock(&lock);
        i = next_item < nitems ? next_item++ : -1;
        pthread_mutex_unlock(&lock);
        if (i < 0)
            break;
        snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>\r\n", items[i].from);
        ok &= put(fd, cmd, strlen(cmd)) == 0 && reply(fd, buf, sizeof(buf), &have) == 250;
        for (int r = 0; r < items[i].nrcpt; r++) {
            snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>\r\n", items[i].rcpt[r]);
            ok &= put(fd, cmd, strlen(cmd)) == 0 && reply(fd, buf, sizeof(buf), &have) == 250;
        }
        ok &= put(fd, "DATA\r\n", 6) == 0 && reply(fd, buf, sizeof(buf), &have) == 354;
        if (items[i].data) {
            ok &= put(fd, items[i].data, items[i].len) == 0
                && reply(fd, buf, sizeof(buf), &have) == 250;
        } else {
            char   *data;
            size_t  len;

            stuff(items[i].path, &data, &len);
            ok &= put(fd, data, len) == 0 && reply(fd, buf, sizeof(buf), &have) == 250;
            free(data);
        }
        pthread_mutex_lock(&lock);
        if (ok)
            sent++;
        else
            failed++;
        pthread_mutex_unlock(&lock);
        if (!ok) {
            put(fd, "RSET\r\n", 6);
            if (reply(fd, buf, sizeof(buf), &have) < 0)
                break;
        }
    }
    put(fd, "QUIT\r\n", 6);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    pthread_t *th;
    int     n;

    if (argc != 6) {
        fprintf(stderr, "usage: smtpblast HOST PORT SESSIONS ENVELOPES EMLDIR\n");
        return 2;
    }
    host = argv[1];
    port = atoi(argv[2]);
    n = atoi(argv[3]);
    load(argv[4], argv[5]);
    th = calloc((size_t) n, sizeof(pthread_t));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < n; i++)
        pthread_create(&th[i], 0, session, 0);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("sent %d failed %d seconds %.3f\n", sent, failed,
           (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return failed ? 1 : 0;
}
