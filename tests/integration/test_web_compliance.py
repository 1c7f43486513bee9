"""Legal holds, four-eyes deletion and export on the panel: who may do
what (users nothing, auditors look, admins act, and never approve their
own request), exactly the expected messages deleted and then answered 404,
the streamed mbox export holding exactly what the search shows, and the
dashboard's integrity table."""
import glob
import hashlib
import os
import re
import subprocess
import time

import pytest

from test_export import mboxrd_split
from test_web import IDS, SEES, feed
from webpanel import panel_factory  # noqa: F401


@pytest.fixture(params=["files", "db"])
def cpanel(panel_factory, request):
    """Mail dated 2026-11-03 under a 14-day retention: all of it expired;
    blobs as files and in blob.db (store = db)."""
    p = panel_factory(archive_conf={"store": request.param}, admin_users="admin, admin2",
                      retention_default="14d", verify_interval="1h")
    feed(p.archive)
    return p


def blob_places(a):
    """The ids of the blobs under store/, and of those in blob.db."""
    files = {os.path.basename(f) for f in glob.glob(os.path.join(a.data, "store", "*", "*", "*",
                                                                 "*"))}
    out = subprocess.run(["db5.3_dump", "-h", os.path.join(a.data, "db"), "blob.db"],
                         capture_output=True, check=True).stdout.decode().split("\n")
    body = out[out.index("HEADER=END") + 1:]
    keys = {k.strip() for k in body[0::2] if k.startswith(" ")}
    return files, keys


def post(p, s, path, **data):
    data["csrf"] = p.csrf(s, path)
    return s.post(p.url + path, data=data)


def test_holds_and_four_eyes_deletion(cpanel):
    p = cpanel
    alice, audrey = p.login("alice"), p.login("audrey")
    admin, admin2 = p.login("admin"), p.login("admin2")
    for path in ("/admin/holds", "/admin/deletions"):
        assert alice.get(p.url + path).status_code == 403
        assert audrey.get(p.url + path).status_code == 200
    r = post(p, audrey, "/admin/holds", action="add", name="x", query="to:dave@other.org")
    assert r.status_code == 403

    r = post(p, admin, "/admin/holds", action="add", name="dave-case", reason="litigation",
             query="to:dave@other.org")
    assert r.status_code == 200 and "Hold dave-case placed." in r.text
    row = re.search(r"<tr class=\"active\"><td>dave-case</td>.*?</tr>", r.text, re.S).group(0)
    assert "<td>2</td>" in row and "litigation" in row          # bcc_alice and other
    r = post(p, admin, "/admin/holds", action="add", name="dave-case", query="to:x")
    assert r.status_code == 409
    r = post(p, admin, "/admin/holds", action="add", name="bad name!", query="to:x")
    assert r.status_code == 400

    # "budget": to_alice, other, bob_out; other is held.
    assert post(p, audrey, "/admin/deletions", action="request", query="budget",
                reason="x").status_code == 403
    r = post(p, admin, "/admin/deletions", action="request", query="budget",
             reason="end of retention")
    assert r.status_code == 200, r.text
    m = re.search(r"Request (\d{8}-\d{6}-[0-9a-f]{6}): 3 messages match; 2 can be deleted, left "
                  r"out 0 not past retention and 1 under a legal hold", r.text)
    assert m, r.text
    req = m.group(1)
    r = post(p, admin, "/admin/deletions", action="approve", id=req)
    assert r.status_code == 403 and "another admin must approve it" in r.text
    r = post(p, admin2, "/admin/deletions", action="approve", id=req)
    assert r.status_code == 200
    deadline = time.time() + 30
    while "Deleted 2, skipped 0" not in r.text and time.time() < deadline:
        time.sleep(0.3)
        r = admin2.get(p.url + "/admin/deletions")
    assert "Deleted 2, skipped 0" in r.text and "No copies on media." in r.text, r.text

    gone = {IDS["to_alice"], IDS["bob_out"]}
    assert {h["id"] for h in p.api(admin, "")["results"]} == set(IDS.values()) - gone
    # The blobs are gone from wherever they were, the others are there.
    files, entries = blob_places(p.archive)
    if p.archive.settings["store"] == "db":
        assert files == set() and entries == set(IDS.values()) - gone
    else:
        assert files == set(IDS.values()) - gone and entries == set()
    for mid in gone:
        assert admin.get(p.url + "/message/" + mid).status_code == 404
        assert admin.get(p.url + "/message/" + mid + ".eml").status_code == 404
    assert admin.get(p.url + "/message/" + IDS["other"]).status_code == 200

    audit = p.audit()
    assert re.search(rf"login=admin action=delete-request result=ok detail=\"request={req} "
                     r"deletable=2 not_expired=0 held=1 ", audit)
    assert f"login=admin action=delete-approve result=refused detail=\"request={req}\"" in audit
    assert f"login=admin2 action=delete-approve result=ok detail=\"request={req}\"" in audit
    r = p.archive.cli("verify")
    assert r.returncode == 0 and "(2 deleted)" in r.stdout.decode(), r.stdout

    # The dashboard: integrity at a glance.
    dash = admin.get(p.url + "/").text
    table = re.search(r'<table id="integrity">.*?</table>', dash, re.S).group(0)
    assert re.search(r"SHA256:[0-9a-f]{64}", table) and "1 active" in table
    assert "0 waiting for approval" in table


def test_export_download_is_the_search(cpanel):
    p = cpanel
    for login in ("admin", "audrey", "alice", "bob"):
        s = p.login(login)
        r = s.get(p.url + "/export", params={"q": "", "format": "mbox"})
        assert r.status_code == 400
        r = s.get(p.url + "/export", params={"q": "budget OR html OR merger OR offer",
                                             "format": "mbox"})
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/mbox"
        assert re.fullmatch(r'attachment; filename="mailarc-export-\d{8}-\d{6}\.mbox"',
                            r.headers["Content-Disposition"])
        got = {hashlib.sha256(m).hexdigest() for m in mboxrd_split(r.content)}
        assert got == {IDS[k] for k in SEES[login]}, login
    assert s.get(p.url + "/export", params={"q": "budget", "format": "pst"}).status_code == 400
    assert re.search(r"login=bob action=export result=ok detail=\"format=mbox messages=2 ",
                     p.audit())
    # The results page links to it.
    page = p.login("admin").get(p.url + "/search", params={"q": "budget"}).text
    assert re.search(r'<a href="/export\?format=mbox&amp;q=budget" id="export"', page), page
