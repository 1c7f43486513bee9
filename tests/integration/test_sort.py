"""Results in another order: by size, sender or subject, either way, paged
after sorting; sorting by sender or subject bounded by search_sort_max."""
import expect
from test_corpus import send_all


def test_sort_orders_and_pages(archive_factory, corpus500):
    a = archive_factory(search_sort_max="400")
    a.start()
    send_all(a.port, corpus500)
    msgs = expect.build(corpus500)
    a.wait_count(len(msgs))
    q = ["after:2025-09-01"]
    want = expect.expected(msgs, q)
    assert 100 < len(want) <= 400
    for by, key in (("size", lambda h: h["size"]), ("from", lambda h: h["from"].lower()),
                    ("subject", lambda h: h["subject"].lower()), ("date", lambda h: h["date"])):
        for asc in (False, True):
            flags = ["--sort", by] + (["--asc"] if asc else [])
            hits = a.search(*flags, *q)
            assert {h["id"] for h in hits} == want, by
            keys = [key(h) for h in hits]
            if by in ("size", "date"):
                assert keys == sorted(keys, reverse=not asc), (by, asc)
            else:
                # strcasecmp order on these ASCII corpus values
                assert all((x <= y) == asc or x == y for x, y in zip(keys, keys[1:])), (by, asc)
            page = a.search(*flags, "--limit", "10", "--offset", "20", *q)
            assert [h["id"] for h in page] == [h["id"] for h in hits[20:30]]
    # Newest first is the default, and --sort date says the same.
    assert [h["id"] for h in a.search(*q)] == [h["id"] for h in a.search("--sort", "date", *q)]
    # Too many results to sort by sender: refused, by size still fine.
    r = a.cli("search", "--sort", "from", "after:2000-01-01")
    assert r.returncode == 2 and "more than search_sort_max (400) to sort by from" in \
        r.stderr.decode()
    assert len(a.search("--sort", "size", "after:2000-01-01")) == len(msgs)
    r = a.cli("search", "--sort", "colour", "x")
    assert r.returncode == 2 and "--sort is date, size, from or subject" in r.stderr.decode()
