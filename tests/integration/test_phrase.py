"""Phrases: quoted words must stand next to each other, in order, within
one part of the field the query names.  Checked on hand-made messages
(adjacent, reversed, apart, split across two parts, subject, negated, in
an OR) and against the independent oracle on the corpus."""
import collections
import email.message
import random
import smtplib
import time

import pytest

import dbsurgery
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


HAND_MADE = {
    "adjacent": msg("adjacent", "The quarterly budget is attached."),
    "reversed": msg("reversed", "Our budget, quarterly as ever."),
    "apart": msg("apart", "A quarterly review of the budget."),
    "split": msg("split", "This part ends with quarterly", "budget starts this part"),
    "subject": msg("Quarterly budget meeting", "Nothing in the body."),
    "three": msg("three", "The quarterly budget review is due."),
}


def send_hand_made(archive):
    """The hand-made messages, stored: their ids by name."""
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        for raw in HAND_MADE.values():
            s.sendmail("cfo@acme.example", ["board@acme.example"], raw)
    archive.wait_count(len(HAND_MADE))
    ids = {k: archive.ids(f"subject:{k}") for k in HAND_MADE}
    ids["subject"] = archive.ids("subject:meeting")
    return {k: next(iter(v)) for k, v in ids.items()}


def check_hand_made(archive, one):
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


def test_phrase_semantics_on_hand_made_messages(archive):
    check_hand_made(archive, send_hand_made(archive))
    assert phrases_status(archive) == WORDS


def phrases_status(archive):
    """What mailarc status says of phrases."""
    r = archive.cli("status")
    return [x[15:] for x in r.stdout.decode().splitlines() if x.startswith("phrases:")]


PAIRS = ["found through word pairs"]
WORDS = ["found through their words (phrase_pairs = no)"]
UNTIL = ["found through their words until mailarc reindex writes the word pairs "
         "(phrase_pairs = yes)"]


def test_phrases_through_word_pairs(archive):
    """phrase_pairs turned on over mail indexed without: phrases come from
    their words, new mail included, until reindex writes every message's
    pairs; then from the pairs (without them in term.db, a phrase finds
    nothing), with the same answers; turned off, from words at once."""
    one = send_hand_made(archive)
    archive.stop()
    archive.settings["phrase_pairs"] = "yes"
    archive.write_conf()
    archive.start()
    assert phrases_status(archive) == UNTIL
    check_hand_made(archive, one)
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("cfo@acme.example", ["board@acme.example"],
                   msg("later", "The quarterly budget, once more."))
    archive.wait_count(len(HAND_MADE) + 1)
    one["later"] = next(iter(archive.ids("subject:later")))
    assert phrases_status(archive) == UNTIL
    assert archive.ids('body:"quarterly budget"') == {one["adjacent"], one["three"], one["later"]}
    r = archive.cli("reindex")
    assert r.returncode == 0, r.stderr
    assert phrases_status(archive) == PAIRS
    assert archive.ids('body:"quarterly budget"') == {one["adjacent"], one["three"], one["later"]}
    assert archive.ids('"quarterly budget"') == {one["adjacent"], one["subject"], one["three"],
                                                 one["later"]}
    assert archive.ids('subject:"quarterly budget"') == {one["subject"]}
    assert archive.ids('"budget quarterly"') == {one["reversed"]}
    assert archive.ids('"quarterly budget review"') == {one["three"]}
    assert archive.ids("quarterly", '-"quarterly budget"') == {one["reversed"], one["apart"],
                                                               one["split"]}
    assert archive.ids('"budget quarterly"', "OR", '"quarterly review"') == {
        one["reversed"], one["apart"]}
    # Off again: words at once, the same answers.
    archive.stop()
    archive.settings["phrase_pairs"] = "no"
    archive.write_conf()
    archive.start()
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        s.sendmail("cfo@acme.example", ["board@acme.example"], msg("off", "No pairs here."))
    archive.wait_count(len(HAND_MADE) + 2)
    assert phrases_status(archive) == WORDS
    assert archive.ids('"quarterly budget review"') == {one["three"]}
    # On, with the pairs taken out of term.db by hand: nothing.
    archive.stop()
    archive.settings["phrase_pairs"] = "yes"
    archive.write_conf()
    archive.start()
    assert archive.cli("reindex").returncode == 0
    archive.stop()
    dbsurgery.surgery(archive, "term.db",
                      lambda kv: [p for p in kv if not p[0].startswith(dbsurgery.hexkey("p:"))])
    archive.start()
    assert phrases_status(archive) == PAIRS
    assert archive.ids('"quarterly budget review"') == set()
    assert one["three"] in archive.ids("quarterly", "budget", "review")


def test_lawful_deletion_takes_the_word_pairs(archive_factory):
    """A message deleted by retention leaves none of its words in the
    index, pairs included."""
    a = archive_factory(admin_users="alice", retention_default="14d", phrase_pairs="yes",
                        verify_interval="0")
    a.start()
    gone = msg("Zqxgone subject words", "The quarterly zqxgone budget, an old one.")
    gone = b"Date: Mon, 02 Mar 2020 10:00:00 +0000\n" + gone
    with smtplib.SMTP("127.0.0.1", a.port) as s:
        s.sendmail("cfo@acme.example", ["board@acme.example"], gone)
        s.sendmail("cfo@acme.example", ["board@acme.example"],
                   msg("kept", "The quarterly budget is here."))
    a.wait_count(2)
    a.stop()
    a.settings["retention_auto_delete"] = "yes"
    a.write_conf()
    a.start()
    deadline = time.time() + 60
    while a.count() != 1 and time.time() < deadline:
        time.sleep(0.3)
    assert a.ids() == a.ids("subject:kept") and len(a.ids()) == 1
    a.stop()
    keys = {bytes.fromhex(k.strip()) for k, _ in dbsurgery.dump(a, "term.db")[1]}
    assert b"p:quarterly budget" in keys
    assert not [k for k in keys if b"zqxgone" in k], sorted(k for k in keys if b"zqxgone" in k)


@pytest.mark.parametrize("with_pairs", ["no", "yes"])
def test_phrases_match_the_oracle_on_the_corpus(archive, corpus500, with_pairs):
    archive.stop()
    archive.settings["phrase_pairs"] = with_pairs
    archive.write_conf()
    archive.start()
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
    assert phrases_status(archive) == (PAIRS if with_pairs == "yes" else WORDS)
