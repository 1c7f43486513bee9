#!/usr/bin/env python3
"""Verify benchmark: `mailarc verify` over an archive of the gencorpus
messages (imported as .eml files), next to `sha256sum` over the same
messages as plain files in the same run.  Prints messages/s for both and
the ratio; also `verify --quick` (presence and size only)."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
from bench_ingest import corpus, start_archive, stop_archive, wait_searchable  # noqa: E402


def build(bindir, eml, distinct, work):
    """An archive holding the corpus; its config path."""
    base = os.path.join(work, "mailarc")
    os.makedirs(base)
    for p in (work, base):
        os.chmod(p, 0o755)
    master, conf, port, log = start_archive(bindir, base, "verify_interval = 0\n")
    try:
        r = subprocess.run([os.path.join(bindir, "mailarc"), "-c", conf, "import", "--format",
                            "eml", eml], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"import failed: {r.stdout[-500:]}{r.stderr[-500:]}")
        wait_searchable(bindir, conf, distinct, 0.5)
    finally:
        stop_archive(master, log)
    return conf


def timed(cmd, **kw):
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.monotonic() - t0, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    d, _, distinct = corpus(a.count, a.seed)
    eml = os.path.join(d, "eml")
    os.chmod(d, 0o755)
    os.chmod(eml, 0o755)
    work = tempfile.mkdtemp(prefix="mailarc-bench-verify-")
    try:
        conf = build(a.bin, eml, distinct, work)
        files = os.listdir(eml)
        size = sum(os.path.getsize(os.path.join(eml, f)) for f in files) / 1e6
        print(f"corpus: {len(files)} messages ({distinct} distinct, {size:.0f} MB), seed {a.seed}")
        # Both read warm files: one untimed pass each first.
        listing = os.path.join(work, "files")
        with open(listing, "w") as f:
            f.write("\0".join(os.path.join(eml, x) for x in files))
        sha = ["sh", "-c", f"xargs -0 -n 2000 sha256sum < {listing} > /dev/null"]
        verify = [os.path.join(a.bin, "mailarc"), "-c", conf, "verify"]
        timed(sha)
        timed(verify)
        t_sha, r = timed(sha)
        if r.returncode != 0:
            raise SystemExit(f"sha256sum failed: {r.stderr}")
        print(f"sha256sum (reference):  {len(files)} files in {t_sha:.1f} s = "
              f"{len(files) / t_sha:.0f} msg/s")
        t_v, r = timed(verify)
        if r.returncode != 0:
            raise SystemExit(f"verify failed: {r.stdout[-1000:]}{r.stderr}")
        line = r.stdout.strip().splitlines()[-1]
        n = int(re.match(r"OK  (\d+) records", line).group(1))
        print(f"mailarc verify:         {line}")
        print(f"                        {n} messages in {t_v:.1f} s = {n / t_v:.0f} msg/s "
              f"(decompress, SHA-256, chain and index, {os.cpu_count()} threads)")
        t_q, r = timed(verify + ["--quick"])
        print(f"mailarc verify --quick: {n} messages in {t_q:.1f} s = {n / t_q:.0f} msg/s")
        print(f"ratio to sha256sum:     {(n / t_v) / (len(files) / t_sha):.2f}x "
              f"(above 1: verify checks more messages per second)")
    finally:
        subprocess.run(["chattr", "-R", "-a", work], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
