"""Documents made for the tests with Python's own tools, and their text read
back independently of mailarc: zipfile and xml.etree for OOXML and
OpenDocument, poppler's pdftotext for PDF."""
import io
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
import zlib

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _zip(parts):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, data)
    return buf.getvalue()


def docx(paragraphs):
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_esc(p)}</w:t></w:r></w:p>'
                   for p in paragraphs)
    return _zip([
        ("[Content_Types].xml",
         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
         'content-types"><Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
         'officedocument.wordprocessingml.document.main+xml"/></Types>'),
        ("word/document.xml",
         f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}'
         '</w:body></w:document>')])


def xlsx(rows):
    """rows of strings: shared strings, as spreadsheet programs write them."""
    strings = [c for r in rows for c in r]
    sst = "".join(f"<si><t>{_esc(s)}</t></si>" for s in strings)
    cells, k = [], 0
    for i, r in enumerate(rows):
        cs = []
        for j, _ in enumerate(r):
            cs.append(f'<c r="{chr(65 + j)}{i + 1}" t="s"><v>{k}</v></c>')
            k += 1
        cells.append(f'<row r="{i + 1}">{"".join(cs)}</row>')
    return _zip([
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
         'openxmlformats.org/package/2006/content-types"/>'),
        ("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{S}">{sst}</sst>'),
        ("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{S}">'
         f'<sheetData>{"".join(cells)}</sheetData></worksheet>')])


def odt(paragraphs):
    body = "".join(f"<text:p>{_esc(p)}</text:p>" for p in paragraphs)
    return _zip([
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", f'<?xml version="1.0"?><office:document-content xmlns:office="{OFFICE}" '
         f'xmlns:text="{TEXT}"><office:body><office:text>{body}</office:text></office:body>'
         '</office:document-content>')])


def pdf(lines, compress=False, content=None):
    """A minimal PDF: Helvetica text, one line per string; or a raw content stream."""
    if content is None:
        ops = ["BT /F1 12 Tf 72 720 Td 14 TL"]
        for ln in lines:
            ops.append("(%s) Tj T*" % ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        ops.append("ET")
        content = "\n".join(ops).encode()
    extra = b""
    if compress:
        content = zlib.compress(content, 9)
        extra = b" /Filter /FlateDecode"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offs = b"%PDF-1.4\n", []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def pdf_nested_forms(depth):
    """Form i draws form i+1 ten times; the page draws form 0 ten times."""
    def obj(n, body):
        return b"%d 0 obj\n" % n + body + b"\nendobj\n"
    first = 6
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /XObject << /X %d 0 R >> >> >>" % first,
            5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    draw = b"/X Do " * 10
    objs[4] = b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream"
    for i in range(depth):
        n = first + i
        body = draw if i < depth - 1 else b"q Q"
        res = b"/Resources << /XObject << /X %d 0 R >> >>" % (n + 1) if i < depth - 1 else b""
        objs[n] = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] %s /Length %d >>\n"
                   b"stream\n" % (res, len(body)) + body + b"\nendstream")
    out, offs = b"%PDF-1.4\n", {}
    for n in sorted(objs):
        offs[n] = len(out)
        out += obj(n, objs[n])
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offs[n]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return out


def rtf(paragraphs):
    def enc(s):
        return "".join(c if ord(c) < 128 else "\\u%d?" % ord(c) for c in s)
    return ("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}{\\*\\generator mailarc tests;}"
            "{\\info{\\title hiddentitleword}}\\f0 "
            + "\\par ".join(enc(p) for p in paragraphs) + "}").encode()


# ---- independent readers ----------------------------------------------------

def _paras(xml, para_tags):
    root = ET.fromstring(xml)
    out = []
    for el in root.iter():
        if el.tag in para_tags:
            out.append("".join(el.itertext()))
    return out


def zip_text(data, kind):
    z = zipfile.ZipFile(io.BytesIO(data))
    if kind == "docx":
        return "\n".join(_paras(z.read("word/document.xml"), {f"{{{W}}}p"}))
    if kind == "xlsx":
        return "\n".join(_paras(z.read("xl/sharedStrings.xml"), {f"{{{S}}}si"}))
    if kind == "odt":
        return "\n".join(_paras(z.read("content.xml"), {f"{{{TEXT}}}p", f"{{{TEXT}}}h"}))
    raise ValueError(kind)


def pdf_text(data):
    r = subprocess.run(["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode()


def text_of(kind, data):
    return pdf_text(data) if kind == "pdf" else zip_text(data, kind)


def words(text):
    return [w.lower() for w in re.findall(r"\w+", text) if not w.startswith("_")]
