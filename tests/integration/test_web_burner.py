"""The panel's burner page: jobs with progress and log, starting a job,
the images with their catalogue entries, downloads, and who may do what."""
import hashlib
import re
import time

import burnlib
from conftest import load_corpus, sha256
from webpanel import csrf_of, panel_factory  # noqa: F401  (fixture)


def wait_job_page(p, s, url, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = s.get(p.url + url)
        assert r.status_code == 200, r.text
        if re.search(r"<dt>State</dt>\s*<dd>(done|failed|empty)</dd>", r.text):
            return r.text
        time.sleep(0.3)
    raise AssertionError(r.text)


def test_burner_page_jobs_and_downloads(panel_factory):
    p = panel_factory(archive_conf={"burn_schedule": "off", "mta_logs": ""})
    items, d = load_corpus(6, 31)
    burnlib.send(p.archive.port, items)
    ids = {sha256(it["bytes"]) for it in items}
    p.archive.wait_count(len(ids))
    month = burnlib.month_str(time.time())
    admin = p.login("admin")

    page = admin.get(p.url + "/burner")
    assert page.status_code == 200
    assert "No drive is configured (burn_device): images wait in" in page.text
    assert 'name="kind"' in page.text and "No jobs yet." in page.text

    # Start a job from the page's form; follow it to its end.
    r = admin.post(p.url + "/burner", data={"csrf": csrf_of(page.text), "kind": "burn",
                                            "month": month, "media": "cd"},
                   allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].startswith("/burner/job/")
    text = wait_job_page(p, admin, r.headers["Location"])
    assert "<dd>done</dd>" in text and "writing volume 1 of 1" in text
    assert "<progress" in text
    name = f"{month}-v1of1.iso"
    assert f'href="/burner/media/{name}"' in text

    # The image downloads byte for byte; the listing shows the catalogue.
    img = admin.get(p.url + f"/burner/media/{name}")
    assert img.status_code == 200 and img.headers["Content-Disposition"] == \
        f'attachment; filename="{name}"'
    want = open(f"{p.archive.data}/media/{name}.sha256").read().split()[0]
    assert hashlib.sha256(img.content).hexdigest() == want
    page = admin.get(p.url + "/burner").text
    assert re.search(rf"MAILARC_{month[:4]}_{month[5:]}_1OF1, cd, volume 1 of 1, image waits in "
                     rf"media/\), {len(ids)} messages", page)
    assert "burn" in page and ">done<" in page

    # The message page says which volume holds it.
    mid = next(iter(ids))
    msg = admin.get(p.url + f"/message/{mid}").text
    assert f"<dt>Media</dt><dd>{month}-v1of1 (MAILARC_" in msg.replace("\n", "")

    # An archive file from the panel too.
    r = admin.post(p.url + "/burner", data={"csrf": csrf_of(page), "kind": "archive",
                                            "month": month, "media": "cd"},
                   allow_redirects=False)
    text = wait_job_page(p, admin, r.headers["Location"])
    arch = re.search(r'href="/burner/archives/([^"]+)"', text).group(1)
    got = admin.get(p.url + f"/burner/archives/{arch}")
    assert got.status_code == 200 and got.content[:4] == b"\x28\xb5\x2f\xfd"   # zstd

    # Bad requests change nothing.
    r = admin.post(p.url + "/burner", data={"csrf": csrf_of(page), "kind": "burn",
                                            "month": "2026-13", "media": "cd"})
    assert r.status_code == 400
    r = admin.post(p.url + "/burner", data={"kind": "burn", "month": month, "media": "cd"})
    assert r.status_code == 403
    for bad in ("/burner/media/.hidden.iso", "/burner/media/x.conf", "/burner/job/nothing",
                "/burner/media/%2e%2e%2fmailarc.conf"):
        assert admin.get(p.url + bad).status_code == 404, bad

    # An auditor sees and downloads, but does not start jobs.
    aud = p.login("audrey")
    page = aud.get(p.url + "/burner")
    assert page.status_code == 200 and 'name="kind"' not in page.text
    assert aud.get(p.url + f"/burner/media/{name}").status_code == 200
    r = aud.post(p.url + "/burner", data={"csrf": csrf_of(page.text), "kind": "burn",
                                          "month": month, "media": "cd"})
    assert r.status_code == 403
    # A user gets none of it.
    alice = p.login("alice")
    for url in ("/burner", f"/burner/media/{name}", r"/burner/job/x"):
        assert alice.get(p.url + url).status_code == 403
    jobs = burnlib.jobs(p.archive)
    assert len(jobs) == 2 and all(j[4] == "done" for j in jobs)
    audit = p.audit()
    assert re.search(r"login=admin action=burner result=ok detail=\"burn " + month + " cd job=",
                     audit)
    assert f'login=audrey action=download result=ok detail="media/{name}"' in audit
    assert 'login=audrey action=burner result=refused detail="burn"' in audit
