"""Phrases: quoted words must stand next to each other, in order, within
one part of the field the query names.  Checked on hand-made messages
(adjacent, reversed, apart, split across two parts, subject, negated, in
an OR) and against the independent oracle on the corpus."""
import collections
import email.message
import random
import smtplib

import expect
from test_corpus import send_all


def msg(subject, *parts):
    m = email.message.EmailMessage()
    m["From"] = "cfo@acme.example"
    m["To"] = "board@acme.example"
    m["Subject"] = subject
    m.set_content(parts[0])
    for p in parts[1:]:
        m.add_attachment(p, subtype="plain", disposition="inline")
    return m.as_bytes()


def test_phrase_semantics_on_hand_made_messages(archive):
    raws = {
        "adjacent": msg("adjacent", "The quarterly budget is attached."),
        "reversed": msg("reversed", "Our budget, quarterly as ever."),
        "apart": msg("apart", "A quarterly review of the budget."),
        "split": msg("split", "This part ends with quarterly", "budget starts this part"),
        "subject": msg("Quarterly budget meeting", "Nothing in the body."),
        "three": msg("three", "The quarterly budget review is due."),
    }
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        for raw in raws.values():
            s.sendmail("cfo@acme.example", ["board@acme.example"], raw)
    archive.wait_count(len(raws))
    ids = {k: archive.ids(f"subject:{k}") for k in raws}
    ids["subject"] = archive.ids("subject:meeting")
    one = {k: next(iter(v)) for k, v in ids.items()}
    assert archive.ids("quarterly", "budget") == set(one.values())
    assert archive.ids('"quarterly budget"') == {one["adjacent"], one["subject"], one["three"]}
    assert archive.ids('body:"quarterly budget"') == {one["adjacent"], one["three"]}
    assert archive.ids('subject:"quarterly budget"') == {one["subject"]}
    assert archive.ids('"budget quarterly"') == {one["reversed"]}
    assert archive.ids('"quarterly budget review"') == {one["three"]}
    assert archive.ids('"quarterly review"') == {one["apart"]}
    # Split across two parts: both words, never the phrase.
    assert one["split"] in archive.ids("body:quarterly", "body:budget")
    assert one["split"] not in archive.ids('body:"quarterly budget"')
    # Negated and in an OR.
    assert archive.ids("quarterly", '-"quarterly budget"') == {one["reversed"], one["apart"],
                                                               one["split"]}
    assert archive.ids('"budget quarterly"', "OR", '"quarterly review"') == {
        one["reversed"], one["apart"]}


def test_phrases_match_the_oracle_on_the_corpus(archive, corpus500):
    send_all(archive.port, corpus500)
    msgs = expect.build(corpus500)
    archive.wait_count(len(msgs))
    rnd = random.Random(16)
    pairs = collections.Counter()
    for m in msgs.values():
        for kind, seq in m.seqs:
            if kind == "b":
                for a, b in zip(seq, seq[1:]):
                    if a.isalpha() and b.isalpha():
                        pairs[(a, b)] += 1
    common = [p for p, n in pairs.most_common(200) if n >= 3]
    queries = []
    for a, b in rnd.sample(common, 8):
        queries += [[f'"{a} {b}"'], [f'"{b} {a}"'], [f'body:"{a} {b}"'],
                    [a, f'-"{a} {b}"']]
    checked = 0
    for q in queries:
        want = expect.expected(msgs, q)
        got = archive.ids(*q)
        assert got == want, (q, len(got), len(want), sorted(got ^ want)[:3])
        checked += bool(want)
        # A page checks phrases only as far as it reaches: it must still be
        # exactly that slice of the whole ordered list, and --count exact.
        order = [h["id"] for h in archive.search(*q)]
        r = archive.cli("search", "--count", "--", *q)
        assert int(r.stdout) == len(want), q
        for off, lim in ((0, 1), (2, 3), (len(order) - 2, 5)):
            off = max(off, 0)
            page = [h["id"] for h in archive.search("--offset", str(off), "--limit", str(lim),
                                                    "--", *q)]
            assert page == order[off:off + lim], (q, off, lim)
    assert checked >= 12, checked
