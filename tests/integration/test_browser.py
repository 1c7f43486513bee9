"""The web panel in a real browser (Debian's Chromium through chromedriver):
log in, search with filter rows, open a message, download it, restore it to
a second mailarc through SMTP.  Screenshots of the dashboard, the results,
the message and the restore report go to tests/artifacts/."""
import hashlib
import os
import shutil
import smtplib
import time

import pytest

from conftest import ARTIFACTS
from test_web import IDS, MAIL, feed
from webpanel import PASSWORDS, panel_factory, sink  # noqa: F401

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import (StaleElementReferenceException,  # noqa: E402
                                        WebDriverException)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path):
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        pytest.skip("chromium and chromium-driver are not installed (make deps installs them)")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts = Options()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
              "--disable-dev-shm-usage", "--no-proxy-server"):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    d = webdriver.Chrome(service=Service(DRIVER), options=opts)
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                   "downloadPath": str(downloads)})
    d.downloads = downloads
    d.implicitly_wait(5)
    yield d
    d.quit()


def navigate(driver, element, timeout=30):
    """Click element and wait until the page it leads to has loaded: the old
    document is gone (its <html> is stale) and the new one is complete.
    Reading the page before that reads the old one, or a stale element."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def old_gone(d):
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            # Asked while the document is being replaced, chromedriver can
            # answer this instead of "stale": the old page is gone all the same.
            if "does not belong to the document" in str(e):
                return True
            raise
    WebDriverWait(driver, timeout).until(old_gone)
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def shot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, name))


def wait_file(directory, timeout=30):
    """The finished download.  Chromium reserves the final name with an
    empty file while NAME.crdownload fills: wait until none is left."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        names = os.listdir(directory)
        done = [f for f in names if not f.endswith(".crdownload")]
        if done and not any(f.endswith(".crdownload") for f in names):
            return os.path.join(directory, done[0])
        time.sleep(0.1)
    raise AssertionError("the download did not arrive")


def test_browser_login_search_view_download_restore(panel_factory, archive_factory, browser):
    dest = archive_factory().start()
    p = panel_factory(relay_host=f"127.0.0.1:{dest.port}")
    feed(p.archive)
    # a few more from the common corpus so the chart and the lists are not trivial
    from conftest import load_corpus
    items, d = load_corpus(40, 5)
    with smtplib.SMTP("127.0.0.1", p.archive.port) as s:
        for e in items:
            s.sendmail(e["mail_from"], e["rcpt_to"], e["bytes"])
    shutil.rmtree(d, ignore_errors=True)
    p.archive.wait_count(len(MAIL) + len({hashlib.sha256(e["bytes"]).digest() for e in items}))

    b = browser
    b.get(p.url + "/")                                  # no session: the login page
    assert b.current_url.endswith("/login")
    b.find_element(By.NAME, "user").send_keys("admin")
    b.find_element(By.NAME, "password").send_keys(PASSWORDS["admin"])
    navigate(b, b.find_element(By.CSS_SELECTOR, "form.login input[type=submit]"))
    assert b.find_element(By.TAG_NAME, "h1").text == "Dashboard"
    assert "messages in the archive" in b.page_source
    assert len(b.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")) == 30
    shot(b, "dashboard.png")

    navigate(b, b.find_element(By.LINK_TEXT, "Search"))
    Select(b.find_element(By.NAME, "f1")).select_by_value("from")
    b.find_element(By.NAME, "v1").send_keys("bob@example.org")
    Select(b.find_element(By.NAME, "f2")).select_by_value("subject")
    Select(b.find_element(By.NAME, "c2")).select_by_value("not")
    b.find_element(By.NAME, "v2").send_keys("offer")
    navigate(b, b.find_element(By.CSS_SELECTOR, "form.search input[type=submit]"))
    rows = b.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    ids = {r.find_element(By.CSS_SELECTOR, "input[type=checkbox]").get_attribute("value")
           for r in rows}
    assert ids == {IDS["to_alice"]}
    assert "1 message found" in b.page_source
    shot(b, "results.png")

    navigate(b, b.find_element(By.LINK_TEXT, "quarterly budget"))
    assert b.find_element(By.TAG_NAME, "h1").text == "quarterly budget"
    assert "Bob <bob@example.org>" in b.find_element(By.TAG_NAME, "dl").text
    shot(b, "message.png")

    b.find_element(By.LINK_TEXT, "Download .eml").click()
    path = wait_file(b.downloads)
    with open(path, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == IDS["to_alice"]

    b.find_element(By.CSS_SELECTOR, "input[name=to][value=address]").click()
    b.find_element(By.NAME, "address").send_keys("restore@example.net")
    navigate(b, b.find_element(By.CSS_SELECTOR, "p.restore input[type=submit]"))
    assert b.find_element(By.TAG_NAME, "h1").text == "Restore report"
    assert "1 sent, 0 not sent." in b.page_source
    shot(b, "restore-report.png")
    dest.wait_count(1)
    got = dest.search("to:restore@example.net")
    assert len(got) == 1
    raw = dest.cat(got[0]["id"])
    original = MAIL["to_alice"][2]
    assert raw.endswith(original)
    assert b"Resent-To: restore@example.net\r\n" in raw[:-len(original)]


def browser_login(b, url, user):
    b.get(url + "/login")
    b.find_element(By.NAME, "user").send_keys(user)
    b.find_element(By.NAME, "password").send_keys(PASSWORDS[user])
    navigate(b, b.find_element(By.CSS_SELECTOR, "form.login input[type=submit]"))
    assert b.find_element(By.TAG_NAME, "h1").text == "Dashboard"


def test_browser_four_eyes_deletion_and_export(panel_factory, browser):
    """One admin asks for a deletion, another approves it, and the export
    of what is left downloads as mbox.  Mail dated 2026-11-03 under a
    14-day retention: all of it has expired."""
    from test_export import mboxrd_split
    p = panel_factory(admin_users="admin, admin2", retention_default="14d")
    feed(p.archive)
    b = browser

    browser_login(b, p.url, "admin")
    navigate(b, b.find_element(By.LINK_TEXT, "Deletions"))
    form = b.find_element(By.ID, "request-deletion")
    form.find_element(By.NAME, "query").send_keys("budget")
    form.find_element(By.NAME, "reason").send_keys("retention ended")
    navigate(b, form.find_element(By.CSS_SELECTOR, "input[type=submit]"))
    notice = b.find_element(By.CSS_SELECTOR, "main p.ok").text
    assert "3 messages match; 3 can be deleted" in notice, notice
    req = notice.split()[1].rstrip(":")
    row = b.find_element(By.ID, req)
    assert row.find_element(By.CLASS_NAME, "state").text == "requested"
    assert "Waiting for another admin." in row.text
    assert not row.find_elements(By.CSS_SELECTOR, "input[value=Approve]")
    shot(b, "deletion-requested.png")
    navigate(b, b.find_element(By.CSS_SELECTOR, "form.logout input[type=submit]"))

    browser_login(b, p.url, "admin2")
    navigate(b, b.find_element(By.LINK_TEXT, "Deletions"))
    navigate(b, b.find_element(By.ID, req).find_element(By.CSS_SELECTOR, "input[value=Approve]"))
    deadline = time.time() + 30
    while "Deleted 3, skipped 0." not in b.find_element(By.ID, req).text:
        assert time.time() < deadline, b.page_source
        time.sleep(0.5)
        b.get(p.url + "/admin/deletions")               # get() waits for the load
    assert b.find_element(By.ID, req).find_element(By.CLASS_NAME, "state").text == "done"
    shot(b, "deletion-approved.png")

    b.get(p.url + "/search?q=" + "html OR merger OR budget")
    assert "2 messages found" in b.page_source
    shot(b, "export-results.png")
    b.find_element(By.ID, "export").click()
    path = wait_file(b.downloads)
    assert path.endswith(".mbox")
    with open(path, "rb") as f:
        got = {hashlib.sha256(m).hexdigest() for m in mboxrd_split(f.read())}
    assert got == {IDS["html"], IDS["bcc_alice"]}


def test_browser_results_page_pages_select_all_and_export(panel_factory, browser):
    """Page through results by number, select all on a page (no script:
    a link), export the selection, and see the snippets."""
    from conftest import load_corpus
    from test_corpus import send_all
    from test_export import mboxrd_split
    p = panel_factory()
    feed(p.archive)
    items, d = load_corpus(120, 23)
    send_all(p.archive.port, items)
    shutil.rmtree(d, ignore_errors=True)
    total = len(MAIL) + len({hashlib.sha256(e["bytes"]).digest() for e in items})
    p.archive.wait_count(total)
    b = browser
    browser_login(b, p.url, "admin")
    b.get(p.url + "/search?q=after%3A2000-01-01")
    assert f"{total} messages found" in b.page_source
    navigate(b, b.find_element(By.CSS_SELECTOR, "p.pages").find_element(By.LINK_TEXT, "3"))
    assert b.find_element(By.CSS_SELECTOR, "p.pages strong.current").text == "3"
    rows = b.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert len(rows) == total - 100
    shot(b, "results-page-3.png")

    # Sort by size (largest first), then the other way; pages keep the order.
    navigate(b, b.find_element(By.LINK_TEXT, "Size"))
    assert b.find_element(By.CSS_SELECTOR, "a.sort.current").text == "Size \u25bc"

    def sizes():
        return [int(td.text) for td in b.find_elements(By.CSS_SELECTOR, "table.results td.num")]
    first = sizes()
    assert first == sorted(first, reverse=True) and len(first) == 50
    navigate(b, b.find_element(By.CSS_SELECTOR, "p.pages").find_element(By.LINK_TEXT, "2"))
    second = sizes()
    assert second == sorted(second, reverse=True) and second[0] <= first[-1]
    navigate(b, b.find_element(By.LINK_TEXT, "Size \u25bc"))
    assert sizes() == sorted(sizes()) and sizes()[0] <= second[-1]
    shot(b, "results-by-size.png")
    navigate(b, b.find_element(By.LINK_TEXT, "Subject"))
    subjects = [a.text.lower() for a in b.find_elements(
        By.CSS_SELECTOR, "table.results tbody td:nth-child(5) > a")]
    assert subjects == sorted(subjects), subjects

    b.get(p.url + "/search?q=on%3A2026-11-03")
    navigate(b, b.find_element(By.ID, "select-all"))
    boxes = b.find_elements(By.CSS_SELECTOR, "table.results input[type=checkbox]")
    assert len(boxes) == len(MAIL) and all(x.is_selected() for x in boxes)
    boxes[0].click()                                    # all but the newest
    shot(b, "results-selected.png")
    b.find_element(By.ID, "export-selected").click()
    path = wait_file(b.downloads)
    with open(path, "rb") as f:
        got = {hashlib.sha256(m).hexdigest() for m in mboxrd_split(f.read())}
    want = {x.get_attribute("value") for x in boxes[1:]}
    assert got == want and len(got) == len(MAIL) - 1

    b.get(p.url + "/search?q=visible")
    snippet = b.find_element(By.CSS_SELECTOR, "div.snippet")
    assert snippet.find_element(By.TAG_NAME, "mark").text == "Visible"
    shot(b, "results-snippet.png")
