"""A private Postfix instance for the capture tests.

Debian's Postfix, run with its own configuration directory and queue
(`postfix -c DIR`), listening on a loopback port: nothing in /etc/postfix
is read or changed.  Mail to domains other than the ones a test routes
somewhere is discarded, so only what the recipe sends to the archive
leaves it."""
import os
import shutil
import socket
import subprocess
import time

from conftest import free_port

POSTFIX = "/usr/sbin/postfix"

MASTER_CF = """\
{listen} inet  n       -       n       -       -       smtpd{smtpd_opts}
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
showq     unix  n       -       n       -       -       showq
"""


def cf_settings(path, old, new):
    """The "key = value" lines of a shipped main.cf fragment, with old
    replaced by new in the values."""
    import re
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^([a-z_]+)\s*=\s*(.*)$", line)
            if m:
                out[m.group(1)] = m.group(2).replace(old, new)
    return out


def available():
    return os.path.exists(POSTFIX) and os.geteuid() == 0


class Postfix:
    """postfix -c DIR with main.cf built from the given settings."""

    def __init__(self, base, main=None, master_extra="", smtpd_opts=""):
        self.dir = os.path.join(base, "postfix")
        self.port = free_port()
        os.makedirs(os.path.join(self.dir, "queue"))
        os.makedirs(os.path.join(self.dir, "data"))
        shutil.chown(os.path.join(self.dir, "data"), "postfix", "postfix")
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": os.path.join(self.dir, "queue"),
            "data_directory": os.path.join(self.dir, "data"),
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "mta.test.example",
            "mydomain": "test.example",
            "myorigin": "$myhostname",
            "mydestination": "",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "smtpd_relay_restrictions": "permit_mynetworks, reject",
            "smtpd_recipient_restrictions": "permit_mynetworks, reject",
            "local_header_rewrite_clients": "",
            "append_dot_mydomain": "no",
            "default_transport": "discard:not for the archive",
            "relay_transport": "discard:not for the archive",
            "smtp_dns_support_level": "disabled",
            "maillog_file": os.path.join(self.dir, "maillog"),
            "maillog_file_prefixes": self.dir,
            "biff": "no",
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "2s",
            "smtp_connect_timeout": "5s",
        }
        settings.update(main or {})
        with open(os.path.join(self.dir, "main.cf"), "w") as f:
            for k, v in settings.items():
                f.write(f"{k} = {v}\n")
        with open(os.path.join(self.dir, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(listen=f"127.0.0.1:{self.port}", smtpd_opts=smtpd_opts))
            f.write(master_extra)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run(self, *args):
        return subprocess.run([POSTFIX, "-c", self.dir, *args], capture_output=True, text=True,
                              timeout=60)

    def start(self):
        r = self.run("start")
        assert r.returncode == 0, r.stdout + r.stderr + self.log()
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                    if s.recv(512).startswith(b"220"):
                        s.sendall(b"QUIT\r\n")
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("postfix did not start:\n" + self.log())

    def flush(self):
        self.run("flush")

    def queue_empty(self):
        r = subprocess.run(["postqueue", "-c", self.dir, "-j"], capture_output=True, text=True,
                           timeout=30)
        return r.stdout.strip() == ""

    def wait_queue_empty(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.queue_empty():
                return
            time.sleep(0.3)
        raise AssertionError("postfix queue not empty:\n" + self.log()[-3000:])

    def log(self):
        try:
            with open(os.path.join(self.dir, "maillog"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        self.run("stop")
        time.sleep(0.5)
        self.run("abort")
        shutil.rmtree(self.dir, ignore_errors=True)
