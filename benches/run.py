#!/usr/bin/env python3
"""pnng benchmark harness: runs every implementation on the same rows, interleaved, and writes
Markdown + JSON into benches/results/. Standard library only. Timings are reported, never asserted.

    python3 benches/run.py --mode quick|full|smoke [--only c,floor,python,go,node] [--rounds N]

Each row (pattern, transport, message size, pinning) is measured in ROUNDS rounds; in every round
each implementation runs once as its own process, in an order rotated from round to round. A
cell shows the median with the min-max over the rounds; "speed" is candidate / baseline from
the medians of the same run (above 1.00x: the candidate is faster). Built by mk/bench.mk.
"""

import argparse
import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
from dataclasses import dataclass, field

SIZES = {64: "64 B", 1024: "1 KiB", 65536: "64 KiB", 1048576: "1 MiB"}
PATTERNS = {"lat": "req/rep round trip", "pair1": "pair1 throughput", "pushpull": "push/pull throughput"}
# Rows beyond PATTERNS x TRANSPORTS x SIZES: the Python round trip between two processes, each
# blocking in its main thread (the plain `send(recv())` server and `send` + `recv` client).
TWO_PROCESS_ROWS = [("lat2p", "tcp", 64)]
PATTERN_NAMES = dict(PATTERNS, lat2p="req/rep round trip, 2 processes")
TRANSPORTS = ("inproc", "ipc", "tcp")
MISSING = 3  # exit status of a benchmark program whose library cannot be loaded


@dataclass
class Impl:
    key: str
    label: str
    group: str  # c, floor, python, go, node (for --only)
    argv: list  # the program; then PATTERN SIZE URL SECONDS are appended
    module_args: list = field(default_factory=list)  # between the program and the pattern
    patterns: tuple = ("lat", "pair1", "pushpull")
    transports: tuple = TRANSPORTS
    pattern_alias: dict = field(default_factory=dict)  # row pattern -> program pattern

    def command(self, pattern, size, url, seconds):
        p = self.pattern_alias.get(pattern, pattern)
        return self.argv + self.module_args + [p, str(size), url, f"{seconds:g}"]


@dataclass
class Section:
    title: str
    baseline: str  # Impl key
    candidate: str
    patterns: tuple
    note: str = ""
    extra: tuple = ()  # (column title, Impl key or None, text when None)


def implementations(root, py):
    build = os.path.join(root, "benches", "build")
    bench_py = [py, os.path.join(root, "benches", "python", "bench_py.py")]
    node = [os.environ.get("NODE", "node"), os.path.join(root, "benches", "node", "bench.js")]
    impls = [
        Impl("c-nng", "NNG 1.12.0 (C, Release)", "c", [os.path.join(build, "bench_nng")]),
        Impl("c-pnng", "pnng (C API)", "c", [os.path.join(build, "bench_pnng")]),
        Impl("floor", "TCP / Unix socket (C)", "floor", [os.path.join(build, "bench_stream")],
             transports=("ipc", "tcp")),
        Impl("py-pynng", "pynng 0.9.0", "python", bench_py, ["pynng"], patterns=("lat", "lat2p", "pair1", "pushpull")),
        Impl("py-pnng", "pnng (Python)", "python", bench_py, ["pnng"], patterns=("lat", "lat2p", "pair1", "pushpull")),
        Impl("go-pnng", "pnng (Go)", "go", [os.path.join(build, "bench_go")]),
        Impl("go-pnng-copy", "pnng (Go), Recv copying", "go", [os.path.join(build, "bench_go")], ["-copy"]),
        Impl("node-pnng", "pnng (Node, async)", "node", node),
        Impl("node-pnng-alloc", "pnng (Node, async), recv() allocating", "node", node, ["-alloc"]),
        Impl("node-pnng-worker", "pnng (Node, async), sender in a worker thread", "node", node, ["-worker"],
             patterns=("pair1", "pushpull")),
        Impl("node-zmq", "zeromq.js 6.8 (Node)", "node",
             [os.environ.get("NODE", "node"), os.path.join(root, "benches", "node", "bench_zmq.js")]),
    ]
    for loop in ("asyncio", "trio"):
        for module, key in (("pynng", "py-pynng"), ("pnng", "py-pnng")):
            impls.append(Impl(f"{key}-{loop}", f"{impls[3 if module == 'pynng' else 4].label} {loop}",
                              "python", bench_py, [module], patterns=("lat",),
                              pattern_alias={"lat": f"alat-{loop}"}))
    return {i.key: i for i in impls}


SECTIONS = [
    Section("C API: pnng vs raw NNG 1.12.0", "c-nng", "c-pnng", ("lat", "pair1", "pushpull"),
            "Same C program (benches/c/bench_driver.c) linked with impl_nng.c or impl_pnng.c. "
            "Floor: the same driver over plain length-prefixed TCP / Unix stream sockets "
            "(impl_stream.c); no floor for inproc.",
            extra=(("floor (socket)", "floor", None),)),
    Section("Python sync: pnng vs pynng 0.9.0", "py-pynng", "py-pnng", ("lat", "pair1", "pushpull"),
            "Same script (benches/python/bench_py.py), `import pnng as pynng`; send(bytes) / recv() -> bytes."),
    Section("Python sync round trip, two processes: pnng vs pynng 0.9.0", "py-pynng", "py-pnng", ("lat2p",),
            "lat2p: req/rep round trip between two processes (bench_py.py starts the echo server as a "
            "child), each blocking in its main thread: `send(recv())` on the server, `send` then `recv` "
            "on the client."),
    Section("Python asyncio round trip: pnng vs pynng 0.9.0", "py-pynng-asyncio", "py-pnng-asyncio", ("lat",),
            "asend / arecv on both sides of a req/rep pair inside one asyncio loop."),
    Section("Python trio round trip: pnng vs pynng 0.9.0", "py-pynng-trio", "py-pnng-trio", ("lat",),
            "asend / arecv inside trio.run (trio 0.35.0)."),
    Section("Go binding vs the pnng C library", "c-pnng", "go-pnng", ("lat", "pair1", "pushpull"),
            "benches/go: Send (a copy of a Go slice); receive like the C driver, without copying "
            "(RecvMsg, the body read in place with WithBody, Free); echo via RecvMsg / SendMsg. "
            "Last column: the same program receiving with Recv, which copies each body into a new Go slice.",
            extra=(("Go, Recv copying", "go-pnng-copy", None),)),
    Section("Node binding (async) vs the pnng C library", "c-pnng", "node-pnng", ("lat", "pair1", "pushpull"),
            "benches/node/bench.js: await send(Buffer) (a copy of a Buffer); receive like the C driver, without "
            "allocating: below 128 KiB await recvInto(Buffer), one Buffer reused for every message; from 128 KiB on "
            "await recvMsg(), byteLength checked, free() (the body not read, as in the C and Go programs); "
            "a non-blocking try first, else an aio on the completion queue; echo via recvMsg / sendMsg(msg, { transfer: true }) (the message "
            "forwarded); both peers in one event loop. Next column: the same program receiving with await recv(), "
            "which returns a new Buffer per message, its echo using sendMsg(msg) (a copy). Worker column (throughput "
            "only): the same program with its sender in a worker_threads Worker, an event loop of its own, as the "
            "C and Go programs send from a thread / goroutine of their own. zeromq.js: the same loops over npm `zeromq` 6.8.0 (prebuilt libzmq 4.3.5; "
            "Request/Reply, Pair, Push/Pull; benches/node/bench_zmq.js; its receive returns a new Buffer per "
            "message), installed for the benchmark only in benches/node/zmq.",
            extra=(("Node, recv() allocating", "node-pnng-alloc", None),
                   ("Node, sender in a worker", "node-pnng-worker", None), ("zeromq.js 6.8", "node-zmq", None))),
]


def quick_rows():
    # tcp 64 B round trip: the row the socket floor, zeromq.js and pynng are judged on.
    return [("lat", "inproc", 64), ("lat", "tcp", 64), ("lat", "tcp", 65536), ("pair1", "ipc", 1024),
            ("pushpull", "tcp", 64), ("pushpull", "inproc", 1048576)] + TWO_PROCESS_ROWS


MODES = {
    # rows, seconds per measurement window (plus a fifth of it as warm-up), rounds, loops
    "full": (lambda: [(p, t, s) for p in PATTERNS for t in TRANSPORTS for s in SIZES] + TWO_PROCESS_ROWS, 0.1, 5,
             ("asyncio", "trio")),
    "quick": (quick_rows, 0.08, 5, ("asyncio",)),
    "smoke": (lambda: [("lat", "tcp", 64)], 0.04, 2, ("asyncio",)),
}


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Urls:
    def __init__(self):
        self.n = 0

    def make(self, transport):
        self.n += 1
        if transport == "inproc":
            return f"inproc://pnng-bench-{self.n}"
        if transport == "ipc":
            return f"ipc:///tmp/pnng-bench-{os.getpid()}-{self.n}.ipc"
        return f"tcp://127.0.0.1:{free_tcp_port()}"


def run_one(impl, pattern, transport, size, pinned, seconds, urls, env):
    """Runs one measurement; returns ("ok", value) / ("missing", why) / ("error", why)."""
    url = urls.make(transport)
    cmd = (["taskset", "-c", "0"] if pinned else []) + impl.command(pattern, size, url, seconds)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds * 10 + 10, env=env)
    except subprocess.TimeoutExpired:
        return "error", "timed out"
    finally:
        if transport == "ipc":
            try:
                os.unlink(url[len("ipc://"):])
            except OSError:
                pass
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    try:
        out = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return "error", tail[:200]
    if proc.returncode == MISSING or "missing" in out:
        return "missing", out.get("missing", "not importable")
    if "error" in out or proc.returncode != 0:
        return "error", out.get("error", f"exit status {proc.returncode}")[:200]
    return "ok", out["value"]


def summarize(values):
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def speed(pattern, base, cand):
    """Candidate speed relative to the baseline: >1 means faster."""
    if not base or not cand:
        return None
    return base["median"] / cand["median"] if pattern.startswith("lat") else cand["median"] / base["median"]


def fmt_value(pattern, v):
    if pattern.startswith("lat"):
        return f"{v:,.1f}" if v < 1000 else f"{v:,.0f}"
    if v >= 100_000:
        return f"{v / 1000:,.0f}k"
    if v >= 10_000:
        return f"{v / 1000:,.1f}k"
    return f"{v:,.0f}"


def fmt_cell(pattern, stat, why=None):
    if stat is None:
        return why or "n/a"
    return (f"{fmt_value(pattern, stat['median'])} "
            f"({fmt_value(pattern, stat['min'])}–{fmt_value(pattern, stat['max'])})")


def host_info():
    """The date, CPU model and count, kernel and load average (also used by scale.py)."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "loadavg": open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else None,
    }


def machine_info(root, py):
    def first_line(cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
            return (out.stdout.strip() or out.stderr.strip()).splitlines()[0]
        except Exception as e:  # a missing tool is noted, not fatal
            return f"unavailable ({type(e).__name__})"

    return {
        **host_info(),
        "cc": first_line(["cc", "--version"]),
        "go": first_line(["go", "version"]),
        "node": first_line([os.environ.get("NODE", "node"), "--version"]),
        "python": first_line([py, "--version"]),
        "pnng": first_line(["git", "-C", root, "describe", "--always", "--dirty"]),
    }


def render_markdown(report):
    md = [f"# pnng benchmarks ({report['mode']})", ""]
    m = report["machine"]
    md += [f"Machine: {m['cpu']}, {m['cpus']} CPUs, Linux {m['kernel']}, load {' '.join(m['loadavg'] or [])} "
           f"at start; {m['date']}; pnng {m['pnng']}; {m['python']}, {m['go']}, Node {m['node']}.", "",
           f"{report['rounds']} rounds, {report['seconds']:g} s per measurement (+20 % warm-up), "
           "implementations interleaved per round. Cells: median (min–max). "
           "Latency in µs per round trip (lower is better); throughput in messages/s (higher is better). "
           "**speed** = candidate vs baseline from the medians of this run: above 1.00× the candidate is faster. "
           "pinned = every process under `taskset -c 0` (all threads on one CPU).", ""]
    if report["unavailable"]:
        md += ["Unavailable: " + "; ".join(f"{k}: {v}" for k, v in report["unavailable"].items()), ""]
    for sec in report["sections"]:
        md += [f"## {sec['title']}", "", sec["note"], ""]
        head = ["pattern", "transport", "size", "pinned", sec["baseline_label"], sec["candidate_label"], "speed"]
        head += [e[0] for e in sec["extra"]]
        md += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in sec["rows"]:
            cells = [r["pattern"], r["transport"], SIZES[r["size"]], "yes" if r["pinned"] else "no",
                     r["baseline"], r["candidate"], r["speed"]] + r["extra"]
            md.append("| " + " | ".join(cells) + " |")
        md.append("")
    if report["memcpy"]:
        md += ["## memcpy bandwidth (one thread, unpinned)", "", "| size | copies/s | GB/s |", "|---|---|---|"]
        for size, stat in report["memcpy"].items():
            md.append(f"| {SIZES[int(size)]} | {fmt_cell('memcpy', stat)} | {stat['median'] * int(size) / 1e9:.2f} |")
        md.append("")
    if report["errors"]:
        md += ["## Errors", ""] + [f"- {e}" for e in report["errors"]] + [""]
    return "\n".join(md)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=MODES, default="quick")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--only", help="comma-separated groups: c, floor, python, go, node")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--seconds", type=float)
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    rows_fn, seconds, rounds, loops = MODES[args.mode]
    seconds = args.seconds or seconds
    rounds = args.rounds or rounds
    py = os.path.join(root, "benches", ".venv-pynng", "bin", "python")
    if not os.path.exists(py):
        py = sys.executable
    impls = implementations(root, py)
    wanted_groups = set(args.only.split(",")) if args.only else None
    active = {k: i for k, i in impls.items()
              if (wanted_groups is None or i.group in wanted_groups)
              and not any(k.endswith("-" + lp) for lp in ("asyncio", "trio") if lp not in loops)}
    env = dict(os.environ, PNNG_LIBRARY=os.path.join(root, "target", "release", "libpnng.so"))
    urls = Urls()

    # Preflight: an implementation that cannot load its library is reported as n/a for every row.
    unavailable = {}
    for key in ("py-pynng", "py-pnng", "node-zmq"):
        if key in active:
            st, why = run_one(active[key], "lat", "inproc", 64, False, 0.005, urls, env)
            if st != "ok":
                reason = "pnng Python binding missing" if key == "py-pnng" and st == "missing" else why
                for k in [k for k in active if k.startswith(key)]:
                    unavailable[k] = reason
    for k in unavailable:
        print(f"bench: {impls[k].label}: n/a ({unavailable[k]})", flush=True)

    rows = [(p, t, s, pinned) for (p, t, s) in rows_fn() for pinned in (False, True)]
    samples = {}  # (row, impl key) -> [values]
    errors = []
    total = len(rows) * rounds
    done = 0
    for rnd in range(rounds):
        for row in rows:
            pattern, transport, size, pinned = row
            todo = [k for k, i in active.items()
                    if k not in unavailable and pattern in i.patterns and transport in i.transports]
            shift = rnd % max(1, len(todo))
            for key in todo[shift:] + todo[:shift]:
                st, val = run_one(active[key], pattern, transport, size, pinned, seconds, urls, env)
                if st == "ok":
                    samples.setdefault((row, key), []).append(val)
                elif st == "missing":
                    unavailable[key] = val
                else:
                    errors.append(f"round {rnd + 1}, {key} {pattern} {transport} {SIZES[size]} "
                                  f"{'pinned' if pinned else 'unpinned'}: {val}")
            done += 1
            if sys.stdout.isatty():
                print(f"\rbench: {done}/{total} row-rounds", end="", flush=True)
        if not sys.stdout.isatty():
            print(f"bench: round {rnd + 1}/{rounds} done ({done}/{total} row-rounds)", flush=True)
    memcpy_samples = {}
    if "floor" in active:
        for _ in range(rounds):
            for size in SIZES:
                st, val = run_one(active["floor"], "memcpy", "inproc", size, False, seconds, urls, env)
                if st == "ok":
                    memcpy_samples.setdefault(str(size), []).append(val)
    print(flush=True)

    def stat(row, key):
        return summarize(samples.get((row, key), []))

    def why(key):
        if key not in active:
            return "not run"
        return f"n/a ({unavailable[key]})" if key in unavailable else "error"

    report = {"mode": args.mode, "rounds": rounds, "seconds": seconds, "machine": machine_info(root, py),
              "unavailable": unavailable, "errors": errors, "sections": [], "rows": [],
              "memcpy": {k: summarize(v) for k, v in memcpy_samples.items()}}
    for row in rows:
        report["rows"].append({"pattern": row[0], "transport": row[1], "size": row[2], "pinned": row[3],
                               "results": {k: stat(row, k) for k in active if stat(row, k)}})
    for sec in SECTIONS:
        if sec.baseline not in active and sec.candidate not in active:
            continue
        out_rows = []
        for row in rows:
            pattern, transport, size, pinned = row
            if pattern not in sec.patterns:
                continue
            b, c = stat(row, sec.baseline), stat(row, sec.candidate)
            s = speed(pattern, b, c)
            extra = []
            for _title, key, text in sec.extra:
                if key is None:
                    extra.append(text)
                elif transport not in impls[key].transports or pattern not in impls[key].patterns:
                    extra.append("—")
                else:
                    extra.append(fmt_cell(pattern, stat(row, key), why(key)))
            out_rows.append({"pattern": PATTERN_NAMES[pattern], "transport": transport, "size": size, "pinned": pinned,
                             "baseline": fmt_cell(pattern, b, why(sec.baseline)),
                             "candidate": fmt_cell(pattern, c, why(sec.candidate)),
                             "speed": f"{s:.2f}×" if s else "n/a",
                             "speed_value": s, "extra": extra})
        report["sections"].append({"title": sec.title, "note": sec.note,
                                   "baseline_label": impls[sec.baseline].label,
                                   "candidate_label": impls[sec.candidate].label,
                                   "extra": [list(e) for e in sec.extra], "rows": out_rows})

    out_dir = os.path.join(root, "benches", "results")
    os.makedirs(out_dir, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = os.path.join(out_dir, f"bench-{args.mode}-{stamp}")
    md = render_markdown(report)
    with open(base + ".json", "w") as f:
        json.dump(report, f, indent=1)
    with open(base + ".md", "w") as f:
        f.write(md)
    for ext in (".json", ".md"):  # stable names for the latest run of each mode
        link = os.path.join(out_dir, f"latest-{args.mode}{ext}")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.basename(base + ext), link)
    print(md)
    print(f"bench: wrote {base}.md and {base}.json ({len(errors)} measurement errors)")


if __name__ == "__main__":
    main()
