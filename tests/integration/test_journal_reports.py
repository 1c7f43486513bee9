"""Exchange / Microsoft 365 envelope journal reports, built from the
documented format: the archived message is the attached original, byte for
byte, with the envelope the report gives; the report is kept beside it."""
import hashlib
import os
import smtplib
import subprocess

from conftest import BIN

ORIGINAL = (b"From: Alice <alice@contoso.example>\r\nTo: Team <team@contoso.example>\r\n"
            b"Subject: merger timeline\r\nDate: Wed, 02 Dec 2026 09:00:00 +0000\r\n"
            b"Message-ID: <merger@contoso.example>\r\n\r\n"
            b"The timeline, as agreed.\r\n")


def report(envtext, original=ORIGINAL, marker=b"X-MS-Journal-Report:", cte=b""):
    return (b"From: Microsoft Outlook <journal@contoso.example>\r\n"
            b"To: archive@archive.example\r\nSubject: merger timeline\r\n" + marker + b"\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"JR\"\r\n\r\n"
            b"--JR\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n"
            b"Content-Transfer-Encoding: 7bit\r\n\r\n" + envtext + b"\r\n"
            b"--JR\r\nContent-Type: message/rfc822\r\n" + cte + b"\r\n" + original +
            b"\r\n--JR--\r\n")


FULL = (b"Sender: alice@contoso.example\r\nSubject: merger timeline\r\n"
        b"Message-ID: <merger@contoso.example>\r\n"
        b"To: bob@contoso.example, Expanded: team@contoso.example\r\n"
        b"To: carol@contoso.example, Expanded: team@contoso.example\r\n"
        b"Cc: dave@contoso.example\r\n"
        b"Bcc: erin@contoso.example\r\n"
        b"Recipient: frank@fabrikam.example, Forwarded: gina@contoso.example\r\n")


def send(a, data, rcpt="archive@archive.example"):
    with smtplib.SMTP("127.0.0.1", a.port) as s:
        s.sendmail("journal@contoso.example", [rcpt], data)


def env_to(show):
    line = [l for l in show.splitlines() if l.startswith("Env-To:")][0]
    return sorted(line[len("Env-To:"):].strip().split(", "))


def test_report_is_archived_as_its_original(archive):
    a = archive
    rep = report(FULL)
    send(a, rep)
    a.wait_count(1)
    want = hashlib.sha256(ORIGINAL).hexdigest()
    hits = a.ids("subject:merger")
    assert hits == {want}                   # one hit: the original, not the report
    assert a.cat(want) == ORIGINAL
    show = a.cli("show", want).stdout.decode()
    assert env_to(show) == ["bob@contoso.example", "carol@contoso.example",
                            "dave@contoso.example", "erin@contoso.example",
                            "frank@fabrikam.example"]
    assert "Env-From:   alice@contoso.example" in show
    assert "bob@contoso.example Expanded: team@contoso.example" in show
    assert "frank@fabrikam.example Forwarded: gina@contoso.example" in show
    # Bcc in the report means a Bcc-only recipient finds it.
    assert a.ids("to:erin@contoso.example") == {want}
    # The report itself, kept as it came.
    rid = hashlib.sha256(rep).hexdigest()
    assert f"Journal:    {rid}" in show
    r = a.cli("cat", "--journal", rid)
    assert r.returncode == 0 and r.stdout == rep
    assert a.count() == 1
    assert "1 Exchange journal report(s) unwrapped, 0 malformed" in \
        a.cli("status").stdout.decode()


def test_exchange_2003_marker(archive):
    a = archive
    env = (b"Sender: alice@contoso.example\r\nMessage-ID: <merger@contoso.example>\r\n"
           b"Recipients: bob@contoso.example, henry@contoso.example\r\n")
    send(a, report(env, marker=b"Content-Identifier: ExJournalReport"))
    a.wait_count(1)
    want = hashlib.sha256(ORIGINAL).hexdigest()
    assert a.ids("to:henry@contoso.example") == {want}
    assert a.cat(want) == ORIGINAL


def test_forked_reports_merge_into_one_record(archive):
    """Exchange forks a report per recipient group; both carry the same
    original and make one record with every recipient and both reports."""
    a = archive
    one = report(b"Sender: alice@contoso.example\r\nTo: bob@contoso.example\r\n")
    two = report(b"Sender: alice@contoso.example\r\nCc: zoe@fabrikam.example\r\n"
                 b"Bcc: yann@fabrikam.example\r\n")
    send(a, one)
    send(a, two)
    want = hashlib.sha256(ORIGINAL).hexdigest()
    a.wait_count(1)
    import time
    deadline = time.time() + 30
    while time.time() < deadline and a.ids("to:yann@fabrikam.example") != {want}:
        time.sleep(0.2)
    assert a.ids("subject:merger") == {want}
    show = a.cli("show", want).stdout.decode()
    assert env_to(show) == ["bob@contoso.example", "yann@fabrikam.example",
                            "zoe@fabrikam.example"]
    assert "(2 arrivals)" in show
    for rep in (one, two):
        rid = hashlib.sha256(rep).hexdigest()
        assert rid in show
        assert a.cli("cat", "--journal", rid).stdout == rep
    assert a.count() == 1


def test_malformed_report_is_archived_as_it_came_and_counted(archive):
    a = archive
    bad = report(b"Subject: no sender line\r\nTo: bob@contoso.example\r\n")
    send(a, bad)
    a.wait_count(1)
    rid = hashlib.sha256(bad).hexdigest()
    assert a.ids("subject:merger") == {rid}          # the report, as an ordinary message
    assert a.cat(rid) == bad
    assert "0 Exchange journal report(s) unwrapped, 1 malformed" in \
        a.cli("status").stdout.decode()
    assert "without a Sender line; archived as an ordinary message" in a.log()
    r = a.cli("cat", "--journal", rid)
    assert r.returncode == 1 and b"no journal report" in r.stderr


def test_report_through_mailarc_deliver(archive):
    """Any path: the same unwrapping for a report piped in by the MTA."""
    a = archive
    rep = report(FULL, cte=b"Content-Transfer-Encoding: 8bit\r\n")
    r = subprocess.run([os.path.join(BIN, "mailarc"), "-c", a.conf_path, "deliver", "-f",
                        "journal@contoso.example", "--", "archive@archive.example"],
                       input=rep, capture_output=True)
    assert r.returncode == 0, r.stderr
    a.wait_count(1)
    want = hashlib.sha256(ORIGINAL).hexdigest()
    assert a.cat(want) == ORIGINAL
    assert "source=pipe" in a.cli("show", want).stdout.decode()


def test_cat_journal_rejects_bad_ids(archive):
    r = archive.cli("cat", "--journal", "xyz")
    assert r.returncode == 2 and b"64 hex digits" in r.stderr
    r = archive.cli("cat", "--journal", "0" * 64)
    assert r.returncode == 1


def test_lawful_deletion_removes_the_reports_too(archive_factory):
    """A journal report holds the message it carries: deleting the message
    deletes the report's blob as well."""
    a = archive_factory(admin_users="ann, ben", retention_default="1y", verify_interval="0")
    a.start()
    old = ORIGINAL.replace(b"Wed, 02 Dec 2026", b"Mon, 02 Dec 2024")
    rep = report(FULL, original=old)
    send(a, rep)
    a.wait_count(1)
    mid, rid = hashlib.sha256(old).hexdigest(), hashlib.sha256(rep).hexdigest()
    assert a.cli("cat", "--journal", rid).stdout == rep

    def as_user(user, *args):
        return subprocess.run([os.path.join(BIN, "mailarc"), "-c", a.conf_path, *args],
                              capture_output=True, env=dict(os.environ, SUDO_USER=user),
                              timeout=180)
    r = as_user("ann", "delete", "--request", "--reason", "expired", "subject:merger")
    assert r.returncode == 0, r.stderr
    req = r.stdout.decode().split("request ")[1].split(":")[0]
    r = as_user("ben", "delete", "--approve", req)
    assert r.returncode == 0 and b"deleted 1, skipped 0" in r.stdout, r.stdout + r.stderr
    assert a.cli("cat", mid).returncode == 1
    r = a.cli("cat", "--journal", rid)
    assert r.returncode == 1 and r.stdout == b""
    left = subprocess.run(["find", os.path.join(a.data, "store"), "-type", "f"],
                          capture_output=True, text=True).stdout.split()
    assert left == [], left
    assert a.cli("verify").returncode == 0
