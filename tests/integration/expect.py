"""Expected search results, computed independently of mailarc with
Python's email package and the rules of DESIGN.md."""
import email
import email.header
import email.policy
import email.utils
import hashlib
import html.parser
from datetime import datetime, timedelta, timezone

WORD_MAX = 64       # bytes; a longer run keeps its first whole characters


def words(text):
    out, cur, size = [], [], 0
    for ch in text + " ":
        if ch.isalnum() and ch != "\ufffd":
            if size + 4 <= WORD_MAX:
                c = ch.lower()
                cur.append(c)
                size += len(c.encode())
        elif cur:
            out.append("".join(cur))
            cur, size = [], 0
    return out


class HtmlText(html.parser.HTMLParser):
    """HTML to text: script, style, head, title and noscript skipped; block
    elements break lines; character references decoded."""
    SKIP = {"script", "style", "head", "title", "noscript"}
    BLOCK = {"p", "br", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
             "table", "ul", "ol", "pre", "blockquote", "hr", "section", "article", "header",
             "footer", "nav", "aside", "dl", "dt", "dd"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(markup):
    p = HtmlText()
    p.feed(markup)
    p.close()
    return "".join(p.out)


def decode_text(data, charset):
    cs = (charset or "").lower()
    if cs in ("iso-8859-1", "latin1"):
        cs = "cp1252"
    if cs in ("", "us-ascii", "ascii", "utf8"):
        cs = "utf-8"
    try:
        return data.decode(cs, errors="replace")
    except LookupError:             # an unknown charset: read as UTF-8
        return data.decode("utf-8", errors="replace")


def content(m, seqs=None):
    """(body words, file name words, has an attachment) of a parsed message
    (and into seqs, each text part's and file name's words in order):
    every leaf part; a part is a file when it is a Content-Disposition
    attachment, has a file name or is not text; text/plain and text/html
    files are text too, other text files are not."""
    body, names, attached = set(), set(), False
    for part in m.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        fname = part.get_filename() or ""
        if "=?" in fname:
            fname = str(email.header.make_header(email.header.decode_header(fname)))
        is_file = (part.get_content_disposition() == "attachment" or bool(fname)
                   or part.get_content_maintype() != "text")
        attached = attached or is_file
        names.update(words(fname))
        if seqs is not None and fname:
            seqs.append(("n", words(fname)))
        if part.get_content_maintype() == "text" and (
                not is_file or ctype in ("text/plain", "text/html")):
            data = part.get_payload(decode=True) or b""
            text = decode_text(data, part.get_param("charset"))
            if ctype == "text/html":
                text = html_text(text)
            body.update(words(text))
            if seqs is not None:
                seqs.append(("b", words(text)))
    return body, names, attached


def addr_terms(name, addr):
    t = set()
    a = addr.strip().lower()
    if a:
        t.add(a)
        if "@" in a:
            local, dom = a.rsplit("@", 1)
            if local:
                t.add(local)
            parts = dom.split(".")
            for i in range(len(parts)):
                t.add(".".join(parts[i:]))
    t.update(words(name or ""))
    return t


class Msg:
    def __init__(self, raw):
        self.raw = raw
        self.owners = set()         # addresses that may see it: senders, recipients
        self.id = hashlib.sha256(raw).hexdigest()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        self.frm, self.to, self.cc, self.subj = set(), set(), set(), set()
        for field, target in (("from", self.frm), ("sender", self.frm), ("to", self.to),
                              ("cc", self.to), ("bcc", self.to), ("cc", self.cc)):
            h = m.get(field)
            if h is None:
                continue
            for a in getattr(h, "addresses", ()):
                target.update(addr_terms(a.display_name, a.addr_spec))
                if a.addr_spec:
                    self.owners.add(a.addr_spec.lower())
        self.subj = set(words(str(m.get("subject", ""))))
        mid = (m.get("message-id") or "").strip().strip("<>").lower()
        self.msgid = mid
        d = m.get("date")
        self.date = email.utils.parsedate_to_datetime(str(d)).astimezone(timezone.utc) if d else None
        self.size = len(raw)
        self.seqs = [("s", words(str(m.get("subject", ""))))]
        self.body, self.names, self.attached = content(m, self.seqs)

    def phrase(self, kinds, ws):
        """Do the words ws stand in a row in one part of a kind in kinds?"""
        n = len(ws)
        return any(seq[i:i + n] == ws for k, seq in self.seqs if k in kinds
                   for i in range(len(seq) - n + 1))

    def add_envelope(self, mail_from, rcpts):
        if mail_from:
            self.frm.update(addr_terms("", mail_from))
            self.owners.add(mail_from.lower())
        for r in rcpts:
            self.to.update(addr_terms("", r))
            self.owners.add(r.lower())


def build(items):
    """items: dicts with bytes, mail_from, rcpt_to -> {id: Msg} with envelopes merged."""
    msgs = {}
    for it in items:
        h = hashlib.sha256(it["bytes"]).hexdigest()
        if h not in msgs:
            msgs[h] = Msg(it["bytes"])
        msgs[h].add_envelope(it["mail_from"], it["rcpt_to"])
    return msgs


def day(s):
    return datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=timezone.utc)


def matches(m, term):
    field, _, value = term.partition(":")
    if not value:
        field, value = "", field
    quoted = '"' in value
    value = value.replace('"', "")
    v = value.lower()
    kinds = {"": "sbn", "subject": "s", "body": "b", "filename": "n"}.get(field)
    if quoted and kinds and len(words(v)) > 1:
        return matches(m, f"{field}:{v}" if field else v) and m.phrase(kinds, words(v))
    if field == "":
        return all(w in m.subj or w in m.body or w in m.names for w in words(v))
    if field == "body":
        return all(w in m.body for w in words(v))
    if field == "filename":
        return all(w in m.names for w in words(v))
    if field == "has":
        return m.attached
    if field in ("from", "to", "cc"):
        pool = {"from": m.frm, "to": m.to, "cc": m.cc}[field]
        if "@" in v or "." in v:
            return v in pool
        return all(w in pool for w in words(v))
    if field == "subject":
        return all(w in m.subj for w in words(v))
    if field == "msgid":
        return m.msgid == v.strip("<>")
    if field == "after":
        return m.date >= day(value)
    if field == "before":
        return m.date < day(value)
    if field == "on":
        return day(value) <= m.date < day(value) + timedelta(days=1)
    if field in ("larger", "smaller"):
        n = int(value.rstrip("KkMm")) * (1024 if value[-1] in "Kk" else 1048576 if value[-1] in "Mm" else 1)
        return m.size > n if field == "larger" else m.size < n
    raise ValueError(term)


def clauses(query):
    """Terms joined by OR form one clause; clauses are ANDed."""
    out = []
    join = False
    for term in query:
        if term == "OR":
            join = True
        elif join:
            out[-1].append(term)
            join = False
        else:
            out.append([term])
    return out


def expected(msgs, query, user_addrs=None):
    out = set()
    for m in msgs.values():
        if user_addrs is not None and not (m.owners & user_addrs):
            continue
        ok = True
        for clause in clauses(query):
            if len(clause) == 1 and clause[0].startswith("-"):
                hit = not matches(m, clause[0][1:])
            else:
                hit = any(matches(m, t) for t in clause)
            if not hit:
                ok = False
                break
        if ok:
            out.add(m.id)
    return out
