/*
 * web_conn.c - a deadline for reading each whole request.
 *
 * libmicrohttpd's connection timeout is an idle timeout: every byte resets
 * it, so a client that trickles a request one byte at a time holds its
 * connection (and, one thread per connection, a thread) for ever.  Here
 * every connection is tracked from accept, and a watchdog thread shuts
 * down the socket of one whose request is not read in full within
 * web_request_timeout seconds; the clock starts again for the next request
 * of a kept-alive connection.  Answers being sent (downloads) are not
 * timed.  With web_max_connections_per_address this bounds what slow
 * clients can hold, and how long.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "web.h"

typedef struct conn_watch {
    int     fd;
    time_t  started;                    /* of the request being read */
    int     reading;                    /* 0 while an answer is being made or sent */
    int     cut;                        /* shut down by the watchdog */
    struct conn_watch *prev, *next;
} CONN_WATCH;

static CONN_WATCH *conn_list;
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t conn_thread;
static volatile int conn_stop;

void web_conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode code)
{
    CONN_WATCH *w;

    (void) cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

        w = mycalloc(1, sizeof(*w));
        w->fd = ci ? ci->connect_fd : -1;
        w->started = time(0);
        w->reading = 1;
        pthread_mutex_lock(&conn_lock);
        w->next = conn_list;
        if (conn_list)
            conn_list->prev = w;
        conn_list = w;
        pthread_mutex_unlock(&conn_lock);
        *socket_context = w;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && (w = *socket_context) != 0) {
        pthread_mutex_lock(&conn_lock);
        if (w->prev)
            w->prev->next = w->next;
        else
            conn_list = w->next;
        if (w->next)
            w->next->prev = w->prev;
        pthread_mutex_unlock(&conn_lock);
        myfree(w);
        *socket_context = 0;
    }
}

void web_conn_reading(struct MHD_Connection *conn, int reading)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    CONN_WATCH *w = ci ? ci->socket_context : 0;

    if (w == 0)
        return;
    pthread_mutex_lock(&conn_lock);
    w->reading = reading;
    if (reading)
        w->started = time(0);
    pthread_mutex_unlock(&conn_lock);
}

static void *web_conn_watch(void *arg)
{
    (void) arg;
    while (!conn_stop) {
        time_t  now = time(0);
        long    limit = web_config()->web_request_timeout;

        pthread_mutex_lock(&conn_lock);
        for (CONN_WATCH *w = conn_list; w; w = w->next)
            if (w->reading && !w->cut && w->fd >= 0 && now - w->started > limit) {
                /* The connection's own thread sees the end and closes it. */
                shutdown(w->fd, SHUT_RDWR);
                w->cut = 1;
                msg_info("closed a connection whose request took over %ld s to arrive", limit);
            }
        pthread_mutex_unlock(&conn_lock);
        sleep(1);
    }
    return 0;
}

void web_conn_start(void)
{
    if (pthread_create(&conn_thread, 0, web_conn_watch, 0) != 0)
        msg_fatal("cannot start the request watchdog: %m");
}

void web_conn_stop(void)
{
    conn_stop = 1;
    pthread_join(conn_thread, 0);
}
