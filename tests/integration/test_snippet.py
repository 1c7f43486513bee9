"""Snippets: search results carry a piece of the text around the first
word the query looks for, with its words marked.  The marks are checked
against the words themselves, the snippet against the message's own text
(decoded by Python's email package), on corpus messages; the results page
marks them with <mark>, escaped."""
import collections
import email
import email.policy
import re

import expect
from test_corpus import send_all
from webpanel import panel_factory  # noqa: F401


def plain_texts(raw):
    """The text/plain parts of a message, decoded, whitespace collapsed."""
    m = email.message_from_bytes(raw, policy=email.policy.default)
    out = []
    for part in m.walk():
        if part.get_content_type() == "text/plain" and not part.is_multipart():
            data = part.get_payload(decode=True) or b""
            text = expect.decode_text(data, part.get_param("charset"))
            out.append(" ".join(text.split()))
    return out


def test_snippets_mark_the_words_in_the_messages_text(archive, corpus500):
    send_all(archive.port, corpus500)
    msgs = expect.build(corpus500)
    archive.wait_count(len(msgs))
    counts = collections.Counter(w for m in msgs.values() for w in m.body
                                 if len(w) > 4 and w.isalpha())
    words = [w for w, n in counts.most_common()[-6:]]      # the rarest long words
    checked = 0
    for w in words + [f"body:{words[0]}", f"{words[1]} {words[2]}"]:
        terms = w.split()
        want = {t.split(":")[-1] for t in terms}
        for hit in archive.search(*terms):
            m = msgs[hit["id"]]
            sn = hit.get("snippet")
            if not (want & m.body):
                continue                # found by subject or file name only
            assert sn, (w, hit["id"])
            text = sn["text"]
            raw = text.encode()
            assert sn["marks"], (w, text)
            for off, n in sn["marks"]:
                assert raw[off:off + n].decode().lower() in want, (w, text, off, n)
            assert all(c >= " " for c in text)
            assert len(raw) <= 400
            plains = plain_texts(m.raw)
            if plains and all("<" not in p for p in plains):
                if any(" ".join(text.split()) in p for p in plains):
                    checked += 1
    assert checked > 20, checked
    # No text words, no snippet.
    frm = next(iter(msgs.values())).frm
    addr = next(a for a in frm if "@" in a)
    assert all("snippet" not in h for h in archive.search("from:" + addr))


def test_results_page_marks_words(panel_factory):
    from test_web import feed
    p = panel_factory()
    feed(p.archive)
    s = p.login("admin")
    page = s.get(p.url + "/search", params={"q": "visible"}).text
    assert re.search(r'<div class="snippet"><mark>Visible</mark> words</div>', page), page
    # The script in that message is text in the snippet, never markup.
    page = s.get(p.url + "/search", params={"q": "hello"}).text
    assert "<mark>hello</mark>" in page
    api = p.api(s, "visible")
    assert api["results"][0]["snippet"] == {"text": "Visible words", "marks": [[0, 7]]}
