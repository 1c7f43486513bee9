"""mailarc import: mbox (with quoting, empty entries, over-size items),
Apple .mbox bundles, Maildirs with subfolders, EML trees; every item
accounted for in the report, exact bytes, re-runs give duplicates, and an
interrupted import run again gives every item exactly once."""
import csv
import hashlib
import io
import os
import signal
import subprocess
import time

import pytest

from conftest import BIN, load_corpus, make_base


@pytest.fixture
def tmp_path():
    """A source directory the archive's user can read: run as root, the
    import reads as that user (pytest's own tmp_path is root's alone)."""
    import pathlib
    import shutil
    d = make_base()
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


def run_import(a, *args):
    return subprocess.run([os.path.join(BIN, "mailarc"), "-c", a.conf_path, "import", *args],
                          capture_output=True, timeout=600)


def report_rows(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    return rows


def sha(b):
    return hashlib.sha256(b).hexdigest()


M1 = b"From: a@stark.example\nSubject: first\n\nline\nFrom inside a line is kept\n"
M2 = b"From: b@stark.example\nSubject: quoted\n\n" + b"From the start\n>From two levels\n"
M3_HEADERS_ONLY = b"From: c@stark.example\nSubject: headers only\n"
MBOX = (b"From a@stark.example Mon Dec  1 10:00:00 2026\n" + M1 + b"\n"
        b"From b@stark.example Mon Dec  1 10:00:01 2026\n"
        b"From: b@stark.example\nSubject: quoted\n\n>From the start\n>>From two levels\n\n"
        b"From empty@stark.example Mon Dec  1 10:00:02 2026\n\n"
        b"From big@stark.example Mon Dec  1 10:00:03 2026\n"
        b"Subject: big\n\n" + b"x" * 3000 + b"\n\n"
        b"From c@stark.example Mon Dec  1 10:00:04 2026\n" + M3_HEADERS_ONLY + b"\n"
        b"From junk@stark.example Mon Dec  1 10:00:05 2026\n"
        b"this is no header line\n\n")


def test_mbox_every_item_accounted_for(archive_factory, tmp_path):
    a = archive_factory(message_size_limit="2K").start()
    path = tmp_path / "old.mbox"
    path.write_bytes(MBOX)
    before = path.read_bytes()
    r = run_import(a, "--report", "-", "--recipient", "owner@stark.example", str(path))
    out = r.stdout.decode()
    assert r.returncode == 1, out + r.stderr.decode()      # something was refused
    assert out.splitlines()[-1] == "imported 3, duplicate 0, refused 3"
    rows = report_rows("\n".join(out.splitlines()[:-1]) + "\n")
    assert [x["outcome"] for x in rows] == ["imported", "imported", "refused", "refused",
                                          "imported", "refused"]
    assert rows[2]["reason"] == "empty"
    assert rows[3]["reason"] == "over message_size_limit"
    assert rows[5]["reason"].startswith("not a message")
    offsets = [int(x["location"].rsplit(":", 1)[1]) for x in rows]
    assert offsets[0] == 0 and offsets[1] == MBOX.index(b"From b@")
    assert [x["id"] for x in rows if x["outcome"] == "imported"] == \
        [sha(M1), sha(M2), sha(M3_HEADERS_ONLY)]
    a.wait_count(3)
    for m in (M1, M2, M3_HEADERS_ONLY):
        assert a.cat(sha(m)) == m
    # --recipient: the owner finds them; the separator's address is the sender.
    assert a.ids("to:owner@stark.example") == {sha(M1), sha(M2), sha(M3_HEADERS_ONLY)}
    show = a.cli("show", sha(M1)).stdout.decode()
    assert "source=import" in show and "Env-From:   a@stark.example" in show
    # The source is untouched; a re-run gives only duplicates.
    assert path.read_bytes() == before
    r = run_import(a, str(path))
    assert r.stdout.decode().splitlines()[-1] == "imported 0, duplicate 3, refused 3"
    assert a.count() == 3


def test_crlf_mbox_bundle_maildir_and_eml_tree(archive, tmp_path):
    a = archive
    # An Apple Mail bundle with a CRLF mbox inside.
    bundle = tmp_path / "Inbox.mbox"
    bundle.mkdir()
    m_crlf = b"From: x@wayne.example\r\nSubject: crlf\r\n\r\nbody\r\n"
    (bundle / "mbox").write_bytes(b"From x@wayne.example Tue Dec  2 09:00:00 2026\r\n" +
                                  m_crlf + b"\r\n")
    (bundle / "Info.plist").write_bytes(b"<plist/>")
    # A Maildir with cur/, new/ and a .Sent subfolder.
    md = tmp_path / "Maildir"
    msgs = {}
    for sub, name, subj in (("cur", "1:2,S", "cur one"), ("new", "2", "new two"),
                            (".Sent/cur", "3:2,S", "sent three")):
        (md / sub).mkdir(parents=True, exist_ok=True)
        body = f"From: m@wayne.example\nSubject: {subj}\n\nx\n".encode()
        (md / sub / name).write_bytes(body)
        msgs[subj] = body
    (md / "tmp").mkdir()
    (md / "tmp" / "partial").write_bytes(b"never imported")
    # An EML tree.
    tree = tmp_path / "eml"
    (tree / "2019" / "q1").mkdir(parents=True)
    e1 = b"From: e@wayne.example\r\nSubject: eml one\r\n\r\n1\r\n"
    e2 = b"From: e@wayne.example\r\nSubject: eml two\r\n\r\n2\r\n"
    (tree / "a.eml").write_bytes(e1)
    (tree / "2019" / "q1" / "b.eml").write_bytes(e2)
    (tree / "2019" / "empty.eml").write_bytes(b"")
    r = run_import(a, "--report", str(tmp_path / "report.csv"), str(bundle), str(md), str(tree))
    assert r.returncode == 1                      # the empty EML is refused
    assert r.stdout.decode().splitlines()[-1] == "imported 6, duplicate 0, refused 1"
    rows = report_rows((tmp_path / "report.csv").read_text())
    assert len(rows) == 7
    where = {os.path.basename(x["location"].rsplit(":", 1)[0] if ".mbox" in x["location"]
                              else x["location"]): x for x in rows}
    assert where["empty.eml"]["outcome"] == "refused"
    assert "partial" not in where and "Info.plist" not in where
    a.wait_count(6)
    for m in [m_crlf, e1, e2, *msgs.values()]:
        assert a.cat(sha(m)) == m


def test_format_errors(archive, tmp_path):
    r = run_import(archive, "--format", "tar", "x")
    assert r.returncode == 2 and b"--format" in r.stderr
    # A PST goes through readpst; a broken one is refused with the reason.
    # (Debian has no tool that writes PST files, so no real one is tested.)
    fake = tmp_path / "broken.pst"
    fake.write_bytes(b"!BDN" + b"\0" * 600)
    r = run_import(archive, "--report", "-", str(fake))
    assert r.returncode == 1
    assert b"not read as a PST file (readpst from pst-utils failed)" in r.stdout
    r = run_import(archive, "--recipient", "not an address", "x")
    assert r.returncode == 2
    r = run_import(archive)
    assert r.returncode == 2 and b"no SOURCE" in r.stderr
    r = run_import(archive, str(tmp_path / "missing"))
    assert r.returncode == 1
    assert r.stdout.decode().splitlines()[-1] == "imported 0, duplicate 0, refused 1"
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"Subject: x\n\nnot an mbox\n")
    r = run_import(archive, "--format", "mbox", str(plain))
    assert r.returncode == 1 and r.stdout.decode().splitlines()[-1].endswith("refused 1")


def test_interrupted_import_run_again_gives_each_item_once(archive_factory, tmp_path):
    a = archive_factory(import_max_backlog="10").start()
    items, d = load_corpus(500, 7)
    box = tmp_path / "corpus.mbox"
    want = set()
    with open(box, "wb") as f:
        for e in items:
            m = e["bytes"]
            # The splitter cannot know of a missing last line end.
            want.add(sha(m if m.endswith(b"\n") else m + b"\n"))
            f.write(b"From corpus@example.com Mon Dec  1 10:00:00 2026\n")
            # mboxrd: quote lines that would read as separators
            for line in m.splitlines(keepends=True):
                k = len(line) - len(line.lstrip(b">"))
                if line[k:].startswith(b"From "):
                    line = b">" + line
                f.write(line)
            if not m.endswith(b"\n"):
                f.write(b"\n")
            f.write(b"\n")
    # The indexer held: the import spools up to import_max_backlog, then
    # waits for it (back-pressure), and is stopped there.
    idx = a.children("indexer")[0]
    os.kill(idx, signal.SIGSTOP)
    try:
        p = subprocess.Popen([os.path.join(BIN, "mailarc"), "-c", a.conf_path, "import",
                              "--report", str(tmp_path / "r1.csv"), str(box)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while len(a.spool_files("new")) < 10 and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert p.poll() is None                 # waiting, not flooding the spool
        assert len(a.spool_files("new")) < 200
        p.send_signal(signal.SIGINT)
    finally:
        os.kill(idx, signal.SIGCONT)
    out, err = p.communicate(timeout=120)
    first = report_rows((tmp_path / "r1.csv").read_text())
    assert 0 < len(first) < len(want), (len(first), out, err)
    assert b"stopped" in err
    r = run_import(a, "--report", str(tmp_path / "r2.csv"), str(box))
    assert r.returncode == 0, r.stderr
    second = report_rows((tmp_path / "r2.csv").read_text())
    got = {x["id"] for x in first + second if x["outcome"] in ("imported", "duplicate")}
    a.wait_count(len(want), timeout=120)
    assert a.count() == len(want)
    assert {x["id"] for x in second} >= {x["id"] for x in first if x["outcome"] == "imported"}
    assert got == want
    import shutil
    shutil.rmtree(d, ignore_errors=True)
