#!/usr/bin/env python3
"""Burner benchmark: a month of gencorpus mail (seed 1) fed over SMTP,
then `mailarc burn` (master the ISO image from the compressed store with
libisofs, read it back through libcdio and check every file) and `mailarc
archive` (tar + zstd from the store), each next to a reference measured in
the same run on the same messages as plain files: `xorriso -as mkisofs -R
-J` followed by `sha256sum` of every file (what mastering plus a read-back
check costs with the standard tools), and `tar --zstd -cf`.  Prints wall
times, MB/s and the ratios mailarc/reference."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from bench_ingest import blast, corpus  # noqa: E402


def timed(argv, **kw):
    t = time.perf_counter()
    r = subprocess.run(argv, capture_output=True, **kw)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{argv[0]} failed: {r.stdout.decode()[-500:]}{r.stderr.decode()[-2000:]}")
    return dt, r.stdout.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--data-parent", default="/tmp")
    a = ap.parse_args()
    os.environ["MAILARC_BIN"] = a.bin
    import conftest
    import burnlib
    d, env, distinct = corpus(a.count, 1)
    base = tempfile.mkdtemp(prefix="mailarc-bench-burn-", dir=a.data_parent)
    os.chmod(base, 0o755)
    arch = conftest.Archive(base, db_cache_size="128M", smtpd_min_idle="8", burn_schedule="off",
                            mta_logs="")
    try:
        arch.start()
        blast(a.bin, arch.port, 8, env, os.path.join(d, "eml"))
        arch.wait_count(distinct, timeout=3600)
        month = burnlib.month_str(time.time())
        t_burn, out = timed([os.path.join(a.bin, "mailarc"), "-c", arch.conf_path, "burn",
                             "--media", "bd", "--month", month])
        images = out.split()
        size = sum(os.path.getsize(p) for p in images)
        t_arch, out = timed([os.path.join(a.bin, "mailarc"), "-c", arch.conf_path, "archive",
                             "-s", time.strftime("%y-%m-%d", time.gmtime())])
        asize = os.path.getsize(out.strip())
        # The reference: the same distinct messages as files, mastered and
        # checked with the standard tools.
        tree = os.path.join(base, "tree")
        os.makedirs(tree)
        for name in os.listdir(os.path.join(d, "eml")):
            shutil.copyfile(os.path.join(d, "eml", name), os.path.join(tree, name))
        ref_iso = os.path.join(base, "ref.iso")
        t_mk, _ = timed(["xorriso", "-as", "mkisofs", "-R", "-J", "-joliet-long", "-quiet",
                         "-o", ref_iso, tree])
        t_sum, _ = timed(f"sha256sum {tree}/* > /dev/null", shell=True)
        t_tar, _ = timed(["tar", "--zstd", "-cf", os.path.join(base, "ref.tar.zst"), "-C",
                          tree, "."])
        mb = size / 1e6
        print(f"month: {distinct} messages, image {mb:.1f} MB, archive {asize / 1e6:.1f} MB")
        print(f"{'':44}{'seconds':>9}{'MB/s':>9}")
        rows = (("mailarc burn (master + read back + check)", t_burn),
                ("xorriso -as mkisofs + sha256sum (reference)", t_mk + t_sum),
                ("mailarc archive (tar + zstd from the store)", t_arch),
                ("tar --zstd -cf (reference)", t_tar))
        for name, t in rows:
            print(f"{name:44}{t:9.2f}{mb / t:9.1f}")
        print(f"burn / reference: {t_burn / (t_mk + t_sum):.2f}x; "
              f"archive / reference: {t_arch / t_tar:.2f}x")
    finally:
        arch.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
