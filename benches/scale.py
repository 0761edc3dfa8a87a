#!/usr/bin/env python3
"""pnng against raw NNG at scale: `make bench-scale` (full) and `make bench-scale-smoke`.

Runs benches/build/scale_nng (benches/c/scale.c over upstream NNG through pnng_over_nng.h) and
benches/build/scale_pnng (the same program over libpnng), pinned to one CPU (`taskset -c 0`)
and unpinned, for several rounds with the order of the implementations rotated per round, and
prints a Markdown table of medians (min-max) with the cost ratio pnng / NNG (above 1.00 pnng is
slower or uses more). Writes benches/results/scale-<mode>-<time>.{md,json}. Standard library
only. Timings are reported, never asserted; a run that loses messages, leaves descriptors open
or fails is listed under "Errors" and makes the exit status 1.
"""
import argparse
import datetime
import json
import os
import random
import subprocess
import sys

from run import host_info, summarize  # the same summaries and machine facts as make bench

# figure key -> (label, unit, better): better is "lower", "higher" or None (reported, no ratio)
FIG = {
    "rate": ("delivered msg/s", "msg/s", "higher"),
    "setup_ms": ("set up N rep contexts, each with a pending receive", "ms", "lower"),
    "round_ms": ("one concurrent round", "ms", "lower"),
    "close_ms": ("close", "ms", "lower"),
    "open_ms": ("open", "ms", "lower"),
    "up_ms": ("all up", "ms", "lower"),
    "rss_per_socket_b": ("RSS per socket", "B", "lower"),
    "rss_per_conn_b": ("RSS per connection, dialing side", "B", "lower"),
    "listener_rss_per_conn_b": ("RSS per connection, listening side", "B", "lower"),
    "cycle_ms": ("one cycle", "ms", "lower"),
}


def parts(mode):
    """(name, title, argv template, [(figure key, row label)], [(check key, label, limit)])."""
    full = mode == "full"
    n = 10000 if full else 100
    subs = (100, 1000) if full else (10, 40)
    fo = {("inproc", subs[0]): 10000 if full else 200, ("inproc", subs[1]): 1000 if full else 50,
          ("tcp", subs[0]): 1000 if full else 100, ("tcp", subs[1]): 100 if full else 25}
    k, cn = (10, 1000) if full else (3, 50)
    out = []
    for tr in ("inproc", "tcp"):
        for s in subs:
            url = "inproc://scale-fanout-{uid}" if tr == "inproc" else "tcp://{addr}:0"
            out.append((f"fanout-{tr}-{s}", f"pub/sub fan-out over {tr}, 1 pub -> {s:,} subs, {fo[(tr, s)]:,} msgs",
                        ["fanout", url, str(s), str(fo[(tr, s)])],
                        [("rate", "delivered msg/s")], [("lost", "messages lost", 0)]))
    out.append(("ctx", f"{n:,} contexts (req contexts -> rep contexts over inproc)", ["ctx", str(n)],
                [("setup_ms", f"set up {n:,} rep contexts, each with a pending receive (ms)"),
                 ("round_ms", f"{n:,} concurrent context round trips (ms)"),
                 ("close_ms", f"close {2 * n:,} contexts (ms)")], []))
    out.append(("sockets", f"{n:,} sockets (req0)", ["sockets", str(n)],
                [("open_ms", f"open {n:,} sockets (ms)"), ("close_ms", f"close {n:,} sockets (ms)")], []))
    conn_checks = [("fds_left", "descriptors left after close, dialing side", 0),
                   ("listener_fds_left", "descriptors left after close, listening side", 0),
                   # A few MB is what the allocator keeps (upstream NNG: 1-1.5 MB after 10 000).
                   ("rss_left_kb", "KiB not returned after close, dialing side", 4096),
                   ("listener_rss_left_kb", "KiB not returned after close, listening side", 4096)]
    for m, what in (("storm", "all at once"), ("seq", "one after another")):
        figs = [("up_ms", f"{n:,} dials {what}: all up on both sides (ms)"),
                ("round_ms", f"one request/reply on each of {n:,} connections (ms)")]
        if m == "storm":
            figs = [("open_ms", f"open {n:,} req sockets (ms)")] + figs + [
                ("close_ms", f"close {n:,} sockets after the listener closed (ms)"),
                ("rss_per_socket_b", "RSS per open socket (B)"),
                ("rss_per_conn_b", "RSS per connection, dialing side (B)"),
                ("listener_rss_per_conn_b", "RSS per connection, listening side (B)")]
        out.append((f"conns-{m}", f"{n:,} tcp connections to one listener, dialed {what}",
                    ["conns", str(n), m, "{addr}"], figs, conn_checks))
    out.append(("cycles", f"{k} cycles of: open {cn:,} sockets, dial each (one after another), one round, close (tcp)",
                ["cycles", str(k), str(cn), "{addr}"],
                [("cycle_ms", f"one cycle of {cn:,} connections, median (ms)")],
                [("fds_growth", "descriptor growth, first to last cycle, dialing side", 0),
                 ("listener_fds_growth", "descriptor growth, listening side", 0),
                 ("rss_growth_kb", "RSS growth (KiB), second to last cycle, dialing side", 2048),
                 ("listener_rss_growth_kb", "RSS growth (KiB), listening side", 2048)]))
    return out


class Addresses:
    """A fresh loopback address per tcp run (127.0.x.y): no 4-tuple of an earlier run's
    TIME_WAIT connections can collide with a new one."""

    def __init__(self):
        self.i = random.randrange(0, 250 * 200)

    def next(self):
        self.i = (self.i + 1) % (250 * 200)
        return f"127.0.{1 + self.i // 250}.{2 + self.i % 250}"


def run_one(binary, argv, pinned, addrs, timeout):
    args = [a.replace("{addr}", addrs.next()).replace("{uid}", f"{os.getpid()}-{random.getrandbits(32)}")
            for a in argv]
    cmd = (["taskset", "-c", "0"] if pinned else []) + [binary] + args
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s: {' '.join(args)}"
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    try:
        out = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return None, f"{' '.join(args)}: {tail[:200]}"
    if "error" in out or proc.returncode != 0:
        return None, f"{' '.join(args)}: {out.get('error', f'exit status {proc.returncode}')}"
    return out, None


def fmt(v, unit):
    if unit == "msg/s":
        return f"{v / 1e6:.3f} M" if v >= 1e6 else f"{v / 1e3:,.1f} k"
    if unit == "ms":
        return f"{v:,.0f}" if v >= 1000 else (f"{v:.1f}" if v >= 10 else f"{v:.2f}")
    return f"{v:,.0f}"


def cell(stat, unit):
    if not stat:
        return "n/a"
    return f"{fmt(stat['median'], unit)} ({fmt(stat['min'], unit)}–{fmt(stat['max'], unit)})"




def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=("full", "smoke"), default="full")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--only", help="comma-separated part names or prefixes (fanout, ctx, sockets, conns, cycles)")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--pinned", choices=("both", "yes", "no"))
    ap.add_argument("--with-patched", action="store_true",
                    help="add a column for NNG with pnng's changes (benches/build/scale_nngp, make bench-scale-patched)")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    build = os.path.join(root, "benches", "build")
    impls = [("nng", "NNG (upstream)"), ("pnng", "pnng")]
    if args.with_patched:
        impls.insert(1, ("nngp", "NNG + pnng's changes"))
    for key, _ in impls:
        if not os.access(os.path.join(build, f"scale_{key}"), os.X_OK):
            sys.exit(f"bench-scale: benches/build/scale_{key} is missing (make bench-scale-build)")
    rounds = args.rounds or (5 if args.mode == "full" else 1)
    pins = {"both": [True, False], "yes": [True], "no": [False]}[args.pinned or ("both" if args.mode == "full" else "yes")]
    timeout = 600 if args.mode == "full" else 60
    selected = parts(args.mode)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        selected = [p for p in selected if any(p[0] == w or p[0].startswith(w + "-") for w in wanted)]
    addrs = Addresses()
    info = host_info()
    results = {}  # (part, pinned, impl) -> list of outputs
    errors = []
    total = rounds * len(selected) * len(pins) * len(impls)
    done = 0
    for r in range(rounds):
        order = impls[r % len(impls):] + impls[:r % len(impls)]
        for name, _title, argv, _figs, _checks in selected:
            for pinned in pins:
                for key, _label in order:
                    out, err = run_one(os.path.join(build, f"scale_{key}"), argv, pinned, addrs, timeout)
                    done += 1
                    tag = f"{name} {'pinned' if pinned else 'unpinned'} {key}"
                    if err:
                        errors.append(f"{tag}: {err}")
                    else:
                        results.setdefault((name, pinned, key), []).append(out)
                    print(f"bench-scale: [{done}/{total}] {tag}{': ' + err if err else ''}", file=sys.stderr, flush=True)
    info["loadavg_end"] = open("/proc/loadavg").read().split()[:3]

    md = [f"# pnng at scale ({args.mode})", "",
          f"Machine: {info['cpu']}, {info['cpus']} CPUs, Linux {info['kernel']}, load {' '.join(info['loadavg'])} "
          f"at start, {' '.join(info['loadavg_end'])} at the end; {info['date']}.", "",
          f"{rounds} round(s); in each, every implementation runs each part once (order rotated per round), "
          "pinned (`taskset -c 0`: every thread of every process on one CPU) and unpinned. Cells: median "
          "(min–max). **ratio** = pnng's cost / NNG's from the medians: time/memory pnng ÷ NNG, "
          "rate NNG ÷ pnng; above 1.00 pnng is slower or uses more.", ""]
    head = ["figure", "pinned"] + [label for _, label in impls] + ["ratio"]
    report_rows, checks_out, worst = [], [], None
    for name, title, _argv, figs, checks in selected:
        md += [f"## {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for fig, label in figs:
            unit, better = FIG[fig][1], FIG[fig][2]
            for pinned in pins:
                stats = {key: summarize([o[fig] for o in results.get((name, pinned, key), []) if fig in o])
                         for key, _ in impls}
                ratio = None
                if stats["nng"] and stats["pnng"] and stats["nng"]["median"] > 0 and stats["pnng"]["median"] > 0:
                    ratio = (stats["nng"]["median"] / stats["pnng"]["median"] if better == "higher"
                             else stats["pnng"]["median"] / stats["nng"]["median"])
                if ratio is not None and pinned and (worst is None or ratio > worst[0]):
                    worst = (ratio, f"{title}: {label}")
                md.append("| " + " | ".join([label, "yes" if pinned else "no"] +
                                            [cell(stats[k], unit) for k, _ in impls] +
                                            [f"{ratio:.2f}" if ratio is not None else "n/a"]) + " |")
                report_rows.append({"part": name, "figure": fig, "label": label, "pinned": pinned,
                                    "stats": stats, "ratio": ratio})
        if checks:
            chead = ["every run (pinned and unpinned)", "limit"] + [label for _, label in impls]
            md += ["", "| " + " | ".join(chead) + " |", "|" + "---|" * len(chead)]
        for ck, label, limit in checks:
            vals = {key: [o[ck] for p in pins for o in results.get((name, p, key), []) if ck in o] for key, _ in impls}
            bad = {k: v for k, v in vals.items() if limit is not None and any(x > limit for x in v)}
            for k, v in bad.items():
                errors.append(f"{name} {k}: {label}: {v} (limit {limit})")
            checks_out.append({"part": name, "check": ck, "values": vals, "limit": limit})
            md.append("| " + " | ".join([label, "—" if limit is None else f"≤ {limit}"] +
                                        [", ".join(str(x) for x in vals[k]) or "n/a" for k, _ in impls]) + " |")
        md.append("")
    storm = {k: summarize([o["up_ms"] for p in pins if p for o in results.get(("conns-storm", p, k), [])])
             for k, _ in impls}
    seq = {k: summarize([o["up_ms"] for p in pins if p for o in results.get(("conns-seq", p, k), [])])
           for k, _ in impls}
    if any(storm.values()) and any(seq.values()):
        md += ["## Connection storm", "",
               "All up when dialed at once ÷ all up when dialed one after another (pinned medians); "
               "the listener's accept backlog decides it: " +
               "; ".join(f"{lab} {storm[k]['median'] / seq[k]['median']:.2f}" for k, lab in impls if storm[k] and seq[k]),
               ""]
    if worst:
        md += [f"**Largest pinned ratio: {worst[0]:.2f}** ({worst[1]}); every pinned ratio ≤ 1.10: "
               f"{'yes' if worst[0] <= 1.10 else 'no'}.", ""]
    if errors:
        md += ["## Errors", ""] + [f"- {e}" for e in errors] + [""]
    text = "\n".join(md)
    out_dir = os.path.join(root, "benches", "results")
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.join(out_dir, f"scale-{args.mode}-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}")
    with open(base + ".json", "w") as f:
        json.dump({"mode": args.mode, "machine": info, "rounds": rounds, "rows": report_rows,
                   "checks": checks_out, "errors": errors,
                   "raw": {f"{n}|{p}|{k}": v for (n, p, k), v in results.items()}}, f, indent=1)
    with open(base + ".md", "w") as f:
        f.write(text)
    for ext in (".json", ".md"):
        link = os.path.join(out_dir, f"latest-scale-{args.mode}{ext}")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.basename(base + ext), link)
    print(text)
    print(f"bench-scale: wrote {base}.md and .json ({len(errors)} errors)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
