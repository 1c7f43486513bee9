"""The master: prefork bounds, SysV objects, the CLI's exit codes, install."""
import hashlib
import os
import smtplib
import socket
import subprocess
import time

from conftest import BIN, ROOT
from smtpraw import Raw


def greeting(sock, timeout):
    sock.settimeout(timeout)
    try:
        return sock.recv(512)
    except socket.timeout:
        return b""


def test_prefork_pool_stays_within_bounds(archive_factory):
    a = archive_factory(smtpd_min_idle=1, smtpd_max_idle=2, smtpd_max_procs=3).start()
    held = [socket.create_connection(("127.0.0.1", a.port)) for _ in range(3)]
    for s in held:
        assert greeting(s, 10).startswith(b"220")
    time.sleep(1)
    assert len(a.children("smtpd")) == 3
    status = a.cli("status").stdout.decode()
    assert "3 busy, 0 idle" in status, status
    # A fourth client waits in the backlog: no receiver is free.
    extra = socket.create_connection(("127.0.0.1", a.port))
    assert greeting(extra, 1.5) == b""
    held[0].sendall(b"QUIT\r\n")
    held[0].close()
    assert greeting(extra, 10).startswith(b"220")
    for s in held[1:] + [extra]:
        s.close()
    # Idle receivers beyond smtpd_max_idle are retired.
    deadline = time.time() + 15
    while time.time() < deadline and len(a.children("smtpd")) > 2:
        time.sleep(0.2)
    assert 1 <= len(a.children("smtpd")) <= 2


def ipc_exists(kind, ident):
    out = subprocess.run(["ipcs", f"-{kind}"], capture_output=True, text=True).stdout
    return any(line.split()[1:2] == [str(ident)] for line in out.splitlines() if line[:2] == "0x")


def read_ids(a):
    with open(os.path.join(a.data, "run", "ipc.ids")) as f:
        return dict(line.split() for line in f)


def shm_created_by(pid, keyed=False):
    """ids of shared-memory segments whose creator is pid: the master's own
    (IPC_PRIVATE, key 0), or with keyed the database environment's regions
    (db_shared_memory, created by the master's recovery under a key)."""
    with open("/proc/sysvipc/shm") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    # key shmid perms size cpid
    return {int(r[1]) for r in rows if int(r[4]) == pid and (int(r[0]) != 0) == keyed}


def test_stale_sysv_objects_are_removed_after_a_crash(archive):
    old = read_ids(archive)
    old_master = archive.proc.pid
    assert ipc_exists("q", old["msq"]) and ipc_exists("m", old["score"])
    assert shm_created_by(old_master) == {int(old["ring"]), int(old["score"])}
    assert len(shm_created_by(old_master, keyed=True)) >= 2, "database regions in shared memory"
    archive.kill9()
    archive.start()
    new = read_ids(archive)
    # The kernel may hand a freed id to the new master; then it is the new object.
    assert shm_created_by(old_master) == set()
    assert shm_created_by(old_master, keyed=True) == set(), "recovery removed the old regions"
    assert len(shm_created_by(archive.proc.pid, keyed=True)) >= 2
    assert not ipc_exists("q", old["msq"]) or old["msq"] == new["msq"]
    assert not ipc_exists("s", old["sem"]) or old["sem"] == new["sem"]
    assert shm_created_by(archive.proc.pid) == {int(new["ring"]), int(new["score"])}
    new_master = archive.proc.pid
    archive.stop()
    assert not ipc_exists("q", new["msq"]), "a clean stop removes its objects"
    assert not ipc_exists("s", new["sem"])
    assert shm_created_by(new_master) == set()
    assert shm_created_by(new_master, keyed=True) == set(), "a clean stop removes the regions"
    assert not os.path.exists(os.path.join(archive.data, "run", "ipc.ids"))


def test_regions_lost_while_stopped_are_named_and_recovered(archive):
    """A master killed with -9 leaves its database regions in shared memory;
    a reboot (here ipcrm) takes them.  A reader then says why it cannot
    join and what recovers it, and the next start does."""
    raw = b"From: x@stark.example\r\nSubject: regions gone\r\n\r\nbody\r\n"
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("x@stark.example", ["y@wayne.example"], raw)
    archive.wait_count(1)
    old_master = archive.proc.pid
    regions = shm_created_by(old_master, keyed=True)
    assert len(regions) >= 2
    archive.kill9()
    for r in regions:
        subprocess.run(["ipcrm", "-m", str(r)], check=True)
    # Marked for removal, a segment lives (key 0, still attachable on Linux)
    # until the last child detaches.
    deadline = time.time() + 30
    while time.time() < deadline and any(ipc_exists("m", r) for r in regions):
        time.sleep(0.1)
    assert not any(ipc_exists("m", r) for r in regions)
    r = archive.cli("search", "regions")
    assert r.returncode == 3, r
    assert b"cannot join the database's shared memory" in r.stderr, r.stderr
    assert b"starting mailarcd recovers the database" in r.stderr, r.stderr
    archive.start()
    (hit,) = archive.search("regions")
    assert archive.cat(hit["id"]) == raw


def test_second_master_refuses_to_start(archive):
    r = subprocess.run([os.path.join(BIN, "mailarcd"), "-f", "-c", archive.conf_path],
                       capture_output=True, timeout=30)
    assert r.returncode == 1
    assert b"another mailarcd" in r.stderr


def test_cli_exit_codes(archive):
    raw = b"From: x@stark.example\r\nSubject: exit codes\r\n\r\nbody\r\n"
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("x@stark.example", ["y@wayne.example"], raw)
    archive.wait_count(1)
    h = hashlib.sha256(raw).hexdigest()
    assert archive.cli("search", "subject:exit").returncode == 0
    assert archive.cli("search", "subject:nothing").returncode == 1
    r = archive.cli("search", "frm:x")
    assert r.returncode == 2 and b"unknown search field \"frm\"" in r.stderr
    assert archive.cli("cat", "0" * 64).returncode == 1
    assert archive.cli("cat", "xyz").returncode == 2
    assert archive.cli("cat", h[:6]).returncode == 2
    assert archive.cli("search", "--limit", "x").returncode == 2
    assert archive.cli("bogus").returncode == 2
    assert archive.cli("status").returncode == 0
    r = archive.cli("search", "--json", "--limit", "1", "--offset", "0")
    assert r.returncode == 0 and h in r.stdout.decode()
    assert archive.cli("search", "--count", "--offset", "5").stdout.strip() == b"1"
    archive.stop()
    assert archive.cli("status").returncode == 3
    # A data directory with no archive in it: unavailable.
    other = os.path.join(archive.base, "other.conf")
    with open(other, "w") as f:
        f.write(f"data_dir = {archive.base}/nothing-here\n")
    r = subprocess.run([os.path.join(BIN, "mailarc"), "-c", other, "search", "x"],
                       capture_output=True)
    assert r.returncode == 3 and b"unavailable" in r.stderr


def test_smtputf8_addresses(archive):
    raw = "From: Jürgen <jürgen@bücher.example>\r\nSubject: Grüße\r\n\r\nHallo\r\n".encode()
    r = Raw(archive.port)
    r.reply()
    assert r.cmd(b"EHLO utf8.example")[0] == 250
    code, _ = r.cmd("MAIL FROM:<jürgen@bücher.example>".encode())
    assert code == 553
    assert r.cmd("MAIL FROM:<jürgen@bücher.example> SMTPUTF8".encode())[0] == 250
    assert r.cmd("RCPT TO:<zoë@example.org>".encode())[0] == 250
    assert r.cmd(b"DATA")[0] == 354
    r.send(raw + b".\r\n")
    assert r.reply()[0] == 250
    r.cmd(b"QUIT")
    archive.wait_count(1)
    h = hashlib.sha256(raw).hexdigest()
    assert archive.ids("to:zoë@example.org") == {h}
    assert archive.ids("subject:grüße") == {h}
    assert archive.ids("from:jürgen") == {h}


def test_make_install_honours_destdir(tmp_path):
    dest = tmp_path / "root"
    r = subprocess.run(["make", "-s", "-C", ROOT, "install", f"DESTDIR={dest}"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for p in ("usr/sbin/mailarcd", "usr/bin/mailarc", "usr/lib/mailarc/mailarc-smtpd",
              "usr/lib/mailarc/mailarc-indexer", "etc/mailarc/mailarc.conf",
              "usr/share/man/man8/mailarcd.8", "usr/share/man/man5/mailarc.conf.5",
              "usr/sbin/mailarc-web", "etc/init.d/mailarc", "etc/init.d/mailarc-web",
              "etc/pam.d/mailarc", "etc/sudoers.d/mailarc", "lib/systemd/system/mailarc.service",
              "usr/share/man/man8/mailarc-web.8", "usr/lib/mailarc/mailarc-extract",
              "usr/lib/mailarc/mailarc-media", "usr/share/man/man8/mailarc-extract.8",
              "usr/share/man/man8/mailarc-media.8"):
        assert (dest / p).exists(), p
    assert os.access(dest / "usr/sbin/mailarcd", os.X_OK)
    assert os.access(dest / "etc/init.d/mailarc", os.X_OK)
    assert "SBINDIR=/usr/sbin" in (dest / "etc/init.d/mailarc").read_text()
    # the sudoers file is valid sudoers syntax
    r = subprocess.run(["visudo", "-cf", str(dest / "etc/sudoers.d/mailarc")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_show_prints_decoded_text_and_lists_attachments(archive):
    raw = (b"From: =?iso-8859-1?q?Fran=E7ois?= <f@stark.example>\r\nTo: g@wayne.example\r\n"
           b"Subject: =?UTF-8?B?UHLDvGZiZXJpY2h0?=\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n--xx\r\n"
           b"Content-Type: text/html; charset=iso-8859-1\r\n"
           b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
           b"<html><head><style>p{}</style></head><body><p>Caf=E9 bud=\r\nget</p>"
           b"<script>alert(1)</script></body></html>\r\n--xx\r\n"
           b"Content-Type: application/pdf\r\n"
           b"Content-Disposition: attachment; filename*=UTF-8''Pr%C3%BCfung.pdf\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--xx--\r\n")
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("f@stark.example", ["g@wayne.example"], raw)
    archive.wait_count(1)
    h = hashlib.sha256(raw).hexdigest()
    show = archive.cli("show", h).stdout.decode()
    assert "From:       François <f@stark.example>" in show
    assert "Subject:    Prüfbericht" in show
    assert "--- text/html; charset=iso-8859-1 ---\nCafé budget\n" in show
    assert "alert(1)" not in show and "p{}" not in show
    assert "--- attachment: Prüfung.pdf (application/pdf, 9 bytes) ---" in show
    assert archive.cat(h) == raw, "show decodes; cat stays exact"


def test_failed_start_leaves_no_sysv_objects(archive_factory):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    a = archive_factory(smtp_listen=f"127.0.0.1:{busy.getsockname()[1]}")
    before = open("/proc/sysvipc/msg").read().count("\n")
    r = subprocess.run([os.path.join(BIN, "mailarcd"), "-f", "-c", a.conf_path],
                       capture_output=True, timeout=60)
    busy.close()
    assert r.returncode == 2 and b"cannot listen" in r.stderr
    assert open("/proc/sysvipc/msg").read().count("\n") == before
    assert not os.path.exists(os.path.join(a.data, "run", "ipc.ids"))


def test_child_whose_master_is_gone_exits_at_once(archive):
    # As when the master dies between fork and exec: the child's parent is
    # no longer the master it was started for.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        r = subprocess.run([os.path.join(BIN, "mailarc-smtpd"), "-c", archive.conf_path,
                            "--slot", "900", "--master-pid", "999999",
                            "--listen-fd", str(s.fileno())],
                           pass_fds=(s.fileno(),), capture_output=True, timeout=10)
    assert r.returncode == 0
