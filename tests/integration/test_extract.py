"""Attachment text: documents made here with Python's tools (docx, xlsx,
odt through zipfile, PDF written by hand, plain and Flate-compressed, RTF),
their words read back by independent readers (zipfile + xml.etree,
pdftotext), and each word must find its message through attachment:, and
only there.  Hostile files cost their own text and nothing else."""
import base64
import email.message
import os
import signal
import smtplib
import subprocess
import time
import zipfile
import io


import docmake
from webpanel import panel_factory  # noqa: F401


def message(subject, body, attachments=(), frm="sender@acme.example"):
    m = email.message.EmailMessage()
    m["From"] = frm
    m["To"] = "archive@acme.example"
    m["Subject"] = subject
    m["Message-ID"] = f"<{subject.replace(' ', '.')}@test>"
    m.set_content(body)
    for name, ctype, data in attachments:
        main, sub = ctype.split("/")
        if main == "text":
            m.add_attachment(data.decode("utf-8") if isinstance(data, bytes) else data,
                             subtype=sub, filename=name)
        else:
            m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return m.as_bytes()


def send(a, raws):
    with smtplib.SMTP("127.0.0.1", a.port, timeout=120) as s:
        for raw in raws:
            s.sendmail("sender@acme.example", ["archive@acme.example"], raw)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"


def one_id(a, *q):
    ids = a.ids(*q)
    assert len(ids) == 1, (q, ids)
    return ids.pop()


def test_documents_are_searchable_by_their_words_through_attachment(archive):
    docs = {
        "docx": ("contract.docx", DOCX, docmake.docx(
            ["Indemnification clause for zebracorp", "Signed by the marmoset board"])),
        "xlsx": ("figures.xlsx", XLSX, docmake.xlsx(
            [["Quarterly", "revenue"], ["walrusdivision", "4711"]])),
        "odt": ("minutes.odt", ODT, docmake.odt(["Minutes of the narwhal meeting"])),
        "pdf": ("offer.pdf", "application/pdf", docmake.pdf(["Binding offer to ocelotholdings"])),
        "pdfz": ("deflated.pdf", "application/octet-stream",
                 docmake.pdf(["Compressed stream mentions quokkaventures"], compress=True)),
    }
    raws = {k: message(f"document {k}", "See the attachment.", [v]) for k, v in docs.items()}
    rtf_raw = message("document rtf", "Rich text attached.",
                      [("memo.rtf", "application/rtf",
                        docmake.rtf(["Memo about the capybara merger", "Caf\u00e9 na\u00efve"]))])
    latin = email.message.EmailMessage()
    latin["From"], latin["To"], latin["Subject"] = "sender@acme.example", "a@acme.example", "document text"
    latin.set_content("A Latin-1 file attached.")
    latin.add_attachment("Gr\u00fc\u00dfe aus M\u00fcnchen, tapirworks".encode("latin-1"),
                         maintype="text", subtype="csv", filename="list.csv")
    for part in latin.iter_attachments():
        part.set_param("charset", "iso-8859-1")
    send(archive, list(raws.values()) + [rtf_raw, latin.as_bytes()])
    archive.wait_count(len(raws) + 2)
    for k, (name, ctype, data) in docs.items():
        kind = "pdf" if k.startswith("pdf") else k
        text = docmake.text_of(kind, data)
        want = set(docmake.words(text))
        assert len(want) >= 3, (k, text)
        mid = one_id(archive, f"subject:{k}", "subject:document")
        for w in want:
            assert mid in archive.ids(f"attachment:{w}"), (k, w)
        # Bare words and body: keep their meaning: subject, body, file name.
        rare = max(sorted(want - set(docmake.words(name))), key=len)
        assert mid not in archive.ids(f"body:{rare}"), (k, rare)
        assert mid not in archive.ids(rare), (k, rare)
    mid = one_id(archive, "subject:rtf")
    for w in ("memo", "capybara", "merger", "café", "naïve"):
        assert archive.ids(f"attachment:{w}") == {mid}, w
    assert archive.ids("attachment:hiddentitleword") == set()   # \info is not text
    mid = one_id(archive, "subject:text", "subject:document")
    for w in ("grüße", "münchen", "tapirworks"):
        assert archive.ids(f"attachment:{w}") == {mid}, w
    # A phrase inside a document.
    assert archive.ids('attachment:"binding offer"') == archive.ids("attachment:ocelotholdings")
    assert archive.ids('attachment:"offer binding"') == set()
    # show lists what each document gave.
    out = archive.cli("show", one_id(archive, "subject:docx")).stdout.decode()
    assert "contract.docx: " in out and "bytes of text indexed" in out, out


def pdf_loop():
    """Forms that draw the next form ten times, ten deep: a page of a few
    hundred bytes that takes 10^10 steps to read."""
    return docmake.pdf_nested_forms(10)


def zip_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            f.write(b'<?xml version="1.0"?><w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>'
                    % docmake.W.encode())
            f.write(b"</w:t></w:r></w:p>")
            chunk = b"<!--" + b"x" * (1 << 20) + b"-->"
            for _ in range(1200):           # 1.2 GB of comments
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


def big_sheet(mb=50):
    """A real 50 MB spreadsheet: incompressible shared strings."""
    rows = [[base64.b64encode(os.urandom(32)).decode() for _ in range(8)]
            for _ in range(mb * 1024 * 1024 // 260)]
    return docmake.xlsx(rows)


def test_hostile_documents_cost_their_text_only(archive_factory):
    a = archive_factory(extract_timeout="4s", extract_max_bytes="64M",
                        message_size_limit="100M").start()
    bomb, sheet = zip_bomb(), big_sheet()
    assert len(bomb) < 3 * 1024 * 1024 and len(sheet) > 50 * 1000 * 1000
    send(a, [message("hostile loop", "pdf that loops", [("loop.pdf", "application/pdf", pdf_loop())]),
             message("hostile bomb", "zip bomb", [("bomb.docx", DOCX, bomb)])])
    a.wait_count(2, timeout=120)
    send(a, [message("hostile sheet", "50 MB", [("huge.xlsx", XLSX, sheet)])])
    a.wait_count(3, timeout=180)
    # A parser that crashes: the helper dies by SIGSEGV while it reads.
    send(a, [message("hostile crash", "crash", [("crash.pdf", "application/pdf", pdf_loop())])])
    deadline = time.time() + 30
    killed = False
    while time.time() < deadline and not killed:
        for pid in subprocess.run(["pgrep", "-f", "mailarc-extract .*pdf"], capture_output=True,
                                  text=True).stdout.split():
            os.kill(int(pid), signal.SIGSEGV)
            killed = True
        time.sleep(0.05)
    assert killed
    send(a, [message("hostile after", "the indexer goes on",
                     [("fine.docx", DOCX, docmake.docx(["afterwards okapiword"]))])])
    a.wait_count(5, timeout=120)
    reasons = {}
    for what in ("loop", "bomb", "sheet", "crash"):
        mid = one_id(a, f"subject:{what}", "subject:hostile")
        out = a.cli("show", mid).stdout.decode()
        line = next((ln for ln in out.splitlines() if "extraction failed" in ln
                     or "bytes of text" in ln), "")
        reasons[what] = line
    assert ("timed out after 4 s" in reasons["loop"]
            or "CPU limit reached" in reasons["loop"]), reasons
    assert "zip bomb" in reasons["bomb"], reasons
    assert "crashed (segmentation fault)" in reasons["crash"], reasons
    # The sheet is either read within its limits or reported, never lost.
    assert "huge.xlsx" in reasons["sheet"], reasons
    assert a.ids("attachment:okapiword") == a.ids("subject:after")
    st = a.cli("status").stdout.decode()
    assert "extraction failed for" in st, st
    log = a.log()
    for name in ("loop.pdf", "bomb.docx", "crash.pdf"):
        assert f'attachment "{name}": extraction failed' in log, log[-3000:]


def test_reindex_extract_reads_documents_again(archive_factory):
    a = archive_factory(extract_types="docx text").start()
    send(a, [message("later pdf", "pdf", [("x.pdf", "application/pdf",
                                            docmake.pdf(["Retried pangolinword"]))]),
             message("kept docx", "docx", [("y.docx", DOCX, docmake.docx(["stored gerbilword"]))])])
    a.wait_count(2)
    assert a.ids("attachment:pangolinword") == set()
    assert len(a.ids("attachment:gerbilword")) == 1
    a.stop()
    a.settings["extract_types"] = "pdf docx text"
    a.write_conf()
    # A plain reindex keeps what was extracted and extracts nothing new.
    r = a.cli("reindex")
    assert r.returncode == 0, r.stderr
    a.start()
    assert a.ids("attachment:pangolinword") == set()
    assert len(a.ids("attachment:gerbilword")) == 1
    a.stop()
    r = a.cli("reindex", "--extract")
    assert r.returncode == 0, r.stderr
    a.start()
    assert a.ids("attachment:pangolinword") == a.ids("subject:later")
    assert len(a.ids("attachment:gerbilword")) == 1


def test_bad_extract_config_is_refused(archive_factory):
    a = archive_factory(extract_types="pdf doc")
    r = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "..", "bin", "mailarc"),
                        "-c", a.conf_path, "status"], capture_output=True, text=True)
    assert r.returncode != 0
    assert 'extract_types: "doc" is not one of' in r.stderr, r.stderr


def test_snippets_and_the_message_page_show_document_text(panel_factory):
    p = panel_factory()
    send(p.archive, [message("panel docs", "Nothing here.", [
        ("plan.docx", DOCX, docmake.docx(["The lemming expansion plan"])),
        ("broken.pdf", "application/pdf", b"%PDF-1.4\nthis is not a PDF at all\n")])])
    p.archive.wait_count(1)
    hit = p.archive.search("attachment:lemming")
    assert len(hit) == 1
    sn = hit[0]["snippet"]
    raw = sn["text"].encode()
    assert [raw[o:o + n] for o, n in sn["marks"]] == [b"lemming"], sn
    s = p.login("admin")
    page = s.get(p.url + "/message/" + hit[0]["id"]).text
    assert "Text of documents" in page
    assert "plan.docx: " in page and "bytes of text indexed" in page
    assert "broken.pdf: extraction failed: pdf: not a readable PDF" in page, page
    res = s.get(p.url + "/search", params={"q": "attachment:lemming"}).text
    assert "<mark>lemming</mark>" in res
