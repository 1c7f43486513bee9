"""Fault injection on the durable paths: write() and fsync() failing with
ENOSPC or EIO in the receiver's spool files, the indexer's blobs and the
Berkeley DB files and log (bin/fault.so, LD_PRELOAD).  In every case the
client gets 4xx or its 250 stands, nothing acknowledged is lost, nothing
partial remains, and intake resumes by itself once the fault is gone."""
import hashlib
import os
import smtplib
import time

import pytest

from conftest import BIN

SHIM = os.path.join(BIN, "fault.so")


def message(tag):
    return (f"From: f@stark.example\r\nTo: t@wayne.example\r\nSubject: fault {tag}\r\n"
            f"Message-ID: <{tag}.{time.time_ns()}@stark.example>\r\n\r\n"
            + "body line of the fault test\r\n" * 50).encode()


@pytest.fixture
def faulty(archive_factory):
    if not os.path.exists(SHIM):
        pytest.skip("bin/fault.so is built by make integration")
    a = archive_factory()
    a.fault = os.path.join(a.base, "fault.ctl")
    a.env = dict(os.environ, LD_PRELOAD=SHIM, MAILARC_FAULT=a.fault,
                 ASAN_OPTIONS="verify_asan_link_order=0:" + os.environ.get("ASAN_OPTIONS", ""))
    a.start()

    def inject(line):
        with open(a.fault + ".tmp", "w") as f:
            f.write(line + "\n")
        os.rename(a.fault + ".tmp", a.fault)

    def clear():
        if os.path.exists(a.fault):
            os.unlink(a.fault)

    a.inject, a.clear = inject, clear
    yield a
    clear()


def send(a, raw):
    with smtplib.SMTP("127.0.0.1", a.port, timeout=30) as s:
        s.sendmail("f@stark.example", ["t@wayne.example"], raw)


@pytest.mark.parametrize("fault,code", [("write ENOSPC /spool/tmp/", 452),
                                        ("write EIO /spool/tmp/", 451),
                                        ("fsync EIO /spool/tmp/", 451),
                                        ("fsync ENOSPC /spool/", 452)])
def test_receiver_fault_answers_4xx_and_leaves_nothing(faulty, fault, code):
    a = faulty
    a.inject(fault)
    raw = message("rx")
    with smtplib.SMTP("127.0.0.1", a.port, timeout=30) as s:
        with pytest.raises(smtplib.SMTPDataError) as e:
            s.sendmail("f@stark.example", ["t@wayne.example"], raw)
        assert e.value.smtp_code == code, e.value
    time.sleep(0.5)
    assert a.spool_files("tmp") == [] and a.spool_files("new") == []
    assert a.count() == 0
    a.clear()
    send(a, raw)                        # the sender's retry
    a.wait_count(1)
    assert a.cat(hashlib.sha256(raw).hexdigest()) == raw


@pytest.mark.parametrize("fault", ["write ENOSPC /store/", "write EIO /store/",
                                   "write ENOSPC /db/log.", "fsync EIO /db/",
                                   "write EIO /db/"])
def test_indexer_fault_keeps_the_spool_file_and_resumes(faulty, fault):
    a = faulty
    first = message("before")
    send(a, first)
    a.wait_count(1)
    a.inject(fault)
    acked = [message(f"during{i}") for i in range(5)]
    for raw in acked:
        send(a, raw)                    # 250: on disk in the spool
    time.sleep(4)                       # the indexer tries, and fails
    assert len(a.spool_files("new")) >= 1, "acknowledged mail must stay in the spool"
    a.clear()
    a.wait_count(1 + len(acked), timeout=120)
    for raw in [first] + acked:
        assert a.cat(hashlib.sha256(raw).hexdigest()) == raw
    assert a.count() == 1 + len(acked)  # once each
    deadline = time.time() + 30
    while a.spool_files("new") and time.time() < deadline:
        time.sleep(0.2)
    assert a.spool_files("new") == [] and a.spool_files("bad") == []
    # Intake goes on as before.
    later = message("after")
    send(a, later)
    a.wait_count(2 + len(acked))


def test_poison_message_is_set_aside_and_intake_goes_on(faulty):
    """A message that kills the indexer whenever it is read (here: the
    shim kills the process when its charset is opened) is archived
    unindexed after two deaths, with a note in spool/bad; mail sent with it
    and after it is indexed as usual."""
    a = faulty
    a.inject("iconv_open KILL x-poison-charset")
    good = [message(f"good{i}") for i in range(4)]
    poison = (b"From: p@stark.example\r\nTo: t@wayne.example\r\nSubject: poison\r\n"
              b"Content-Type: text/plain; charset=x-poison-charset\r\n\r\npoisonword\r\n")
    with smtplib.SMTP("127.0.0.1", a.port, timeout=30) as s:
        for raw in good[:2] + [poison] + good[2:]:
            s.sendmail("p@stark.example", ["t@wayne.example"], raw)
    a.wait_count(len(good) + 1, timeout=120)
    pid = hashlib.sha256(poison).hexdigest()
    assert a.cat(pid) == poison                    # the exact bytes are kept
    assert a.ids("poisonword") == set()            # but not indexed by content
    assert pid in a.ids("to:t@wayne.example")      # found by its envelope
    for i, raw in enumerate(good):
        assert a.ids(f"subject:good{i}") == {hashlib.sha256(raw).hexdigest()}
    notes = [f for f in a.spool_files("bad") if f.endswith(".poison")]
    assert len(notes) == 1
    with open(os.path.join(a.data, "spool", "bad", notes[0])) as f:
        note = f.read()
    assert pid in note and "indexer died 2 times" in note
    status = a.cli("status").stdout.decode()
    assert "poison:        1 message(s)" in status, status
    assert a.log().count("indexer pid") >= 2
    assert a.spool_files("new") == []
    a.clear()
    later = message("after")
    send(a, later)
    a.wait_count(len(good) + 2)


def test_indexer_killed_inside_the_database_is_recovered(faulty):
    """The indexer dies (SIGKILL) in the middle of a Berkeley DB log write,
    holding the library's own mutexes.  failchk then says the environment
    needs recovery; the master must recover it (never wait on the dead
    process's mutex) and intake go on with nothing acknowledged lost."""
    a = faulty
    first = message("before-kill")
    send(a, first)
    a.wait_count(1)
    a.inject("write KILL /db/log. mailarc-indexer")
    second = message("killed-in-db")
    send(a, second)                     # 250: in the spool
    deadline = time.time() + 30
    while "killed by signal 9" not in a.log() and time.time() < deadline:
        time.sleep(0.2)
    a.clear()
    assert "indexer pid" in a.log() and "killed by signal 9" in a.log()
    third = message("after-kill")
    send(a, third)
    a.wait_count(3, timeout=90)
    for raw in (first, second, third):
        assert a.cat(hashlib.sha256(raw).hexdigest()) == raw
