"""mailarc-web over HTTP: login, sessions, CSRF, roles, search, view,
download, restore, the audit log and daemon control, against the real
daemons (mailarcd, mailarc-web with its PAM helper) on loopback ports."""
import hashlib
import os
import re
import shutil
import smtplib
import subprocess
import tempfile
import time

import pytest
import requests
import urllib3

from conftest import BIN, sha256, write_rc_script
from webpanel import (ADDRESSES, PASSWORDS, Panel, append_only, csrf_of,  # noqa: F401
                      panel, panel_factory, sink)

urllib3.disable_warnings()


def msg(frm, to, subject, body="hello\r\n", extra=b""):
    return (f"From: {frm}\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{hashlib.md5(subject.encode()).hexdigest()}@test>\r\n"
            f"Date: Tue, 03 Nov 2026 10:00:00 +0000\r\n").encode() + extra + b"\r\n" + \
        body.encode()


# What each login may see; Bcc and envelope-only recipients included.
MAIL = {
    "to_alice": ("bob@example.org", ["alice@example.com"],
                 msg("Bob <bob@example.org>", "alice@example.com", "quarterly budget")),
    "bcc_alice": ("carol@other.org", ["dave@other.org", "alice.smith@example.com"],
                  msg("carol@other.org", "dave@other.org", "merger plans secret")),
    "other": ("carol@other.org", ["dave@other.org"],
              msg("carol@other.org", "dave@other.org", "private budget of dave")),
    "bob_out": ("bob@example.org", ["erin@other.org"],
                msg("bob@example.org", "erin@other.org", "bob budget offer")),
    "html": ("alice@example.com", ["frank@other.org"],
             msg("alice@example.com", "frank@other.org", "html newsletter",
                 "<html><body><p>Visible words</p><script>alert('x')</script>"
                 "<img src=\"http://tracker.example/p.gif\"></body></html>\r\n",
                 b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n")),
}
SEES = {
    "alice": {"to_alice", "bcc_alice", "html"},
    "bob": {"to_alice", "bob_out"},
    "admin": set(MAIL),
    "audrey": set(MAIL),
}
IDS = {k: sha256(v[2]) for k, v in MAIL.items()}


def feed(archive):
    with smtplib.SMTP("127.0.0.1", archive.port) as s:
        for frm, rcpts, raw in MAIL.values():
            s.sendmail(frm, rcpts, raw)
    archive.wait_count(len(MAIL))


@pytest.fixture
def loaded(panel):
    feed(panel.archive)
    return panel


def test_login_new_session_id_cookie_flags_and_logout(panel):
    s = panel.session()
    r = s.get(panel.url + "/login")
    before = s.cookies["mailarc_session"]
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    r = s.post(panel.url + "/login", data={"user": "admin", "password": PASSWORDS["admin"],
                                           "csrf": csrf_of(r.text)}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/"
    after = s.cookies["mailarc_session"]
    assert after != before and len(after) == 64
    # session fixation: the id known before login is worth nothing after it
    fixed = requests.get(panel.url + "/", cookies={"mailarc_session": before},
                         allow_redirects=False)
    assert fixed.status_code == 303 and fixed.headers["Location"] == "/login"
    assert s.get(panel.url + "/").status_code == 200
    # logout needs the token, then ends the session for good
    assert s.post(panel.url + "/logout", allow_redirects=False).status_code == 403
    r = s.post(panel.url + "/logout", data={"csrf": panel.csrf(s)}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    old = requests.get(panel.url + "/", cookies={"mailarc_session": after},
                       allow_redirects=False)
    assert old.status_code == 303
    audit = panel.audit()
    assert "login=admin action=login result=ok" in audit
    assert "login=admin action=logout result=ok" in audit


def test_every_route_needs_a_session(panel):
    for path in ("/", "/search?q=x", "/message/" + "a" * 64, "/message/" + "a" * 64 + ".eml",
                 "/admin/daemon", "/admin/audit"):
        r = requests.get(panel.url + path, allow_redirects=False)
        assert r.status_code == 303 and r.headers["Location"] == "/login", path
    r = requests.get(panel.url + "/api/search?q=x", allow_redirects=False)
    assert r.status_code == 401 and r.json()["error"]
    for path in ("/restore", "/admin/daemon", "/logout"):
        assert requests.post(panel.url + path, data={"to": "original"},
                             allow_redirects=False).status_code == 403, path
    assert requests.get(panel.url + "/static/mailarc.css").status_code == 200
    assert requests.get(panel.url + "/static/mailarc.conf").status_code == 404


def test_login_without_or_with_a_wrong_token_is_forbidden(panel):
    s = panel.session()
    r = s.get(panel.url + "/login")
    good = {"user": "admin", "password": PASSWORDS["admin"]}
    assert s.post(panel.url + "/login", data=good, allow_redirects=False).status_code == 403
    assert s.post(panel.url + "/login", data={**good, "csrf": "0" * 64},
                  allow_redirects=False).status_code == 403
    # a login form posted from another site
    assert s.post(panel.url + "/login", data={**good, "csrf": csrf_of(r.text)},
                  headers={"Origin": "http://evil.example"},
                  allow_redirects=False).status_code == 403
    r = s.post(panel.url + "/login", data={**good, "csrf": csrf_of(r.text)},
               headers={"Origin": panel.url}, allow_redirects=False)
    assert r.status_code == 303


def test_wrong_password_then_lockout(panel):
    s = panel.session()
    tok = csrf_of(s.get(panel.url + "/login").text)
    for _ in range(3):
        r = s.post(panel.url + "/login", data={"user": "bob", "password": "wrong", "csrf": tok},
                   allow_redirects=False)
        assert r.status_code == 401
        assert "Wrong login or password" in r.text
    # locked now, even with the right password
    r = s.post(panel.url + "/login", data={"user": "bob", "password": PASSWORDS["bob"],
                                           "csrf": tok}, allow_redirects=False)
    assert r.status_code == 429 and "Too many failed logins" in r.text
    # another login from the same address is not locked by bob's failures
    panel.login("alice")
    audit = panel.audit()
    assert audit.count("login=bob action=login result=failed") == 3
    assert "login=bob action=login result=locked-out" in audit
    # an unknown login is refused the same way as a wrong password
    r = s.post(panel.url + "/login", data={"user": "mallory", "password": "x", "csrf": tok},
               allow_redirects=False)
    assert r.status_code == 401


@pytest.mark.parametrize("login", ["alice", "bob", "admin", "audrey"])
def test_each_role_sees_exactly_its_mail(loaded, login):
    s = loaded.login(login)
    got = {h["id"] for h in loaded.api(s, "")["results"]}
    assert got == {IDS[k] for k in SEES[login]}
    got = {h["id"] for h in loaded.api(s, "budget")["results"]}
    want = {IDS[k] for k in SEES[login] if "budget" in MAIL[k][2].decode()}
    assert got == want
    # the same answer as the CLI gives for that login
    cli = loaded.archive.cli("search", "--json", "--as", login, "budget")
    assert {line.split('"')[3] for line in cli.stdout.decode().splitlines()} == want
    # the HTML results page lists the same messages
    page = s.get(loaded.url + "/search", params={"q": "budget"}).text
    assert set(re.findall(r'/message/([0-9a-f]{64})"', page)) == want


def test_idor_message_download_restore_answer_like_missing(loaded, sink):
    s = loaded.login("alice")
    missing = "0123456789ab" * 5 + "cdef"
    not_hers = IDS["other"]
    for suffix in ("", ".eml"):
        a = s.get(loaded.url + "/message/" + not_hers + suffix)
        b = s.get(loaded.url + "/message/" + missing + suffix)
        assert a.status_code == b.status_code == 404
        assert a.text == b.text
        # a unique prefix is an id too, and is no way around it either
        assert s.get(loaded.url + "/message/" + not_hers[:16] + suffix).status_code == 404
    assert s.get(loaded.url + "/message/" + IDS["bcc_alice"]).status_code == 200
    tok = loaded.csrf(s)
    a = s.post(loaded.url + "/restore", data={"id": not_hers, "to": "original", "csrf": tok})
    b = s.post(loaded.url + "/restore", data={"id": missing, "to": "original", "csrf": tok})
    assert a.status_code == b.status_code == 404
    assert "no such message" in a.text and "no such message" in b.text
    assert sink.messages == []
    # her own message, but to someone else's address: refused
    r = s.post(loaded.url + "/restore", data={"id": IDS["to_alice"], "to": "bob@example.org",
                                               "csrf": tok})
    assert r.status_code == 403 and "only to your own addresses" in r.text
    # the admin pages are not hers
    assert s.get(loaded.url + "/admin/daemon").status_code == 403
    assert s.get(loaded.url + "/admin/audit").status_code == 403
    assert s.post(loaded.url + "/admin/daemon", data={"action": "stop", "csrf": tok}
                  ).status_code == 403


def test_bcc_recipient_does_not_see_other_hidden_recipients(loaded):
    # dave (To) must not learn of alice's Bcc; alice sees only herself
    s = loaded.login("alice")
    page = s.get(loaded.url + "/message/" + IDS["bcc_alice"]).text
    assert "alice.smith@example.com" in page
    assert page.count("dave@other.org") == 1           # the To header only


def test_download_is_the_exact_message(loaded):
    s = loaded.login("alice")
    for key in SEES["alice"]:
        r = s.get(loaded.url + f"/message/{IDS[key]}.eml")
        assert r.status_code == 200
        assert r.headers["Content-Type"] == "message/rfc822"
        assert r.headers["Content-Disposition"] == f'attachment; filename="{IDS[key]}.eml"'
        assert hashlib.sha256(r.content).hexdigest() == IDS[key]
    audit = loaded.audit()
    assert f"login=alice action=download result=ok detail=\"{IDS['to_alice']}\"" in audit


def test_archived_html_is_shown_as_text_only(loaded):
    s = loaded.login("admin")
    r = s.get(loaded.url + "/message/" + IDS["html"])
    assert r.status_code == 200
    assert "Visible words" in r.text
    assert "<script" not in r.text and "<img" not in r.text
    assert "tracker.example" not in r.text
    assert "script-src" not in r.headers["Content-Security-Policy"]


def test_filter_rows_and_direction(loaded):
    s = loaded.login("admin")
    r = s.get(loaded.url + "/search", params={"f1": "from", "c1": "has", "v1": "bob@example.org",
                                              "f2": "subject", "c2": "not", "v2": "offer"})
    assert r.status_code == 200
    assert "Query:  from:\"bob@example.org\" -subject:\"offer\"" in r.text
    assert set(re.findall(r'/message/([0-9a-f]{64})"', r.text)) == {IDS["to_alice"]}
    # a user's "sent" is what their addresses sent
    a = loaded.login("alice")
    r = a.get(loaded.url + "/search", params={"dir": "sent"})
    assert set(re.findall(r'/message/([0-9a-f]{64})"', r.text)) == {IDS["html"]}
    r = a.get(loaded.url + "/search", params={"dir": "received", "q": "budget OR merger"})
    assert set(re.findall(r'/message/([0-9a-f]{64})"', r.text)) == {IDS["to_alice"],
                                                                    IDS["bcc_alice"]}
    # a condition that does not fit the field, and a bad query: 400, said plainly
    r = s.get(loaded.url + "/search", params={"f1": "date", "c1": "has", "v1": "x"})
    assert r.status_code == 400 and "does not apply" in r.text
    r = s.get(loaded.url + "/search", params={"q": "has:pdf"})
    assert r.status_code == 400 and "Bad query" in r.text
    r = s.get(loaded.url + "/api/search", params={"q": "after:2026-13-45"})
    assert r.status_code == 400 and "after" in r.json()["error"]


def test_api_paging(loaded):
    s = loaded.login("admin")
    full = loaded.api(s, "")
    assert full["total"] == len(MAIL)
    pages = []
    for off in range(0, len(MAIL), 2):
        pages += loaded.api(s, "", limit=2, offset=off)["results"]
    assert [h["id"] for h in pages] == [h["id"] for h in full["results"]]
    assert set(full["results"][0]) == {"id", "date", "from", "to", "subject", "size"}


def test_restore_to_original_recipients_arrives_with_resent_fields(panel_factory,
                                                                   archive_factory):
    dest = archive_factory().start()
    p = panel_factory(relay_host=f"127.0.0.1:{dest.port}")
    feed(p.archive)
    s = p.login("admin")
    r = s.post(p.url + "/restore", data={"id": [IDS["bcc_alice"], IDS["to_alice"]],
                                         "to": "original", "csrf": p.csrf(s)})
    assert r.status_code == 200, r.text
    assert r.text.count(">sent<") == 3 and "REFUSED" not in r.text
    dest.wait_count(2)
    for key, word in (("bcc_alice", "merger"), ("to_alice", "quarterly")):
        original = MAIL[key][2]
        got = dest.search(f"subject:{word}")
        assert len(got) == 1
        raw = dest.cat(got[0]["id"])
        assert raw.endswith(original)           # the original bytes, unchanged
        head = raw[:-len(original)]
        assert re.match(rb"Resent-Date: .+\r\nResent-From: mailarc@.+\r\nResent-To: .+\r\n"
                        rb"Resent-Message-ID: <[0-9a-f]{32}\.\d+@.+>\r\n$", head, re.S), head
        # the Bcc recipient got it without being named to the others
        assert b"alice.smith" not in head
    # envelope recipients: every original one, Bcc included
    show = dest.cli("show", dest.ids("subject:merger").pop()).stdout.decode()
    assert "alice.smith@example.com" in show and "dave@other.org" in show
    assert p.audit().count("action=restore result=sent") == 3


def test_restore_reports_a_refused_recipient(panel_factory, sink):
    p = panel_factory(relay_host=f"127.0.0.1:{sink.port}")
    with smtplib.SMTP("127.0.0.1", p.archive.port) as s:
        s.sendmail("x@example.com", ["ok@example.com", "refuse-me@example.com"],
                   msg("x@example.com", "ok@example.com", "two recipients"))
    p.archive.wait_count(1)
    mid = p.archive.ids("subject:two").pop()
    s = p.login("admin")
    r = s.post(p.url + "/restore", data={"id": mid, "to": "original", "csrf": p.csrf(s)})
    assert r.status_code == 502
    assert "no such user here" in r.text and "REFUSED" in r.text
    assert len(sink.messages) == 1 and sink.messages[0][1] == ["ok@example.com"]


def test_user_restores_to_own_address_auditor_cannot(panel_factory, sink):
    p = panel_factory(relay_host=f"127.0.0.1:{sink.port}")
    feed(p.archive)
    a = p.login("alice")
    r = a.post(p.url + "/restore", data={"id": IDS["bcc_alice"], "to": "original",
                                         "csrf": p.csrf(a)})
    assert r.status_code == 200, r.text
    assert [m[1] for m in sink.messages] == [["alice.smith@example.com"]]
    r = a.post(p.url + "/restore", data={"id": IDS["to_alice"], "to": "address",
                                         "address": "alice.smith@example.com",
                                         "csrf": p.csrf(a)})
    assert r.status_code == 200
    au = p.login("audrey")
    r = au.post(p.url + "/restore", data={"id": IDS["to_alice"], "to": "original",
                                          "csrf": p.csrf(au)})
    assert r.status_code == 403 and len(sink.messages) == 2
    assert au.get(p.url + "/admin/audit").status_code == 200
    assert au.get(p.url + "/admin/daemon").status_code == 403


def test_cli_redeliver(panel_factory, sink):
    p = panel_factory(relay_host=f"127.0.0.1:{sink.port}", relay_auth_user="arch",
                      relay_auth_password="pw", redeliver_message_id="new")
    feed(p.archive)
    a = p.archive
    r = a.cli("redeliver", "-e", "restore@example.net", IDS["to_alice"][:16])
    assert r.returncode == 0, r.stderr
    assert f"{IDS['to_alice']}  restore@example.net  sent  250" in r.stdout.decode()
    sender, rcpts, data = sink.messages[-1]
    assert rcpts == ["restore@example.net"] and sender.startswith("mailarc@")
    assert sink.auth == ["AGFyY2gAcHc="]           # AUTH PLAIN \0arch\0pw
    original = MAIL["to_alice"][2]
    old_id = re.search(rb"Message-ID: (<[^>]+>)", original).group(1)
    assert b"X-Original-Message-ID: " + old_id in data
    assert data.count(b"Message-ID: <") == 3      # Resent-, new, X-Original-
    assert data.endswith(original.replace(b"Message-ID: " + old_id + b"\r\n", b""))
    # -r: the original envelope recipients, ClearOS's spelling too
    r = a.cli("-a", "redeliver", "-r", IDS["bcc_alice"])
    assert r.returncode == 0, r.stderr
    assert sorted(sink.messages[-1][1]) == ["alice.smith@example.com", "dave@other.org"]
    # refused, unknown, bad arguments
    with smtplib.SMTP("127.0.0.1", a.port) as s:
        s.sendmail("x@example.com", ["refuse@example.com"], msg("x@example.com",
                                                                "refuse@example.com", "nope"))
    a.wait_count(len(MAIL) + 1)
    r = a.cli("redeliver", "-r", a.ids("subject:nope").pop())
    assert r.returncode == 1 and b"REFUSED  550 5.1.1" in r.stdout
    r = a.cli("redeliver", "-r", "f" * 64)
    assert r.returncode == 1 and b"NOT FOUND" in r.stdout
    assert a.cli("redeliver", "-e", "not an address", IDS["html"]).returncode == 2
    assert a.cli("redeliver", IDS["html"]).returncode == 2


def test_cli_redeliver_relay_down(archive_factory):
    from conftest import free_port
    a = archive_factory(relay_host=f"127.0.0.1:{free_port()}").start()
    feed(a)
    r = a.cli("redeliver", "-e", "x@example.net", IDS["html"])
    assert r.returncode == 3 and b"Connection refused" in r.stderr


def test_dashboard(loaded):
    s = loaded.login("admin")
    r = s.get(loaded.url + "/")
    assert r.status_code == 200
    text = re.sub(r"<[^>]+>", " ", r.text)
    assert re.search(r"\b5\s+today\b", text)
    assert re.search(r"\b5\s+this month\b", text)
    assert re.search(r"\b5\s+messages in the archive\b", text)
    assert re.search(r"\d+ busy, \d+ idle\s+receivers", text)
    assert re.search(r"\b0\s+waiting to be indexed", text)
    assert "disk left" in text and "mailarcd is running" in text
    assert r.text.count('class="bar"') == 30
    # When each capture path last brought mail (all of it came over SMTP).
    assert re.search(r"Capture\s+path\s+last message\s+smtp\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC "
                     r"\(\d+ (s|min) ago\)", text), text
    assert "is the mail server still sending" not in text
    # a user gets a page of their own, without the archive's figures
    u = loaded.login("bob").get(loaded.url + "/")
    assert u.status_code == 200 and "messages in the archive" not in u.text


def test_audit_log_is_append_only_and_survives_restart(loaded):
    s = loaded.login("admin")
    s.get(loaded.url + "/search", params={"q": "budget"})
    s.get(loaded.url + f"/message/{IDS['html']}")
    before = loaded.audit()
    for needle in ("action=login result=ok", 'action=search result=ok detail="budget"',
                   f'action=view result=ok detail="{IDS["html"]}"'):
        assert needle in before, needle
    if os.geteuid() == 0:
        assert append_only(loaded.audit_path) in (True, None)
    loaded.stop()
    loaded.start()
    loaded.login("audrey").get(loaded.url + "/admin/audit")
    after = loaded.audit()
    assert after.startswith(before)
    assert "login=audrey action=audit-read" in after[len(before):]
    page = loaded.login("admin").get(loaded.url + "/admin/audit").text
    assert "login=audrey action=audit-read" in page


def test_https_cookie_is_secure(panel_factory, tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    os.chmod(tmp_path, 0o755)
    panel = panel_factory(web_tls_cert=str(cert), web_tls_key=str(key))
    r = requests.get(panel.url + "/login", verify=str(cert))
    assert "Secure" in r.headers["Set-Cookie"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    s = panel.login("admin")
    assert s.get(panel.url + "/").status_code == 200
    with pytest.raises(requests.RequestException):
        requests.get(panel.url.replace("https:", "http:") + "/login", timeout=5)


def test_bad_config_is_refused(archive_factory):
    a = archive_factory(web_session_idle="ten")
    r = subprocess.run([os.path.join(BIN, "mailarc-web"), "-f", "-c", a.conf_path],
                       capture_output=True, timeout=30)
    assert r.returncode == 2
    assert b"web_session_idle" in r.stderr and b"mailarc.conf:" in r.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: sudo and a sudoers drop-in")
def test_daemon_control_through_sudo_and_the_rc_script(panel_factory):
    """mailarc-web runs as nobody; it stops and starts mailarcd through real
    sudo and the real rc script (a copy pointing at this build)."""
    if shutil.which("sudo") is None:
        pytest.skip("sudo is not installed")
    ctl = tempfile.mkdtemp(prefix="mailarc-rc-", dir="/tmp")
    os.chmod(ctl, 0o755)
    rc = os.path.join(ctl, "mailarc")
    sudoers = f"/etc/sudoers.d/mailarc-test-{os.path.basename(ctl)[-8:].replace('.', '_')}"
    try:
        p = panel_factory(start_archive=False, daemon_control=f"sudo -n {rc}")
        write_rc_script(rc, p.archive.conf_path)
        rule = ", ".join(f"{rc} {v}" for v in ("start", "stop", "restart", "status"))
        with open(sudoers + ".tmp", "w") as f:
            f.write(f"nobody ALL=(root) NOPASSWD: {rule}\n")
        os.chmod(sudoers + ".tmp", 0o440)
        assert subprocess.run(["visudo", "-cf", sudoers + ".tmp"]).returncode == 0
        os.rename(sudoers + ".tmp", sudoers)
        # the rc script itself: truthful exit codes
        assert subprocess.run([rc, "status"], capture_output=True).returncode == 3
        s = p.login("admin")
        page = s.get(p.url + "/admin/daemon").text
        assert "stopped (status exit 3)" in page
        r = s.post(p.url + "/admin/daemon", data={"action": "start", "csrf": p.csrf(s, "/")})
        assert r.status_code == 200
        assert "start: done (exit status 0)" in r.text, r.text
        assert "running (status exit 0)" in r.text
        assert p.archive.cli("status").returncode == 0
        assert subprocess.run([rc, "status"], capture_output=True).returncode == 0
        # mail flows into the daemon the panel started
        feed(p.archive)
        r = s.post(p.url + "/admin/daemon", data={"action": "stop", "csrf": p.csrf(s, "/")})
        assert "stop: done (exit status 0)" in r.text and "stopped (status exit 3)" in r.text
        assert p.archive.cli("status").returncode == 3
        r = s.post(p.url + "/admin/daemon", data={"action": "restart", "csrf": p.csrf(s, "/")})
        assert "restart: done" in r.text and "running (status exit 0)" in r.text
        assert p.archive.count() == len(MAIL)
        # the panel could not do anything else through sudo
        r = subprocess.run(["sudo", "-u", "nobody", "sudo", "-n", "/bin/true"],
                           capture_output=True)
        assert r.returncode != 0
        audit = p.audit()
        assert "action=daemon result=ok detail=\"start exit=0\"" in audit
        assert "action=daemon result=ok detail=\"stop exit=0\"" in audit
    finally:
        subprocess.run([rc, "stop"], capture_output=True)
        for f in (sudoers, sudoers + ".tmp"):
            if os.path.exists(f):
                os.unlink(f)
        shutil.rmtree(ctl, ignore_errors=True)


def test_sighup_reloads_roles_and_keeps_a_bad_config_out(panel):
    import signal as sig
    s = panel.login("bob")
    assert s.get(panel.url + "/admin/audit").status_code == 403
    panel.archive.settings["admin_users"] = "admin, bob"
    panel.archive.write_conf()
    panel.proc.send_signal(sig.SIGHUP)
    deadline = time.time() + 10
    while s.get(panel.url + "/admin/audit").status_code != 200 and time.time() < deadline:
        time.sleep(0.1)
    assert s.get(panel.url + "/admin/audit").status_code == 200     # same session, new role
    with open(panel.archive.conf_path, "a") as f:
        f.write("web_lockout_time = forever\n")
    panel.proc.send_signal(sig.SIGHUP)
    deadline = time.time() + 10
    while "keeping the configuration" not in panel.log() and time.time() < deadline:
        time.sleep(0.1)
    assert "web_lockout_time" in panel.log()
    assert s.get(panel.url + "/admin/audit").status_code == 200


def test_concurrent_queries_answer_as_one_at_a_time(panel_factory):
    """Many threads parsing and running queries at once get exactly the
    answers that one query at a time gets (no shared parser state)."""
    import concurrent.futures
    loaded = panel_factory(web_max_connections_per_address="32")
    feed(loaded.archive)
    s = loaded.login("admin")
    queries = ["budget OR merger", "budget OR offer html", "from:bob@example.org OR to:frank@other.org",
               "budget -offer", "merger OR newsletter OR offer", "to:dave@other.org budget OR secret"]
    want = {q: sorted(h["id"] for h in loaded.api(s, q)["results"]) for q in queries}
    assert any(want.values())

    def one(i):
        q = queries[i % len(queries)]
        return q, sorted(h["id"] for h in loaded.api(s, q)["results"])

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        got = list(pool.map(one, range(600)))
    wrong = [(q, ids) for q, ids in got if ids != want[q]]
    assert wrong == []


def test_parallel_wrong_passwords_get_only_the_limit_of_checks(panel_factory):
    """20 wrong passwords at once: exactly web_lockout_failures PAM checks."""
    import concurrent.futures
    panel = panel_factory(web_max_connections_per_address="32")

    def attempt(_):
        s = panel.session()
        tok = csrf_of(s.get(panel.url + "/login").text)
        return s.post(panel.url + "/login", data={"user": "bob", "password": "wrong", "csrf": tok},
                      allow_redirects=False).status_code

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(attempt, range(20)))
    audit = panel.audit()
    assert audit.count("login=bob action=login result=failed") == 3   # web_lockout_failures
    assert codes.count(401) == 3 and codes.count(429) == 17


def test_lockout_exempt_addresses(panel_factory):
    p = panel_factory(web_lockout_exempt_addresses="127.0.0.0/8")
    s = p.session()
    tok = csrf_of(s.get(p.url + "/login").text)
    for _ in range(6):
        r = s.post(p.url + "/login", data={"user": "admin", "password": "wrong", "csrf": tok},
                   allow_redirects=False)
        assert r.status_code == 401
    p.login("admin")                    # never locked from the exempt network


def test_foreign_host_names_are_not_served(panel_factory):
    """DNS rebinding: a Host that is not the panel's gets 421, with or
    without a session; the panel's own names are served."""
    p = panel_factory()
    s = p.login("admin")
    for host in ("evil.example", "evil.example:%d" % p.port, "127.0.0.1:1", "localhost.evil:80"):
        r = s.get(p.url + "/", headers={"Host": host}, allow_redirects=False)
        assert r.status_code == 421, host
        r = s.post(p.url + "/logout", headers={"Host": host, "Origin": "http://" + host},
                   data={"csrf": p.csrf(s, "/")}, allow_redirects=False)
        assert r.status_code == 421, host
    assert s.get(p.url + "/").status_code == 200
    named = panel_factory(web_hostnames="archive.example.com, 127.0.0.1")
    for host in ("archive.example.com", "ARCHIVE.example.com:%d" % named.port, "127.0.0.1:9"):
        r = requests.get(named.url + "/login", headers={"Host": host})
        assert r.status_code == 200, host
    r = requests.get(named.url + "/login", headers={"Host": "localhost:%d" % named.port})
    assert r.status_code == 421         # not listed, though it is this machine


def test_nul_in_a_form_field_is_refused(loaded):
    s = loaded.login("admin")
    tok = loaded.csrf(s, "/")
    r = s.post(loaded.url + "/restore", data={"id": IDS["to_alice"], "to": "x@example.com\x00y",
                                              "csrf": tok}, allow_redirects=False)
    assert r.status_code == 400 and "NUL" in r.text
    r = s.get(loaded.url + "/search?q=budget%00merger")
    assert r.status_code == 400 and "NUL" in r.text


def test_anonymous_posts_cannot_flood_the_audit_log(panel_factory):
    p = panel_factory(web_audit_anonymous_limit="10")
    big = "/" + "x" * 100000
    for _ in range(40):
        r = requests.post(p.url + big, data={"a": "b"}, allow_redirects=False)
        assert r.status_code == 403
    audit = p.audit()
    refused = [ln for ln in audit.splitlines() if "action=csrf" in ln]
    assert 1 <= len(refused) <= 12
    assert all(len(ln) < 1024 for ln in audit.splitlines())
    assert "(100001 bytes)" in refused[0]
    # One entry that is written counts the ones that were not.
    time.sleep(7)
    requests.post(p.url + "/restore", data={"a": "b"}, allow_redirects=False)
    assert "result=suppressed" in p.audit()


def test_audit_page_pages_through_the_whole_log(panel):
    s = panel.login("admin")
    for i in range(1200):
        s.get(panel.url + "/search", params={"q": f"pagingword{i}"})
    seen, url, pages = [], panel.url + "/admin/audit", 0
    while url and pages < 20:
        r = s.get(url)
        assert r.status_code == 200
        seen += re.findall(r"pagingword(\d+)", r.text)
        m = re.search(r'href="(/admin/audit\?before=\d+)"', r.text)
        url = panel.url + m.group(1) if m else None
        pages += 1
    assert sorted(set(int(x) for x in seen)) == list(range(1200))
    assert pages >= 3


def test_trickling_clients_do_not_lock_out_others(panel_factory):
    """64 connections from two addresses, each trickling its request one
    byte at a time: other clients are still served, and the trickling ones
    are cut off once web_request_timeout has passed."""
    import socket
    import threading
    p = panel_factory(web_request_timeout="6")
    socks, stop = [], threading.Event()
    for k in range(64):
        s = socket.socket()
        s.bind((f"127.0.0.{2 + k % 2}", 0))
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", p.port))
            s.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            socks.append(s)
        except OSError:
            s.close()

    def trickle():
        while not stop.is_set():
            for s in socks:
                try:
                    s.send(b"X")
                except OSError:
                    pass
            time.sleep(0.5)

    t = threading.Thread(target=trickle)
    t.start()
    try:
        time.sleep(2)
        r = requests.get(p.url + "/login", timeout=10)
        assert r.status_code == 200
        time.sleep(8)
        cut = 0
        for s in socks:
            try:
                s.settimeout(0.5)
                cut += s.recv(4096) == b""
            except ConnectionResetError:
                cut += 1
            except (socket.timeout, OSError):
                pass
        assert cut == len(socks), f"{len(socks) - cut} trickling connections still open"
    finally:
        stop.set()
        t.join()
        for s in socks:
            s.close()


def test_message_page_shows_journal_reports_to_admins_only(panel):
    """A message that came in an Exchange journal report: the admin sees the
    report's id and the recipient notes; Bob, a Bcc recipient, sees the
    message but not who else it was expanded to."""
    from test_journal_reports import ORIGINAL, report
    rep = report(b"Sender: alice@example.com\r\nTo: carol@contoso.example, "
                 b"Expanded: team@contoso.example\r\nBcc: bob@example.org\r\n")
    with smtplib.SMTP("127.0.0.1", panel.archive.port) as s:
        s.sendmail("journal@contoso.example", ["archive@archive.example"], rep)
    panel.archive.wait_count(1)
    mid = hashlib.sha256(ORIGINAL).hexdigest()
    page = panel.login("admin").get(panel.url + "/message/" + mid).text
    text = re.sub(r"<[^>]+>", " ", page)
    assert re.search(r"Journal reports\s+" + hashlib.sha256(rep).hexdigest(), text), text
    assert "carol@contoso.example Expanded: team@contoso.example" in text
    bob = panel.login("bob").get(panel.url + "/message/" + mid)
    assert bob.status_code == 200
    assert "Expanded:" not in bob.text and "Journal reports" not in bob.text
