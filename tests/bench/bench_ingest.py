#!/usr/bin/env python3
"""Ingest benchmark: the gencorpus stream over 16 concurrent SMTP sessions.

Reference, measured in the same run: Postfix's smtp-sink receiving the same
stream from the same client.  mailarc is timed from the first connection to
the moment the last distinct message is searchable.  Prints messages/s for
both, their ratio, and the indexer's peak RSS.
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import procs  # noqa: E402
GENCORPUS = os.path.join(ROOT, "..", "shared", "tools", "gencorpus.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(100).startswith(b"220"):
                    s.sendall(b"QUIT\r\n")
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing answers on port {port}")


def corpus(count, seed):
    d = os.path.join(tempfile.gettempdir(), f"mailarc-bench-{count}-{seed}")
    env = os.path.join(d, "envelopes.jsonl")
    if not os.path.exists(env):
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([sys.executable, GENCORPUS, "--count", str(count), "--seed", str(seed),
                        "--eml", os.path.join(d, "eml"), "--envelopes", env + ".tmp"], check=True)
        os.rename(env + ".tmp", env)
    distinct = set()
    for name in os.listdir(os.path.join(d, "eml")):
        with open(os.path.join(d, "eml", name), "rb") as f:
            distinct.add(hashlib.sha256(f.read()).hexdigest())
    return d, env, len(distinct)


def start_archive(bindir, base, extra=""):
    """mailarcd on a fresh data_dir under base: (master, conf, port, log)."""
    port = free_port()
    conf = os.path.join(base, "mailarc.conf")
    with open(conf, "w") as f:
        f.write(f"data_dir = {base}/data\nsmtp_listen = 127.0.0.1:{port}\nlog_syslog = no\n"
                f"indexer_sweep_interval = 1\n{extra}")
        if os.geteuid() == 0:
            f.write("user = nobody\n")
    log = open(os.path.join(base, "log"), "w")
    master = subprocess.Popen([os.path.join(bindir, "mailarcd"), "-f", "-c", conf],
                              stdout=log, stderr=log)
    wait_port(port)
    return master, conf, port, log


def stop_archive(master, log):
    master.send_signal(signal.SIGTERM)
    master.wait()
    log.close()


def wait_searchable(bindir, conf, n, pause=0.02):
    """Until search --count says n or more."""
    while True:
        r = subprocess.run([os.path.join(bindir, "mailarc"), "-c", conf, "search", "--count"],
                           capture_output=True, text=True)
        if r.stdout.strip() and int(r.stdout) >= n:
            return
        time.sleep(pause)


def blast(bindir, port, sessions, env, eml):
    out = subprocess.run([os.path.join(bindir, "smtpblast"), "127.0.0.1", str(port),
                          str(sessions), env, eml], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"smtpblast failed: {out.stdout}{out.stderr}")
    f = out.stdout.split()
    return int(f[1]), float(f[5])


def run_sink(bindir, sessions, env, eml):
    port = free_port()
    cmd = ["smtp-sink", "-c", f"127.0.0.1:{port}", "256"]
    if os.geteuid() == 0:
        cmd[1:1] = ["-u", "nobody"]
    sink = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        return blast(bindir, port, sessions, env, eml)
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait()


def indexer_pid(master):
    pids = procs.children(master, "mailarc-indexer")
    return pids[0] if pids else None


def vm_hwm(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def visible_latency(bindir, conf, port, n=20):
    """Seconds from a message's 250 until mailarc search finds it, idle archive."""
    import smtplib
    out = []
    with smtplib.SMTP("127.0.0.1", port) as s:
        for i in range(n):
            mid = f"latency.{i}.{time.time_ns()}@bench.example"
            raw = f"Message-ID: <{mid}>\r\nSubject: latency probe\r\n\r\nx\r\n".encode()
            s.sendmail("probe@bench.example", ["sink@bench.example"], raw)
            t = time.monotonic()
            while subprocess.run([os.path.join(bindir, "mailarc"), "-c", conf, "search",
                                  "--count", "msgid:" + mid], capture_output=True,
                                 text=True).stdout.strip() != "1":
                time.sleep(0.005)
            out.append(time.monotonic() - t)
    return out


def run_mailarc(bindir, sessions, env, eml, distinct, parent):
    base = tempfile.mkdtemp(prefix="mailarc-bench-", dir=parent)
    os.chmod(base, 0o755)
    master, conf, port, log = start_archive(bindir, base, "smtpd_min_idle = 4\n")
    try:
        latency = visible_latency(bindir, conf, port)
        base_count = len(latency)
        t0 = time.monotonic()
        sent, blast_s = blast(bindir, port, sessions, env, eml)
        idx = indexer_pid(master.pid)
        wait_searchable(bindir, conf, distinct + base_count)
        total = time.monotonic() - t0
        rss = vm_hwm(idx) if idx else float("nan")
        du = subprocess.run(["du", "-sm", os.path.join(base, "data", "store"),
                             os.path.join(base, "data", "db")], capture_output=True, text=True)
        return sent, blast_s, total, rss, du.stdout, latency
    finally:
        stop_archive(master, log)
        subprocess.run(["chattr", "-R", "-a", base], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sessions", type=int, default=16)
    ap.add_argument("--data-parent", default="/tmp",
                    help="where the archive's data_dir is made (a tmpfs shows the CPU bound)")
    a = ap.parse_args()
    d, env, distinct = corpus(a.count, a.seed)
    eml = os.path.join(d, "eml")
    print(f"corpus: {a.count} messages ({distinct} distinct), seed {a.seed}, "
          f"{a.sessions} concurrent sessions")
    ref_sent, ref_s = run_sink(a.bin, a.sessions, env, eml)
    ref_rate = ref_sent / ref_s
    print(f"smtp-sink (reference):  {ref_sent} messages in {ref_s:.2f} s = {ref_rate:.0f} msg/s")
    sent, blast_s, total, rss, du, latency = run_mailarc(a.bin, a.sessions, env, eml,
                                                         distinct, a.data_parent)
    fs = subprocess.run(["df", "--output=fstype", a.data_parent], capture_output=True,
                        text=True).stdout.split()[-1]
    print(f"data_dir on:            {a.data_parent} ({fs})")
    rate = sent / total
    print(f"mailarc acknowledged:   {sent} messages in {blast_s:.2f} s = {sent / blast_s:.0f} msg/s")
    print(f"mailarc searchable:     {distinct} distinct after {total:.2f} s = {rate:.0f} msg/s "
          f"(first connection to last message searchable)")
    print(f"ratio to smtp-sink:     {rate / ref_rate:.2f}")
    print(f"indexer peak RSS:       {rss:.1f} MB")
    latency.sort()
    print(f"250 to searchable:      median {latency[len(latency) // 2] * 1000:.0f} ms, "
          f"max {latency[-1] * 1000:.0f} ms (single messages, idle archive, "
          f"including a mailarc search per poll)")
    print("disk (MB):\n" + du)


if __name__ == "__main__":
    main()
