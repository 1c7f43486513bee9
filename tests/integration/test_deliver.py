"""mailarc deliver: one message from standard input into the archive, with
the envelope from the command line; 0 only once it is durable, 75 on any
failure, 64 for a bad command line."""
import hashlib
import os
import subprocess

from conftest import BIN


def deliver(archive, *args, data=b"Subject: d\r\n\r\nbody\r\n"):
    return subprocess.run([os.path.join(BIN, "mailarc"), "-c", archive.conf_path, "deliver", *args],
                          input=data, capture_output=True, timeout=60)


def test_deliver_stores_exact_bytes_with_the_envelope(archive_factory):
    a = archive_factory(bcc_decode_domain="archive.invalid").start()
    raw = b"From: x@stark.example\r\nSubject: piped\r\n\r\nline\r\n.\r\n..dots\r\n"
    r = deliver(a, "-f", "x@stark.example", "-i", "4F2A1B3C", "--",
                "archive+dave=example.com@archive.invalid", "erin@example.net", data=raw)
    assert r.returncode == 0, r.stderr
    a.wait_count(1)
    h = hashlib.sha256(raw).hexdigest()
    assert a.cat(h) == raw
    show = a.cli("show", h).stdout.decode()
    assert "Env-To:     dave@example.com, erin@example.net" in show
    assert "Env-From:   x@stark.example" in show
    assert "mta:4F2A1B3C" in show and "source=pipe" in show


def test_deliver_null_sender_and_spool_owned_by_the_user(archive):
    r = deliver(archive, "-f", "", "--", "b@wayne.example")
    assert r.returncode == 0, r.stderr
    archive.wait_count(1)


def test_deliver_refuses_a_bad_command_line_with_64(archive):
    for args in ([], ["--", "a@b.example"], ["-f", "a@b.example"], ["-f", "a@b\nc", "--", "x@y"],
                 ["-f", "a@b.example", "--", ""], ["-x", "-f", "a", "--", "b"]):
        r = deliver(archive, *args)
        assert r.returncode == 64, (args, r.stderr)
        assert b"mailarc deliver:" in r.stderr
    assert os.listdir(os.path.join(archive.data, "spool", "tmp")) == []


def test_deliver_fails_with_75_and_leaves_nothing(archive):
    r = deliver(archive, "-f", "a@b.example", "--", "c@d.example", data=b"")
    assert r.returncode == 75 and b"empty" in r.stderr
    tmp = os.path.join(archive.data, "spool", "tmp")
    st = os.stat(tmp)
    os.chown(tmp, 0, 0)
    try:
        r = deliver(archive, "-f", "a@b.example", "--", "c@d.example")
        assert r.returncode == 75 and b"spool" in r.stderr
    finally:
        os.chown(tmp, st.st_uid, st.st_gid)
    assert os.listdir(tmp) == []
    assert archive.count() == 0


def test_deliver_over_the_size_limit_is_75(archive_factory):
    a = archive_factory(message_size_limit="2048").start()
    r = deliver(a, "-f", "a@b.example", "--", "c@d.example",
                data=b"Subject: big\r\n\r\n" + b"x" * 100000)
    assert r.returncode == 75 and b"message_size_limit" in r.stderr
    assert os.listdir(os.path.join(a.data, "spool", "tmp")) == []


def test_deliver_with_a_bad_config_is_75(archive_factory):
    a = archive_factory()
    a.write_conf("no_such_key = 1\n")
    r = deliver(a, "-f", "a@b.example", "--", "c@d.example")
    assert r.returncode == 75 and b"unknown key" in r.stderr
