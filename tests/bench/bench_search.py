#!/usr/bin/env python3
"""Search benchmark: mailarc next to notmuch on the same corpus and queries.

Both index the gencorpus messages (seed 1): mailarc through SMTP as in
production (timed from the first connection to the last message
searchable) and again with `mailarc reindex` (from the store, the closest
match to `notmuch new` reading files); notmuch with `notmuch new` over the
same files.  Then fixed queries of every kind (phrases and negated
phrases included) run through each
command line (a fresh process per query, first page of 50, newest first),
each several times; p50/p99 latency and the index sizes are printed with
their ratios.  The latency includes starting the process and opening the
database, for both.  mailarc's latency inside one long-running process
(what the web panel sees: environment joined once, search plus reading the
page's 50 records) is measured too, with bin/searchbench.  Peak memory (RSS) is printed for the indexer, for
that one long-running search process, for `mailarc reindex` and for
`notmuch new`; the index size with the share of word positions; and the
fixed cost of starting each command line.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_ingest import blast, corpus, free_port, wait_port  # noqa: E402

# (mailarc query, notmuch query or None when notmuch has no such search)
QUERIES = [
    ("budget", "budget"),
    ("the", "the"),
    ("body:merger", "body:merger"),
    ("subject:invoice", "subject:invoice"),
    ("from:acme0.example", "from:acme0.example"),
    ("to:hooli4.example", "to:hooli4.example"),
    ("from:alice", "from:alice"),
    ("cc:globex1.example", None),
    ("filename:pdf", "attachment:pdf"),
    ("has:attachment", "tag:attachment"),
    ("after:2025-06-01 before:2025-07-01", "date:2025-06-01..2025-06-30"),
    ("on:2025-03-15", "date:2025-03-15"),
    ("larger:100K", None),
    ("compliance regulator filing", "compliance and regulator and filing"),
    ('body:"quarterly report"', 'body:"quarterly report"'),
    ('"quarterly report"', '"quarterly report"'),
    ('budget -"quarterly report"', 'budget and not "quarterly report"'),
    ('"the report"', '"the report"'),
    ("invoice OR merger", "invoice or merger"),
    ("subject:audit -body:merger", "subject:audit and not body:merger"),
    ("from:acme0.example budget -draft after:2025-01-01",
     "from:acme0.example and budget and not draft and date:2025-01-01.."),
    ("subject:überweisung", "subject:überweisung"),
    ("msgid:{msgid}", "id:{msgid}"),
]


def dir_mb(*paths):
    total = 0
    for p in paths:
        for root, _, files in os.walk(p):
            for f in files:
                try:
                    total += os.path.getsize(os.path.join(root, f))
                except OSError:
                    pass
    return total / 1048576.0


def timed_rss(cmd, env=None):
    """(seconds, stdout, exit status, peak RSS in MB) of one command."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                         stdin=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - t0, out, p.returncode, ru.ru_maxrss / 1024.0


def hwm_mb(pid):
    """VmHWM of a live process, in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def child_pid(parent, name):
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        if ppid == parent and comm == name[:15]:
            return int(d)
    return None


def start_cost(cmd, reps=50):
    """Median seconds to run a command that does nothing much."""
    ts = []
    for _ in range(reps):
        t0 = time.monotonic()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ts.append(time.monotonic() - t0)
    return statistics.median(ts)


def timed(cmd, env=None):
    t = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.monotonic() - t, r


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def first_msgid(eml):
    name = sorted(os.listdir(eml))[0]
    with open(os.path.join(eml, name), "rb") as f:
        for line in f:
            if line.lower().startswith(b"message-id:"):
                return line.split(b":", 1)[1].strip().strip(b"<>").decode()
    raise SystemExit("no Message-ID in " + name)


def notmuch_env(eml, work):
    """A private notmuch configuration over the files in eml: its environment."""
    home = os.path.join(work, "notmuch")
    os.makedirs(os.path.join(home, "db"))
    cfg = os.path.join(home, "config")
    with open(cfg, "w") as f:
        f.write(f"[database]\npath={home}/db\nmail_root={eml}\n"
                "[new]\ntags=\n[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=false\n")
    return dict(os.environ, NOTMUCH_CONFIG=cfg)


def run_notmuch(eml, work, queries, reps, reuse=None):
    """notmuch new over the corpus, then the queries.  reuse: (the work
    directory of an earlier invocation over the same corpus, its notmuch new
    seconds, its peak RSS in MB): its database is queried, new is not run."""
    if reuse:
        home = os.path.join(reuse[0], "notmuch")
        env = dict(os.environ, NOTMUCH_CONFIG=os.path.join(home, "config"))
        t, rss = reuse[1], reuse[2]
    else:
        home = os.path.join(work, "notmuch")
        env = notmuch_env(eml, work)
        t, _, rc, rss = timed_rss(["notmuch", "new", "--quiet"], env)
        if rc != 0:
            raise SystemExit(f"notmuch new failed: exit {rc}")
    size = dir_mb(os.path.join(home, "db"))
    lat = {}
    for q in queries:
        if q is None:
            continue
        cmd = ["notmuch", "search", "--output=messages", "--sort=newest-first", "--limit=50", q]
        timed(cmd, env)
        lat[q] = [timed(cmd, env)[0] for _ in range(reps)]
        hits = timed(["notmuch", "count", q], env)[1].stdout.strip()
        lat[q + " #"] = hits
    lat["rss"] = rss
    lat["start"] = start_cost(["notmuch", "--version"])
    return t, size, lat


def run_mailarc(bindir, env, eml, distinct, work, queries, reps, sessions, cache, reuse=None,
                extra=""):
    """reuse: (the work directory of an earlier --keep run over the same
    corpus, its ingest seconds, its reindex seconds or None to run reindex
    now): that archive is queried, nothing is sent.  extra: more
    mailarc.conf lines (a reused archive gets them too)."""
    if reuse:
        work = reuse[0]
    conf = os.path.join(work, "mailarc.conf")
    data = os.path.join(work, "data")
    if reuse:
        with open(conf) as f:
            text = f.read()
        port = int(text.split("smtp_listen = 127.0.0.1:")[1].split()[0])
        if extra and extra not in text:
            with open(conf, "a") as f:
                f.write(extra)
    else:
        port = free_port()
        with open(conf, "w") as f:
            f.write(f"data_dir = {data}\nsmtp_listen = 127.0.0.1:{port}\nlog_syslog = no\n"
                    f"smtpd_min_idle = 4\nindexer_sweep_interval = 1\n"
                    f"db_cache_size = {cache}\n{extra}")
            if os.geteuid() == 0:
                f.write("user = nobody\n")
    log = open(os.path.join(work, "mailarcd.log"), "a")
    master = subprocess.Popen([os.path.join(bindir, "mailarcd"), "-f", "-c", conf],
                              stdout=log, stderr=log)
    cli = [os.path.join(bindir, "mailarc"), "-c", conf]
    try:
        wait_port(port)
        t0 = time.monotonic()
        if not reuse:
            blast(bindir, port, sessions, env, eml)
        while True:
            r = subprocess.run(cli + ["search", "--count"], capture_output=True, text=True)
            if r.stdout.strip() and int(r.stdout) >= distinct:
                break
            time.sleep(0.05)
        ingest = reuse[1] if reuse else time.monotonic() - t0
        lat = {}
        ipid = child_pid(master.pid, "mailarc-indexer")
        lat["indexer rss"] = hwm_mb(ipid) if ipid else 0.0
        if reuse and reuse[2] is not None:
            # a negative number: reindex is not timed in this run
            reindex, lat["reindex rss"] = reuse[2], float("nan")
        else:
            t, out, rc, rss = timed_rss(cli + ["reindex"])
            if rc != 0:
                raise SystemExit("mailarc reindex failed: " + out.decode())
            reindex = t
            lat["reindex rss"] = rss
        db = os.path.join(data, "db")
        files = [os.path.join(db, f) for f in os.listdir(db) if f.endswith(".db")]
        size = sum(os.path.getsize(f) for f in files) / 1048576.0
        lat["pos size"] = os.path.getsize(os.path.join(db, "pos.db")) / 1048576.0
        logs = dir_mb(db) - size
        lat["start"] = start_cost(cli + ["-h"])
        lat["true"] = start_cost(["/bin/true"])
        for q in queries:
            cmd = cli + ["search", "--limit", "50", "--", q]
            timed(cmd)
            lat[q] = [timed(cmd)[0] for _ in range(reps)]
            lat[q + " #"] = timed(cli + ["search", "--count", "--", q])[1].stdout.strip()
        p = subprocess.Popen([os.path.join(bindir, "searchbench"), conf, str(reps)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        p.stdin.write("\n".join(queries) + "\n")
        p.stdin.close()
        outs = p.stdout.read()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        r = subprocess.CompletedProcess([], p.returncode, outs, "")
        lat["searchbench rss"] = ru.ru_maxrss / 1024.0
        if r.returncode != 0:
            raise SystemExit("searchbench failed")
        inproc = [float(line.split()[0]) for line in r.stdout.splitlines()]
        worst = [float(line.split()[1]) for line in r.stdout.splitlines()]
        lat["inproc"] = (inproc, worst)
        return ingest, reindex, size, logs, lat
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait()
        log.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--sessions", type=int, default=16)
    ap.add_argument("--data-parent", default="/tmp")
    ap.add_argument("--cache", default="256M", help="mailarc's db_cache_size")
    ap.add_argument("--notmuch-from", metavar="DIR",
                    help="query the notmuch database an earlier --keep run left in DIR "
                         "instead of running notmuch new again (hours at a million)")
    ap.add_argument("--notmuch-new-seconds", type=float,
                    help="with --notmuch-from: what notmuch new took in that run")
    ap.add_argument("--notmuch-new-rss", type=float, default=float("nan"),
                    help="with --notmuch-from: notmuch new's peak RSS (MB) in that run")
    ap.add_argument("--mailarc-from", metavar="DIR",
                    help="query the archive an earlier --keep run left in DIR instead of "
                         "ingesting again (with --ingest-seconds, and --reindex-seconds to "
                         "skip reindex too)")
    ap.add_argument("--ingest-seconds", type=float,
                    help="with --mailarc-from: what ingest via SMTP took in that run")
    ap.add_argument("--reindex-seconds", type=float,
                    help="with --mailarc-from: what reindex took, if it is not to run again "
                         "(-1: not timed)")
    ap.add_argument("--phrase-pairs", action="store_true",
                    help="index word pairs (phrase_pairs = yes, with db_max_locks raised for "
                         "reindex's truncate of the larger term.db)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the archive and notmuch database (printed) for later runs")
    a = ap.parse_args()
    if not shutil.which("notmuch"):
        raise SystemExit("notmuch is not installed (apt-get install notmuch)")
    d, env, distinct = corpus(a.count, a.seed)
    eml = os.path.join(d, "eml")
    msgid = first_msgid(eml)
    mq = [m.format(msgid=msgid) for m, _ in QUERIES]
    nq = [n.format(msgid=msgid) if n else None for _, n in QUERIES]
    work = tempfile.mkdtemp(prefix="mailarc-bench-search-", dir=a.data_parent)
    os.chmod(work, 0o755)
    try:
        print(f"corpus: {a.count} messages ({distinct} distinct), seed {a.seed}; "
              f"mailarc db_cache_size = {a.cache}"
              + ("; phrase_pairs = yes" if a.phrase_pairs else ""))
        reuse = None
        if a.notmuch_from:
            if a.notmuch_new_seconds is None:
                raise SystemExit("--notmuch-from needs --notmuch-new-seconds")
            reuse = (a.notmuch_from, a.notmuch_new_seconds, a.notmuch_new_rss)
        nm_t, nm_size, nm_lat = run_notmuch(eml, work, nq, a.reps, reuse)
        print(f"notmuch new:            {nm_t:.1f} s = {distinct / nm_t:.0f} msg/s"
              + (f" (timed by an earlier run, {a.notmuch_from}; its queries timed now)"
                 if reuse else ""))
        mreuse = None
        if a.mailarc_from:
            if a.ingest_seconds is None:
                raise SystemExit("--mailarc-from needs --ingest-seconds")
            mreuse = (a.mailarc_from, a.ingest_seconds, a.reindex_seconds)
        extra = ("phrase_pairs = yes\ndb_max_locks = 4000000\n" if a.phrase_pairs else "")
        ing, rei, size, logs, lat = run_mailarc(a.bin, env, eml, distinct, work, mq, a.reps,
                                                a.sessions, a.cache, mreuse, extra)
        earlier = f" (timed by an earlier run, {a.mailarc_from})"
        print(f"mailarc via SMTP:       {ing:.1f} s to searchable = {distinct / ing:.0f} msg/s "
              f"(ratio {nm_t / ing:.2f}x notmuch new)" + (earlier if mreuse else ""))
        if rei < 0:
            print("mailarc reindex:        not timed in this run (--reindex-seconds -1)")
        else:
            print(f"mailarc reindex:        {rei:.1f} s = {distinct / rei:.0f} msg/s "
                  f"(ratio {nm_t / rei:.2f}x notmuch new)"
                  + (earlier if mreuse and a.reindex_seconds is not None else ""))
        print(f"index size:             mailarc {size:.0f} MB (+{logs:.0f} MB transaction logs), "
              f"notmuch {nm_size:.0f} MB (ratio {size / nm_size:.2f})")
        print(f"word positions:         pos.db {lat['pos size']:.0f} MB = "
              f"{100 * lat['pos size'] / (size - lat['pos size']):.0f}% on top of the rest of "
              f"the index")
        print(f"peak RSS:               indexer {lat['indexer rss']:.0f} MB, "
              f"mailarc reindex {lat['reindex rss']:.0f} MB, one search process "
              f"(bin/searchbench, the panel's search path) {lat['searchbench rss']:.0f} MB; "
              f"notmuch new {nm_lat['rss']:.0f} MB")
        print(f"process start:          mailarc -h {lat['start'] * 1000:.2f} ms, notmuch --version "
              f"{nm_lat['start'] * 1000:.2f} ms, /bin/true {lat['true'] * 1000:.2f} ms")
        print(f"\n{'query':52} {'mailarc p50':>11} {'notmuch p50':>11} {'ratio':>6}  "
              f"{'hits':>7} {'nm hits':>7}")
        allm, alln = [], []
        faster = compared = 0
        for m, n in zip(mq, nq):
            ml = lat[m]
            allm += ml
            mp = statistics.median(ml) * 1000
            if n:
                nl = nm_lat[n]
                alln += nl
                np_ = statistics.median(nl) * 1000
                compared += 1
                faster += mp < np_
                print(f"{m[:52]:52} {mp:9.1f}ms {np_:9.1f}ms {np_ / mp:5.1f}x  "
                      f"{lat[m + ' #']:>7} {nm_lat[n + ' #']:>7}")
            else:
                print(f"{m[:52]:52} {mp:9.1f}ms {'n/a':>11} {'':>6}  {lat[m + ' #']:>7}")
        print(f"\nmailarc: p50 {pct(allm, 50) * 1000:.1f} ms, p99 {pct(allm, 99) * 1000:.1f} ms "
              f"over {len(allm)} runs of {len(mq)} queries (first page of 50)")
        print(f"notmuch: p50 {pct(alln, 50) * 1000:.1f} ms, p99 {pct(alln, 99) * 1000:.1f} ms "
              f"over {len(alln)} runs of {compared} queries it can express")
        inproc, worst = lat["inproc"]
        print(f"mailarc in one process (web panel): median of per-query medians "
              f"{statistics.median(inproc):.1f} ms, slowest query median {max(inproc):.1f} ms, "
              f"worst single run {max(worst):.1f} ms")
        print(f"mailarc faster on {faster} of {compared} comparable queries; "
              f"p50 ratio {pct(alln, 50) / pct(allm, 50):.1f}x, "
              f"p99 ratio {pct(alln, 99) / pct(allm, 99):.1f}x")
    finally:
        if a.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
