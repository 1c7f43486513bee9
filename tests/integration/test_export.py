"""mailarc export: 2,000 corpus messages through a query, as mboxrd and as
.eml files; the SHA-256 set equals the query's result set, the manifest
describes each message and is itself checked by sha256sum, a user's export
holds only their own mail, and bad arguments change nothing."""
import collections
import csv
import hashlib
import os
import re
import shutil
import subprocess

import pytest

import expect
from conftest import make_base, remove_tree, sha256
from test_corpus import send_all

QUERY = ["after:2025-06-01"]


def mboxrd_split(data):
    """Messages of an mboxrd file, un-quoted, each without the empty line
    that separates it from the next."""
    out, cur = [], None
    lines = data.split(b"\n")
    for i, line in enumerate(lines[:-1] if data.endswith(b"\n") else lines):
        if line.startswith(b"From ") and (i == 0 or lines[i - 1] in (b"", b"\r")):
            if cur is not None:
                out.append(cur)
            cur = []
            continue
        if re.match(rb">+From ", line):
            line = line[1:]
        cur.append(line)
    out.append(cur)
    msgs = []
    for m in out:
        assert m and m[-1] == b"", "each message ends with an empty line"
        msgs.append(b"\n".join(m[:-1]) + b"\n")
    return msgs


@pytest.fixture(scope="module")
def exported(corpus2000):
    """One archive with the corpus; user alice owns one busy address."""
    from conftest import Archive
    msgs = expect.build(corpus2000)
    owners = collections.Counter(o for m in msgs.values() for o in m.owners)
    addr = owners.most_common(1)[0][0]
    base = make_base()
    users = os.path.join(base, "users.txt")
    with open(users, "w") as f:
        f.write(f"alice: {addr}\n")
    a = Archive(base, verify_interval="0", user_addresses=users, admin_users="root")
    a.start()
    try:
        send_all(a.port, corpus2000)
        a.wait_count(len(msgs), timeout=300)
        yield a, msgs, addr
    finally:
        a.stop()
        remove_tree(base)


def check_manifest(a, out, ids):
    rows = list(csv.DictReader(open(os.path.join(out, "MANIFEST.csv"), newline="")))
    hits = {h["id"]: h for h in a.search(*QUERY) if h["id"] in ids}
    assert [r["id"] for r in rows] == list(hits)          # newest first, as search
    assert len(rows) == len(ids)
    for r in rows[:200]:
        h = hits[r["id"]]
        assert r["sha256"] == r["id"]
        assert (r["date"], r["from"], r["subject"], int(r["size"])) == \
            (h["date"], h["from"], h["subject"], h["size"])
        assert r["to"] == ", ".join(h["to"])
    p = subprocess.run(["sha256sum", "-c", "MANIFEST.csv.sha256"], cwd=out, capture_output=True)
    assert p.returncode == 0 and p.stdout == b"MANIFEST.csv: OK\n"


def test_mbox_and_eml_are_exactly_the_query(exported):
    a, msgs, addr = exported
    want = expect.expected(msgs, QUERY)
    assert 300 < len(want) < len(msgs)
    assert a.ids(*QUERY) == want
    base = make_base()
    try:
        out = os.path.join(base, "mbox")
        r = a.cli("export", "--out", out, *QUERY)
        assert r.returncode == 0, r.stderr.decode()
        assert r.stdout.decode() == f"exported {len(want)} messages to {out} (mbox)\n"
        assert sorted(os.listdir(out)) == ["MANIFEST.csv", "MANIFEST.csv.sha256", "messages.mbox"]
        got = mboxrd_split(open(os.path.join(out, "messages.mbox"), "rb").read())
        assert len(got) == len(want)
        assert {hashlib.sha256(m).hexdigest() for m in got} == want
        check_manifest(a, out, want)

        out = os.path.join(base, "eml")
        r = a.cli("export", "--format", "eml", "--out", out, *QUERY)
        assert r.returncode == 0, r.stderr.decode()
        files = set(os.listdir(out)) - {"MANIFEST.csv", "MANIFEST.csv.sha256"}
        assert files == {f"{m}.eml" for m in want}
        for f in files:
            data = open(os.path.join(out, f), "rb").read()
            assert sha256(data) == f[:-4] and data == msgs[f[:-4]].raw
        check_manifest(a, out, want)

        # The export is in the audit log, with its query.
        audit = open(os.path.join(a.data, "log", "audit.log")).read()
        assert f"action=export result=ok detail=\"format=eml out={out} messages={len(want)} " \
               f"query={QUERY[0]}\"" in audit
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_user_export_holds_only_their_mail(exported):
    a, msgs, addr = exported
    want = expect.expected(msgs, QUERY, {addr})
    assert want and len(want) < len(expect.expected(msgs, QUERY))
    base = make_base()
    try:
        out = os.path.join(base, "mine")
        r = a.cli("export", "--as", "alice", "--out", out, *QUERY)
        assert r.returncode == 0, r.stderr.decode()
        got = mboxrd_split(open(os.path.join(out, "messages.mbox"), "rb").read())
        assert {hashlib.sha256(m).hexdigest() for m in got} == want
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_bad_arguments_change_nothing(exported):
    a, msgs, addr = exported
    base = make_base()
    try:
        out = os.path.join(base, "x")
        for args, code, text in (
                (["--format", "pst", "--out", out, "from:x"], 2, "--format is mbox or eml"),
                (["--out", out], 2, "usage:"),
                (["from:x"], 2, "usage:"),
                (["--out", out, "before:2026-13-45"], 2, "bad query"),
                (["--out", out, "from:nobody.invalid"], 1, "no message matches")):
            r = a.cli("export", *args)
            assert r.returncode == code and text in r.stderr.decode(), (args, r.stderr)
            assert not os.path.exists(out)
        os.makedirs(out)
        open(os.path.join(out, "keep"), "w").write("x")
        r = a.cli("export", "--out", out, *QUERY)
        assert r.returncode == 2 and "is not empty" in r.stderr.decode()
        assert os.listdir(out) == ["keep"]
    finally:
        shutil.rmtree(base, ignore_errors=True)
