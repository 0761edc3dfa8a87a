#!/usr/bin/env python3
"""Who wakes whom, per message: reads `perf script` output of a `perf record -e sched:sched_wakeup
--call-graph dwarf` run of one bench program and prints each wake-up kind (waking thread, the NNG
function that woke, woken thread) with its count per message. Standard library only.

    perf script -F comm,tid,pid,event,trace,ip,sym -i perf.data | wakeups.py MESSAGES
"""
import collections
import re
import sys

SKIP = re.compile(r"^(nni_plat_|nni_pthread_|nni_cv_|nni_mtx_|__condvar_|futex|___pthread|__pthread|pthread_|__GI_|__libc|"
                  r"__lll|lll_|__futex|epoll_ctl|__send|__libc_send|sendmsg|__write|write|writev|"
                  r"__readv|readv|read|__read|syscall|\[unknown\]|__sendmsg|eventfd_write)")


def thread_name(comm, tid, pid, first_tids):
    if comm.startswith("nng:"):
        return comm
    if tid == pid:
        return "main"
    return "app-thread" if tid in first_tids else "app-thread?"


def main():
    messages = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    head = re.compile(r"^\s*(\S+)\s+(\d+)/(\d+)\s.*sched:sched_wakeup:\s+comm=(\S+)\s+pid=(\d+)")
    counts = collections.Counter()
    pid_of = {}
    events = []
    cur = None
    for line in sys.stdin:
        m = head.match(line)
        if m:
            comm, pid, tid, wcomm, wtid = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), int(m.group(5))
            cur = [comm, pid, tid, wcomm, wtid, None, None]
            events.append(cur)
            continue
        if cur is None:
            continue
        parts = line.split()
        if len(parts) < 2:
            continue
        sym = parts[1].split("+")[0]
        if "kernel.kallsyms" in line:
            if cur[6] is None and sym.startswith(("__x64_sys_", "__do_sys_")):
                cur[6] = sym.replace("__x64_sys_", "").replace("__do_sys_", "")
            continue
        if cur[5] is None and not SKIP.match(sym):
            cur[5] = sym
    pids = {e[1] for e in events}
    app = {e[2] for e in events if e[1] in pids}
    for comm, pid, tid, wcomm, wtid, fn, sc in events:
        if wtid not in app and not wcomm.startswith(("nng:", "bench")):
            continue  # kernel threads woken from this process (rcu, kworkers)
        waker = thread_name(comm, tid, pid, app) if comm != "swapper/0" else "irq/idle"
        wakee = "main" if wtid in pids else (wcomm if wcomm.startswith("nng:") else "app-thread")
        counts[(waker, fn or f"(kernel: {sc or 'irq'})", wakee)] += 1
    total = sum(counts.values())
    print(f"| waker | via | woken | per message |\n|---|---|---|---|")
    for (waker, fn, wakee), n in counts.most_common():
        if n / messages >= 0.05:
            print(f"| {waker} | `{fn}` | {wakee} | {n / messages:.2f} |")
    print(f"| all | | | {total / messages:.2f} |")


if __name__ == "__main__":
    main()
