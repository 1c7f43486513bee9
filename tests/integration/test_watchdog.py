"""The capture watchdog: when no mail has arrived for capture_silence_alert,
one alert goes through relay_host to alert_to; none while mail flows, and
one per silence.  The relay is a second archive: a real SMTP server whose
store shows exactly what was sent."""
import smtplib
import time


def send(a, i):
    with smtplib.SMTP("127.0.0.1", a.port) as s:
        s.sendmail("s@stark.example", ["t@wayne.example"],
                   f"Subject: flowing {i} {time.time_ns()}\r\n\r\nx\r\n".encode())


def alerts(sink):
    return sink.search("subject:mailarc")


def wait_alerts(sink, n, timeout=40):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = alerts(sink)
        if len(got) >= n:
            return got
        time.sleep(0.5)
    raise AssertionError(f"{len(alerts(sink))} alert(s), expected {n}")


def test_silence_sends_one_alert_per_silence(archive_factory):
    sink = archive_factory().start()
    a = archive_factory(capture_silence_alert="6s", alert_to="ops@example.com, oncall@example.com",
                        relay_host=f"127.0.0.1:{sink.port}", relay_tls="none").start()
    # Mail flows for longer than the limit: no alert.
    t_end = time.time() + 12
    i = 0
    while time.time() < t_end:
        send(a, i)
        i += 1
        time.sleep(1)
    a.wait_count(i)
    assert alerts(sink) == [], a.log()[-2000:]
    # Silence: one alert, to both addresses, through the relay.
    got = wait_alerts(sink, 1)
    mid = got[0]["id"]
    show = sink.cli("show", mid).stdout.decode()
    assert "no mail has arrived for a while" in show
    env_to = [l for l in show.splitlines() if l.startswith("Env-To:")][0]
    assert "ops@example.com" in env_to and "oncall@example.com" in env_to
    text = sink.cat(mid).decode()
    assert "Last message over smtp" in text, text
    assert "capture_silence_alert (6 s)" in text
    assert "capture watchdog: no mail for" in a.log()
    status = a.cli("status").stdout.decode()
    assert "capture:       smtp" in status, status
    assert "warning:       no mail for more than capture_silence_alert" in status
    # The same silence is not reported again.
    time.sleep(10)
    assert len(alerts(sink)) == 1
    # Mail again, then a new silence: a second alert.
    send(a, i)
    a.wait_count(i + 1)
    wait_alerts(sink, 2)
    assert len(alerts(sink)) == 2


def test_watchdog_off_and_bad_values(archive_factory):
    a = archive_factory(capture_silence_alert="0")
    assert a.cli("status").returncode in (0, 3)
    b = archive_factory(capture_silence_alert="2 hours")
    r = b.cli("status")
    assert r.returncode == 2
    assert b"capture_silence_alert" in r.stderr and b"duration" in r.stderr
