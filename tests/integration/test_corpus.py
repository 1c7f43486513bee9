"""500 corpus messages over concurrent SMTP sessions: exact bytes back,
exact search result sets, Bcc-only recipients found, duplicates merged."""
import concurrent.futures
import hashlib
import smtplib

import expect


def send_all(port, items, workers=8):
    def worker(chunk):
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
            for it in chunk:
                refused = s.sendmail(it["mail_from"], it["rcpt_to"], it["bytes"])
                assert refused == {}
        return len(chunk)

    chunks = [items[i::workers] for i in range(workers)]
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        assert sum(ex.map(worker, chunks)) == len(items)


def pick_queries(msgs, items):
    """A dozen queries over every header term kind, from the corpus itself."""
    first = next(iter(msgs.values()))
    bcc_only = None
    for it in items:
        m = msgs[hashlib.sha256(it["bytes"]).hexdigest()]
        import email
        import email.policy
        parsed = email.message_from_bytes(it["bytes"], policy=email.policy.default)
        shown = " ".join(str(parsed.get(h, "")) for h in ("to", "cc")).lower()
        for r in it["rcpt_to"]:
            if r.lower() not in shown:
                bcc_only = r
                break
        if bcc_only:
            break
    assert bcc_only, "the corpus should have a Bcc-only recipient"
    some_date = sorted(m.date for m in msgs.values())[len(msgs) // 2].strftime("%Y-%m-%d")
    return bcc_only, [
        ["from:acme0.example"],
        ["to:" + bcc_only],
        ["cc:globex1.example"],
        ["subject:budget"],
        ["subject:report", "from:example"],
        ["msgid:" + first.msgid],
        ["after:2025-06-01", "before:2025-07-01"],
        ["on:" + some_date],
        ["larger:50K"],
        ["smaller:2000"],
        ["from:alice"],
        ["to:initech2.example", "-subject:the"],
        ["subject:überweisung"],
        ["from:acme0.example", "after:2025-01-01", "smaller:8K"],
    ]


def test_corpus_exact_bytes_and_search_sets(archive, corpus500):
    send_all(archive.port, corpus500)
    msgs = expect.build(corpus500)
    assert len(msgs) < len(corpus500), "the corpus holds exact duplicates"
    archive.wait_count(len(msgs))
    assert archive.count() == len(msgs)

    # Every message comes back byte for byte.
    for h, m in msgs.items():
        assert hashlib.sha256(archive.cat(h)).hexdigest() == h
    # A unique prefix works too.
    h = next(iter(msgs))
    assert archive.cat(h[:12]) == msgs[h].raw

    bcc_only, queries = pick_queries(msgs, corpus500)
    for q in queries:
        want = expect.expected(msgs, q)
        got = archive.ids(*q)
        assert got == want, f"query {q}: {len(got)} found, {len(want)} expected"
    assert archive.ids("to:" + bcc_only), "a Bcc-only recipient is found with to:"

    # Results come newest first.
    hits = archive.search("from:example")
    dates = [x["date"] for x in hits]
    assert dates == sorted(dates, reverse=True)


def test_duplicates_stored_once_with_merged_recipients(archive):
    raw = (b"From: Carol <carol@stark.example>\r\nTo: dave@wayne.example\r\n"
           b"Subject: the same bytes twice\r\nDate: Mon, 2 Jun 2025 09:00:00 +0000\r\n"
           b"Message-ID: <dup.1@stark.example>\r\n\r\nbody\r\n")
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("carol@stark.example", ["dave@wayne.example"], raw)
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("journal@stark.example", ["erin@hooli.example", "bcc.only@umbrella.example"], raw)
    h = hashlib.sha256(raw).hexdigest()
    archive.wait_count(1)
    # Wait for the second arrival to be merged.
    import time
    deadline = time.time() + 30
    while time.time() < deadline and h not in archive.ids("to:bcc.only@umbrella.example"):
        time.sleep(0.2)
    assert archive.count() == 1
    assert archive.ids("to:bcc.only@umbrella.example") == {h}
    assert archive.ids("to:dave@wayne.example") == {h}
    assert archive.ids("from:journal@stark.example") == {h}
    show = archive.cli("show", h).stdout.decode()
    assert "2 arrivals" in show
    assert archive.cat(h) == raw
    blobs = []
    import os
    for root, _, files in os.walk(os.path.join(archive.data, "store")):
        blobs += [f for f in files if f == h]
    assert len(blobs) == 1
