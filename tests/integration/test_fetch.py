"""Journal mailboxes read by mailarc-fetch from a real Dovecot: every
message archived byte for byte before it is deleted, over IMAP (STARTTLS,
IDLE) and POP3; delete = none; kill -9 in the middle of batches; a
UIDVALIDITY change; a wrong password and a server that went away shown by
mailarc status."""
import hashlib
import os
import signal
import time

import pytest

import dovecotlib
from dovecotlib import Dovecot

pytestmark = pytest.mark.skipif(not dovecotlib.available(),
                                reason="needs root and Debian's dovecot (make deps)")


def sha(b):
    return hashlib.sha256(b).hexdigest()


def msg(i, tag="journal"):
    return (f"From: Sender <s{i}@stark.example>\r\nTo: r{i}@wayne.example\r\n"
            f"Subject: {tag} message {i}\r\nMessage-ID: <{tag}.{i}.{time.time_ns()}@stark.example>"
            f"\r\n\r\nBody {i}.\r\n.leading dot\r\n").encode()


@pytest.fixture
def dovecot():
    d = Dovecot().start()
    yield d
    d.cleanup()


def journal_archive(archive_factory, d, start=True, conf=None, **acct):
    a = archive_factory(**(conf or {}))
    pwfile = os.path.join(a.base, "journal.pw")
    with open(pwfile, "w") as f:
        f.write(acct.pop("password", d.password) + "\n")
    os.chmod(pwfile, 0o644)
    section = {"protocol": "imap", "host": "localhost", "port": d.imap, "tls": "starttls",
               "tls_ca_file": d.cert, "user": d.user, "password_file": pwfile,
               "poll_interval": "1s", "batch": "10"}
    section.update(acct)
    if section["protocol"] == "pop3" and "port" not in acct:
        section["port"] = d.pop3
    text = "; written by the test suite\n" + "".join(f"{k} = {v}\n" for k, v in a.settings.items())
    text += "\n[journal box]\n" + "".join(f"{k} = {v}\n" for k, v in section.items())
    a.write_conf(text)
    return a.start() if start else a


def wait_until(pred, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def check_all_archived(a, msgs):
    a.wait_count(len(msgs), timeout=90)
    for m in msgs:
        assert a.cat(sha(m)) == m
    assert a.count() == len(msgs)


def test_imap_starttls_archives_then_empties_the_mailbox(archive_factory, dovecot):
    msgs = [msg(i) for i in range(25)]
    for m in msgs:
        dovecot.deliver(m)
    a = journal_archive(archive_factory, dovecot)
    check_all_archived(a, msgs)
    wait_until(lambda: dovecot.mailbox_count() == 0, what="the mailbox to be empty")
    show = a.cli("show", sha(msgs[3])).stdout.decode()
    assert "source=imap:box" in show and "mta:uid:" in show
    status = a.cli("status").stdout.decode()
    assert "journal box     imap localhost" in status and ": ok, 25 fetched" in status, status


def test_imap_delete_none_leaves_the_mailbox_and_adds_nothing_twice(archive_factory, dovecot):
    msgs = [msg(i, "kept") for i in range(5)]
    for m in msgs:
        dovecot.deliver(m)
    a = journal_archive(archive_factory, dovecot, delete="none", tls="none")
    check_all_archived(a, msgs)
    time.sleep(3)                               # several more cycles
    assert dovecot.mailbox_count() == 5
    for m in msgs:
        assert "(1 arrival)" in a.cli("show", sha(m)).stdout.decode()
    dovecot.deliver(msg(99, "kept"))
    a.wait_count(6)
    assert dovecot.mailbox_count() == 6


def test_pop3_archives_then_empties_the_mailbox(archive_factory, dovecot):
    msgs = [msg(i, "pop") for i in range(12)]
    for m in msgs:
        dovecot.deliver(m)
    a = journal_archive(archive_factory, dovecot, protocol="pop3", port=dovecot.pop3)
    check_all_archived(a, msgs)
    wait_until(lambda: dovecot.mailbox_count() == 0, what="the POP3 mailbox to be empty")
    assert "source=pop3:box" in a.cli("show", sha(msgs[0])).stdout.decode()


def test_imap_idle_takes_new_mail_at_once(archive_factory, dovecot):
    dovecot.deliver(msg(0, "idle"))
    a = journal_archive(archive_factory, dovecot, idle="yes", poll_interval="300s")
    a.wait_count(1)
    time.sleep(1)
    m = msg(1, "idle")
    dovecot.deliver(m)
    t = time.time()
    a.wait_count(2, timeout=30)
    assert time.time() - t < 20                 # IDLE, not the 300 s poll
    assert a.cat(sha(m)) == m


def test_wrong_password_and_server_gone_show_in_status(archive_factory, dovecot):
    dovecot.deliver(msg(0, "never"))
    sink = archive_factory().start()             # a real SMTP server for the alert
    a = journal_archive(archive_factory, dovecot, password="wrong",
                        conf={"relay_host": f"127.0.0.1:{sink.port}", "relay_tls": "none",
                              "alert_to": "ops@example.com"})
    wait_until(lambda: "FAILING" in a.cli("status").stdout.decode(), what="FAILING")
    status = a.cli("status").stdout.decode()
    assert "login" in status and "AUTHENTICATIONFAILED" in status.upper(), status
    assert dovecot.mailbox_count() == 1 and a.count() == 0
    # Three failed cycles in a row: one alert, and only one.
    sink.wait_count(1, timeout=30)
    time.sleep(4)
    assert sink.count() == 1
    alert = sink.cat(sink.search("subject:journal")[0]["id"]).decode()
    assert "[journal box]" in alert and "AUTHENTICATIONFAILED" in alert.upper()
    b = journal_archive(archive_factory, dovecot)
    b.wait_count(1)
    dovecot.stop()
    wait_until(lambda: "FAILING" in b.cli("status").stdout.decode(), what="FAILING")
    err = [l for l in b.cli("status").stdout.decode().splitlines() if "last error:" in l][0]
    assert "no IMAP greeting" in err or "Connection refused" in err, err


def test_kill9_in_the_middle_loses_nothing_and_stores_nothing_twice(archive_factory, dovecot):
    msgs = [msg(i, "crash") for i in range(120)]
    for m in msgs:
        dovecot.deliver(m)
    a = journal_archive(archive_factory, dovecot, batch="7", tls="none")
    kills = 0
    deadline = time.time() + 90
    while time.time() < deadline and kills < 8:
        pids = a.children("fetch")
        if pids:
            time.sleep(0.15)
            try:
                os.kill(pids[0], signal.SIGKILL)
                kills += 1
            except ProcessLookupError:
                pass
        time.sleep(0.3)
    check_all_archived(a, msgs)
    wait_until(lambda: dovecot.mailbox_count() == 0, timeout=90, what="the mailbox to be empty")
    # Every message exactly once: as many records as messages, every one
    # found; a message fetched again after a kill is the same record.
    assert a.count() == len(msgs)


def test_uidvalidity_change_loses_nothing(archive_factory, dovecot):
    first = [msg(i, "before") for i in range(4)]
    for m in first:
        dovecot.deliver(m)
    a = journal_archive(archive_factory, dovecot, delete="none", tls="none")
    a.wait_count(4)
    dovecot.recreate()                          # the mailbox made again: new UIDVALIDITY
    later = [msg(i, "after") for i in range(3)]
    for m in first[:2] + later:
        dovecot.deliver(m)
    check_all_archived(a, first + later)
    assert "UIDVALIDITY" in a.log()


def test_import_from_imap_folders_and_pop3_read_only(archive_factory, dovecot):
    """mailarc import imap://... takes every folder (EXAMINE, BODY.PEEK),
    pop3://... the INBOX (no DELE); the server is left as it was."""
    import subprocess
    from conftest import BIN
    boxes = {None: [msg(i, "inbox") for i in range(3)], "Sent": [msg(i, "sent") for i in range(2)],
             "Archive": [msg(0, "archive")]}
    for folder, ms in boxes.items():
        for m in ms:
            dovecot.deliver(m, folder)
    a = archive_factory().start()
    pw = os.path.join(a.base, "pw")
    with open(pw, "w") as f:
        f.write(dovecot.password + "\n")

    def run(*args):
        return subprocess.run([os.path.join(BIN, "mailarc"), "-c", a.conf_path, "import",
                               "--ca-file", dovecot.cert, "--password-file", pw, "--report", "-",
                               *args], capture_output=True, timeout=120)
    r = run(f"imap://{dovecot.user}@localhost:{dovecot.imap}")
    out = r.stdout.decode()
    assert r.returncode == 0, out + r.stderr.decode()
    assert out.splitlines()[-1] == "imported 6, duplicate 0, refused 0"
    assert ";UID=" in out and "/Sent;UID=" in out and "/Archive;UID=" in out
    allm = [m for ms in boxes.values() for m in ms]
    a.wait_count(6)
    for m in allm:
        assert a.cat(sha(m)) == m
    assert "source=import" in a.cli("show", sha(allm[0])).stdout.decode()
    # One folder only, and POP3: everything is already there.
    r = run(f"imap://{dovecot.user}@localhost:{dovecot.imap}/Sent")
    assert r.stdout.decode().splitlines()[-1] == "imported 0, duplicate 2, refused 0"
    r = run(f"pop3://{dovecot.user}@localhost:{dovecot.pop3}")
    assert r.stdout.decode().splitlines()[-1] == "imported 0, duplicate 3, refused 0", \
        r.stdout.decode() + r.stderr.decode()
    # Read-only: every message is still on the server.
    assert dovecot.mailbox_count() == 3 and dovecot.mailbox_count("Sent") == 2
    # A wrong password is a refused item that says why.
    with open(pw, "w") as f:
        f.write("wrong\n")
    r = run(f"imap://{dovecot.user}@localhost:{dovecot.imap}")
    assert r.returncode == 1
    assert "login" in r.stdout.decode() and r.stdout.decode().splitlines()[-1].endswith("refused 1")
