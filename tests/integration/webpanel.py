"""mailarc-web under test: PAM users in a pam_userdb database read through
pam_confdir (nothing in /etc is touched), the real mailarc-web binary on a
loopback port, and a requests session per login."""
import array
import fcntl
import os
import re
import signal
import socket
import socketserver
import subprocess
import threading
import time

import pytest
import requests

from conftest import BIN, SANITIZER, free_port, read_log

FS_IOC_GETFLAGS = 0x80086601
FS_IOC_SETFLAGS = 0x40086602
FS_APPEND_FL = 0x20

PASSWORDS = {"admin": "Admin-pass1", "alice": "Alice-pass1", "bob": "Bob-pass1",
             "audrey": "Audrey-pass1", "admin2": "Admin2-pass1"}
ADDRESSES = {"alice": ["alice@example.com", "alice.smith@example.com"],
             "bob": ["bob@example.org"]}


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def append_only(path):
    """Is the file marked append-only (chattr +a)?  None if it cannot be told."""
    try:
        with open(path, "rb") as f:
            buf = array.array("l", [0])
            fcntl.ioctl(f.fileno(), FS_IOC_GETFLAGS, buf, True)
            return bool(buf[0] & FS_APPEND_FL)
    except OSError:
        return None


def clear_append_only(path):
    try:
        with open(path, "rb") as f:
            buf = array.array("l", [0])
            fcntl.ioctl(f.fileno(), FS_IOC_GETFLAGS, buf, True)
            buf[0] &= ~FS_APPEND_FL
            fcntl.ioctl(f.fileno(), FS_IOC_SETFLAGS, buf, True)
    except OSError:
        pass


class Panel:
    """A mailarc-web beside an Archive (same config file)."""

    def __init__(self, archive, **conf):
        self.archive = archive
        self.port = free_port()
        scheme = "https" if conf.get("web_tls_cert") else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        # a self-signed certificate is its own CA
        self.verify = conf.get("web_tls_cert", True)
        self.log_path = os.path.join(archive.base, "web.log")
        self.proc = None
        pam = os.path.join(archive.base, "pam")
        os.makedirs(pam, exist_ok=True)
        lines = []
        for user, pw in PASSWORDS.items():
            h = subprocess.run(["openssl", "passwd", "-6", pw], capture_output=True,
                               text=True, check=True).stdout.strip()
            lines += [user, h]
        subprocess.run(["db5.3_load", "-T", "-t", "hash", os.path.join(pam, "users.db")],
                       input="\n".join(lines) + "\n", text=True, check=True)
        with open(os.path.join(pam, "mailarc"), "w") as f:
            f.write(f"auth required pam_userdb.so db={pam}/users crypt=crypt\n"
                    "account required pam_permit.so\n")
        addrs = os.path.join(archive.base, "users.txt")
        with open(addrs, "w") as f:
            for user, a in ADDRESSES.items():
                f.write(f"{user}: {', '.join(a)}\n")
        settings = {
            "web_listen": f"127.0.0.1:{self.port}",
            "pam_confdir": pam,
            "admin_users": "admin",
            "auditor_users": "audrey",
            "user_addresses": addrs,
            "web_login_delay": "10",
            "web_lockout_failures": "3",
            "web_lockout_time": "600",
        }
        settings.update({k: str(v) for k, v in conf.items()})
        archive.settings.update(settings)
        archive.write_conf()
        self.audit_path = os.path.join(archive.data, "log", "audit.log")

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([os.path.join(BIN, "mailarc-web"), "-f", "-c",
                                      self.archive.conf_path], stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mailarc-web exited {self.proc.returncode}:\n{self.log()}")
            try:
                r = requests.get(self.url + "/login", timeout=5, verify=self.verify)
                if r.status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"mailarc-web did not come up:\n{self.log()}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log(self):
        return read_log(self.log_path)

    def session(self):
        s = requests.Session()
        s.trust_env = False                     # no CA bundle or proxy from the environment
        s.verify = self.verify
        return s

    def login(self, user, password=None):
        s = self.session()
        r = s.get(self.url + "/login")
        assert r.status_code == 200
        r = s.post(self.url + "/login", data={"user": user, "csrf": csrf_of(r.text),
                                               "password": password or PASSWORDS[user]},
                   allow_redirects=False)
        assert r.status_code == 303, (r.status_code, r.text)
        assert r.headers["Location"] == "/"
        return s

    def csrf(self, s, path="/search"):
        return csrf_of(s.get(self.url + path).text)

    def api(self, s, q, **params):
        r = s.get(self.url + "/api/search", params={"q": q, "limit": 1000, **params})
        assert r.status_code == 200, r.text
        return r.json()

    def audit(self):
        with open(self.audit_path, errors="replace") as f:
            return f.read()


class SinkHandler(socketserver.StreamRequestHandler):
    """A small SMTP server for the relay side of redelivery: it refuses any
    recipient whose local part starts with "refuse", offers AUTH PLAIN and
    LOGIN, and keeps what it accepted."""

    def line(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        srv = self.server
        self.line("220 sink ESMTP")
        rcpts, sender = [], None
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            cmd = raw.decode("utf-8", "replace").rstrip("\r\n")
            srv.commands.append(cmd)
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250-SIZE 10000000\r\n250-8BITMIME\r\n"
                                 b"250 AUTH PLAIN LOGIN\r\n")
            elif verb == "AUTH":
                parts = cmd.split()
                if parts[1].upper() == "PLAIN":
                    srv.auth.append(parts[2])
                    self.line("235 ok")
                else:
                    self.line("334 VXNlcm5hbWU6")
                    u = self.rfile.readline().strip()
                    self.line("334 UGFzc3dvcmQ6")
                    p = self.rfile.readline().strip()
                    srv.auth.append((u, p))
                    self.line("235 ok")
            elif verb == "MAIL":
                sender, rcpts = cmd[10:].split(">")[0].lstrip("<"), []
                self.line("250 ok")
            elif verb == "RCPT":
                a = cmd[8:].split(">")[0].lstrip("<")
                if a.startswith("refuse"):
                    self.line("550 5.1.1 <%s>: no such user here" % a)
                else:
                    rcpts.append(a)
                    self.line("250 ok")
            elif verb == "DATA":
                self.line("354 go")
                data = b""
                while True:
                    ln = self.rfile.readline()
                    if ln in (b".\r\n", b""):
                        break
                    data += ln[1:] if ln.startswith(b".") else ln
                srv.messages.append((sender, rcpts, data))
                self.line("250 2.0.0 queued as SINK%d" % len(srv.messages))
            elif verb == "QUIT":
                self.line("221 bye")
                return
            else:
                self.line("250 ok")


class Sink(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.port = self.server_address[1]
        self.messages, self.commands, self.auth = [], [], []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def close(self):
        self.shutdown()
        self.server_close()


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def sink():
    s = Sink()
    yield s
    s.close()


@pytest.fixture
def panel_factory(archive_factory):
    made = []

    def make(archive_conf=None, start_archive=True, **conf):
        a = archive_factory(**(archive_conf or {}))
        p = Panel(a, **conf)
        if start_archive:
            a.start()
        made.append(p)
        return p.start()

    yield make
    reports = []
    for p in made:
        p.stop()
        clear_append_only(p.audit_path)
        reports += [ln for ln in p.log().splitlines() if any(s in ln for s in SANITIZER)]
    assert not reports, "sanitizer reports from mailarc-web:\n" + "\n".join(reports[:20])


@pytest.fixture
def panel(panel_factory):
    return panel_factory()
