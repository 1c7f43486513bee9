"""Fixtures: a real mailarcd on loopback ports with a temporary data_dir.

Every test talks to the real binaries with real clients (smtplib, raw
sockets, the mailarc command).  As root the children run as `nobody`, so
the data directory lives under a world-traversable temporary directory.
"""
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import procs  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BIN = os.environ.get("MAILARC_BIN", os.path.join(ROOT, "bin"))


def _reachable_by_others(path):
    """Can a user other than root reach path (every directory above it
    searchable by others)?"""
    p = os.path.abspath(path)
    while True:
        p = os.path.dirname(p)
        if not os.stat(p).st_mode & 0o001:
            return False
        if p == "/":
            return True


# The children run as "nobody" and Postfix's pipe runs mailarc as nobody:
# a checkout under a private directory (mktemp -d is 0700) would keep them
# from their own programs.  Then the tests run a copy in a public place.
if os.geteuid() == 0 and not _reachable_by_others(BIN):
    _copy = tempfile.mkdtemp(prefix="mailarc-bin-", dir="/tmp")
    os.chmod(_copy, 0o755)
    BIN = os.path.join(_copy, "bin")
    shutil.copytree(os.environ.get("MAILARC_BIN", os.path.join(ROOT, "bin")), BIN, symlinks=True)
    os.environ["MAILARC_BIN"] = BIN
GENCORPUS = os.path.abspath(os.path.join(ROOT, "..", "shared", "tools", "gencorpus.py"))
ARTIFACTS = os.path.join(ROOT, "tests", "artifacts")


# What ASan, LSan and UBSan print (make check SANITIZE=1): any of it in a
# daemon's log fails the test that ran it.
SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def sanitizer_reports(archive):
    return [line for line in archive.log().splitlines() if any(s in line for s in SANITIZER)]


def read_log(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Archive:
    """One mailarc instance: config, data dir, master process, CLI."""

    def __init__(self, base, **conf):
        self.base = base
        self.data = os.path.join(base, "data")
        self.port = free_port()
        self.conf_path = os.path.join(base, "mailarc.conf")
        self.log_path = os.path.join(base, "mailarcd.log")
        self.proc = None
        self.env = None                 # environment of mailarcd and its children
        settings = {
            "data_dir": self.data,
            "smtp_listen": f"127.0.0.1:{self.port}",
            "log_syslog": "no",
            "smtpd_min_idle": "2",
            "indexer_sweep_interval": "1",
            "db_cache_size": "8M",
            # verify reads msg.db in several chunks even in small archives
            "verify_chunk": "16K",
        }
        if os.geteuid() == 0:
            settings["user"] = "nobody"
        settings.update({k: str(v) for k, v in conf.items()})
        self.settings = settings
        self.masters = []
        self.write_conf()

    def write_conf(self, text=None):
        if text is None:
            text = "; written by the test suite\n" + "".join(
                f"{k} = {v}\n" for k, v in self.settings.items())
        with open(self.conf_path, "w") as f:
            f.write(text)

    def start(self, wait=True):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "mailarcd"), "-f", "-c", self.conf_path],
            stdout=log, stderr=subprocess.STDOUT, env=self.env)
        self.masters.append(self.proc.pid)
        log.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mailarcd exited {self.proc.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                    if s.recv(512).startswith(b"220"):
                        s.sendall(b"QUIT\r\n")
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"mailarcd did not become ready:\n{self.log()}")

    def log(self):
        return read_log(self.log_path)

    def stop(self, timeout=60):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.proc = None

    def cli(self, *args, input=None):
        return subprocess.run([os.path.join(BIN, "mailarc"), "-c", self.conf_path, *args],
                              capture_output=True, input=input, timeout=120)

    def search(self, *query):
        r = self.cli("search", "--json", *query)
        assert r.returncode in (0, 1), r.stderr.decode()
        return [json.loads(line) for line in r.stdout.decode().splitlines()]

    def ids(self, *query):
        return {h["id"] for h in self.search(*query)}

    def count(self):
        r = self.cli("search", "--count")
        assert r.returncode in (0, 1), r.stderr.decode()
        return int(r.stdout)

    def cat(self, mid):
        r = self.cli("cat", mid)
        assert r.returncode == 0, r.stderr.decode()
        return r.stdout

    def wait_count(self, n, timeout=60):
        deadline = time.time() + timeout
        got = -1
        last = ""
        while time.time() < deadline:
            # While the master recovers the database after a crash, a reader
            # may be told the archive is unavailable (3), or wait on a lock of
            # the dead writer: ask again.
            try:
                r = subprocess.run([os.path.join(BIN, "mailarc"), "-c", self.conf_path, "search",
                                    "--count"], capture_output=True, timeout=20)
            except subprocess.TimeoutExpired:
                last = "mailarc search --count took over 20 s"
                continue
            if r.returncode == 3:
                last = r.stderr.decode(errors="replace")
                time.sleep(0.5)
                continue
            assert r.returncode in (0, 1), r.stderr.decode()
            got = int(r.stdout)
            if got >= n:
                return got
            time.sleep(0.2)
        try:
            r = subprocess.run([os.path.join(BIN, "mailarc"), "-c", self.conf_path, "status"],
                               capture_output=True, timeout=20)
            status = f"exit {r.returncode}:\n{(r.stdout + r.stderr).decode(errors='replace')}"
        except subprocess.TimeoutExpired:
            status = "took over 20 s"
        raise AssertionError(f"only {got} of {n} messages searchable ({last.strip()}):\n"
                             f"mailarc status {status}\n"
                             f"spool/new: {self.spool_files('new')}\n"
                             f"log:\n{self.log()[-12000:]}")

    def spool_files(self, sub):
        d = os.path.join(self.data, "spool", sub)
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def children(self, kind):
        """pids of live children of the master whose program is mailarc-<kind>."""
        return procs.children(self.proc.pid, "mailarc-" + kind) if self.proc else []


def write_rc_script(path, conf_path):
    """rc/mailarc as installed, pointed at bin/ and at conf_path."""
    with open(os.path.join(ROOT, "rc", "mailarc")) as f:
        text = f.read()
    text = re.sub(r"(?m)^SBINDIR=.*$", f"SBINDIR={BIN}", text)
    text = re.sub(r"(?m)^CONF=.*$", f"CONF={conf_path}", text)
    text = re.sub(r"(?m)^DEFAULTS=.*$", "DEFAULTS=/nonexistent", text)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


def remove_tree(path):
    """rm -r, append-only files (the audit log, the seals) included."""
    subprocess.run(["chattr", "-R", "-a", path], capture_output=True)
    shutil.rmtree(path, ignore_errors=True)


def make_base():
    base = tempfile.mkdtemp(prefix="mailarc-test-", dir="/tmp")
    os.chmod(base, 0o755)
    return base


@pytest.fixture
def archive_factory():
    made = []

    def make(**conf):
        a = Archive(make_base(), **conf)
        made.append(a)
        return a

    yield make
    reports = []
    for a in made:
        a.stop()
        reports += sanitizer_reports(a)
        release_regions(a.masters)
        if os.path.ismount(a.data):
            subprocess.run(["umount", "-l", a.data])
        remove_tree(a.base)
    assert not reports, "sanitizer reports from the daemons:\n" + "\n".join(reports[:20])


def release_regions(masters):
    """Remove the database regions that masters killed with -9 left in shared
    memory (a clean stop removes its own; recovery of the same data_dir
    would remove these, but the test removes the directory instead)."""
    with open("/proc/sysvipc/shm") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    # key shmid perms size cpid lpid nattch
    for r in rows:
        if int(r[0]) != 0 and int(r[4]) in masters and int(r[6]) == 0:
            subprocess.run(["ipcrm", "-m", r[1]], capture_output=True)


@pytest.fixture
def archive(archive_factory):
    return archive_factory().start()


def load_corpus(count, seed):
    """gencorpus messages with their envelopes (incl. Bcc): (items, tmpdir)."""
    d = tempfile.mkdtemp(prefix="mailarc-corpus-", dir="/tmp")
    env = os.path.join(d, "envelopes.jsonl")
    subprocess.run([sys.executable, GENCORPUS, "--count", str(count), "--seed", str(seed),
                    "--eml", os.path.join(d, "eml"), "--envelopes", env], check=True)
    items = []
    with open(env) as f:
        for line in f:
            e = json.loads(line)
            with open(os.path.join(d, "eml", e["file"]), "rb") as m:
                e["bytes"] = m.read()
            items.append(e)
    return items, d


@pytest.fixture(scope="session")
def corpus500():
    """500 corpus messages with their envelopes (incl. Bcc), as written by gencorpus."""
    items, d = load_corpus(500, 7)
    yield items
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus2000():
    """2,100 corpus messages (over 2,000 distinct; another seed) for the search differential test."""
    items, d = load_corpus(2100, 11)
    yield items
    shutil.rmtree(d, ignore_errors=True)
