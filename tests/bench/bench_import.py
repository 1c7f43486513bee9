#!/usr/bin/env python3
"""Import benchmark: a gencorpus mbox imported by `mailarc import` until
every message is searchable, next to `notmuch new` indexing the same
messages (as files) in the same run.  Prints messages/s for both, the
ratio, and the peak RSS of the import process and of the indexer (flat in
the size of the file is the aim)."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from bench_ingest import corpus, start_archive, stop_archive, vm_hwm, wait_searchable  # noqa: E402
from bench_search import notmuch_env  # noqa: E402
import procs  # noqa: E402


def write_mbox(eml, path):
    """mboxrd: each message after a From line, quoted where needed."""
    n = 0
    with open(path, "wb") as f:
        for name in sorted(os.listdir(eml)):
            with open(os.path.join(eml, name), "rb") as g:
                m = g.read()
            f.write(b"From bench@example.com Mon Dec  1 10:00:00 2026\n")
            for line in m.splitlines(keepends=True):
                k = len(line) - len(line.lstrip(b">"))
                f.write(b">" + line if line[k:].startswith(b"From ") else line)
            f.write(b"\n\n" if not m.endswith(b"\n") else b"\n")
            n += 1
    return n


def run_notmuch(eml, work):
    env = notmuch_env(eml, work)
    t0 = time.monotonic()
    p = subprocess.Popen(["notmuch", "new", "--quiet"], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    t = time.monotonic() - t0
    if status != 0:
        raise SystemExit("notmuch new failed")
    return t, ru.ru_maxrss / 1024.0


def run_mailarc(bindir, mbox, distinct, work):
    base = os.path.join(work, "mailarc")
    os.makedirs(base)
    os.chmod(work, 0o755)
    os.chmod(base, 0o755)
    os.chmod(mbox, 0o644)
    master, conf, port, log = start_archive(bindir, base)
    try:
        t0 = time.monotonic()
        p = subprocess.Popen([os.path.join(bindir, "mailarc"), "-c", conf, "import", mbox],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        out = p.stdout.read().decode()
        _, status, ru = os.wait4(p.pid, 0)
        imported_s = time.monotonic() - t0
        idx = procs.children(master.pid, "mailarc-indexer")
        wait_searchable(bindir, conf, distinct, 0.1)
        total = time.monotonic() - t0
        return (out.strip().splitlines()[-1], imported_s, total, ru.ru_maxrss / 1024.0,
                vm_hwm(idx[0]) if idx else float("nan"))
    finally:
        stop_archive(master, log)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if not shutil.which("notmuch"):
        raise SystemExit("notmuch is not installed (apt-get install notmuch)")
    d, _, distinct = corpus(a.count, a.seed)
    eml = os.path.join(d, "eml")
    work = tempfile.mkdtemp(prefix="mailarc-bench-import-")
    try:
        mbox = os.path.join(work, "corpus.mbox")
        n = write_mbox(eml, mbox)
        size = os.path.getsize(mbox) / 1e6
        print(f"corpus: {n} messages ({distinct} distinct), seed {a.seed}, mbox of {size:.0f} MB")
        nm_t, nm_rss = run_notmuch(eml, work)
        print(f"notmuch new (reference): {n} files in {nm_t:.1f} s = {n / nm_t:.0f} msg/s, "
              f"peak RSS {nm_rss:.0f} MB")
        line, imp_s, total, rss, idx_rss = run_mailarc(a.bin, mbox, distinct, work)
        print(f"mailarc import:          {line} in {imp_s:.1f} s, peak RSS {rss:.1f} MB")
        print(f"searchable:              {distinct} distinct after {total:.1f} s = "
              f"{n / total:.0f} msg/s; indexer peak RSS {idx_rss:.0f} MB")
        print(f"ratio to notmuch new:    {nm_t / total:.2f}x (above 1: mailarc is faster)")
    finally:
        subprocess.run(["chattr", "-R", "-a", work], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
