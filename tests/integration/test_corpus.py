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
        ["from:acme0.example", "OR", "from:globex1.example"],
        ["subject:budget", "OR", "subject:report", "OR", "larger:100K", "after:2025-01-01"],
        ["on:" + some_date, "OR", "smaller:1500", "-from:acme0.example"],
        ["to:" + bcc_only, "OR", "cc:initech2.example", "-subject:the"],
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


def test_per_user_access_matches_the_corpus(archive_factory, corpus500):
    import email
    import email.policy
    import os
    msgs = expect.build(corpus500)
    # bcc_user only ever appears as a Bcc (envelope) recipient of some message;
    # other_user owns two addresses; alice owns none of the corpus's messages.
    bcc_user = None
    for it in corpus500:
        parsed = email.message_from_bytes(it["bytes"], policy=email.policy.default)
        shown = " ".join(str(parsed.get(h, "")) for h in ("to", "cc")).lower()
        hidden = [r for r in it["rcpt_to"] if r.lower() not in shown]
        if hidden:
            bcc_user = hidden[0].lower()
            bcc_msg = hashlib.sha256(it["bytes"]).hexdigest()
            break
    senders = sorted({it["mail_from"].lower() for it in corpus500})
    other = senders[:2]
    a = archive_factory(admin_users="root", auditor_users="auditor",
                        default_domain="nowhere.example")
    users = os.path.join(a.base, "users")
    with open(users, "w") as f:
        f.write(f"bcc: {bcc_user}\nother: {other[0]}, {other[1]}\n")
    os.chmod(users, 0o644)
    a.settings["user_addresses"] = users
    a.write_conf()
    a.start()
    from test_corpus import send_all
    send_all(a.port, corpus500)
    a.wait_count(len(msgs))

    def visible(login, *query):
        r = a.cli("search", "--json", "--as", login, *query)
        assert r.returncode in (0, 1), r.stderr.decode()
        return {line.split('"')[3] for line in r.stdout.decode().splitlines()}

    everything = set(msgs)
    assert visible("root") == everything
    assert visible("auditor") == everything
    for login, addrs in (("bcc", {bcc_user}), ("other", set(other))):
        for q in ([], ["subject:the"], ["after:2025-06-01"], ["from:" + other[0]]):
            want = expect.expected(msgs, q, user_addrs=addrs)
            assert visible(login, *q) == want, (login, q)
        assert visible(login), f"{login} owns some mail"
    assert visible("bcc") == expect.expected(msgs, [], user_addrs={bcc_user})
    assert bcc_msg in visible("bcc"), "a Bcc recipient sees the message it got as Bcc"
    # Matching a display-name word is not ownership: alice@nowhere.example owns nothing.
    assert visible("alice") == set()
    assert visible("alice", "from:alice") == set()
    assert a.ids("from:alice"), "while the admin does find alice's mail"
    with open(users, "a") as f:
        f.write("broken line\n")
    r = a.cli("search", "--as", "other", "x")
    assert r.returncode == 2 and f"{users}:3:".encode() in r.stderr
