#!/usr/bin/env python3
"""usage: cpu-per-run.py RUNS COMMAND...  Runs COMMAND RUNS times (output discarded) and prints
the median wall and CPU (user + sys, from wait4's rusage, microsecond resolution) in ms."""
import os, subprocess, sys, time

runs, cmd = int(sys.argv[1]), sys.argv[2:]
walls, cpus = [], []
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    walls.append((time.perf_counter() - t0) * 1e3)
    cpus.append((ru.ru_utime + ru.ru_stime) * 1e3)
    if status != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
med = lambda v: sorted(v)[len(v) // 2]
print(f"median of {runs}: wall {med(walls):.1f} ms, cpu {med(cpus):.1f} ms")
