"""mailarc verify: every blob, the hash chain and the index, each kind of
damage named exactly (a flipped byte, a removed blob, a record cut out of
msg.db with db_dump/db_load, two records swapped); the audit log's chain;
seals; and a burned disc checked with the openssl and sha256sum commands
its README.TXT prints, run exactly as printed."""
import glob
import os
import re
import shutil
import subprocess
import time

import pytest

import burnlib
from conftest import BIN, load_corpus, sha256
from dbsurgery import give_to_user, surgery
from webpanel import clear_append_only


@pytest.fixture(scope="module")
def corpus30():
    items, d = load_corpus(30, 31)
    yield items
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def loaded(archive_factory, corpus30):
    a = archive_factory(burn_schedule="off", verify_interval="0", admin_users="alice, bob")
    a.start()
    burnlib.send(a.port, corpus30)
    msgs = {sha256(it["bytes"]): it for it in corpus30}
    a.wait_count(len(msgs))
    return a, msgs


def as_user(a, user, *args):
    """The mailarc command as root under sudo by user."""
    env = dict(os.environ, SUDO_USER=user)
    return subprocess.run([os.path.join(BIN, "mailarc"), "-c", a.conf_path, *args],
                          capture_output=True, env=env, timeout=180)


def verify(a, *args):
    r = a.cli("verify", *args)
    assert r.returncode in (0, 1), r.stderr.decode()
    return r.returncode, r.stdout.decode().splitlines()


def records(a):
    """(number, id) of every record, in chain order, read with db_dump."""
    out = subprocess.run(["db5.3_dump", "-h", os.path.join(a.data, "db"), "msg.db"],
                         capture_output=True, check=True).stdout.decode().split("\n")
    body = out[out.index("HEADER=END") + 1:]
    recs = []
    for k, v in zip(body[0::2], body[1::2]):
        if not k.startswith(" "):
            break
        recs.append((int(k.strip(), 16), v.strip()[50:114]))
    return recs


def msg_db_surgery(a, change):
    """Change msg.db's (key, value) lines."""
    surgery(a, "msg.db", change)


def blob_path(a, mid):
    paths = glob.glob(os.path.join(a.data, "store", "*", "*", "*", mid))
    assert len(paths) == 1
    return paths[0]


def test_intact_then_each_damage_named_exactly(loaded):
    a, msgs = loaded
    rc, lines = verify(a)
    assert rc == 0 and lines[-1].startswith(f"OK  {len(msgs)} records (0 deleted), "
                                            f"{len(msgs)} blobs checked"), lines
    recs = records(a)
    assert [n for n, _ in recs] == list(range(1, len(msgs) + 1))
    assert {m for _, m in recs} == set(msgs)

    # One byte flipped in a blob: that message, changed; --quick checks
    # presence and size only, and passes it.
    num, mid = recs[6]
    path = blob_path(a, mid)
    orig = open(path, "rb").read()
    with open(path, "r+b") as f:
        f.seek(len(orig) - 3)
        f.write(bytes([orig[-3] ^ 0x40]))
    rc, lines = verify(a)
    assert rc == 1 and lines[0].startswith(f"{mid} changed (record {num}): "), lines
    assert len(lines) == 2 and lines[-1].startswith("FAILED") and "1 problem" in lines[-1]
    assert verify(a, "--quick")[0] == 0
    # --since: the blob arrived today, so a check since tomorrow skips it.
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
    assert verify(a, "--since", tomorrow)[0] == 0
    with open(path, "wb") as f:
        f.write(orig)

    # A blob removed: that message, missing (also with --quick).
    os.rename(path, path + ".away")
    for args in ((), ("--quick",)):
        rc, lines = verify(a, *args)
        assert rc == 1 and lines[:-1] == [f"{mid} missing (record {num})"], lines
    os.rename(path + ".away", path)
    assert verify(a)[0] == 0

    # Database surgery, with the archive stopped.
    a.stop()
    db = os.path.join(a.data, "db")
    shutil.copytree(db, db + ".good")

    # A record cut out of msg.db: named, with the id id.db still knows.
    num, mid = recs[11]
    msg_db_surgery(a, lambda pairs: [p for p in pairs if int(p[0], 16) != num])
    rc, lines = verify(a)
    assert rc == 1 and lines[0] == f"record {num} removed ({mid})", lines
    assert not any("chain broken" in x or "swapped" in x for x in lines), lines
    assert all(x.startswith("index: ") for x in lines[1:-1]), lines

    # Two records swapped: both named, nothing else blamed.
    shutil.rmtree(db)
    shutil.copytree(db + ".good", db)
    i, j = 4, 17

    def swap(pairs):
        pairs[i - 1][1], pairs[j - 1][1] = pairs[j - 1][1], pairs[i - 1][1]
        return pairs
    msg_db_surgery(a, swap)
    rc, lines = verify(a)
    assert rc == 1 and lines[:-1] == [
        f"records {i} and {j} swapped ({recs[j - 1][1]}, {recs[i - 1][1]})"], lines

    # Put back: intact again.
    shutil.rmtree(db)
    shutil.copytree(db + ".good", db)
    give_to_user(a, db)
    assert verify(a)[0] == 0


def audit_lines(a):
    return open(os.path.join(a.data, "log", "audit.log"), "rb").read().split(b"\n")[:-1]


def write_audit(a, lines):
    path = os.path.join(a.data, "log", "audit.log")
    clear_append_only(path)                 # what root can do; the chain still tells
    with open(path, "wb") as f:
        f.write(b"".join(x + b"\n" for x in lines))


def test_audit_chain_finds_edits_removals_and_cut_tails(loaded):
    a, msgs = loaded
    r = a.cli("hold", "add", "h0", "from:nobody.example")
    assert r.returncode == 2, r.stderr         # root is no admin here: refused, not audited
    for k in range(4):
        r = as_user(a, "alice", "hold", "add", f"case{k}", "--reason", f"matter {k}",
                    "from:nobody.example")
        assert r.returncode == 0, r.stderr
    good = audit_lines(a)
    assert len(good) == 4 and all(re.search(rb" prev=[0-9a-f]{64}$", x) for x in good)
    assert b"login=alice action=hold-add result=ok" in good[2]
    rc, lines = verify(a, "--audit")
    assert rc == 0 and lines[-1].startswith("OK  audit log: 4 lines"), lines

    # An edited line: the chain breaks right after it.
    edited = list(good)
    edited[1] = edited[1].replace(b"matter 1", b"matter 9")
    write_audit(a, edited)
    rc, lines = verify(a, "--audit")
    assert rc == 1 and lines[0] == ("audit chain broken between lines 2 and 3: line 2 changed, "
                                    "or lines removed or inserted there"), lines
    # A removed line.
    write_audit(a, good[:2] + good[3:])
    rc, lines = verify(a, "--audit")
    assert rc == 1 and lines[0].startswith("audit chain broken between lines 2 and 3"), lines
    # An inserted line without a chain value.
    write_audit(a, good[:3] + [b"2026-01-01T00:00:00Z client=- login=x action=y"] + good[3:])
    rc, lines = verify(a, "--audit")
    assert rc == 1 and lines[0] == ("audit line 4 has no chain value: inserted, changed or "
                                    "torn"), lines
    write_audit(a, good)
    assert verify(a, "--audit")[0] == 0

    # A burn seals the head; cutting the last line off is then found.
    month = burnlib.month_str(time.time())
    r = a.cli("burn", "--media", "cd", "--month", month)
    assert r.returncode == 0, r.stderr.decode()
    seals = open(os.path.join(a.data, "log", "seals")).read().splitlines()
    assert re.search(r" audit-lines=4 ", seals[-1]), seals
    write_audit(a, good[:3])
    rc, lines = verify(a, "--audit")
    assert rc == 1 and any(re.fullmatch(r"seal of \S+: the audit log had 4 lines, now 3: "
                                        r"lines removed from its end", x) for x in lines), lines


def test_disc_checked_with_openssl_and_sha256sum_as_printed(loaded, tmp_path):
    a, msgs = loaded
    month = burnlib.month_str(time.time())
    r = a.cli("burn", "--media", "cd", "--month", month)
    assert r.returncode == 0, r.stderr.decode()
    img = r.stdout.decode().split()[0]
    out = str(tmp_path / "disc")
    subprocess.run(["osirrox", "-indev", img, "-extract", "/", out], capture_output=True,
                   check=True)
    subprocess.run(["chmod", "-R", "u+w", out])
    readme = open(os.path.join(out, "README.TXT"), encoding="utf-8").read()
    commands = [x.strip() for x in readme.splitlines()
                if re.match(r"    (openssl|sha256sum) ", x) and "<id>" not in x]
    assert len(commands) == 5, readme
    results = []
    for cmd in commands:
        p = subprocess.run(cmd, shell=True, cwd=out, capture_output=True, timeout=60)
        assert p.returncode == 0, (cmd, p.stdout, p.stderr)
        results.append(p.stdout.decode() + p.stderr.decode())
    assert all("Signature Verified Successfully" in results[k] for k in (0, 2, 3))
    # Every message and every other file is listed, and checks.
    listed = [x.split("  ", 1)[1] for x in open(os.path.join(out, "SHA256SUMS")).read().splitlines()]
    assert results[1].count(": OK\n") == len(listed)
    assert {p for p in listed if p.startswith("MAIL/")} == {
        os.path.relpath(p, out) for p in glob.glob(os.path.join(out, "MAIL", "*", "*", "*", "*"))}
    assert {"MANIFEST.XML", "SEAL.TXT", "SEAL.TXT.sig", "SEALS.TXT", "seal.pub", "README.TXT",
            "INDEX.HTML", "MANIFEST.XML.sig"} <= set(listed)
    # The fingerprint printed is the archive's key's, as mailarc status says.
    fp = results[4].split()[0]
    status = a.cli("status").stdout.decode()
    assert re.search(rf"^seal key:\s+SHA256:{fp}$", status, re.M), status
    # The seal on the disc is the archive's chain head.
    seal = open(os.path.join(out, "SEAL.TXT")).read()
    assert seal.endswith("\n") and f"records={len(msgs)} " in seal
    assert open(os.path.join(out, "SEALS.TXT")).read().splitlines()[-1].startswith(seal.rstrip("\n"))
    # A changed message fails sha256sum; a changed manifest fails openssl.
    victim = os.path.join(out, listed[[p.startswith("MAIL/") for p in listed].index(True)])
    with open(victim, "ab") as f:
        f.write(b"x")
    p = subprocess.run(commands[1], shell=True, cwd=out, capture_output=True)
    assert p.returncode == 1 and b"FAILED" in p.stdout
    with open(os.path.join(out, "MANIFEST.XML"), "ab") as f:
        f.write(b"<!-- -->")
    p = subprocess.run(commands[2], shell=True, cwd=out, capture_output=True)
    assert p.returncode != 0
    # And the archive's own verify counts the seals made so far, all good.
    rc, lines = verify(a)
    assert rc == 0 and re.search(r"; [2-9] seals; 0 problems$", lines[-1]), lines


def test_scheduled_verify_reports_on_status(archive_factory, corpus30):
    a = archive_factory(burn_schedule="off", verify_interval="3s")
    a.start()
    burnlib.send(a.port, corpus30[:5])
    a.wait_count(len({sha256(it["bytes"]) for it in corpus30[:5]}))
    mid = sha256(corpus30[0]["bytes"])
    os.unlink(blob_path(a, mid))
    deadline = time.time() + 60
    while time.time() < deadline:
        status = a.cli("status").stdout.decode()
        if "last verify:" in status and "failed" in status:
            break
        time.sleep(0.5)
    assert re.search(rf"^last verify:\s+\S+ failed, 1 problem: {mid} missing", status, re.M), \
        status + a.log()[-2000:]


def test_no_false_alarm_while_mail_arrives(archive_factory):
    """verify on a live archive: mail committed during the walk is newer
    than the walk, never a problem."""
    import threading
    from test_corpus import send_all
    items, d = load_corpus(400, 33)
    try:
        a = archive_factory(verify_interval="0", indexer_batch="8")
        a.start()
        t = threading.Thread(target=send_all, args=(a.port, items, 4))
        t.start()
        runs = []
        while t.is_alive() or len(runs) < 3:
            runs.append(verify(a))
        t.join()
        for rc, lines in runs:
            assert rc == 0, lines
        a.wait_count(len({sha256(it["bytes"]) for it in items}))
        assert verify(a)[0] == 0
    finally:
        shutil.rmtree(d, ignore_errors=True)
