"""Capture through mailarc-milter from a real Postfix (Debian's, private
configuration from etc/postfix/milter.cf): every envelope recipient, Bcc
included, and the bytes Postfix queued, rebuilt from what a milter sees."""
import os
import re
import smtplib
import time

import pytest

import postfixlib
from conftest import ROOT, free_port, make_base
from postfixlib import Postfix

pytestmark = pytest.mark.skipif(not postfixlib.available(),
                                reason="needs root and Debian's postfix (make deps)")

# Postfix's own pipe delivery of the same message, for comparison: no
# Delivered-To or Return-Path (flags= without D, F, R), CRLF line ends.
CAPTURE_MASTER = """\
capture   unix  -       n       n       -       -       pipe
  flags= eol=\\r\\n user=nobody argv={script} {dir}/${{queue_id}}
"""


def milter_main(port):
    """The key = value lines of etc/postfix/milter.cf, pointed at port."""
    out = postfixlib.cf_settings(os.path.join(ROOT, "etc", "postfix", "milter.cf"),
                                 "192.0.2.10:8892", f"127.0.0.1:{port}")
    assert out["smtpd_milters"] == f"inet:127.0.0.1:{port}"
    return out


class MilterSetup:
    def __init__(self, archive_factory):
        self.mport = free_port()
        self.a = archive_factory(milter_listen=f"inet:127.0.0.1:{self.mport}",
                                 bcc_decode_domain="archive.invalid").start()
        self.wait_milter()
        base = make_base()
        self.copies = os.path.join(base, "copies")
        os.makedirs(self.copies)
        os.chmod(self.copies, 0o777)
        script = os.path.join(base, "capture.sh")
        with open(script, "w") as f:
            f.write('#!/bin/sh\ncat > "$1.tmp" && mv "$1.tmp" "$1"\n')
        os.chmod(script, 0o755)
        main = milter_main(self.mport)
        main["transport_maps"] = "inline:{ example.com=capture: }"
        self.p = Postfix(base, main=main,
                         master_extra=CAPTURE_MASTER.format(script=script, dir=self.copies)).start()

    def wait_milter(self, timeout=20):
        import socket
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.mport), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("mailarc-milter is not listening:\n" + self.a.log())

    def copy(self, timeout=60):
        """The one message Postfix delivered through its pipe transport."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            done = [n for n in os.listdir(self.copies) if not n.endswith(".tmp")]
            if done:
                assert len(done) == 1, done
                with open(os.path.join(self.copies, done[0]), "rb") as f:
                    return done[0], f.read()
            time.sleep(0.2)
        raise AssertionError("no pipe delivery:\n" + self.p.log()[-3000:])


@pytest.fixture
def milter(archive_factory):
    s = MilterSetup(archive_factory)
    yield s
    s.p.stop()


def message(subject):
    return (f"From: Sender <sender@stark.example>\r\nTo: alice@example.com\r\n"
            f"Cc: carol@example.org\r\nSubject: {subject}\r\n"
            f"Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{subject.replace(' ', '.')}.{time.time_ns()}@stark.example>\r\n"
            f"\r\nThe numbers for the quarter.\r\n").encode()


def env_to(show):
    line = [l for l in show.splitlines() if l.startswith("Env-To:")][0]
    return sorted(line[len("Env-To:"):].strip().split(", "))


def test_milter_archives_the_client_bytes_with_every_recipient(milter):
    a, p = milter.a, milter.p
    sent = message("milter numbers")
    with smtplib.SMTP("127.0.0.1", p.port, local_hostname="origin.client.example") as s:
        s.sendmail("sender@stark.example",
                   ["alice@example.com", "carol@example.org", "bob@example.com"], sent)
    a.wait_count(1, timeout=60)
    mid = a.ids("to:bob@example.com").pop()
    for who in ("alice@example.com", "carol@example.org"):
        assert a.ids(f"to:{who}") == {mid}
    # CRLF and "Name: value" headers: the milter's rebuild is the client's bytes.
    assert a.cat(mid) == sent
    show = a.cli("show", mid).stdout.decode()
    assert env_to(show) == ["alice@example.com", "bob@example.com", "carol@example.org"]
    assert "source=milter" in show, show
    qid = re.search(r"postfix/cleanup\[\d+\]: ([0-9A-F]+): message-id=", p.log()).group(1)
    assert f"mta:{qid}" in show, show
    assert "helo=origin.client.example" in show, show
    assert a.count() == 1


FOLDED = (b"From: Sender <sender@stark.example>\r\n"
          b"To: alice@example.com,\r\n\tdan@example.com\r\n"
          b"Subject: a subject folded\r\n  over three\r\n lines\r\n"
          b"X-Empty:\r\n"
          b"X-Tight:no-space\r\n"
          b"X-Tab:\tafter a tab\r\n"
          b"Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
          b"Message-ID: <folded@stark.example>\r\n"
          b"\r\n"
          b"a long line " + b"0123456789" * 500 + b"\r\n"
          b"\r\n"
          b"trailing text without a line end")


def test_milter_bytes_equal_postfix_pipe_delivery(milter):
    a, p = milter.a, milter.p
    with smtplib.SMTP("127.0.0.1", p.port) as s:
        s.sendmail("sender@stark.example", ["alice@example.com", "dan@example.com"], FOLDED)
    qid, piped = milter.copy()
    # Postfix's pipe delivery starts with its own Received header.
    assert piped.startswith(b"Received: ")
    end = re.search(rb"\r\n(?![ \t])", piped).end()
    queued = piped[end:]
    a.wait_count(1, timeout=60)
    mid = a.ids("to:dan@example.com").pop()
    assert a.cat(mid) == queued
    show = a.cli("show", mid).stdout.decode()
    assert f"mta:{qid}" in show, show


def deliver_expect_4xx(port, subject):
    try:
        with smtplib.SMTP("127.0.0.1", port) as s:
            s.sendmail("sender@stark.example", ["alice@example.com"], message(subject))
    except smtplib.SMTPRecipientsRefused as e:
        return list(e.recipients.values())[0][0]
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPResponseException) as e:
        return e.smtp_code
    return 250


def test_milter_down_postfix_answers_4xx_and_nothing_passes(milter):
    a, p = milter.a, milter.p
    a.stop()
    code = deliver_expect_4xx(p.port, "while the archive is down")
    assert 400 <= code < 500, code
    time.sleep(1)
    assert p.queue_empty()                  # not accepted, so not delivered unarchived
    assert os.listdir(milter.copies) == []
    a.start()
    milter.wait_milter()
    sent = message("after the restart")
    with smtplib.SMTP("127.0.0.1", p.port) as s:
        s.sendmail("sender@stark.example", ["alice@example.com"], sent)
    a.wait_count(1, timeout=60)
    assert a.cat(a.ids("to:alice@example.com").pop()) == sent


def test_milter_tempfails_when_the_spool_is_unwritable(milter):
    a, p = milter.a, milter.p
    tmp = os.path.join(a.data, "spool", "tmp")
    st = os.stat(tmp)
    os.chown(tmp, 0, 0)
    try:
        code = deliver_expect_4xx(p.port, "spool unwritable")
    finally:
        os.chown(tmp, st.st_uid, st.st_gid)
    assert 400 <= code < 500, code
    assert p.queue_empty()
    assert "not archived" in a.log()
    assert a.count() == 0


def test_sixty_recipients_through_the_milter_one_record(milter):
    a, p = milter.a, milter.p
    rcpts = [f"r{i:02d}@example.com" for i in range(60)]
    sent = message("all hands")
    with smtplib.SMTP("127.0.0.1", p.port) as s:
        s.sendmail("sender@stark.example", rcpts, sent)
    a.wait_count(1, timeout=60)
    mid = a.ids("to:r59@example.com").pop()
    assert env_to(a.cli("show", mid).stdout.decode()) == rcpts
    assert a.cat(mid) == sent


def test_milter_listen_is_checked_at_start(archive_factory):
    a = archive_factory(milter_listen="inet:nohostport")
    a.start(wait=False)
    a.proc.wait(timeout=20)
    assert a.proc.returncode != 0
    assert "milter_listen" in a.log()
