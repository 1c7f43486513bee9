"""Processes of a running mailarcd, found in /proc (tests and benchmarks)."""
import os


def children(master_pid, program):
    """pids of live children of master_pid whose program is `program`."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")[0]
        except OSError:
            continue
        if ppid == master_pid and cmd.endswith(program.encode()):
            out.append(int(pid))
    return out
