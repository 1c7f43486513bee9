"""The search engine against independently computed answers.

2,000 corpus messages plus hand-made hard cases go in over SMTP.  The
expected set of every query is computed with Python's email package and
the rules of DESIGN.md (expect.py), for the admin and for two ordinary
users; every set must match exactly.  Then the index is rebuilt from the
store and must answer the same.
"""
import email
import email.policy
import json
import os
from datetime import datetime, timezone

import pytest

import expect
import hardcases
from test_corpus import send_all

OWNER = "hard.owner@hard.example"


def corpus_bcc_only(items):
    for it in items:
        parsed = email.message_from_bytes(it["bytes"], policy=email.policy.default)
        shown = " ".join(str(parsed.get(h, "")) for h in ("to", "cc")).lower()
        hidden = [r for r in it["rcpt_to"] if r.lower() not in shown]
        if hidden:
            return hidden[0].lower()
    raise AssertionError("the corpus should have a Bcc-only recipient")


def queries(msgs, bcc_only):
    some = sorted(m.date for m in msgs.values() if m.date)[len(msgs) // 3].strftime("%Y-%m-%d")
    first = next(iter(msgs.values()))
    return [
        # bare words: subject, body or file name
        ["budget"], ["invoice"], ["compliance", "regulator", "filing"], ["nestedmarmot"],
        ["kumquat"], ["strawberryfield"], ["zanzibar"], ["twinword"], ["undatedword"],
        # body
        ["body:merger"], ['body:"quarterly report"'], ["body:forwardedquokka"],
        ["body:confidential"], ["body:déjàvu"], ["body:zürich"], ["body:café"],
        ["body:blockchainword"], ["body:trailingwordbroken"], ["body:breakword"],
        ["body:attachedtextword"], ["body:csvonlyword"], ["body:titleonlyword"],
        ["body:scriptonlyword"], ["body:zanzibarstyle"], ["body:commentword"],
        ["body:innersubjectword"], ["body:straße"],
        ["body:leadingstyleword"], ["body:leadingheadword"], ["body:leadingtitleword"],
        ["body:leadingscriptword"], ["body:leadingnoscriptword"],
        # file names and attachments
        ["filename:pdf"], ["filename:budget"], ["filename:trimestriel"], ["filename:été"],
        ["filename:übersicht"], ["filename:minutes"], ["filename:figures"],
        ["filename:ledger"], ["filename:solo"], ["has:attachment"],
        ["has:attachment", "from:hard.example"], ["-has:attachment", "hard"],
        # headers
        ["from:acme0.example"], ["to:" + bcc_only], ["cc:globex1.example"],
        ["msgid:" + first.msgid], ["msgid:<shared-id@hard.example>"], ["subject:réunion"],
        ["subject:überweisung"], ["from:jürgen"], ["from:undated@hard.example"],
        # dates and sizes
        ["after:2025-06-01", "before:2025-09-01"], ["on:" + some], ["larger:100K"],
        ["smaller:1500"], ["larger:20K", "smaller:40K", "filename:zip"],
        # combinations, OR, negation
        ["from:acme0.example", "budget", "-draft", "after:2025-01-01"],
        ["invoice", "OR", "merger"], ["body:settlement", "OR", "filename:zip"],
        ["has:attachment", "OR", "larger:50K", "audit"],
        ["subject:audit", "-body:merger"], ["-body:the"],
        ["to:hooli4.example", "-cc:hooli4.example"],
        ["budget", "-has:attachment", "-subject:budget"],
        ['-body:"budget forecast"', "payment"],
        # many candidates with ranges: the range-read and bulk paths
        ["body:the", "after:2025-03-01"], ["body:the", "larger:3K"],
        ["the", "after:2024-12-01", "before:2025-12-01", "smaller:5000"],
        ["body:the", "-body:and", "on:" + some],
    ]


@pytest.fixture(scope="module")
def loaded(corpus2000):
    """One archive holding the corpus and the hard cases, with two users."""
    from conftest import Archive, make_base, remove_tree, sanitizer_reports
    bcc_only = corpus_bcc_only(corpus2000)
    senders = sorted({it["mail_from"].lower() for it in corpus2000})
    a = Archive(make_base(), admin_users="root", auditor_users="auditor",
                default_domain="nowhere.example")
    users = os.path.join(a.base, "users")
    with open(users, "w") as f:
        f.write(f"owner: {OWNER}, {senders[3]}\n"
                f"hidden: {bcc_only}, bcc.hidden@hard.example\n")
    os.chmod(users, 0o644)
    a.settings["user_addresses"] = users
    a.write_conf()
    a.start()
    items = list(corpus2000)
    for name, raw, mail_from, rcpts in hardcases.messages():
        items.append({"bytes": raw, "mail_from": mail_from, "rcpt_to": rcpts, "file": name})
    send_all(a.port, items)
    msgs = expect.build(items)
    now = datetime.now(timezone.utc)
    for m in msgs.values():
        if m.date is None:
            m.date = now            # stored with its arrival time
    a.wait_count(len(msgs), timeout=180)
    users = {"owner": {OWNER, senders[3]}, "hidden": {bcc_only, "bcc.hidden@hard.example"}}
    yield a, msgs, bcc_only, users
    a.stop()
    reports = sanitizer_reports(a)
    remove_tree(a.base)
    assert not reports, "sanitizer reports from the daemons:\n" + "\n".join(reports[:20])


def visible(a, login, query):
    args = ["search", "--json"] + (["--as", login] if login else []) + ["--"] + list(query)
    r = a.cli(*args)
    assert r.returncode in (0, 1), (query, r.stderr.decode())
    hits = [json.loads(line) for line in r.stdout.decode().splitlines()]
    return hits


def check_all(a, msgs, bcc_only, users):
    qs = queries(msgs, bcc_only)
    assert len(qs) >= 40
    nonempty = 0
    for q in qs:
        for login, addrs in (("root", None), ("owner", users["owner"]),
                             ("hidden", users["hidden"])):
            want = expect.expected(msgs, q, user_addrs=addrs)
            hits = visible(a, login, q)
            got = {h["id"] for h in hits}
            assert got == want, (f"{login}: {q}: {len(got)} found, {len(want)} expected; "
                                 f"extra {sorted(got - want)[:3]} missing {sorted(want - got)[:3]}")
            dates = [h["date"] for h in hits]
            assert dates == sorted(dates, reverse=True), (login, q, "newest first")
            nonempty += bool(want)
    return nonempty


def test_differential_admin_and_users(loaded):
    a, msgs, bcc_only, users = loaded
    assert len(msgs) >= 2000
    nonempty = check_all(a, msgs, bcc_only, users)
    assert nonempty > 120, "most queries should find something"
    # Hard cases each found where they should be.
    names = {h["id"] for h in visible(a, None, ["from:hard.example"])}
    assert len(names) >= len(hardcases.messages()) - 2
    # An ordinary user never sees another's message, whatever the query.
    for login, addrs in (("owner", users["owner"]), ("hidden", users["hidden"])):
        for h in visible(a, login, []):
            assert msgs[h["id"]].owners & addrs


def test_paging_and_count(loaded):
    a, msgs, _, _ = loaded
    for q in (["budget"], ["has:attachment"], ["after:2025-01-01"], ["body:the"], []):
        full = [h["id"] for h in visible(a, None, q)]
        r = a.cli("search", "--count", "--", *q)
        assert int(r.stdout) == len(full) == len(expect.expected(msgs, q))
        pages = []
        for off in range(0, min(len(full), 120), 25):
            r = a.cli("search", "--json", "--limit", "25", "--offset", str(off), "--", *q)
            pages += [json.loads(line)["id"] for line in r.stdout.decode().splitlines()]
        assert pages == full[:len(pages)], q
    r = a.cli("search", "--limit", "0", "budget")
    assert r.returncode == 0 and r.stdout == b""


def assert_pages(a, login, q, full, pages):
    """Each (offset, limit) page of q is exactly its slice of full."""
    for off, lim in pages:
        off = max(off, 0)
        args = ["search", "--json", "--limit", str(lim), "--offset", str(off)]
        r = a.cli(*args + (["--as", login] if login else []) + ["--"] + q)
        page = [json.loads(line)["id"] for line in r.stdout.decode().splitlines()]
        assert page == full[off:off + lim], (login, q, off, lim)


def test_small_pages_of_words_most_messages_hold(loaded):
    """A page of a word nearly every message holds walks the dates and
    seeks each message in the lists instead of reading them: every page
    must still be exactly its slice of the whole newest-first list, for
    the admin and for a user, with exclusions and dates."""
    a, msgs, _, _ = loaded
    for login in (None, "owner"):
        for q in (["the"], ["body:the"], ["the", "-budget"], ["the", "of", "-has:attachment"],
                  ["the", "after:2025-03-01", "before:2025-09-01"], ["has:attachment"]):
            full = [h["id"] for h in visible(a, login, q)]
            assert full, (login, q)
            if login is None:
                assert set(full) == expect.expected(msgs, q), q
            assert_pages(a, login, q, full, ((0, 1), (1, 1), (3, 2), (7, 5), (len(full) - 2, 5)))


def test_small_pages_check_long_exclusions_as_they_come(loaded):
    """An excluded word that many more messages hold than the rest of the
    query finds is looked up only for the candidates a page reaches: every
    page must still be exactly its slice of the whole newest-first list."""
    a, msgs, _, _ = loaded
    cases = []
    for inc in (["subject:invoice"], ["subject:audit"], ["from:acme0.example"],
                ["filename:pdf"], ["subject:invoice", "after:2025-03-01"]):
        for exc in ("the", "budget", "body:merger", "has:attachment"):
            q = inc + ["-" + exc]
            if (len(expect.expected(msgs, [exc])) > 8 * len(expect.expected(msgs, inc))
                    and len(expect.expected(msgs, q)) >= 3):
                cases.append(q)
    assert len(cases) >= 4, cases
    for login in (None, "owner"):
        for q in cases:
            full = [h["id"] for h in visible(a, login, q)]
            if login is None:
                assert set(full) == expect.expected(msgs, q), q
            assert_pages(a, login, q, full, ((0, 1), (1, 1), (2, 2), (len(full) - 2, 5)))


def test_small_pages_walk_the_dates_they_still_check(loaded):
    """A page whose candidates still have dates to check walks those dates
    newest first instead of reading each candidate's date: every page must
    be exactly its slice, at both ends of the range."""
    a, msgs, _, _ = loaded
    cases = [["budget", "after:2025-02-01"], ["subject:invoice", "before:2025-07-01"],
             ["from:acme0.example", "after:2025-03-01", "before:2025-11-01"],
             ["has:attachment", "-budget", "after:2025-04-01"],
             ['"quarterly report"', "before:2025-09-01"], ["budget", "on:2025-03-15"]]
    for login in (None, "owner"):
        for q in cases:
            full = [h["id"] for h in visible(a, login, q)]
            if login is None:
                assert set(full) == expect.expected(msgs, q), q
                assert len(full) >= 1, q
            assert_pages(a, login, q, full,
                         ((0, 1), (1, 2), (5, 5), (len(full) - 2, 5), (len(full), 3)))


def test_bad_queries_change_nothing(loaded):
    a, msgs, _, _ = loaded
    for q, msg in ((["has:pdf"], b'"has:pdf"'), (["frm:x"], b'"frm"'),
                   (["body:"], b'"body:"'), (["after:2025-02-30"], b'"after:2025-02-30"'),
                   (['subject:"open'], b"unbalanced quote"), (["a", "OR"], b"OR at the end")):
        r = a.cli("search", *q)
        assert r.returncode == 2, q
        assert msg in r.stderr, (q, r.stderr)
    assert a.count() == len(msgs)


def test_reindex_rebuilds_the_same_answers(loaded):
    a, msgs, bcc_only, users = loaded
    before = {tuple(q): visible(a, None, q) for q in queries(msgs, bcc_only)[:12]}
    r = a.cli("reindex")
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode() + r.stderr.decode()
    assert f"{len(msgs)} messages" in out, out
    assert a.count() == len(msgs)
    for q, hits in before.items():
        assert visible(a, None, list(q)) == hits, q
    check_all(a, msgs, bcc_only, users)


def test_reindex_reports_what_it_cannot_read(archive):
    import smtplib
    raws = []
    for i in range(3):
        raws.append((f"From: r{i}@reindex.example\r\nTo: x@reindex.example\r\n"
                     f"Subject: reindex case {i}\r\nMessage-ID: <ri.{i}@reindex.example>\r\n"
                     f"\r\nbodyword{i} common\r\n").encode())
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        for raw in raws:
            s.sendmail("r@reindex.example", ["x@reindex.example"], raw)
    archive.wait_count(3)
    ids = [__import__("hashlib").sha256(r).hexdigest() for r in raws]
    store = os.path.join(archive.data, "store")
    paths = {f: os.path.join(root, f) for root, _, files in os.walk(store) for f in files}
    os.unlink(paths[ids[0]])                        # a lost blob
    orphan = os.path.join(os.path.dirname(paths[ids[1]]), "ab" * 32)
    with open(orphan, "wb") as f:                   # a blob no record names
        f.write(b"MAZ1")
    r = archive.cli("reindex")
    out = r.stdout.decode()
    assert r.returncode == 1, (out, r.stderr)
    assert "reindexed 3 messages" in out
    assert "1 without a readable blob" in out and "1 blobs in the store have no record" in out
    assert ids[0] in r.stderr.decode() and orphan in r.stderr.decode()
    # The record still answers header searches; its body is gone with its blob.
    assert archive.ids("subject:reindex") == set(ids)
    assert archive.ids("body:common") == set(ids[1:])
    assert archive.ids("from:r0@reindex.example") == {ids[0]}
