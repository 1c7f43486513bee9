#!/usr/bin/env python3
"""Web panel benchmark: the latency of a search through mailarc-web
(/api/search, first page of 50, over HTTP with a session, as a script or
the panel's own pages see it) next to the same query through the mailarc
command line (a process per query), measured in the same run on the same
archive of gencorpus messages (seed 1), and the panel's message page and
.eml download.  Prints p50/p99 for each and the ratio panel/CLI."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from bench_ingest import blast, corpus  # noqa: E402
from bench_search import QUERIES  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--data-parent", default="/tmp")
    a = ap.parse_args()
    os.environ["MAILARC_BIN"] = a.bin
    import conftest
    from webpanel import Panel
    d, env, distinct = corpus(a.count, 1)
    base = tempfile.mkdtemp(prefix="mailarc-bench-web-", dir=a.data_parent)
    os.chmod(base, 0o755)
    arch = conftest.Archive(base, db_cache_size="128M", smtpd_min_idle="8")
    panel = Panel(arch)
    try:
        arch.start()
        blast(a.bin, arch.port, 8, env, os.path.join(d, "eml"))
        arch.wait_count(distinct, timeout=3600)
        panel.start()
        s = panel.login("admin")
        web, cli = [], []
        for q, _ in QUERIES:
            for _ in range(a.runs):
                t = time.perf_counter()
                r = s.get(panel.url + "/api/search", params={"q": q, "limit": 50})
                web.append(time.perf_counter() - t)
                assert r.status_code == 200, r.text
                t = time.perf_counter()
                c = arch.cli("search", "--json", "--limit", "50", q)
                cli.append(time.perf_counter() - t)
                assert c.returncode in (0, 1)
        ids = [h["id"] for h in s.get(panel.url + "/api/search",
                                      params={"q": "", "limit": 50}).json()["results"]]
        view, eml = [], []
        for mid in ids:
            t = time.perf_counter()
            assert s.get(panel.url + "/message/" + mid).status_code == 200
            view.append(time.perf_counter() - t)
            t = time.perf_counter()
            assert s.get(panel.url + f"/message/{mid}.eml").status_code == 200
            eml.append(time.perf_counter() - t)

        def pct(v, p):
            v = sorted(v)
            return 1000 * v[min(len(v) - 1, int(p * len(v)))]

        print(f"archive: {distinct} messages; {len(QUERIES)} queries x {a.runs} runs")
        print(f"{'':28}{'p50 ms':>10}{'p99 ms':>10}")
        for name, v in (("panel /api/search", web), ("CLI mailarc search", cli),
                        ("panel /message/ID", view), ("panel /message/ID.eml", eml)):
            print(f"{name:28}{pct(v, .5):10.1f}{pct(v, .99):10.1f}")
        print(f"panel / CLI search: p50 {statistics.median(web) / statistics.median(cli):.2f}x, "
              f"p99 {pct(web, .99) / pct(cli, .99):.2f}x")
    finally:
        panel.stop()
        arch.stop()
        from webpanel import clear_append_only
        clear_append_only(panel.audit_path)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
