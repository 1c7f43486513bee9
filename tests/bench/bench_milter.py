#!/usr/bin/env python3
"""Milter benchmark: the gencorpus stream through a private Postfix that
relays to smtp-sink, once without and once with mailarc-milter in its
smtpd_milters, in one invocation.  The same client (smtpblast, 16 sessions)
sends both runs.  Prints, for each, the time until Postfix acknowledged
every message and the time until its queue was empty again, the milter's
cost per message, and the ratio.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
from bench_ingest import blast, corpus, free_port, wait_port  # noqa: E402
from postfixlib import Postfix  # noqa: E402


def run_postfix(bindir, sessions, env, eml, sink_port, milter_port):
    base = tempfile.mkdtemp(prefix="mailarc-bench-pf-")
    os.chmod(base, 0o755)
    main = {"default_transport": "smtp", "relay_transport": "smtp",
            "relayhost": f"[127.0.0.1]:{sink_port}", "smtpd_client_connection_count_limit": "0",
            "default_process_limit": "200"}
    if milter_port:
        main.update({"smtpd_milters": f"inet:127.0.0.1:{milter_port}",
                     "milter_default_action": "tempfail", "milter_protocol": "6"})
    p = Postfix(base, main=main).start()
    try:
        t0 = time.monotonic()
        sent, acked_s = blast(bindir, p.port, sessions, env, eml)
        p.wait_queue_empty(timeout=1800)
        drained_s = time.monotonic() - t0
        rejected = p.log().count("milter-reject")
        return sent, acked_s, drained_s, rejected
    finally:
        p.stop()
        shutil.rmtree(base, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sessions", type=int, default=16)
    a = ap.parse_args()
    d, env, distinct = corpus(a.count, a.seed)
    eml = os.path.join(d, "eml")
    print(f"corpus: {a.count} messages ({distinct} distinct), seed {a.seed}, "
          f"{a.sessions} concurrent sessions into Postfix, relayed to smtp-sink")
    sink_port = free_port()
    sink = subprocess.Popen(["smtp-sink", "-u", "nobody", f"127.0.0.1:{sink_port}", "256"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = tempfile.mkdtemp(prefix="mailarc-bench-milter-")
    os.chmod(base, 0o755)
    mport, sport = free_port(), free_port()
    conf = os.path.join(base, "mailarc.conf")
    with open(conf, "w") as f:
        f.write(f"data_dir = {base}/data\nsmtp_listen = 127.0.0.1:{sport}\nlog_syslog = no\n"
                f"milter_listen = inet:127.0.0.1:{mport}\nuser = nobody\n"
                f"indexer_sweep_interval = 1\n")
    log = open(os.path.join(base, "log"), "w")
    master = subprocess.Popen([os.path.join(a.bin, "mailarcd"), "-f", "-c", conf],
                              stdout=log, stderr=log)
    try:
        wait_port(sink_port)
        wait_port(sport)
        ref = run_postfix(a.bin, a.sessions, env, eml, sink_port, 0)
        got = run_postfix(a.bin, a.sessions, env, eml, sink_port, mport)
        deadline = time.time() + 600
        while time.time() < deadline:
            r = subprocess.run([os.path.join(a.bin, "mailarc"), "-c", conf, "search", "--count"],
                               capture_output=True, text=True)
            if r.stdout.strip() and int(r.stdout) >= distinct:
                break
            time.sleep(0.2)
        archived = r.stdout.strip()
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait()
        log.close()
        sink.send_signal(signal.SIGTERM)
        sink.wait()
        shutil.rmtree(base, ignore_errors=True)
    for name, (sent, acked, drained, rej) in (("Postfix alone (reference)", ref),
                                               ("Postfix + mailarc-milter", got)):
        print(f"{name:27s} {sent} acknowledged in {acked:.2f} s = {sent / acked:.0f} msg/s; "
              f"queue empty after {drained:.2f} s; {rej} milter rejects")
    cost_ms = (got[1] - ref[1]) / a.count * 1000 * a.sessions
    print(f"milter cost per message:    {cost_ms:.2f} ms of session time "
          f"(({got[1]:.2f} - {ref[1]:.2f}) s x {a.sessions} sessions / {a.count})")
    print(f"ratio (with / without):     {got[1] / ref[1]:.2f} acknowledged, "
          f"{got[2] / ref[2]:.2f} queue empty")
    print(f"archived:                   {archived} of {distinct} distinct messages searchable")


if __name__ == "__main__":
    main()
