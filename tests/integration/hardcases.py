"""Hand-made messages that exercise the MIME and header edge cases search
must get right.  Each carries a word found nowhere else (listed in MARKERS)
so a query can aim at it."""
import base64


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("latin-1")


HDR = ("From: {frm}\nTo: {to}\nSubject: {subj}\nDate: Tue, 3 Jun 2025 10:00:00 +0200\n"
       "Message-ID: <{mid}@hard.example>\nMIME-Version: 1.0\n")

NESTED = HDR + """Content-Type: multipart/mixed; boundary="outer"

preamble is not text
--outer
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Deep inside lies the word nestedmarmot and caf=C3=A9 cr=C3=A8me.
--rel
Content-Type: image/png
Content-Disposition: inline

iVBORw0KGgo=
--rel--
--alt
Content-Type: text/html; charset=utf-8

<p>nestedmarmot in html</p>
--alt--
--outer
Content-Type: message/rfc822
Content-Disposition: inline

From: inner@hard.example
Subject: innersubjectword
Content-Type: multipart/mixed; boundary="in"

--in
Content-Type: text/plain

forwardedquokka body of the forwarded message
--in
Content-Type: application/pdf; name="inner-ledger.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--in--
--outer--
epilogue is not text either
"""

QP_SOFT = HDR + """Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

The agreement is confi=
dential and the kum=
quat clause stays. Soft=20
breaks join words: straw=
berryfield. Stra=C3=9Fe
"""

LATIN1_BODY = HDR + """Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

R=E9sum=E9 of the d=E9j=E0vu meeting in Z=FCrich, =93quoted=94 smartquotes.
"""

HTML_ONLY = HDR + """Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<!DOCTYPE html><html><head><title>titleonlyword</title>
<style>body {{ zanzibarstyle: 1 }}</style>
<script>var scriptonlyword = 1;</script></head>
<body><p>Meet in <b>zan</b>zibar near the <i>caf&eacute;</i> &amp; the
harbour</p><div>second&nbsp;block</div>unclosed <p>para<br>breakword
<!-- commentword --></body></html>
"""

# HTML whose first element is one whose content is not text: the text
# after it is what a reader sees, and what a search must find.
LEADING = {
    "style": "<style>p { color: red }</style>",
    "head": "<head><meta charset=utf-8></head>",
    "title": "<title>a title</title>",
    "script": "<script>var x = 1;</script>",
    "noscript": "<noscript>enable scripts</noscript>",
}
HTML_LEADING = HDR + """Content-Type: text/html; charset=utf-8

{lead}secret {word} words
"""

RFC2231 = HDR + """Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=us-ascii

See the attached files.
--b
Content-Type: application/pdf
Content-Disposition: attachment;
 filename*=UTF-8''%E2%82%AC-rapport%20trimestriel.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b
Content-Type: application/octet-stream
Content-Disposition: attachment;
 filename*0*=iso-8859-1''%C9t%E9;
 filename*1="-budgetcontinued.xlsx"
Content-Transfer-Encoding: base64

UEsDBA==
--b
Content-Type: application/zip; name="=?UTF-8?B?w5xiZXJzaWNodC56aXA=?="
Content-Transfer-Encoding: base64

UEsDBA==
--b
Content-Type: text/plain; name="minutes-notes.txt"
Content-Disposition: attachment

attachedtextword inside a text file
--b
Content-Type: text/csv; name="figures.csv"
Content-Disposition: attachment

csvonlyword,1,2
--b--
"""

BROKEN = HDR + """Content-Type: multipart/mixed; boundary="never-closed"

--never-closed
Content-Type: text/plain; charset=x-no-such-charset
Content-Transfer-Encoding: base64

Ymxv*Y2tjaGFp!bndvcmQg
###
--never-closed
Content-Type: text/plain; charset=utf-8

lying charset: caf\xe9 then trailingwordbroken
--never-closed
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

bad =ZZ escapes and =4
"""

NO_DATE = """From: Undated Sender <undated@hard.example>
To: {to}
Subject: =?utf-8?q?no_date_header_=E2=9C=93_undatedword?=
Message-ID: <{mid}@hard.example>

This message has no Date header at all.
"""

ENCODED_WORDS = HDR + """Content-Type: text/plain

Encoded words in the subject and the names.
"""


def messages():
    """[(name, bytes, mail_from, rcpt_to)]"""
    owner = "hard.owner@hard.example"
    other = "hard.other@hard.example"
    out = []

    def add(name, template, mail_from, rcpts, **kw):
        kw.setdefault("frm", f"Hard Case <{mail_from}>")
        kw.setdefault("to", ", ".join(rcpts))
        kw.setdefault("subj", f"hard case {name}")
        kw.setdefault("mid", name)
        out.append((name, crlf(template.format(**kw)), mail_from, rcpts))

    add("nested", NESTED, owner, [other])
    add("qpsoft", QP_SOFT, owner, [other])
    add("latin1body", LATIN1_BODY, other, [owner])
    add("htmlonly", HTML_ONLY, other, [owner, "bcc.hidden@hard.example"],
        to=f"{owner}")
    for tag, lead in LEADING.items():
        add("lead" + tag, HTML_LEADING, owner, [other], lead=lead,
            word="leading" + tag + "word")
    add("rfc2231", RFC2231, owner, [other])
    add("broken", BROKEN, other, [owner])
    add("nodate", NO_DATE, "undated@hard.example", [owner])
    add("encoded", ENCODED_WORDS, other, [owner],
        frm="=?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@hard.example>",
        subj="=?ISO-8859-1?Q?R=E9union_=E0_Gen=E8ve?= =?UTF-8?B?w5xiZXJ3ZWlzdW5n?= plain")
    # Two different messages that share one Message-ID.
    add("dupid-a", HDR + "\nfirst of the twins, twinword alpha\n", owner, [other],
        mid="shared-id")
    add("dupid-b", HDR + "\nsecond of the twins, twinword beta\n", other, [owner],
        mid="shared-id")
    # A message that is only an attachment.
    add("onlyfile", HDR + "Content-Type: application/pdf; name=\"solo-invoice.pdf\"\n"
        "Content-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(b"%PDF-1.4 not text").decode(), owner, [other])
    return out
