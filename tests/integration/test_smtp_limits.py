"""SMTP input that used to get past the receiver: smuggled envelopes after a
bare-LF dot, BDAT sizes that overflow, empty messages, sessions held open
with NOOP, one client taking every receiver, and 421s from the prefork pool
under a steady load."""
import hashlib
import os
import subprocess
import threading
import time

from smtpraw import Raw


def session(archive):
    r = Raw(archive.port)
    assert r.reply()[0] == 220
    assert r.cmd(b"EHLO client.example")[0] == 250
    return r


def held_session(archive, wait=10):
    """A session that counts against smtp_client_limit.  The readiness
    probe's session (it sent QUIT without waiting for 221) counts too until
    its receiver has read the QUIT, so a 421 then means: ask again."""
    deadline = time.time() + wait
    while True:
        r = Raw(archive.port)
        code, text = r.reply()
        if code == 220 or time.time() > deadline:
            assert code == 220, text
            assert r.cmd(b"EHLO client.example")[0] == 250
            return r
        r.close()
        time.sleep(0.2)


def settle(archive, n):
    """Wait until n messages are searchable, then a little more for strays."""
    if n:
        archive.wait_count(n)
    time.sleep(2.5)
    return archive.count()


def test_bare_lf_dot_does_not_end_data(archive):
    r = session(archive)
    assert r.cmd(b"MAIL FROM:<outer@stark.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<y@wayne.example>")[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    body = (b"From: outer@stark.example\r\nTo: y@wayne.example\r\nSubject: outer\r\n\r\n"
            b"outer\n.\nMAIL FROM:<forged@evil.example>\nRCPT TO:<y@wayne.example>\nDATA\n"
            b"Subject: forged\n\nforged\n.\r\n.\r\n")
    # Only the CRLF.CRLF at the very end ends it; "\r\n.\r\n" inside is
    # the first one, so the message is everything before it.
    r.send(body)
    code, text = r.reply()
    assert code == 250, text
    assert r.cmd(b"QUIT")[0] == 221
    stored = body[:body.index(b"\r\n.\r\n") + 2]
    assert settle(archive, 1) == 1
    hits = archive.search("from:forged@evil.example")
    assert hits == []
    h = hashlib.sha256(stored).hexdigest()
    assert archive.cat(h) == stored
    assert b"\n.\nMAIL FROM:<forged@evil.example>" in archive.cat(h)


def test_dot_cr_without_lf_is_text(archive):
    r = session(archive)
    assert r.cmd(b"MAIL FROM:<a@stark.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<y@wayne.example>")[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    r.send(b"Subject: cr\r\n\r\n.\rx\r\n.\r\r\nlast\r\n.\r\n")
    assert r.reply()[0] == 250
    r.cmd(b"QUIT")
    want = b"Subject: cr\r\n\r\n\rx\r\n\r\r\nlast\r\n"
    h = hashlib.sha256(want).hexdigest()
    settle(archive, 1)
    assert archive.cat(h) == want


def test_bdat_size_overflow_is_refused(archive_factory):
    a = archive_factory(message_size_limit="100K").start()
    r = session(a)
    assert r.cmd(b"MAIL FROM:<a@stark.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<y@wayne.example>")[0] == 250
    r.send(b"BDAT 1\r\nx")
    assert r.reply()[0] == 250
    r.send(b"BDAT 9223372036854775807\r\n")
    code, text = r.reply()
    assert code == 552, text
    r.send(b"y" * 200000)
    try:
        code2, _ = r.reply()
        assert code2 == 421
    except (EOFError, ConnectionResetError):
        pass
    r.close()
    tmp = os.path.join(a.data, "spool", "tmp")
    time.sleep(0.5)
    assert sum(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp)) < 100 * 1024
    assert a.spool_files("new") == []


def test_bdat_chunks_that_add_up_past_the_limit(archive_factory):
    a = archive_factory(message_size_limit="100K").start()
    r = session(a)
    assert r.cmd(b"MAIL FROM:<a@stark.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<y@wayne.example>")[0] == 250
    r.send(b"BDAT 60000\r\n" + b"a" * 60000)
    assert r.reply()[0] == 250
    r.send(b"BDAT 60000 LAST\r\n" + b"b" * 60000)
    assert r.reply()[0] == 552
    assert r.cmd(b"QUIT")[0] == 221
    assert settle(a, 0) == 0


def test_empty_message_is_refused_by_bdat_and_data(archive):
    r = session(archive)
    assert r.cmd(b"MAIL FROM:<a@stark.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<y@wayne.example>")[0] == 250
    code, text = r.cmd(b"BDAT 0 LAST")
    assert code == 554 and "empty" in text
    assert r.cmd(b"MAIL FROM:<a@stark.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<y@wayne.example>")[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    code, text = r.cmd(b".")
    assert code == 554 and "empty" in text
    assert r.cmd(b"QUIT")[0] == 221
    assert settle(archive, 0) == 0
    assert archive.spool_files("new") == [] and archive.spool_files("tmp") == []


def test_noop_cannot_hold_a_session(archive_factory):
    a = archive_factory(smtp_junk_command_limit="30").start()
    r = session(a)
    codes = [r.cmd(b"NOOP")[0] for _ in range(30)]
    assert codes == [250] * 30
    code, text = r.cmd(b"NOOP")
    assert code == 421 and "too many commands" in text
    r.close()


def test_rset_between_messages_is_not_junk(archive_factory):
    a = archive_factory(smtp_junk_command_limit="3").start()
    r = session(a)
    for i in range(6):
        assert r.cmd(b"RSET")[0] == 250
        assert r.cmd(b"MAIL FROM:<a@stark.example>")[0] == 250
        assert r.cmd(b"RCPT TO:<y@wayne.example>")[0] == 250
        assert r.cmd(b"DATA")[0] == 354
        assert r.cmd(b"Subject: %d\r\n\r\nbody %d\r\n." % (i, i))[0] == 250
    assert r.cmd(b"QUIT")[0] == 221


def test_session_deadline(archive_factory):
    a = archive_factory(smtp_session_limit="10").start()
    r = session(a)
    deadline = time.time() + 30
    code = 250
    while code == 250 and time.time() < deadline:
        time.sleep(1)
        code, text = r.cmd(b"NOOP")
    assert code == 421 and "session lasted" in text


def test_one_client_cannot_take_every_receiver(archive_factory):
    a = archive_factory(smtp_client_limit="3", smtpd_min_idle="6", smtpd_max_procs="10").start()
    held = [held_session(a) for _ in range(3)]
    r = Raw(a.port)
    code, text = r.reply()
    assert code == 421 and "too many connections" in text
    r.close()
    held.pop().cmd(b"QUIT")
    time.sleep(0.3)
    r = session(a)      # a place is free again
    r.cmd(b"QUIT")
    for h in held:
        h.cmd(b"QUIT")


def test_prefork_pool_never_answers_421_under_load(archive_factory):
    """16 concurrent smtp-source sessions while the pool grows and shrinks."""
    a = archive_factory(smtpd_min_idle="16", smtpd_max_procs="64").start()
    errors = []
    for _ in range(2):
        p = subprocess.run(["smtp-source", "-s", "16", "-m", "1500", "-l", "300",
                            "-f", "src@stark.example", "-t", "sink@wayne.example",
                            f"127.0.0.1:{a.port}"], capture_output=True, timeout=300)
        if p.returncode != 0 or p.stderr.strip():
            errors.append(p.stderr.decode(errors="replace")[-500:])
        time.sleep(1.5)         # the pool shrinks back between the runs
    assert errors == []
    assert "Service shutting down" not in a.log()


def test_receiver_retired_while_accepting_serves_its_session(archive_factory):
    """The master retires surplus idle receivers; one it picks may already
    have accepted a connection while the scoreboard still says idle.  The
    shim holds every accepted connection for 2.5 s in that state, so the
    pool shrinks exactly then: every session must still be served."""
    shim = os.path.join(os.environ.get("MAILARC_BIN", "../../bin"), "fault.so")
    a = archive_factory(smtpd_min_idle="4", smtpd_max_idle="4", smtpd_max_procs="30")
    ctl = os.path.join(a.base, "fault.ctl")
    a.env = dict(os.environ, LD_PRELOAD=shim, MAILARC_FAULT=ctl,
                 ASAN_OPTIONS="verify_asan_link_order=0:" + os.environ.get("ASAN_OPTIONS", ""))
    a.start()
    held = [session(a) for _ in range(8)]       # the pool grows to 8 busy + 4 idle
    time.sleep(2.5)
    with open(ctl, "w") as f:
        f.write("accept DELAY 2500\n")
    for h in held:
        h.cmd(b"QUIT")                          # 12 idle: 8 are surplus
    replies = []

    def client():
        r = Raw(a.port)
        code, text = r.reply()
        if code == 220:
            code, text = r.cmd(b"EHLO client.example")
        replies.append((code, text))
        r.cmd(b"QUIT")

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    os.unlink(ctl)
    assert sorted(c for c, _ in replies) == [250] * 8, replies
    assert "Service shutting down" not in a.log()
