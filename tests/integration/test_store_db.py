"""store = db: blobs in blob.db inside the Berkeley DB environment.  A
corpus archive moved files -> db -> files with `mailarc store migrate`
while mail keeps arriving, every digest checked after each move; a
damaged blob named and left where it was; verify names a damaged blob.db
entry.  (The panel's pages, export and lawful deletion with store = db are
in test_web_compliance.py.)"""
import glob
import os
import re
import smtplib
import subprocess
import threading

from conftest import sha256
from test_corpus import send_all


def store_files(a):
    return {os.path.basename(f): f
            for f in glob.glob(os.path.join(a.data, "store", "*", "*", "*", "*"))}


def dump(a, name):
    """(key, value) hex lines of a database, with db_dump."""
    out = subprocess.run(["db5.3_dump", "-h", os.path.join(a.data, "db"), name],
                         capture_output=True, check=True).stdout.decode().split("\n")
    body = out[out.index("HEADER=END") + 1:]
    return [(k.strip(), v.strip()) for k, v in zip(body[0::2], body[1::2])
            if k.startswith(" ")], out[:out.index("HEADER=END") + 1]


def blob_keys(a):
    return {k for k, _ in dump(a, "blob.db")[0]}


def all_bytes_back(a, want):
    """Every message of want (id -> bytes) comes back exactly."""
    for mid, raw in want.items():
        got = a.cat(mid)
        assert sha256(got) == mid and got == raw, mid


def migrate(a):
    r = a.cli("store", "migrate")
    m = re.fullmatch(r"store migrate: (\d+) blob\(s\) moved to (\S+), (\d+) already there, "
                     r"(\d+) damaged, (\d+) failed\n", r.stdout.decode())
    assert m, (r.stdout, r.stderr)
    return r.returncode, m.group(2), int(m.group(1)), int(m.group(3)), int(m.group(4)), \
        r.stderr.decode()


def switch(a, store):
    a.stop()
    a.settings["store"] = store
    a.write_conf()
    a.start()


def extra_mail(a, tag, n):
    """n small messages sent while something else runs; their bytes."""
    sent = {}

    def run():
        with smtplib.SMTP("127.0.0.1", a.port, timeout=60) as s:
            for i in range(n):
                raw = (f"From: ops@acme.example\r\nTo: audit@acme.example\r\n"
                       f"Subject: {tag} {i}\r\nMessage-ID: <{tag}.{i}@acme.example>\r\n\r\n"
                       f"Sent during the migration, number {i}.\r\n").encode()
                s.sendmail("ops@acme.example", ["audit@acme.example"], raw)
                sent[sha256(raw)] = raw

    t = threading.Thread(target=run)
    t.start()
    return t, sent


def test_migrate_files_to_db_and_back_while_mail_arrives(archive_factory, corpus500):
    a = archive_factory(verify_interval="0", burn_schedule="off").start()
    send_all(a.port, corpus500)
    want = {sha256(it["bytes"]): it["bytes"] for it in corpus500}
    a.wait_count(len(want))
    assert set(store_files(a)) == set(want) and blob_keys(a) == set()
    assert "store:         files (new blobs go to store/)\n" in a.cli("status").stdout.decode()

    # A damaged blob is named and stays where it is; the rest move.
    bad = sorted(want)[7]
    path = store_files(a)[bad]
    good = open(path, "rb").read()
    with open(path, "r+b") as f:
        f.seek(len(good) // 2)
        f.write(bytes([good[len(good) // 2] ^ 0xFF]))

    switch(a, "db")
    t, sent = extra_mail(a, "during-to-db", 40)
    rc, to, moved, already, damaged, err = migrate(a)
    t.join()
    assert (rc, to, damaged) == (1, "blob.db", 1), err
    assert bad in err and "left where it is" in err
    assert moved == len(want) - 1 and already <= len(sent)
    want.update(sent)
    a.wait_count(len(want))
    assert set(store_files(a)) == {bad}
    assert blob_keys(a) == {k for k in want if k != bad}

    # Repaired, the last one moves on the next run; nothing is left behind.
    with open(path, "wb") as f:
        f.write(good)
    rc, to, moved, already, damaged, err = migrate(a)
    assert (rc, moved, already, damaged) == (0, 1, len(want) - 1, 0), err
    assert store_files(a) == {} and blob_keys(a) == set(want)
    all_bytes_back(a, want)
    r = a.cli("verify")
    assert r.returncode == 0, r.stdout.decode()

    # And back to files, mail arriving all the while.
    switch(a, "files")
    t, sent = extra_mail(a, "during-to-files", 40)
    rc, to, moved, already, damaged, err = migrate(a)
    t.join()
    assert (rc, to, moved, damaged) == (0, "files", len(want), 0), err
    want.update(sent)
    a.wait_count(len(want))
    assert set(store_files(a)) == set(want) and blob_keys(a) == set()
    all_bytes_back(a, want)
    r = a.cli("verify")
    assert r.returncode == 0, r.stdout.decode()


def test_store_db_keeps_no_files_and_verify_names_a_damaged_entry(archive_factory, corpus500):
    a = archive_factory(store="db", verify_interval="0", burn_schedule="off").start()
    items = corpus500[:60]
    send_all(a.port, items)
    want = {sha256(it["bytes"]): it["bytes"] for it in items}
    a.wait_count(len(want))
    assert store_files(a) == {} and blob_keys(a) == set(want)
    assert "store:         db (new blobs go to db/blob.db)\n" in a.cli("status").stdout.decode()
    all_bytes_back(a, want)
    r = a.cli("verify")
    assert r.returncode == 0, r.stdout.decode()

    # One entry's compressed bytes changed behind the archive's back.
    a.stop()
    pairs, head = dump(a, "blob.db")
    victim = sorted(want)[3]
    for i, (k, v) in enumerate(pairs):
        if k == victim:
            mid = len(v) // 2 & ~1
            pairs[i] = (k, v[:mid] + ("00" if v[mid:mid + 2] != "00" else "ff") + v[mid + 2:])
    text = "\n".join(head + [f" {x}" for p in pairs for x in p] + ["DATA=END", ""])
    db = os.path.join(a.data, "db")
    os.unlink(os.path.join(db, "blob.db"))
    subprocess.run(["db5.3_load", "-h", db, "blob.db"], input=text.encode(), check=True)
    if os.geteuid() == 0:
        subprocess.run(["chown", "nobody", os.path.join(db, "blob.db")], check=True)
    a.start()
    r = a.cli("verify")
    out = r.stdout.decode()
    assert r.returncode == 1 and f"{victim} changed" in out and f"blob.db:{victim}" in out, out
    assert a.cli("cat", victim).returncode != 0
    others = dict(want)
    del others[victim]
    all_bytes_back(a, others)


def test_big_batch_goes_in_chunks_with_store_db(archive_factory):
    """Five 27 MB messages found in the spool at start form one batch; with
    store = db its blobs go in transactions of at most 64 MB."""
    import base64
    a = archive_factory(store="db", verify_interval="0", burn_schedule="off")
    a.start()
    a.stop()
    want = {}
    for i in range(5):
        body = base64.encodebytes(os.urandom(20 * 1024 * 1024))
        raw = (f"From: big@acme.example\r\nTo: audit@acme.example\r\nSubject: big {i}\r\n\r\n"
               .encode() + body)
        r = a.cli("deliver", "-f", "big@acme.example", "--", "audit@acme.example", input=raw)
        assert r.returncode == 0, r.stderr.decode()
        want[sha256(raw)] = raw
    a.start()
    a.wait_count(len(want), timeout=120)
    assert "message(s) of this batch go in the next transaction" in a.log()
    assert store_files(a) == {} and blob_keys(a) == set(want)
    all_bytes_back(a, want)
