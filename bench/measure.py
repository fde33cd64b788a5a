#!/usr/bin/env python3
"""Runs a command RUNS times (output discarded) and prints the best and median wall time in
seconds, the largest peak RSS in KiB and the least CPU time (user + system, all threads) in
seconds: `measure.py [--status=N] RUNS CMD...` -> `best median rss cpu`. The command must exit
with status N (default 0)."""
import os
import subprocess
import sys
import time

args = sys.argv[1:]
expected = 0
if args[0].startswith("--status="):
    expected = int(args.pop(0).split("=", 1)[1])
runs, cmd = int(args[0]), args[1:]
times, rss, cpu = [], 0, None
for _ in range(runs):
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    times.append(time.perf_counter() - start)
    if os.waitstatus_to_exitcode(status) != expected:
        sys.exit(f"{cmd[0]} failed: status {status}")
    rss = max(rss, usage.ru_maxrss)
    used = usage.ru_utime + usage.ru_stime
    cpu = used if cpu is None else min(cpu, used)
times.sort()
print(f"{times[0]:.4f} {times[len(times) // 2]:.4f} {rss} {cpu:.4f}")
