"""Root never follows what the unprivileged user could have planted.

Each test plants, in the data directory, what code running as `user`
(nobody here) could have left there: links in the directories it owns, a
forged pid file, a forged ipc.ids.  Then root starts, recovers or stops the
archive, and the test checks that nothing outside data_dir changed: owner,
mode, content and existence of root's own files, and processes that are not
mailarc's."""
import fcntl
import hashlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import write_rc_script

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root and a user to drop to")

NOBODY = pwd.getpwnam("nobody")


def victim_file(base, name="secret"):
    """A root-owned 0600 file outside data_dir: (path, snapshot)."""
    path = os.path.join(base, name)
    with open(path, "wb") as f:
        f.write(b"root's own data\n")
    os.chmod(path, 0o600)
    return path, snapshot(path)


def snapshot(path):
    st = os.lstat(path)
    with open(path, "rb") as f:
        return st.st_uid, st.st_gid, st.st_mode, hashlib.sha256(f.read()).hexdigest()


def plant_link(target, link):
    """A link as the user would leave it (owned by the user)."""
    os.symlink(target, link)
    os.lchown(link, NOBODY.pw_uid, NOBODY.pw_gid)


def prepared(archive_factory):
    """An archive that has run once (layout made), then stopped."""
    a = archive_factory()
    a.start()
    a.stop()
    return a


def test_layout_owners(archive_factory):
    a = prepared(archive_factory)
    owner = {d: os.lstat(os.path.join(a.data, d)).st_uid
             for d in ("", "run", "log", "spool", "spool/tmp", "spool/new", "store", "db",
                       "archives", "media")}
    assert owner[""] == owner["run"] == owner["log"] == 0
    assert all(owner[d] == NOBODY.pw_uid
               for d in ("spool", "spool/tmp", "spool/new", "store", "db", "archives", "media"))
    # The database files were made by the user, not chowned afterwards.
    assert all(os.lstat(os.path.join(a.data, "db", f)).st_uid == NOBODY.pw_uid
               for f in os.listdir(os.path.join(a.data, "db")))


def test_link_in_db_is_not_chowned(archive_factory):
    a = prepared(archive_factory)
    secret, before = victim_file(a.base)
    plant_link(secret, os.path.join(a.data, "db", "evil"))
    a.start()
    a.stop()
    assert snapshot(secret) == before
    # A link where Berkeley DB reads its log: recovery, done as the user,
    # cannot read root's file; the archive refuses to start, root's file
    # stays as it was.
    plant_link(secret, os.path.join(a.data, "db", "log.0000000099"))
    a.start(wait=False)
    assert a.proc.wait(30) == 3
    assert "Permission denied" in a.log()
    assert snapshot(secret) == before
    a.proc = None


def test_linked_subdirectory_is_refused(archive_factory):
    a = prepared(archive_factory)
    outside = os.path.join(a.base, "outside")
    os.mkdir(outside, 0o700)
    keep, before = victim_file(outside, "keep")
    tmp = os.path.join(a.data, "spool", "tmp")
    shutil.rmtree(tmp)
    plant_link(outside, tmp)
    a.start(wait=False)
    assert a.proc.wait(30) != 0
    assert "spool/tmp: not a directory (a link is refused)" in a.log()
    assert os.path.exists(keep) and snapshot(keep) == before
    assert os.lstat(outside).st_uid == 0 and os.lstat(outside).st_mode & 0o777 == 0o700
    a.proc = None


def test_pid_file_link_is_refused(archive_factory):
    a = prepared(archive_factory)
    secret, before = victim_file(a.base)
    run = os.path.join(a.data, "run")
    # As left by a version whose run/ was the user's.
    os.chown(run, NOBODY.pw_uid, NOBODY.pw_gid)
    plant_link(secret, os.path.join(run, "mailarcd.pid"))
    a.start(wait=False)
    assert a.proc.wait(30) != 0
    assert "a link is refused" in a.log()
    assert snapshot(secret) == before
    assert os.lstat(run).st_uid == 0        # taken back before anything was opened
    a.proc = None


def test_ipc_ids_tmp_link_and_forged_ids(archive_factory):
    a = prepared(archive_factory)
    secret, before = victim_file(a.base)
    run = os.path.join(a.data, "run")
    plant_link(secret, os.path.join(run, "ipc.ids.tmp"))
    # A shared-memory segment that is not mailarc's, named by a forged ipc.ids.
    made = subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
                           "ipcmk", "-M", "4096"], capture_output=True, text=True, check=True)
    shmid = int(re.search(r"(\d+)", made.stdout).group(1))
    try:
        with open(os.path.join(run, "ipc.ids"), "w") as f:
            f.write(f"msq -1\nsem -1\nring {shmid}\nscore -1\n")
        a.start()
        assert snapshot(secret) == before
        assert os.path.islink(os.path.join(run, "ipc.ids.tmp")) is False
        listed = subprocess.run(["ipcs", "-m", "-i", str(shmid)], capture_output=True)
        assert listed.returncode == 0, "root removed a segment it did not create"
    finally:
        subprocess.run(["ipcrm", "-m", str(shmid)])


def test_rc_stop_signals_only_the_daemon(archive_factory):
    a = prepared(archive_factory)
    ctl = tempfile.mkdtemp(prefix="mailarc-rc-", dir="/tmp")
    rc = os.path.join(ctl, "mailarc")
    write_rc_script(rc, a.conf_path)
    victim = subprocess.Popen(["sleep", "300"])
    pidfile = os.path.join(a.data, "run", "mailarcd.pid")
    try:
        for forged in (str(victim.pid), "-1", f"{victim.pid} ; true"):
            with open(pidfile, "w") as f:
                f.write(forged + "\n")
            holder = open(pidfile)
            fcntl.flock(holder, fcntl.LOCK_EX)      # "running", as a planted lock holder
            r = subprocess.run([rc, "stop"], capture_output=True, text=True, timeout=90)
            holder.close()
            time.sleep(0.2)
            assert victim.poll() is None, f"rc stop killed pid {victim.pid} for {forged!r}"
            assert r.returncode in (0, 1)
        os.unlink(pidfile)
        # The real daemon is still stopped and started by it.
        assert subprocess.run([rc, "start"], capture_output=True, timeout=60).returncode == 0
        assert subprocess.run([rc, "status"], capture_output=True).returncode == 0
        assert subprocess.run([rc, "stop"], capture_output=True, timeout=90).returncode == 0
        assert subprocess.run([rc, "status"], capture_output=True).returncode == 3
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        shutil.rmtree(ctl, ignore_errors=True)


def attach_time(shmid):
    out = subprocess.run(["ipcs", "-m", "-i", str(shmid)], capture_output=True, text=True,
                         check=True).stdout
    return re.search(r"att_time=(.*)", out).group(1).strip()


def test_root_reader_never_attaches_a_segment_the_user_names(archive_factory):
    """With db_shared_memory, db/__db.001 only says which shared memory
    segment holds the environment.  The user can rewrite it: root's
    `mailarc search` must then not attach root's own segment."""
    a = archive_factory()
    a.start()
    ref = os.path.join(a.data, "db", "__db.001")
    with open(ref, "rb") as f:
        real = f.read()
    assert len(real) == 24, "the environment is in shared memory: __db.001 is a reference"
    a.stop()
    assert not os.path.exists(ref), "a clean stop removes the environment"
    made = subprocess.run(["ipcmk", "-M", "1048576", "-p", "0600"], capture_output=True,
                          text=True, check=True)
    shmid = int(re.search(r"(\d+)", made.stdout).group(1))
    try:
        with open(ref, "wb") as f:
            f.write(real[:16] + shmid.to_bytes(8, "little"))
        os.chown(ref, NOBODY.pw_uid, NOBODY.pw_gid)
        r = a.cli("search", "--count")
        assert r.returncode == 3, r.stderr.decode()
        assert b"archive is unavailable" in r.stderr
        assert attach_time(shmid) == "Not set", "root attached a segment the user named"
    finally:
        subprocess.run(["ipcrm", "-m", str(shmid)])
    os.unlink(ref)
    a.start()
    assert a.count() == 0
