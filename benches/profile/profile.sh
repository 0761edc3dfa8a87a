#!/bin/bash
# Per-message counts and wake-up origins of one bench row, pinned to CPU 0 (benches/README.md,
# "The message path"). Counts, not times: they hold on a busy machine.
#   benches/profile/profile.sh IMPL PATTERN SIZE TRANSPORT [SECONDS]
#   IMPL: nng | pnng | stream (benches/build/bench_IMPL); PATTERN: lat | pair1 | pushpull;
#   TRANSPORT: tcp | ipc | inproc. Needs perf (linux-perf) with tracepoint access.
# Prints one Markdown row of counts per message (per round trip for lat): context switches,
# wake-ups, syscalls, futex calls, CPU time; then who woke whom (benches/profile/wakeups.py).
set -eu
impl=$1; pat=$2; size=$3; tr=$4; secs=${5:-0.2}
here=$(cd "$(dirname "$0")" && pwd); bin=$here/../build/bench_$impl
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
url() {
    case $tr in
    tcp) echo "tcp://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')";;
    ipc) echo "ipc://$tmp/p.ipc";;
    *) echo "inproc://profile";;
    esac
}
# The driver counts messages in its window after a fifth of it as warm-up: count x 1.2.
msgs() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["count"] * 1.2)'; }
out=$(taskset -c 0 perf stat -x, -o "$tmp/stat" -e task-clock,context-switches,sched:sched_wakeup,raw_syscalls:sys_enter,syscalls:sys_enter_futex "$bin" "$pat" "$size" "$(url)" "$secs")
n=$(echo "$out" | msgs)
python3 - "$n" "$tmp/stat" "$impl $pat $size $tr" <<'PY'
import sys
n = float(sys.argv[1]); v = {}
for line in open(sys.argv[2]):
    p = line.strip().split(",")
    if len(p) > 3 and p[0][:1].isdigit():
        v[p[2]] = float(p[0])
print("| row | context switches | wake-ups | syscalls | futex | CPU µs |")
print("|---|---|---|---|---|---|")
print(f"| {sys.argv[3]} | {v.get('context-switches', 0) / n:.2f} | {v.get('sched:sched_wakeup', 0) / n:.2f} | "
      f"{v.get('raw_syscalls:sys_enter', 0) / n:.2f} | {v.get('syscalls:sys_enter_futex', 0) / n:.2f} | "
      f"{v.get('task-clock', 0) * 1e3 / n:.1f} |")
PY
echo
out=$(taskset -c 0 perf record -q -o "$tmp/wake" -e sched:sched_wakeup --call-graph dwarf,4096 "$bin" "$pat" "$size" "$(url)" "$secs" 2>/dev/null)
n=$(echo "$out" | msgs)
perf script -F comm,tid,pid,event,trace,ip,sym,dso -i "$tmp/wake" 2>/dev/null | python3 "$here/wakeups.py" "$n"
