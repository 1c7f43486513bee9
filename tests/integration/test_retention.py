"""Retention rules, legal holds and four-eyes deletion, against sets
computed from the corpus: the rules pick the right messages, a hold blocks
deletion (also of mail that matches it later), the requester cannot
approve and an auditor cannot ask, approval deletes exactly the expected
set, and what is left is tombstones, audit lines and a clean verify."""
import calendar
import collections
import os
import re
import shutil
import subprocess
import time
from datetime import datetime, timezone

import pytest

import burnlib
import expect
from conftest import BIN, load_corpus, make_base


@pytest.fixture(scope="module")
def corpus300():
    items, d = load_corpus(300, 41)
    yield items
    shutil.rmtree(d, ignore_errors=True)


def as_user(a, user, *args):
    env = dict(os.environ, SUDO_USER=user)
    r = subprocess.run([os.path.join(BIN, "mailarc"), "-c", a.conf_path, *args],
                       capture_output=True, env=env, timeout=240)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def period_end(d, n, unit):
    if unit == "d":
        return d.timestamp() + n * 86400
    months = n * 12 if unit == "y" else n
    y, m = d.year + (d.month - 1 + months) // 12, (d.month - 1 + months) % 12 + 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return d.replace(year=y, month=m, day=day).timestamp()


def domains(items):
    senders = collections.Counter(it["mail_from"].split("@")[1].lower() for it in items)
    rcpts = collections.Counter(r.split("@")[1].lower() for it in items for r in it["rcpt_to"])
    first = senders.most_common(1)[0][0]
    others = [d for d, _ in rcpts.most_common() if d != first]
    return first, others[0], others[1]


@pytest.fixture
def tmp_path():
    """Readable by the archive's user: the indexer reads the rules too."""
    import pathlib
    d = make_base()
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


def test_rules_holds_and_four_eyes_deletion(archive_factory, corpus300, tmp_path):
    msgs = expect.build(corpus300)
    d1, d2, d3 = domains(corpus300)
    rules = tmp_path / "rules"
    rules.write_text(f"# finance mail goes after a month\n30d from:{d1}\n\n2y to:{d2}\n")
    os.chmod(rules, 0o644)
    a = archive_factory(burn_schedule="off", verify_interval="0", admin_users="alice, bob",
                        auditor_users="carol", retention_default="1y",
                        retention_rules=str(rules))
    a.start()
    burnlib.send(a.port, corpus300)
    a.wait_count(len(msgs))
    now = time.time()

    # What the corpus says: each message's rule, and whether it expired.
    rule_sets = [expect.expected(msgs, [f"from:{d1}"]), expect.expected(msgs, [f"to:{d2}"])]
    periods = [(30, "d"), (2, "y")]
    rule_of, expired = {}, set()
    for mid, m in msgs.items():
        k = next((i for i, s in enumerate(rule_sets) if mid in s), 2)
        rule_of[mid] = k
        date = m.date or datetime.fromtimestamp(now, timezone.utc)
        if period_end(date, *(periods[k] if k < 2 else (1, "y"))) <= now:
            expired.add(mid)
    held = expect.expected(msgs, [f"to:{d3}"])
    assert expired - held and expired & held, "the corpus gives no case to test"

    # A bad rules file is refused, naming the line.
    bad = tmp_path / "bad"
    bad.write_text("30d from:x\n10 years to:y\n")
    os.chmod(bad, 0o644)
    with open(a.conf_path, "a") as f:
        f.write(f"; \nretention_rules = {bad}\n")
    rc, out, err = as_user(a, "alice", "retention")
    assert rc == 2 and f"{bad}:2: \"10\" is not a period" in err, err
    a.write_conf()

    # The report, per rule: messages, expired, expired and held.
    assert as_user(a, "carol", "hold", "add", "x", "to:y")[0] == 2     # an auditor may not
    rc, out, err = as_user(a, "alice", "hold", "add", "case-7", "--reason", "litigation",
                           f"to:{d3}")
    assert rc == 0, err
    rc, out, err = as_user(a, "alice", "retention")
    assert rc == 0, err
    rows = {}
    for line in out.splitlines()[1:]:
        f = line.split()
        rows[f[0]] = tuple(int(x) for x in f[1:4]) if f[0] == "total" else \
            tuple(int(x) for x in f[2:5])
    for k, name in ((0, "1"), (1, "2"), (2, "-")):
        ids = {m for m in msgs if rule_of[m] == k}
        assert rows[name] == (len(ids), len(ids & expired), len(ids & expired & held)), (name, out)

    # Copies on media first: the deletion then names the volume.
    month = burnlib.month_str(now)
    r = a.cli("burn", "--media", "cd", "--month", month)
    assert r.returncode == 0, r.stderr.decode()
    image = r.stdout.decode().split()[0]

    # A query wholly under the hold (or not expired): no request at all.
    rc, out, err = as_user(a, "alice", "delete", "--request", "--reason", "tidy", f"to:{d3}")
    assert rc == 1 and "nothing to delete: no request made" in out, out + err
    # An auditor cannot ask.
    rc, out, err = as_user(a, "carol", "delete", "--request", "--reason", "x", "before:2026-06-01")
    assert rc == 2 and "carol is not an admin" in err
    rc, out, err = as_user(a, "alice", "delete", "--request", "--reason", "GDPR Art. 17",
                           "before:2026-06-01")
    assert rc == 0, err
    q = expect.expected(msgs, ["before:2026-06-01"])
    want = (q & expired) - held
    assert (f"{len(q)} messages match: {len(want)} can be deleted; left out: "
            f"{len(q - held - expired)} not past retention, {len(q & held)} under a legal hold"
            in out), out
    req = re.search(r"request (\d{8}-\d{6}-[0-9a-f]{6}):", out).group(1)

    # A hold placed after the request still protects what it covers.
    late = sorted(want)[:3]
    late_hold = " OR ".join(f"msgid:{msgs[m].msgid}" for m in late)
    rc, out, err = as_user(a, "alice", "hold", "add", "late", *late_hold.split())
    assert rc == 0, err
    want -= set(late)

    # The requester cannot approve; an auditor cannot; another admin can.
    rc, out, err = as_user(a, "alice", "delete", "--approve", req)
    assert rc == 2 and "another admin must approve it" in err
    assert as_user(a, "carol", "delete", "--approve", req)[0] == 2
    rc, out, err = as_user(a, "bob", "delete", "--approve", req)
    assert rc == 0, out + err
    assert f"deleted {len(want)}, skipped 3" in out, out
    assert f"copies remain on media: {month}-v1of1" in out, out

    # Exactly that set is gone: search, cat; the rest is all there.
    left = set(msgs) - want
    assert a.ids() == left
    assert a.count() == len(left)
    for mid in sorted(want)[:5]:
        r = a.cli("cat", mid)
        assert r.returncode == 1 and r.stdout == b""
        assert f"{mid} was lawfully deleted" in r.stderr.decode()
    for mid in sorted(left)[:5]:
        assert a.cat(mid) == msgs[mid].raw

    # Tombstones keep who and why; the audit log has each step.
    dump = subprocess.run(["db5.3_dump", "-h", os.path.join(a.data, "db"), "msg.db"],
                          capture_output=True, check=True).stdout.decode()
    tombs = [x for x in dump.split("\n") if ("request=" + req).encode().hex() in x]
    assert len(tombs) == len(want)
    for t in tombs:
        for field in ("requester=alice", "approver=bob", "rule="):
            assert field.encode().hex() in t
    audit = open(os.path.join(a.data, "log", "audit.log")).read()
    assert re.search(rf"login=alice action=delete-request result=ok detail=\"request={req} "
                     rf"deletable={len(want) + 3} ", audit)
    assert f"login=alice action=delete-approve result=refused detail=\"request={req}\"" in audit
    assert f"login=bob action=delete-approve result=ok detail=\"request={req}\"" in audit
    assert "login=alice action=hold-add result=ok detail=\"name=case-7" in audit

    # The disc still carries them: its check says so, and is no failure.
    r = a.cli("verify", "--media", image)
    out = r.stdout.decode()
    assert r.returncode == 0 and out.splitlines()[-1].startswith("OK"), out
    assert {re.search(r"/([0-9a-f]{64})\.eml", x).group(1) for x in out.splitlines()
            if x.startswith("DELETED  ")} == want

    # A lawful deletion verifies clean, tombstones counted.
    r = a.cli("verify")
    assert r.returncode == 0, r.stdout.decode()
    assert f"{len(msgs)} records ({len(want)} deleted)" in r.stdout.decode()
    # Released, the hold no longer protects.
    assert as_user(a, "alice", "hold", "release", "late")[0] == 0
    rc, out, err = as_user(a, "alice", "hold", "list")
    assert "case-7" in out and "late" not in out
    rc, out, err = as_user(a, "alice", "delete", "--list")
    assert f"{req}  done" in out


def test_auto_delete_only_when_configured_and_never_held(archive_factory):
    """retention_auto_delete = yes: the indexer asks and approves by itself,
    still never past a hold.  Mail dated 2026-11-03, kept for 14 days."""
    from test_web import IDS, feed
    a = archive_factory(admin_users="alice", retention_default="14d", verify_interval="0")
    a.start()
    feed(a)
    assert as_user(a, "alice", "hold", "add", "dave", "to:dave@other.org")[0] == 0
    time.sleep(2)
    assert a.count() == len(IDS)            # not configured: nothing goes by itself
    a.stop()
    a.settings["retention_auto_delete"] = "yes"
    a.write_conf()
    a.start()
    held = {IDS["bcc_alice"], IDS["other"]}
    deadline = time.time() + 30
    while a.count() > len(held) and time.time() < deadline:
        time.sleep(0.3)
    assert a.ids() == held
    rc, out, err = as_user(a, "alice", "delete", "--list")
    assert "by retention_auto_delete; 3 to delete, left out 0 not expired, 2 held" in out, out
    assert "approved by retention_auto_delete" in out and "deleted 3, skipped 0" in out
    r = a.cli("verify")
    assert r.returncode == 0 and "(3 deleted)" in r.stdout.decode()


def test_a_request_expires_unapproved(archive_factory):
    from test_web import feed
    a = archive_factory(admin_users="ann, ben", retention_default="14d", verify_interval="0")
    a.start()
    feed(a)
    rc, out, err = as_user(a, "ann", "delete", "--request", "--reason", "tidy", "budget")
    assert rc == 0, err
    req = re.search(r"request (\S+):", out).group(1)
    path = os.path.join(a.data, "deletions", req + ".req")
    text = open(path).read()
    assert re.search(r"^expires=(\d+)$", text, re.M)
    # As if delete_request_ttl (7d by default) had passed.
    with open(path, "w") as f:
        f.write(re.sub(r"^expires=\d+$", "expires=1", text, flags=re.M))
    rc, out, err = as_user(a, "ben", "delete", "--approve", req)
    assert rc == 2 and f"request {req} is expired" in err, err
    rc, out, err = as_user(a, "ann", "delete", "--list")
    assert f"{req}  expired" in out
    assert a.count() == 5
