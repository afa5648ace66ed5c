#!/usr/bin/env python3
"""CPU seconds per thread group of a process over a window, read from /proc (Linux).

    bench/threads.py PID SECONDS      prints one line of JSON: {"group": cpu_s, ...}

Threads are grouped by name with their numbers taken out (http-thread-pool::http-listener(12)
and (7) are one group). Linux keeps 15 characters of a thread's name, so the groups are by
those. Used by bench/cores.sh to show which threads take the CPU, and whether one of them
(the single flusher, say) is at a full core.
"""
import json
import os
import re
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def sample(pid):
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        threads[tid] = (name, int(fields[11]) + int(fields[12]))  # utime + stime
    return threads


def group(name):
    return re.sub(r"[-_#:]*\d+[)\]]*$", "", re.sub(r"\(\d+\)", "", name)).strip() or name


def main():
    pid, seconds = int(sys.argv[1]), float(sys.argv[2])
    before = sample(pid)
    time.sleep(seconds)
    after = sample(pid)
    groups = {}
    for tid, (name, ticks) in after.items():
        used = ticks - before.get(tid, (name, 0))[1]
        if used > 0:
            groups[group(name)] = groups.get(group(name), 0) + used / TICK
    top = dict(sorted(groups.items(), key=lambda kv: -kv[1]))
    print(json.dumps({k: round(v, 2) for k, v in top.items()}))


if __name__ == "__main__":
    main()
