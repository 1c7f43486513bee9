/*
 * ipc_rec.c - encode, decode, send and receive notice records.
 */
#include <errno.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipc_rec.h"

void ipc_rec_encode(const IPC_REC *rec, long mtype, struct ipc_wire *w)
{
    memset(w, 0, sizeof(*w));
    w->mtype = mtype;
    w->version = IPC_REC_VERSION;
    w->type = (unsigned char) rec->type;
    w->slot = rec->slot;
    memcpy(w->qid, rec->qid, strnlen(rec->qid, ENVELOPE_QID_MAX - 1));
}

static int ipc_qid_ok(const char *qid, size_t max)
{
    size_t  n = strnlen(qid, max);

    if (n == 0 || n == max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char    c = qid[i];

        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

int ipc_rec_decode(const struct ipc_wire *w, size_t got, uint32_t nslots,
                   IPC_REC *rec, const char **why)
{
    if (got != IPC_WIRE_SIZE)
        return (*why = "record has the wrong size"), -1;
    if (w->version != IPC_REC_VERSION)
        return (*why = "record has an unknown version"), -1;
    switch (w->type) {
    case IPC_REC_SPOOLED:
        if (!ipc_qid_ok(w->qid, sizeof(w->qid)))
            return (*why = "record has a malformed queue id"), -1;
        if (w->slot != IPC_SLOT_NONE && w->slot >= nslots)
            return (*why = "record names a slot outside the ring"), -1;
        break;
    case IPC_REC_WAKEUP:
        break;
    default:
        return (*why = "record has an unknown type"), -1;
    }
    rec->type = w->type;
    rec->slot = w->slot;
    memcpy(rec->qid, w->qid, sizeof(rec->qid));
    rec->qid[sizeof(rec->qid) - 1] = 0;
    return 0;
}

int ipc_rec_send(int msq, const IPC_REC *rec, long mtype)
{
    struct ipc_wire w;

    ipc_rec_encode(rec, mtype, &w);
    while (msgsnd(msq, &w, IPC_WIRE_SIZE, IPC_NOWAIT) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return 0;
}

int ipc_rec_recv(int msq, long mtype, int nowait, struct ipc_wire *w, size_t *got)
{
    /* Ask for one byte more than a record so an oversized one is seen. */
    struct {
        long    mtype;
        char    data[IPC_WIRE_SIZE + 1];
    } buf;
    ssize_t n = msgrcv(msq, &buf, sizeof(buf.data), mtype,
                       (nowait ? IPC_NOWAIT : 0) | MSG_NOERROR);

    if (n < 0)
        return -1;
    memset(w, 0, sizeof(*w));
    w->mtype = buf.mtype;
    memcpy((char *) w + sizeof(long), buf.data,
           (size_t) n < IPC_WIRE_SIZE ? (size_t) n : IPC_WIRE_SIZE);
    *got = (size_t) n;
    return 0;
}
