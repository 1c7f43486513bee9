"""mailarc-burner: archive files and optical media images, checked with
tools that are not ours (xorriso, osirrox, iso-info, openssl, GNU tar,
Python's XML parser), read-back verification, volume splitting, burning
to a drive (xorriso's stdio: pseudo-drive) and the monthly schedule."""
import glob
import html.parser
import os
import re
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

import pytest

import burnlib
from conftest import load_corpus, sha256

PASSWORD = "Arch1veSecret"


@pytest.fixture(scope="module")
def corpus40():
    items, d = load_corpus(40, 21)
    yield items
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def logs_dir():
    d = tempfile.mkdtemp(prefix="mailarc-logs-", dir="/tmp")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(params=["files", "db"])
def loaded(archive_factory, corpus40, logs_dir, request):
    """An archive with this month's mail and a rotated set of mail logs; its
    blobs as files, and in blob.db (store = db)."""
    now = time.time()
    logs = burnlib.make_logs(logs_dir, now)
    for name in os.listdir(logs_dir):
        os.chmod(os.path.join(logs_dir, name), 0o644)
    a = archive_factory(burn_schedule="off", mta_logs=os.path.join(logs_dir, "mail.log*"),
                        store=request.param)
    a.start()
    burnlib.send(a.port, corpus40)
    msgs = {sha256(it["bytes"]): it for it in corpus40}
    a.wait_count(len(msgs))
    return a, msgs, logs, burnlib.month_str(now)


def burn(a, *args):
    r = a.cli("burn", *args)
    assert r.returncode == 0, r.stderr.decode() + a.log()[-2000:]
    return r.stdout.decode().split()


def xorriso_files(img):
    r = subprocess.run(["xorriso", "-indev", img, "-find", "/", "-type", "f"],
                       capture_output=True, check=True)
    return {line.strip("'") for line in r.stdout.decode().split("\n") if line}


def extract(img, dest):
    subprocess.run(["osirrox", "-indev", img, "-extract", "/", dest], capture_output=True,
                   check=True)
    subprocess.run(["chmod", "-R", "u+w", dest])


def test_image_read_by_other_tools(loaded, tmp_path):
    a, msgs, logs, month = loaded
    images = burn(a, "--media", "cd", "--month", month)
    assert len(images) == 1 and images[0].endswith(f"/media/{month}-v1of1.iso")
    img = images[0]

    # xorriso lists exactly the expected files.
    files = xorriso_files(img)
    mail = {f for f in files if f.startswith("/MAIL/")}
    assert {re.sub(r".*/([0-9a-f]{64})\.eml$", r"\1", f) for f in mail} == set(msgs)
    assert all(re.fullmatch(r"/MAIL/\d{4}/\d{2}/\d{2}/[0-9a-f]{64}\.eml", f) for f in mail)
    assert files - mail == {"/LOGS/mail.log", "/LOGS/mail.log.1", "/MANIFEST.XML",
                            "/INDEX.HTML", "/README.TXT", "/SEAL.TXT", "/SEAL.TXT.sig",
                            "/SEALS.TXT", "/seal.pub", "/MANIFEST.XML.sig", "/SHA256SUMS",
                            "/SHA256SUMS.sig"}

    # osirrox gives back the exact bytes of every message and log.
    out = str(tmp_path / "x")
    extract(img, out)
    for f in mail:
        data = open(out + f, "rb").read()
        mid = os.path.basename(f)[:-4]
        assert sha256(data) == mid and data == msgs[mid]["bytes"]
    for name in ("mail.log", "mail.log.1"):
        assert open(f"{out}/LOGS/{name}", "rb").read() == logs[name]

    # libcdio's iso-info reads the volume label.
    info = subprocess.run(["iso-info", "-i", img], capture_output=True, check=True).stdout.decode()
    label = f"MAILARC_{month[:4]}_{month[5:]}_1OF1"
    assert re.search(r"^Volume\s*:\s*" + label + r"\s*$", info, re.M), info

    # The manifest is well-formed XML and describes everything.
    root = ET.parse(f"{out}/MANIFEST.XML").getroot()
    vol = root.find("volume")
    assert (vol.get("label"), vol.get("number"), vol.get("of")) == (label, "1", "1")
    assert root.find("period").get("month") == month
    entries = root.find("messages").findall("message")
    assert len(entries) == len(msgs)
    for m in entries:
        it = msgs[m.get("id")]
        assert m.get("sha256") == m.get("id") and int(m.get("size")) == len(it["bytes"])
        assert "/" + m.get("path") in mail
        rcpts = {(r.get("type"), r.text) for r in m.find("recipients")}
        assert {r.lower() for r in it["rcpt_to"]} <= {t.lower() for k, t in rcpts if k == "envelope"}
        assert m.find("from").text and m.find("msgid").text is not None
    for e in root.find("logs").findall("log") + root.find("files").findall("file"):
        assert sha256(open(f"{out}/{e.get('path')}", "rb").read()) == e.get("sha256")

    # INDEX.HTML links every message by its relative path.
    class Links(html.parser.HTMLParser):
        hrefs = set()

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.hrefs.add(dict(attrs)["href"])

    p = Links()
    p.feed(open(f"{out}/INDEX.HTML", encoding="utf-8").read())
    assert {"/" + h for h in p.hrefs if h.startswith("MAIL/")} == mail
    assert "MANIFEST.XML" in p.hrefs and "LOGS/mail.log" in p.hrefs
    assert "sha256sum" in open(f"{out}/README.TXT").read()

    # The .sha256 file beside the image, and our own check.
    line = open(img + ".sha256").read()
    assert line == f"{burnlib.sha(img)}  {os.path.basename(img)}\n"
    r = a.cli("verify", "--media", img)
    assert r.returncode == 0 and r.stdout.decode().startswith("OK"), r.stdout.decode()
    assert f"{len(msgs)} messages" in r.stdout.decode()

    # The catalogue: mailarc show names the volume.
    mid = next(iter(msgs))
    show = a.cli("show", mid).stdout.decode()
    assert re.search(rf"^Media:\s+{month}-v1of1 \({label}, cd, volume 1 of 1, image waits in media/\)",
                     show, re.M), show

    # Asked again: a second set, never overwriting the first.
    again = burn(a, "--media", "cd", "--month", month)
    assert again[0].endswith(f"/media/{month}-2-v1of1.iso")
    assert burnlib.sha(img) == line.split()[0]
    show = a.cli("show", mid).stdout.decode()
    assert f"{month}-2-v1of1 (MAILARC_{month[:4]}_{month[5:]}_R2_1OF1" in show


def test_verify_names_exactly_the_damaged_file(loaded, tmp_path):
    a, msgs, logs, month = loaded
    img = burn(a, "--media", "dvd", "--month", month)[0]
    data = bytearray(open(img, "rb").read())
    mid, it = sorted(msgs.items())[3]
    at = data.find(it["bytes"])
    assert at > 0 and data.find(it["bytes"], at + 1) < 0
    bad = str(tmp_path / "bad.iso")
    data[at + len(it["bytes"]) // 2] ^= 0x01
    open(bad, "wb").write(data)
    r = a.cli("verify", "--media", bad)
    out = r.stdout.decode().splitlines()
    assert r.returncode == 1, out
    problems = [line for line in out if not line.startswith("FAILED")]
    assert problems and all(f"/{mid}.eml" in line for line in problems), out
    assert problems[0].startswith("MISMATCH  MAIL/") and out[-1].startswith("FAILED")

    # A damaged log is named too, and nothing else.
    data = bytearray(open(img, "rb").read())
    at = data.find(logs["mail.log.1"])
    data[at + 10] ^= 0x20
    open(bad, "wb").write(data)
    r = a.cli("verify", "--media", bad)
    problems = [line for line in r.stdout.decode().splitlines() if not line.startswith("FAILED")]
    assert r.returncode == 1 and problems == [problems[0]] and "LOGS/mail.log.1:" in problems[0]

    # Not an image at all: a clear error.
    open(bad, "wb").write(b"\0" * 65536)
    r = a.cli("verify", "--media", bad)
    assert r.returncode == 1 and "not an ISO 9660 image" in r.stdout.decode()


def test_encrypted_archive_opens_with_openssl_and_tar(archive_factory, corpus40, tmp_path):
    a = archive_factory(burn_schedule="off", archive_password=PASSWORD, mta_logs="")
    a.start()
    burnlib.send(a.port, corpus40[:15])
    msgs = {sha256(it["bytes"]): it["bytes"] for it in corpus40[:15]}
    a.wait_count(len(msgs))
    day = time.strftime("%y-%m-%d", time.gmtime())
    r = a.cli("archive", "-s", day)
    assert r.returncode == 0, r.stderr.decode()
    path = r.stdout.decode().strip()
    mname = time.strftime("%b-%Y", time.gmtime())
    assert path == f"{a.data}/archives/{mname}.tar.zst.enc"
    raw = open(path, "rb").read()
    assert raw.startswith(b"Salted__") and not any(m[:200] in raw for m in msgs.values())
    subprocess.run(["sha256sum", "-c", os.path.basename(path) + ".sha256"],
                   cwd=os.path.dirname(path), check=True, capture_output=True)
    plain = subprocess.run(["openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", "600000",
                            "-md", "sha256", "-pass", "pass:" + PASSWORD, "-in", path],
                           capture_output=True, check=True).stdout
    listing = subprocess.run(["tar", "--zstd", "-t"], input=plain, capture_output=True,
                             check=True).stdout.decode().split()
    assert f"{mname}/MANIFEST.XML" in listing and f"{mname}/INDEX.HTML" in listing
    out = tmp_path / "x"
    out.mkdir()
    subprocess.run(["tar", "--zstd", "-x", "-C", str(out)], input=plain, check=True)
    got = {}
    for f in glob.glob(f"{out}/{mname}/MAIL/*/*/*/*.eml"):
        got[os.path.basename(f)[:-4]] = open(f, "rb").read()
    assert got == msgs
    # The wrong password does not open it.
    bad = subprocess.run(["openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", "600000",
                          "-md", "sha256", "-pass", "pass:Wrong1Password", "-in", path],
                         capture_output=True)
    assert bad.returncode != 0 or b"MANIFEST" not in bad.stdout
    # Repeated manual runs get -2, -3 (like ClearOS), never overwrite.
    r2 = a.cli("archive", "-s", day)
    assert r2.stdout.decode().strip() == f"{a.data}/archives/{mname}-2.tar.zst.enc"
    assert open(path, "rb").read() == raw


def test_plain_archive_and_bad_arguments(loaded, tmp_path):
    a, msgs, logs, month = loaded
    r = a.cli("archive", "-s", month[2:] + "-01")
    assert r.returncode == 0, r.stderr.decode()
    path = r.stdout.decode().strip()
    assert path.endswith(".tar.zst")
    names = subprocess.run(["tar", "--zstd", "-tf", path], capture_output=True,
                           check=True).stdout.decode().split()
    top = os.path.basename(path)[:-8]
    # They all arrived today (UTC), so they are all under today's directory.
    assert {n for n in names if n.endswith(".eml")} == {
        f"{top}/MAIL/{time.strftime('%Y/%m/%d', time.gmtime())}/{m}.eml" for m in msgs}
    assert f"{top}/LOGS/mail.log.1" in names
    for args, why in [
        (("burn", "--media", "floppy"), "unknown media \"floppy\""),
        (("burn", "--month", "2026-13"), "not a month"),
        (("archive", "-s", "26-02-30"), "not a day"),
        (("verify", "--media", "/nonexistent.iso"), "cannot read"),
        (("verify", "--quick", "--audit"), "usage"),
        (("verify", "--since", "2026-13-01"), "--since needs YYYY-MM-DD"),
        (("verify", "extra"), "usage"),
    ]:
        r = a.cli(*args)
        assert r.returncode == 2 and why in r.stderr.decode(), (args, r.stderr)
    # A month without mail: exit 1, nothing written.
    r = a.cli("burn", "--month", "2001-01")
    assert r.returncode == 1 and "no messages arrived in 2001-01" in r.stderr.decode()
    assert not glob.glob(f"{a.data}/media/2001-01*")
    a.stop()
    r = a.cli("burn", "--month", month)
    assert r.returncode == 3 and "not running" in r.stderr.decode()


def test_weak_archive_password_refused(archive_factory):
    for pw, why in [("password1", "no upper-case letter"), ("PASSWORD1", "no lower-case letter"),
                    ("Password", "no digit"), ("Sh0rt", "5 characters, fewer than")]:
        a = archive_factory(archive_password=pw)
        r = a.cli("status")
        err = r.stderr.decode()
        assert r.returncode == 2 and "archive_password is refused: it has " + why in err, err
        assert re.search(r"mailarc\.conf:\d+: archive_password", err)
        a.start(wait=False)
        assert a.proc.wait(20) == 2
        a.proc = None
    a = archive_factory(archive_password="Sh0rtish", archive_password_min_length=12)
    assert "fewer than archive_password_min_length (12)" in a.cli("status").stderr.decode()


def test_month_larger_than_a_cd_splits_over_volumes(archive_factory, tmp_path):
    a = archive_factory(burn_schedule="off", mta_logs="", message_size_limit="60M")
    a.start()
    rnd = open("/dev/urandom", "rb")
    items = []
    for i in range(17):
        body = rnd.read(33 * 1024 * 1024).hex()       # 66 MB of hex would be too big
        body = body[:44 * 1024 * 1024]
        lines = "\r\n".join(body[j:j + 76] for j in range(0, len(body), 76))
        data = (f"From: big{i}@sender.example\r\nTo: vault@archive.example\r\n"
                f"Subject: part {i}\r\nMessage-ID: <big{i}@sender.example>\r\n\r\n").encode() \
            + lines.encode() + b"\r\n"
        items.append({"mail_from": f"big{i}@sender.example", "rcpt_to": ["vault@archive.example"],
                      "bytes": data})
    total = sum(len(it["bytes"]) for it in items)
    assert total > 360000 * 2048
    burnlib.send(a.port, items)
    ids = {sha256(it["bytes"]) for it in items}
    a.wait_count(len(ids), timeout=300)
    month = burnlib.month_str(time.time())
    images = burn(a, "--media", "cd", "--month", month)
    assert len(images) == 2 and images[0].endswith("-v1of2.iso") and images[1].endswith("-v2of2.iso")
    seen = []
    for n, img in enumerate(images, 1):
        assert os.path.getsize(img) <= 360000 * 2048
        on = {os.path.basename(f)[:-4] for f in xorriso_files(img) if f.startswith("/MAIL/")}
        seen.append(on)
        r = a.cli("verify", "--media", img)
        assert r.returncode == 0, r.stdout.decode()
        info = subprocess.run(["iso-info", "-i", img], capture_output=True).stdout.decode()
        assert f"_{n}OF2" in info
    assert seen[0] | seen[1] == ids and not seen[0] & seen[1]
    for mid in ids:
        media = [line for line in a.cli("show", mid).stdout.decode().splitlines()
                 if "-v1of2 (" in line or "-v2of2 (" in line]
        assert len(media) == 1


def test_burn_to_a_drive_and_read_the_disc_back(archive_factory, corpus40, logs_dir):
    disc = logs_dir                               # a directory the burner's user may write
    os.chmod(disc, 0o777)
    a = archive_factory(burn_schedule="off", mta_logs="", burn_device=f"stdio:{disc}/sr0")
    a.start()
    burnlib.send(a.port, corpus40[:10])
    a.wait_count(len({sha256(it["bytes"]) for it in corpus40[:10]}))
    month = burnlib.month_str(time.time())
    img = burn(a, "--media", "dvd", "--month", month)[0]
    r = a.cli("verify", "--media", f"{disc}/sr0")
    assert r.returncode == 0, r.stdout.decode()
    mid = sha256(corpus40[0]["bytes"])
    show = a.cli("show", mid).stdout.decode()
    assert re.search(rf"stdio:{disc}/sr0 at \S+, read back and verified", show), show
    log = open(glob.glob(f"{a.data}/media/jobs/*.log")[0]).read()
    assert "xorriso:" in log
    assert os.path.getsize(f"{disc}/sr0") >= os.path.getsize(img) - 2048 * 16


def test_schedule_catches_up_missed_months_once(archive_factory, corpus40):
    a = archive_factory(mta_logs="")
    now = time.time()
    m1 = burnlib.prev_month_start(now)           # last month
    m2 = burnlib.prev_month_start(m1)            # the month before
    # Mail that came in during those months while the archive was down.
    old = {}
    for i, it in enumerate(corpus40[:6]):
        when = (m2 if i < 3 else m1) + 86400 * (i + 1)
        old[burnlib.spool_old(a, it["bytes"], when, it["rcpt_to"], f"OLD{i}.1.1")] = when
    a.start()
    burnlib.send(a.port, corpus40[10:12])       # this month: not due yet
    a.wait_count(8)
    got = burnlib.wait_jobs(a, 4)
    assert sorted((j[1], j[2], j[4]) for j in got) == sorted(
        (k, burnlib.month_str(m), "done") for m in (m1, m2) for k in ("archive", "burn"))
    for m in (m1, m2):
        assert os.path.exists(f"{a.data}/media/{burnlib.month_str(m)}-v1of1.iso")
        assert os.path.exists(f"{a.data}/archives/{time.strftime('%b-%Y', time.gmtime(m))}.tar.zst")
    iso = f"{a.data}/media/{burnlib.month_str(m2)}-v1of1.iso"
    on = {os.path.basename(f)[:-4] for f in xorriso_files(iso) if f.startswith("/MAIL/")}
    assert on == {k for k, w in old.items() if w < m1}
    # A restart does not make any month again.
    a.stop()
    a.start()
    time.sleep(3)
    assert len(burnlib.jobs(a)) == 4
    # Unless asked.
    r = a.cli("burn", "--month", burnlib.month_str(m1))
    assert r.returncode == 0 and r.stdout.decode().strip().endswith(
        f"{burnlib.month_str(m1)}-2-v1of1.iso")
