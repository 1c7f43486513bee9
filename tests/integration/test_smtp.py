"""ESMTP behaviour seen from real clients: BDAT, pipelining, STARTTLS,
and every refusal answered with the right code and nothing stored."""
import hashlib
import os
import smtplib
import ssl
import subprocess
import time

import pytest

from smtpraw import Raw

WEIRD = (b"From: x@stark.example\r\nTo: y@wayne.example\r\nSubject: exact bytes\r\n\r\n"
         b".leading dot\r\n..two dots\r\nbare LF line\nmore\r\n" + b"L" * 20000 + b"\r\n"
         b"8bit: \xc3\xa4\xff\r\n\r\n.\r\nend\r\n")


def wait_for(archive, h, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if archive.cli("cat", h).returncode == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"{h} not searchable:\n{archive.log()[-2000:]}")


def test_bdat_chunks_keep_exact_bytes(archive):
    r = Raw(archive.port)
    assert r.reply()[0] == 220
    code, text = r.cmd(b"EHLO client.example")
    assert code == 250 and "CHUNKING" in text and "PIPELINING" in text
    a, b = WEIRD[:777], WEIRD[777:]
    # All pipelined in one write, as a client with PIPELINING+CHUNKING may.
    r.send(b"MAIL FROM:<x@stark.example> BODY=BINARYMIME\r\nRCPT TO:<y@wayne.example>\r\n"
           + b"BDAT %d\r\n" % len(a) + a + b"BDAT %d LAST\r\n" % len(b) + b)
    assert r.reply()[0] == 250
    assert r.reply()[0] == 250
    assert r.reply()[0] == 250
    code, text = r.reply()
    assert code == 250 and "queued as" in text
    assert r.cmd(b"QUIT")[0] == 221
    h = hashlib.sha256(WEIRD).hexdigest()
    wait_for(archive, h)
    assert archive.cat(h) == WEIRD


def test_pipelined_data_session_unstuffs_dots(archive):
    stuffed = WEIRD.replace(b"\r\n.", b"\r\n..")
    r = Raw(archive.port)
    assert r.reply()[0] == 220
    assert r.cmd(b"EHLO client.example")[0] == 250
    r.send(b"MAIL FROM:<>\r\nRCPT TO:<a@wayne.example>\r\nRCPT TO:<b@wayne.example>\r\nDATA\r\n")
    assert [r.reply()[0] for _ in range(4)] == [250, 250, 250, 354]
    r.send(stuffed + b".\r\nNOOP\r\n")
    assert r.reply()[0] == 250
    assert r.reply()[0] == 250
    r.cmd(b"QUIT")
    h = hashlib.sha256(WEIRD).hexdigest()
    wait_for(archive, h)
    assert archive.cat(h) == WEIRD
    assert archive.ids("to:b@wayne.example") == {h}


def test_starttls_with_generated_certificate(archive_factory):
    a = archive_factory()
    key, crt = os.path.join(a.base, "key.pem"), os.path.join(a.base, "crt.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=archive.test", "-keyout", key, "-out", crt],
                   check=True, capture_output=True)
    os.chmod(key, 0o644)   # the receivers run unprivileged
    a.settings.update(smtp_tls_cert=crt, smtp_tls_key=key)
    a.write_conf()
    a.start()
    raw = b"From: tls@stark.example\r\nTo: z@wayne.example\r\nSubject: over TLS\r\n\r\nsecret\r\n"
    with smtplib.SMTP("127.0.0.1", a.port) as s:
        s.ehlo()
        assert s.has_extn("starttls")
        ctx = ssl.create_default_context(cafile=crt)
        ctx.check_hostname = False
        s.starttls(context=ctx)
        s.ehlo()
        assert not s.has_extn("starttls")
        s.sendmail("tls@stark.example", ["z@wayne.example"], raw)
    h = hashlib.sha256(raw).hexdigest()
    wait_for(a, h)
    assert a.cat(h) == raw
    assert "tls=TLSv1.3" in a.cli("show", h).stdout.decode()


@pytest.fixture
def small(archive_factory):
    return archive_factory(message_size_limit=4096, recipient_limit=3, smtp_line_limit=512).start()


def test_size_limit(small):
    r = Raw(small.port)
    r.reply()
    r.cmd(b"EHLO c")
    assert r.cmd(b"MAIL FROM:<a@b.example> SIZE=100000")[0] == 552
    assert r.cmd(b"MAIL FROM:<a@b.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<c@d.example>")[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    r.send(b"Subject: big\r\n\r\n" + (b"x" * 70 + b"\r\n") * 100 + b".\r\n")
    code, text = r.reply()
    assert code == 552 and "5.3.4" in text
    # The session goes on and a small message still gets through.
    assert r.cmd(b"MAIL FROM:<a@b.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<c@d.example>")[0] == 250
    r.send(b"BDAT 5000 LAST\r\n" + b"y" * 5000)
    assert r.reply()[0] == 552
    r.cmd(b"QUIT")
    time.sleep(1.5)
    assert small.count() == 0
    assert small.spool_files("tmp") == [] and small.spool_files("new") == []


def test_recipient_limit(small):
    with smtplib.SMTP("127.0.0.1", small.port) as s:
        s.ehlo()
        s.mail("a@b.example")
        for i in range(3):
            assert s.rcpt(f"r{i}@d.example")[0] == 250
        code, msg = s.rcpt("r3@d.example")
        assert code == 452 and b"4.5.3" in msg
        code, _ = s.data(b"Subject: three\r\n\r\nok\r\n")
        assert code == 250
    small.wait_count(1)
    assert small.ids("to:r2@d.example") and not small.ids("to:r3@d.example")


def test_overlong_command_line(small):
    r = Raw(small.port)
    r.reply()
    code, text = r.cmd(b"EHLO " + b"h" * 3000)
    assert code == 500 and "too long" in text
    assert r.cmd(b"EHLO ok.example")[0] == 250
    code, text = r.cmd(b"MAIL FROM:<" + b"a" * 600 + b"@b.example>")
    assert code == 500 and "too long" in text
    assert r.cmd(b"MAIL FROM:<unbalanced@b.example")[0] == 501
    assert r.cmd(b"RCPT TO:<x@y.example>")[0] == 503
    assert r.cmd(b"DATA")[0] == 503
    assert r.cmd(b"VRFY root")[0] == 502
    assert r.cmd(b"FOO bar")[0] == 500
    assert r.cmd(b"MAIL FROM:<bad address@x.example>")[0] == 501
    assert r.cmd(b"QUIT")[0] == 221
    assert small.count() == 0


def test_client_outside_smtp_allow(archive_factory):
    a = archive_factory(smtp_allow="192.0.2.0/24, 2001:db8::/32")
    a.start(wait=False)
    deadline = time.time() + 20
    while True:
        try:
            r = Raw(a.port)
            break
        except OSError:
            assert time.time() < deadline
            time.sleep(0.1)
    code, text = r.reply()
    assert code == 554 and "not allowed" in text
    time.sleep(1)
    assert a.count() == 0
