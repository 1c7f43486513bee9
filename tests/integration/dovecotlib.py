"""A private Dovecot (Debian's dovecot-imapd and dovecot-pop3d) for the
journal mailbox tests: its own configuration, state and log in a temporary
directory, IMAP and POP3 on loopback ports (STARTTLS with a certificate
made here), one passwd-file user whose Maildir the test fills.  Nothing in
/etc/dovecot is read."""
import os
import pwd
import shutil
import socket
import subprocess
import time

from conftest import free_port, make_base

DOVECOT = "/usr/sbin/dovecot"

CONF = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def available():
    return os.path.exists(DOVECOT) and os.geteuid() == 0


class Dovecot:
    def __init__(self, user="journal", password="s3cret pass"):
        self.base = make_base()
        self.user, self.password = user, password
        self.imap, self.pop3 = free_port(), free_port()
        pw = pwd.getpwnam("nobody")
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        for d in ("run", "state", f"home/{user}"):
            os.makedirs(os.path.join(self.base, d))
        home = os.path.join(self.base, "home")
        for d in (home, os.path.join(home, user)):
            os.chown(d, self.uid, self.gid)
        self.cert = os.path.join(self.base, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", os.path.join(self.base, "key.pem"), "-out", self.cert],
                       check=True, capture_output=True)
        with open(os.path.join(self.base, "users"), "w") as f:
            f.write(f"{user}:{{PLAIN}}{password}\n")
        self.conf = os.path.join(self.base, "dovecot.conf")
        with open(self.conf, "w") as f:
            f.write(CONF.format(base=self.base, uid=self.uid, gid=self.gid, imap=self.imap,
                                pop3=self.pop3))
        self.maildir = os.path.join(home, user, "Maildir")
        self.proc = None
        self.n = 0

    def start(self):
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.imap), timeout=2) as s:
                    if s.recv(200).startswith(b"* OK"):
                        s.sendall(b"a LOGOUT\r\n")
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise AssertionError("dovecot exited: " + self.proc.stderr.read().decode()
                                     + self.log())
            time.sleep(0.1)
        raise AssertionError("dovecot did not start:\n" + self.log())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def log(self):
        try:
            with open(os.path.join(self.base, "dovecot.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def deliver(self, data, folder=None):
        """Put one message into a folder's new/ (INBOX by default), as an
        MDA would; folders are Maildir++ (.Name)."""
        box = self.maildir if folder is None else os.path.join(self.maildir, "." + folder)
        for sub in ("new", "cur", "tmp"):
            d = os.path.join(box, sub)
            if not os.path.isdir(d):
                os.makedirs(d)
                for p in (self.maildir, box, d):
                    os.chown(p, self.uid, self.gid)
        self.n += 1
        name = f"{int(time.time())}.M{self.n}P{os.getpid()}.test"
        tmp = os.path.join(box, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.chown(tmp, self.uid, self.gid)
        os.rename(tmp, os.path.join(box, "new", name))

    def mailbox_count(self, folder=None):
        box = self.maildir if folder is None else os.path.join(self.maildir, "." + folder)
        n = 0
        for sub in ("new", "cur"):
            d = os.path.join(box, sub)
            if os.path.isdir(d):
                n += len(os.listdir(d))
        return n

    def recreate(self):
        """The mailbox deleted and made again: a new UIDVALIDITY."""
        shutil.rmtree(self.maildir)
