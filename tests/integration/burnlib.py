"""Helpers for the burner tests: mail server logs, old spool files, jobs."""
import calendar
import gzip
import hashlib
import os
import smtplib
import time


def month_start(t=None):
    g = time.gmtime(t if t is not None else time.time())
    return calendar.timegm((g.tm_year, g.tm_mon, 1, 0, 0, 0))


def month_str(t):
    g = time.gmtime(t)
    return f"{g.tm_year:04d}-{g.tm_mon:02d}"


def prev_month_start(t):
    return month_start(month_start(t) - 1)


def make_logs(d, now):
    """A rotated mail.log set; mail.log and mail.log.1 cover this month."""
    os.makedirs(d, exist_ok=True)
    start = month_start(now)
    files = {
        "mail.log": (b"Nov 21 10:00:01 mx postfix/smtp[1]: 4AB: to=<a@x.example>, status=sent\n" * 50,
                     now),
        "mail.log.1": (b"Nov  1 00:00:01 mx postfix/qmgr[2]: 3CD: removed\n" * 40, start + 60),
        "mail.log.2.gz": (gzip.compress(b"Oct 20 postfix/smtpd[3]: connect from x\n" * 30),
                          start - 5 * 86400),
        "mail.log.3.gz": (gzip.compress(b"Sep 20 postfix/smtpd[3]: connect from y\n" * 30),
                          start - 40 * 86400),
    }
    for name, (data, mtime) in files.items():
        p = os.path.join(d, name)
        with open(p, "wb") as f:
            f.write(data)
        os.utime(p, (mtime, mtime))
    return {n: v[0] for n, v in files.items()}


def send(port, items):
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as s:
        for it in items:
            assert s.sendmail(it["mail_from"], it["rcpt_to"], it["bytes"]) == {}


def spool_old(archive, data, arrival, rcpts, qid):
    """A complete spool file as a receiver leaves it: as if mail had come
    in at `arrival` while the indexer was down."""
    digest = hashlib.sha256(data).hexdigest()
    head = (b"MAILARC-SPOOL 1\nS %020d\nD %s\nQ %s\nT %d\nC 127.0.0.1\nH test\nL \nO smtp\n"
            b"F sender@old.example\n" % (len(data), digest.encode(), qid.encode(), arrival))
    head += b"".join(b"R %s\n" % r.encode() for r in rcpts) + b"\n"
    d = os.path.join(archive.data, "spool", "new")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, qid), "wb") as f:
        f.write(head + data)
        f.flush()
        os.fsync(f.fileno())
    return digest


def jobs(archive):
    r = archive.cli("jobs")
    assert r.returncode == 0, r.stderr.decode()
    return [line.split() for line in r.stdout.decode().splitlines()]


def wait_jobs(archive, n, timeout=120):
    deadline = time.time() + timeout
    got = []
    while time.time() < deadline:
        got = jobs(archive)
        if len(got) >= n and all(j[4] in ("done", "empty", "failed") for j in got):
            return got
        time.sleep(0.3)
    raise AssertionError(f"jobs: {got}\n{archive.log()[-3000:]}")


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
