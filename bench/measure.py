#!/usr/bin/env python3
"""Runs a command RUNS times (output discarded) and prints the best and median wall time in
seconds and the largest peak RSS in KiB: `measure.py RUNS CMD...` -> `best median rss`."""
import os
import subprocess
import sys
import time

runs, cmd = int(sys.argv[1]), sys.argv[2:]
times, rss = [], 0
for _ in range(runs):
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    times.append(time.perf_counter() - start)
    if status != 0:
        sys.exit(f"{cmd[0]} failed: status {status}")
    rss = max(rss, usage.ru_maxrss)
times.sort()
print(f"{times[0]:.4f} {times[len(times) // 2]:.4f} {rss}")
