"""The results page as a working tool: page links with the total, select
all on a page, export the selection (only what the user may see), and an
auditor's way from a message to one person's whole mailbox."""
import hashlib
import re
import urllib.parse

from conftest import load_corpus
from test_corpus import send_all
from test_export import mboxrd_split
from test_web import IDS, SEES, feed
from webpanel import csrf_of, panel_factory  # noqa: F401


def test_pages_select_all_export_selection_and_mailboxes(panel_factory):
    p = panel_factory(search_sort_max="100")
    feed(p.archive)
    items, d = load_corpus(300, 17)
    send_all(p.archive.port, items)
    total = len(IDS) + len({hashlib.sha256(i["bytes"]).hexdigest() for i in items})
    p.archive.wait_count(total)
    admin = p.login("admin")

    # Page links: the first, the last, two around this one.
    pages = (total + 49) // 50
    assert pages >= 6
    for at in (1, 4, pages):
        page = admin.get(p.url + "/search", params={"q": "after:2000-01-01", "page": at}).text
        nav = re.search(r'<p class="pages">(.*?)</p>', page, re.S).group(1)
        shown = [int(x) for x in re.findall(r">(\d+)</(?:a|strong)>", nav)]
        want = sorted({1, pages} | {k for k in range(at - 2, at + 3) if 1 <= k <= pages})
        assert shown == want, nav
        assert ("&hellip;" in nav) == any(b - a > 1 for a, b in zip(want, want[1:])), nav
        assert f"page {at} of {pages}:" in nav and f'<strong class="current">{at}</strong>' in nav
        assert f"{total} messages found" in page

    # Sorting by sender reads every record: bounded by search_sort_max.
    page = admin.get(p.url + "/search", params={"q": "after:2000-01-01", "sort": "from",
                                                 "order": "asc"}).text
    assert f"{total} results are more than search_sort_max (100) to sort by from; shown " \
        "newest first." in page
    page = admin.get(p.url + "/search", params={"q": "on:2026-11-03", "sort": "from",
                                                 "order": "asc"}).text
    froms = re.findall(r"<td>[0-9-]+ [0-9:]+</td><td>([^<]+)</td>", page)
    assert froms == sorted(froms) and len(froms) == len(IDS)
    assert admin.get(p.url + "/search", params={"q": "x", "sort": "colour"}).text.count(
        "sort is date, size, from or subject") == 1

    # Select all on this page: every box checked, and back.
    page = admin.get(p.url + "/search", params={"q": "on:2026-11-03"}).text
    assert 'checked' not in re.search(r'<table class="results">.*?</table>', page, re.S).group(0)
    link = re.search(r'<a href="([^"]+)" id="select-all">Select all on this page</a>', page)
    page = admin.get(p.url + link.group(1).replace("&amp;", "&")).text
    boxes = re.findall(r'<input type="checkbox" name="id" value="([0-9a-f]{64})"[^>]*>', page)
    checked = re.findall(r'<input type="checkbox" name="id" value="[0-9a-f]{64}"[^>]* checked[ >]',
                         page)
    assert set(boxes) == set(IDS.values()) and len(checked) == len(IDS)
    assert 'id="select-all">Select none</a>' in page

    # Export the selection: exactly those, and for a user only what is theirs.
    for login, chosen in (("admin", [IDS["to_alice"], IDS["other"]]),
                          ("alice", [IDS["to_alice"], IDS["other"], IDS["bcc_alice"]])):
        s = admin if login == "admin" else p.login(login)
        tok = csrf_of(s.get(p.url + "/search", params={"q": "budget"}).text)
        r = s.post(p.url + "/export", data=[("csrf", tok)] + [("id", x) for x in chosen])
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/mbox"
        got = {hashlib.sha256(m).hexdigest() for m in mboxrd_split(r.content)}
        assert got == {x for x in chosen if x in {IDS[k] for k in SEES[login]}}, login
    r = admin.post(p.url + "/export", data={"csrf": p.csrf(admin)})
    assert r.status_code == 400
    assert "action=export result=ok detail=\"format=mbox messages=2 query=(selected)\"" in p.audit()

    # From a message to everything one address sent or received.
    page = admin.get(p.url + "/message/" + IDS["bcc_alice"]).text
    links = dict((urllib.parse.unquote_plus(h.replace("&amp;", "&")), t) for h, t in re.findall(
        r'<a href="(/search\?q=[^"]+)">([^<]+)</a>', page))
    q = "/search?q=from:alice.smith@example.com OR to:alice.smith@example.com"
    assert links.get(q) == "alice.smith@example.com", links
    mailbox = {h["id"] for h in p.api(admin, "from:alice.smith@example.com OR "
                                      "to:alice.smith@example.com")["results"]}
    assert mailbox == {IDS["bcc_alice"]}
    assert "Browse the mailbox of" not in p.login("alice").get(
        p.url + "/message/" + IDS["bcc_alice"]).text
