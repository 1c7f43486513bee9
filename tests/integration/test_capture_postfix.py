"""Capture from a real Postfix (Debian's, with a private configuration made
from the recipe shipped in etc/postfix/): every envelope recipient reaches
the archive, Bcc included, with the bytes Postfix queued."""
import os
import re
import smtplib
import subprocess
import time

import pytest

import postfixlib
from conftest import BIN, ROOT, make_base
from postfixlib import Postfix

pytestmark = pytest.mark.skipif(not postfixlib.available(),
                                reason="needs root and Debian's postfix (make deps)")


def recipe_main(pdir):
    """The key = value lines of etc/postfix/main.cf, pointed at pdir."""
    return postfixlib.cf_settings(os.path.join(ROOT, "etc", "postfix", "main.cf"),
                                  "/etc/postfix/", pdir + "/")


def recipe_postfix(a, transport=None, master=None, main=None):
    """A private Postfix set up as etc/postfix/ says, sending the archive
    domain to archive a: by the shipped transport map (pointed at a's port),
    or by the given transport."""
    base = make_base()
    pdir = os.path.join(base, "postfix")
    settings = recipe_main(pdir)
    settings.update(main or {})
    if master is None:
        with open(os.path.join(ROOT, "etc", "postfix", "master.cf")) as f:
            master = f.read()
    p = Postfix(base, main=settings, master_extra=master)
    with open(os.path.join(ROOT, "etc", "postfix", "mailarc_bcc.regexp")) as f:
        p.write("mailarc_bcc.regexp", f.read())
    if transport is None:
        with open(os.path.join(ROOT, "etc", "postfix", "mailarc_transport")) as f:
            transport = f.read().replace("[192.0.2.10]:25", f"[127.0.0.1]:{a.port}")
        assert f"[127.0.0.1]:{a.port}" in transport
    p.write("mailarc_transport", transport)
    r = subprocess.run(["postmap", "-c", pdir, "hash:" + os.path.join(pdir, "mailarc_transport")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return p.start()


@pytest.fixture
def bcc_recipe(archive_factory):
    a = archive_factory(bcc_decode_domain="archive.invalid", xforward_allow="127.0.0.0/8").start()
    p = recipe_postfix(a)
    yield a, p
    p.stop()


def message(subject, to="alice@example.com", cc="carol@example.org"):
    return (f"From: Sender <sender@stark.example>\r\nTo: {to}\r\nCc: {cc}\r\n"
            f"Subject: {subject}\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{subject.replace(' ', '.')}.{time.time_ns()}@stark.example>\r\n"
            f"\r\nThe numbers for the quarter.\r\n").encode()


def one_received_then(stored, sent):
    """stored is sent with exactly one Received header put in front."""
    assert stored.endswith(sent), stored[:600]
    head = stored[:-len(sent)]
    assert head.startswith(b"Received: "), head
    lines = head.split(b"\r\n")
    assert lines[-1] == b""
    assert all(l[:1] in (b" ", b"\t") for l in lines[1:-1]), head


def test_bcc_map_records_every_recipient_bcc_included(bcc_recipe):
    a, p = bcc_recipe
    sent = message("quarterly numbers")
    with smtplib.SMTP("127.0.0.1", p.port, local_hostname="origin.client.example") as s:
        s.sendmail("sender@stark.example",
                   ["alice@example.com", "carol@example.org", "bob@example.com"], sent)
    a.wait_count(1, timeout=60)
    hits = a.ids("to:bob@example.com")
    assert len(hits) == 1, p.log()[-2000:]
    mid = hits.pop()
    for who in ("alice@example.com", "carol@example.org"):
        assert a.ids(f"to:{who}") == {mid}
    show = a.cli("show", mid).stdout.decode()
    env_to = [l for l in show.splitlines() if l.startswith("Env-To:")][0]
    assert sorted(env_to[len("Env-To:"):].strip().split(", ")) == \
        ["alice@example.com", "bob@example.com", "carol@example.org"]
    assert "archive.invalid" not in show
    one_received_then(a.cat(mid), sent)
    assert a.count() == 1
    # XFORWARD: the client and HELO that Postfix saw, and its queue id.
    qid = re.search(r"postfix/smtp\[\d+\]: ([0-9A-F]+): to=<archive\+", p.log()).group(1)
    assert f"mta:{qid}" in show
    assert "Client:     localhost[127.0.0.1] helo=origin.client.example" in show, show


def test_sixty_recipients_in_two_transactions_make_one_record(bcc_recipe):
    a, p = bcc_recipe
    rcpts = [f"r{i:02d}@example.com" for i in range(60)]
    sent = message("all hands", to="all@example.com", cc="r00@example.com")
    with smtplib.SMTP("127.0.0.1", p.port) as s:
        s.sendmail("sender@stark.example", rcpts, sent)
    p.wait_queue_empty()
    deadline = time.time() + 60
    while time.time() < deadline:
        ids, ids0 = a.ids("to:r59@example.com"), a.ids("to:r01@example.com")
        if ids and ids == ids0:
            break
        time.sleep(0.5)
    assert len(ids) == 1 and ids == ids0, p.log()[-3000:]
    mid = ids.pop()
    show = a.cli("show", mid).stdout.decode()
    env_to = [l for l in show.splitlines() if l.startswith("Env-To:")][0]
    assert sorted(env_to[len("Env-To:"):].strip().split(", ")) == rcpts
    assert "(2 arrivals)" in show          # Postfix sent 50, then 10
    assert a.count() == 1
    one_received_then(a.cat(mid), sent)


def test_archive_down_mail_waits_in_postfix_then_arrives(bcc_recipe):
    a, p = bcc_recipe
    a.stop()
    sent = message("while down")
    with smtplib.SMTP("127.0.0.1", p.port) as s:
        s.sendmail("sender@stark.example", ["alice@example.com", "bob@example.com"], sent)
    time.sleep(2)
    assert not p.queue_empty()              # deferred, not lost
    a.start()
    p.flush()
    a.wait_count(1, timeout=90)
    mid = a.ids("to:bob@example.com").pop()
    one_received_then(a.cat(mid), sent)


def raw_transaction(r, rcpts, subject):
    """One whole mail transaction on a raw session, each step accepted."""
    assert r.cmd(b"MAIL FROM:<s@stark.example>")[0] == 250
    for rcpt in rcpts:
        assert r.cmd(b"RCPT TO:<" + rcpt + b">")[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    r.send(b"Subject: " + subject + b"\r\n\r\nx\r\n.\r\n")
    assert r.reply()[0] == 250


def test_undecodable_archive_recipient_is_kept_as_it_came(archive_factory):
    from smtpraw import Raw
    a = archive_factory(bcc_decode_domain="archive.invalid").start()
    r = Raw(a.port)
    assert r.reply()[0] == 220
    assert r.cmd(b"EHLO mta.example")[0] == 250
    raw_transaction(r, [b"archive+dave=example.com@archive.invalid", b"journal@archive.invalid",
                        b"erin@example.net"], b"odd")
    r.cmd(b"QUIT")
    a.wait_count(1)
    mid = a.ids("to:dave@example.com").pop()
    show = a.cli("show", mid).stdout.decode()
    assert "Env-To:     dave@example.com, journal@archive.invalid, erin@example.net" in show
    assert "recipient <journal@archive.invalid> is in bcc_decode_domain" in a.log()


PIPE_MASTER = """\
mailarc-pipe unix -     n       n       -       -       pipe
  flags= eol=\\r\\n user=nobody
  argv={bin}/mailarc -c {conf} deliver -f ${{sender}} -i ${{queue_id}} -- ${{recipient}}
"""


@pytest.fixture
def pipe_recipe(archive_factory):
    a = archive_factory(bcc_decode_domain="archive.invalid").start()
    p = recipe_postfix(a, transport="archive.invalid mailarc-pipe:\n",
                       master=PIPE_MASTER.format(bin=BIN, conf=a.conf_path),
                       main={"mailarc-pipe_destination_recipient_limit": "1000"})
    yield a, p
    p.stop()


def test_pipe_recipe_mailarc_deliver(pipe_recipe):
    """The same bcc map, delivered through a Postfix pipe transport to
    mailarc deliver: every recipient, the bytes Postfix queued, its queue
    id, source=pipe."""
    a, p = pipe_recipe
    sent = message("piped numbers")
    with smtplib.SMTP("127.0.0.1", p.port) as s:
        s.sendmail("sender@stark.example",
                   ["alice@example.com", "carol@example.org", "bob@example.com"], sent)
    p.wait_queue_empty()
    a.wait_count(1, timeout=60)
    mid = a.ids("to:bob@example.com").pop()
    show = a.cli("show", mid).stdout.decode()
    env_to = [l for l in show.splitlines() if l.startswith("Env-To:")][0]
    assert sorted(env_to[len("Env-To:"):].strip().split(", ")) == \
        ["alice@example.com", "bob@example.com", "carol@example.org"]
    assert "source=pipe" in show
    qid = re.search(r"postfix/pipe\[\d+\]: ([0-9A-F]+): to=<archive\+", p.log()).group(1)
    assert f"mta:{qid}" in show
    one_received_then(a.cat(mid), sent)


def test_pipe_recipe_defers_while_the_spool_is_unwritable(pipe_recipe):
    a, p = pipe_recipe
    tmp = os.path.join(a.data, "spool", "tmp")
    st = os.stat(tmp)
    os.chown(tmp, 0, 0)                     # nobody can no longer write there
    try:
        sent = message("deferred by deliver")
        with smtplib.SMTP("127.0.0.1", p.port) as s:
            s.sendmail("sender@stark.example", ["alice@example.com"], sent)
        deadline = time.time() + 30
        while "status=deferred" not in p.log() and time.time() < deadline:
            time.sleep(0.3)
        assert "status=deferred" in p.log(), p.log()[-2000:]
        assert not p.queue_empty()
        assert a.count() == 0
    finally:
        os.chown(tmp, st.st_uid, st.st_gid)
    p.flush()
    a.wait_count(1, timeout=60)
    one_received_then(a.cat(a.ids("to:alice@example.com").pop()), sent)


def test_xforward_only_from_allowed_clients_and_strictly_parsed(archive_factory):
    from smtpraw import Raw
    a = archive_factory(xforward_allow="127.0.0.2/32").start()
    r = Raw(a.port)                             # from 127.0.0.1: not allowed
    r.reply()
    code, text = r.cmd(b"EHLO mta.example")
    assert code == 250 and "XFORWARD" not in text
    assert r.cmd(b"XFORWARD ADDR=192.0.2.7")[0] == 550
    r.cmd(b"QUIT")
    b = archive_factory(xforward_allow="127.0.0.0/8").start()
    r = Raw(b.port)
    r.reply()
    code, text = r.cmd(b"EHLO mta.example")
    assert "XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT" in text
    assert r.cmd(b"XFORWARD")[0] == 501
    assert r.cmd(b"XFORWARD COLOR=blue")[0] == 501
    assert r.cmd(b"XFORWARD NAME=bad+ZZ")[0] == 501
    assert r.cmd(b"XFORWARD NAME=" + b"x" * 300)[0] == 501
    assert r.cmd(b"XFORWARD NAME=client.example ADDR=192.0.2.7 PORT=4711")[0] == 250
    assert r.cmd(b"XFORWARD HELO=orig+2Ehelo IDENT=ABC123 PROTO=ESMTP SOURCE=REMOTE")[0] == 250
    assert r.cmd(b"MAIL FROM:<s@stark.example>")[0] == 250
    assert r.cmd(b"XFORWARD NAME=late.example")[0] == 503
    assert r.cmd(b"RCPT TO:<t@wayne.example>")[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    r.send(b"Subject: forwarded\r\n\r\nx\r\n.\r\n")
    assert r.reply()[0] == 250
    # Attributes hold for one transaction only.
    raw_transaction(r, [b"t@wayne.example"], b"direct")
    r.cmd(b"QUIT")
    b.wait_count(2)
    fw = b.cli("show", b.ids("subject:forwarded").pop()).stdout.decode()
    assert "Client:     client.example[192.0.2.7] helo=orig.helo" in fw, fw
    assert "mta:ABC123" in fw
    direct = b.cli("show", b.ids("subject:direct").pop()).stdout.decode()
    assert "Client:     127.0.0.1 helo=mta.example" in direct, direct
    assert "mta:" not in direct
