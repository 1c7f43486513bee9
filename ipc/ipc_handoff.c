/*
 * ipc_handoff.c - the receivers' notice to the indexer (see ipc_handoff.h).
 */
#include <errno.h>
#include <string.h>

#include "msg.h"
#include "ipc_handoff.h"
#include "ipc_rec.h"

void ipc_handoff(CHILD *child, const ENVELOPE *env)
{
    IPC_REC rec;
    VSTR   *txt;

    if (child->ids.msq < 0)
        return;
    memset(&rec, 0, sizeof(rec));
    rec.type = IPC_REC_SPOOLED;
    rec.slot = IPC_SLOT_NONE;
    memcpy(rec.qid, env->qid, sizeof(rec.qid));
    if (child->ring) {
        txt = vstr_alloc(1024);
        envelope_format(env, txt);
        rec.slot = ipc_ring_put(child->ring, env->qid, txt->s, txt->len);
        vstr_free(txt);
    }
    if (ipc_rec_send(child->ids.msq, &rec, IPC_MTYPE_INDEXER) < 0)
        msg_debug("notice for %s not queued (%s); the sweep will find it",
                  rec.qid, strerror(errno));
}
