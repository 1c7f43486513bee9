"""Nothing acknowledged is lost: kill -9 under load, a full disk, bad
configuration on start and on reload."""
import hashlib
import os
import signal
import smtplib
import subprocess
import threading
import time

import pytest

from conftest import BIN


def unique_message(tag, i):
    return (f"From: load{tag}@stark.example\r\nTo: sink@wayne.example\r\n"
            f"Subject: load {tag} {i}\r\nMessage-ID: <{tag}.{i}.{time.time_ns()}@stark.example>\r\n"
            f"\r\n" + ("line of body text for the crash test\r\n" * (1 + i % 40))).encode()


class Load:
    """Senders that keep sending and remember what got 250."""

    def __init__(self, port, threads=4, pause=0.0):
        self.port = port
        self.pause = pause              # seconds between messages of one sender
        self.acked = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(t,)) for t in range(threads)]

    def run(self, tag):
        i = 0
        while not self.stop.is_set():
            try:
                with smtplib.SMTP("127.0.0.1", self.port, timeout=20) as s:
                    while not self.stop.is_set():
                        raw = unique_message(tag, i)
                        i += 1
                        s.sendmail(f"load{tag}@stark.example", ["sink@wayne.example"], raw)
                        with self.lock:
                            self.acked[hashlib.sha256(raw).hexdigest()] = raw
                        if self.pause:
                            time.sleep(self.pause)
            except (OSError, smtplib.SMTPException):
                time.sleep(0.05)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(60)


def assert_each_acked_once(archive, acked, timeout, what):
    """Every acknowledged message is stored, exactly once (one record, one
    arrival), with its exact bytes (checked on a sample of about 150)."""
    archive.wait_count(len(acked), timeout=timeout)
    stored = archive.ids()
    missing = set(acked) - stored
    assert not missing, f"{len(missing)} acknowledged messages lost{what}"
    out = archive.cli("search", "--count", "from:stark.example").stdout
    assert int(out) == len(stored)
    for h in list(acked)[:: max(1, len(acked) // 150)]:
        show = archive.cli("show", h).stdout.decode()
        assert "(1 arrival)" in show, show
        assert archive.cat(h) == acked[h]


def test_kill9_receiver_indexer_master_loses_nothing(archive):
    with Load(archive.port) as load:
        time.sleep(1.5)
        smtpd = archive.children("smtpd")
        assert smtpd
        os.kill(smtpd[0], signal.SIGKILL)
        time.sleep(1.5)
        indexer = archive.children("indexer")
        assert len(indexer) == 1
        os.kill(indexer[0], signal.SIGKILL)
        time.sleep(1.5)
        archive.kill9()
        time.sleep(0.5)
        archive.start()
        time.sleep(1.5)
    acked = dict(load.acked)
    print(f"acked {len(acked)}")
    assert len(acked) > 50, "the load must have been running"
    assert_each_acked_once(archive, acked, timeout=60, what="")
    assert archive.spool_files("new") == [] and archive.spool_files("bad") == []
    assert "killed by signal 9" in archive.log()


def test_twenty_rounds_of_kill9_lose_and_double_nothing(archive):
    """20 rounds, each kill -9 of a random mailarc process (the master, the
    indexer, a receiver or the burner) under SMTP load: every acknowledged
    message is archived exactly once, with its exact bytes."""
    import random
    rnd = random.Random(20261201)
    kinds = ["master", "indexer", "smtpd", "smtpd", "burner"]
    killed = []
    with Load(archive.port, pause=0.01) as load:
        time.sleep(1)
        for _ in range(20):
            kind = rnd.choice(kinds)
            if kind == "master":
                archive.kill9()
                archive.start()
            else:
                pids = archive.children(kind)
                if not pids:
                    time.sleep(0.5)
                    pids = archive.children(kind)
                if pids:
                    os.kill(rnd.choice(pids), signal.SIGKILL)
            killed.append(kind)
            time.sleep(0.3 + rnd.random() * 0.7)
        if archive.proc is None or archive.proc.poll() is not None:
            archive.start()
        time.sleep(1)
    acked = dict(load.acked)
    assert len(acked) > 50, "the load must have been running"
    assert "master" in killed and "indexer" in killed and "smtpd" in killed
    assert_each_acked_once(archive, acked, timeout=180, what=f" ({killed})")
    assert archive.spool_files("bad") == []


def test_reader_killed_holding_a_lock_holds_up_nothing(archive):
    """A reader killed with SIGKILL while it holds a database lock (an
    operator's kill -9, the OOM killer, a test's timeout) must not leave the
    indexer, and every reader queued behind it, waiting for ever: the
    master's periodic failchk releases what the dead reader held."""
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("a@stark.example", ["b@wayne.example"], unique_message("lock", 1))
    archive.wait_count(1)
    holder = subprocess.Popen([os.path.join(BIN, "holdlock"), archive.conf_path],
                              stdout=subprocess.PIPE)
    assert holder.stdout.readline() == b"held\n"
    holder.kill()
    holder.wait()
    second = unique_message("lock", 2)
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("a@stark.example", ["b@wayne.example"], second)
    archive.wait_count(2, timeout=45)
    assert archive.cat(hashlib.sha256(second).hexdigest()) == second
    assert "recover" not in archive.log(), "a dead reader needs no recovery"


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_disk_full_answers_4xx_and_recovers(archive_factory):
    a = archive_factory(db_cache_size="1M")
    os.makedirs(a.data)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m,mode=755", "tmpfs", a.data], check=True)
    a.start()
    first = unique_message("disk", 1)
    with smtplib.SMTP("127.0.0.1", a.port) as s:
        s.sendmail("a@stark.example", ["b@wayne.example"], first)
    a.wait_count(1)
    filler = os.path.join(a.data, "filler")
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M", "count=100"],
                   capture_output=True)
    new_before = a.spool_files("new")
    big = unique_message("disk", 2) + b"x" * 300000 + b"\r\n"
    with smtplib.SMTP("127.0.0.1", a.port) as s:
        with pytest.raises(smtplib.SMTPDataError) as e:
            s.sendmail("a@stark.example", ["b@wayne.example"], big)
        assert e.value.smtp_code == 452
    assert a.spool_files("tmp") == []
    assert a.spool_files("new") == new_before
    os.unlink(filler)
    with smtplib.SMTP("127.0.0.1", a.port) as s:
        s.sendmail("a@stark.example", ["b@wayne.example"], big)
    a.wait_count(2)
    assert a.cat(hashlib.sha256(big).hexdigest()) == big
    a.stop()


def test_bad_config_is_refused_with_file_and_line(archive_factory):
    a = archive_factory()
    a.write_conf(f"data_dir = {a.data}\nsmtp_listen = 127.0.0.1:{a.port}\n"
                 "message_size_limit = lots\n")
    r = subprocess.run([os.path.join(os.environ.get("MAILARC_BIN", "../../bin"), "mailarcd"),
                        "-f", "-c", a.conf_path], capture_output=True, timeout=30)
    assert r.returncode == 2
    assert f"{a.conf_path}:3: message_size_limit" in r.stderr.decode()
    a.write_conf(f"data_dir = {a.data}\nno_such_key = 1\n")
    r = a.cli("status")
    assert r.returncode == 2 and f"{a.conf_path}:2: unknown key" in r.stderr.decode()


def test_reload_keeps_old_config_when_new_one_is_bad(archive):
    good = open(archive.conf_path).read()
    archive.write_conf(good + "smtpd_max_procs = -1\n")
    archive.proc.send_signal(signal.SIGHUP)
    time.sleep(1)
    assert "reload refused" in archive.log()
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        assert s.ehlo()[0] == 250
        assert s.esmtp_features["size"] == "52428800"
    archive.write_conf(good + "message_size_limit = 1M\n")
    archive.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 20
    while time.time() < deadline:
        with smtplib.SMTP("127.0.0.1", archive.port) as s:
            s.ehlo()
            if s.esmtp_features["size"] == "1048576":
                break
        time.sleep(0.2)
    else:
        raise AssertionError("new configuration not applied:\n" + archive.log())


def test_sigterm_lets_the_transaction_in_progress_finish(archive):
    from smtpraw import Raw
    raw = unique_message("drain", 1)
    r = Raw(archive.port)
    assert r.reply()[0] == 220
    assert r.cmd(b"EHLO drain.example")[0] == 250
    assert r.cmd(b"MAIL FROM:<a@stark.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<b@wayne.example>")[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    r.send(raw[:40])
    archive.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    r.send(raw[40:] + b".\r\n")
    assert r.reply()[0] == 250
    code, text = r.cmd(b"MAIL FROM:<a@stark.example>")
    assert code == 421 and "shutting down" in text
    assert archive.proc.wait(60) == 0
    archive.proc = None
    archive.start()
    archive.wait_count(1)
    assert archive.cat(hashlib.sha256(raw).hexdigest()) == raw


def test_silent_client_times_out(archive_factory):
    from smtpraw import Raw
    a = archive_factory(smtp_timeout=1).start()
    r = Raw(a.port)
    assert r.reply()[0] == 220
    time.sleep(2.5)
    code, text = r.reply()
    assert code == 421 and "timeout" in text


def test_damaged_spool_file_is_set_aside_not_indexed(archive):
    good = unique_message("spool", 1)
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("a@stark.example", ["b@wayne.example"], good)
    archive.wait_count(1)
    # A file whose digest does not match its content, as after disk damage.
    body = b"Subject: tampered\r\n\r\nbody\r\n"
    bad = (b"MAILARC-SPOOL 1\nS %020d\nD %s\nQ DAMAGED.1.1\nT 1700000000\nC 127.0.0.1\n"
           b"H x\nL \nO smtp\nF a@b.example\nR c@d.example\n\n" % (len(body), b"0" * 64)) + body
    path = os.path.join(archive.data, "spool", "new", "DAMAGED.1.1")
    with open(path, "wb") as f:
        f.write(bad)
    os.chmod(path, 0o644)
    deadline = time.time() + 20
    while time.time() < deadline and "DAMAGED.1.1" not in archive.spool_files("bad"):
        time.sleep(0.2)
    assert archive.spool_files("bad") == ["DAMAGED.1.1"]
    with open(os.path.join(archive.data, "spool", "bad", "DAMAGED.1.1"), "rb") as f:
        assert f.read() == bad, "set aside unchanged"
    assert archive.count() == 1
    assert not archive.ids("subject:tampered")
    status = archive.cli("status").stdout.decode()
    assert "1 spool file(s) set aside" in status
    assert "digest mismatch" in archive.log()


def test_garbage_message_is_kept_exactly(archive):
    raw = b"\x00\x01garbage without headers\r\n\xff\xfe\x00 more\r\n=?bogus?Q?x?=\r\n"
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("", ["junk@wayne.example"], raw)
    archive.wait_count(1)
    h = hashlib.sha256(raw).hexdigest()
    assert archive.cat(h) == raw
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert archive.ids("on:" + today) == {h}, "no Date header: dated by arrival"
    assert "no Date header" in archive.cli("show", h).stdout.decode()


def test_receiver_killed_mid_data_leaves_nothing_behind(archive):
    from smtpraw import Raw
    r = Raw(archive.port)
    assert r.reply()[0] == 220
    assert r.cmd(b"EHLO partial.example")[0] == 250
    assert r.cmd(b"MAIL FROM:<a@stark.example>")[0] == 250
    assert r.cmd(b"RCPT TO:<b@wayne.example>")[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    r.send(b"Subject: never finished\r\n\r\n" + b"x" * 200000)
    deadline = time.time() + 10
    while time.time() < deadline and not archive.spool_files("tmp"):
        time.sleep(0.05)
    assert len(archive.spool_files("tmp")) == 1, "the message is being received"
    writer = int(archive.spool_files("tmp")[0].split(".")[1], 16)   # TIME.PID.N, hex
    assert writer in archive.children("smtpd")
    os.kill(writer, signal.SIGKILL)
    deadline = time.time() + 10
    while time.time() < deadline and archive.spool_files("tmp"):
        time.sleep(0.05)
    assert archive.spool_files("tmp") == []
    assert archive.spool_files("new") == []
    assert archive.count() == 0
