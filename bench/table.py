#!/usr/bin/env python3
"""Rewrites the parts of docs/benchmarks.md between the compare markers (from bench/results/*.json) and between the
curve markers (from bench/results/curve/*.json).

Usage: bench/table.py RESULTS_DIR DOC COMMAND PINNED (bench/compare.sh calls it).
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys

BEGIN = "<!-- compare:begin (bench/compare.sh rewrites this part) -->"
END = "<!-- compare:end -->"
CURVE_BEGIN = "<!-- curve:begin (bench/compare.sh rewrites this part) -->"
CURVE_END = "<!-- curve:end -->"
ROWS = [
    ("echo-raw-netty", "raw Netty NETTY echo (upper bound)", "echo"),
    ("echo-vertx", "Vert.x VERTX echo", "echo"),
    ("echo-tether", "Tether, `@NonBlocking` packet echo", "echo"),
    ("echo-node-ws", "node `ws` 8", "echo"),
    ("rpc-add-tether", "Tether, `@NonBlocking add(a, b)`, closed loop (its maximum)", "rpc"),
    ("rpc-addOnWorker-tether", "Tether, `add(a, b)` on a worker thread, closed loop (its maximum)", "rpc"),
    ("rpc-echo-tether", "Tether, `@NonBlocking echo(payload)`, closed loop", "rpc"),
]
# The curve's series, in the order of the table's columns: file prefix in results/curve/, column heading.
CURVE_SERIES = [
    ("tether-rpc-add", "Tether `rpc add` (I/O thread)"),
    ("tether-echo", "Tether echo"),
    ("raw-netty-echo", "raw Netty NETTY echo"),
    ("vertx-echo", "Vert.x VERTX echo"),
]


def versions(results):
    """The versions the servers printed at start ("version Netty 4.2.18.Final"), by server log name."""
    found = {}
    for name, key in (("raw", "NETTY"), ("vertx", "VERTX")):
        try:
            with open(os.path.join(results, f"{name}-server.log")) as f:
                for line in f:
                    if line.startswith("version "):
                        found[key] = line.split()[2]
                        break
        except OSError:
            pass
    return found


def with_versions(label, found):
    for key in ("NETTY", "VERTX"):
        label = label.replace(" " + key, " " + found[key] if key in found else "")
    return label


def micros(us):
    return f"{us / 1000:.1f} ms" if us >= 1000 else f"{us} µs"


def curve_lines(results, found, command, pinned):
    """The curve's table: one row per offered rate, one column per series; None when there is no curve."""
    directory = os.path.join(results, "curve")
    points = {}
    if os.path.isdir(directory):
        for file in os.listdir(directory):
            m = re.fullmatch(r"(.+)-(\d+)\.json", file)
            if m:
                with open(os.path.join(directory, file)) as f:
                    points[(m.group(1), int(m.group(2)))] = json.load(f)
    if not points:
        return None
    rates = sorted({rate for _, rate in points})
    stop_p50_ms = int(os.environ.get("CURVE_STOP_P50_MS", "50"))
    heads = [with_versions(label, found) for _, label in CURVE_SERIES]
    lines = [
        CURVE_BEGIN,
        "",
        "| offered msg/s | " + " | ".join(heads) + " |",
        "|---" * (len(heads) + 1) + "|",
    ]
    for rate in rates:
        cells = []
        for series, _ in CURVE_SERIES:
            r = points.get((series, rate))
            if r is None:
                cells.append("")
                continue
            lat = r["latency_us"]
            server = "?" if r.get("server_cpu_cores") is None else f"{r['server_cpu_cores']:.2f}"
            cpu = f" (CPU {server} / {r['generator_cpu_cores']:.2f})"
            cell = f"{micros(lat['p50'])} / **{micros(lat['p99'])}**{cpu}"
            if r.get("behind_schedule"):
                cell = f"BEHIND: sent {r['sent_per_second']:,.0f}/s; {cell}"
            elif lat["p50"] >= 1000 * stop_p50_ms:
                cell = f"SATURATED: {cell}"
            cells.append(cell)
        lines.append(f"| {rate:,} | " + " | ".join(cells) + " |")
    any_point = next(iter(points.values()))
    lines += [
        "",
        f"p50 / **p99** of each point, and the CPU of server / generator in cores (1.00 = one core busy). Open loop: {any_point['connections']} connections"
        f" send on a fixed schedule, at most {any_point['depth']} in flight each, {any_point['payload_bytes']}-byte"
        f" payloads, {any_point['seconds']:.0f} s measured per point after the warm-up; latency runs from the time the"
        " schedule meant to send each message (HdrHistogram), so a stall counts against every message it delayed."
        " A series stops after its first saturated point: BEHIND (the generator sent less than 95 % of the rate) or"
        f" SATURATED (the median waited {stop_p50_ms} ms or more, a queue that grew through the run); an empty cell"
        " is a rate above it."
        f" From `{command}` ({pinned}), {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
        "![Latency against offered load](img/latency-curve.png)",
        "",
        CURVE_END,
    ]
    return lines


def replace_block(text, begin, end, block):
    if begin in text and end in text:
        return re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    return text.rstrip("\n") + "\n\n" + block + "\n"


def fanout_rows(results):
    """One row per fanout-N-tether case found, by subscriber count."""
    counts = set()
    for file in os.listdir(results):
        m = re.fullmatch(r"fanout-(\d+)-tether-r\d+\.json", file)
        if m:
            counts.add(int(m.group(1)))
    return [(f"fanout-{n}-tether", f"Tether, 1 publisher → {n:,} subscribers (deliveries/s)", "fanout")
            for n in sorted(counts)]


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if shutil_which("node") else "absent"
    load = os.getloadavg()
    return cpu, java[1] if len(java) > 1 else java[0], node, load


def shutil_which(name):
    import shutil
    return shutil.which(name) is not None


def main():
    results, doc, command, pinned = sys.argv[1:5]
    found = versions(results)
    rows = ROWS + fanout_rows(results) + [("connections-tether", "", "connections")]
    runs, ranges = {}, {}
    for name, _, _ in rows:
        rounds = []
        for file in sorted(os.listdir(results)):
            if re.fullmatch(re.escape(name) + r"-r\d+\.json", file):
                with open(os.path.join(results, file)) as f:
                    rounds.append(json.load(f))
        if rounds:
            key = "connects_per_second" if name == "connections-tether" else "delivered_per_second"
            rounds.sort(key=lambda r: r[key])
            runs[name] = rounds[(len(rounds) - 1) // 2]  # the median run (the lower one of an even count)
            ranges[name] = (rounds[0][key], rounds[-1][key], len(rounds))
    raw = runs.get("echo-raw-netty")
    lines = [
        BEGIN,
        "",
        "| server | scenario | delivered msg/s (median) | range of runs | vs raw Netty | p50 | p99 | p99.9 | max | errors | server CPU | generator CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, label, scenario in rows:
        if scenario == "connections":
            continue
        r = runs.get(name)
        if r is None:
            lines.append(f"| {label} | {scenario} | not run | | | | | | | | | |")
            continue
        lat = r["latency_us"]
        label = with_versions(label, found)
        low, high, count = ranges[name]
        ratio = f"{r['delivered_per_second'] / raw['delivered_per_second']:.2f} ×" if raw and scenario == "echo" else ""
        server_cpu = "?" if r["server_cpu_cores"] is None else f"{r['server_cpu_cores']:.2f}"
        if r.get("server_cpu_wait_cores") is not None:
            server_cpu += f" (wait {r['server_cpu_wait_cores']:.2f})"
        generator_cpu = f"{r['generator_cpu_cores']:.2f}"
        if r.get("generator_cpu_wait_cores") is not None:
            generator_cpu += f" (wait {r['generator_cpu_wait_cores']:.2f})"
        lines.append(
            f"| {label} | {scenario} | **{r['delivered_per_second']:,.0f}** | {low:,.0f}–{high:,.0f} ({count} runs) | {ratio} | {lat['p50']} µs | {lat['p99']} µs"
            f" | {lat['p999']} µs | {lat['max']} µs | {r['errors']} | {server_cpu} | {generator_cpu} |"
        )
    idle = runs.get("connections-tether")
    if idle is not None:
        low, high, count = ranges["connections-tether"]
        lines += [
            "",
            "| idle connections held | opened in | connect rate | server heap per connection | server direct memory per connection | errors |",
            "|---|---|---|---|---|---|",
            f"| {idle['held']:,} | {idle['connect_seconds']:.1f} s | {idle['connects_per_second']:,.0f}/s"
            f" | {idle['server_heap_bytes_per_connection']:,} B | {idle['server_direct_bytes_per_connection']:,} B"
            f" | {idle['errors']} |",
            "",
            f"The connections row is the median of {count} runs by connect rate"
            " (`tether bench connections`, held 5 s after 1 s); heap is the growth of the server's heap after a"
            " full collection (`/bench/gc`) over the connections held, direct memory the growth of Netty's.",
        ]
    cpu, java, node, load = machine()
    any_run = next(iter(runs.values()), None)
    lines += [
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC with `{command}`: "
        + (f"{any_run['connections']} connections, {any_run['payload_bytes']}-byte payloads, depth {any_run['depth']},"
           f" {any_run['seconds']:.0f} s measured per run after the warm-up, servers taking turns; latency and CPU"
           " columns are those of the median run; " if any_run else "")
        + f"{pinned}. Machine: `nproc` = {os.cpu_count()}, `{cpu}`, {java}, node {node},"
        f" {platform.system()} {platform.release()}; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        " when the table was written. CPU columns are cores (1.00 = one core busy) over the measured window,"
        " from `/proc/PID/stat` for the server and the JVM's process CPU time for the generator; *wait* is the time"
        " their threads were runnable but waited for a CPU (`/proc/PID/task/*/schedstat`), in cores: CPU that other"
        " work on the machine took from the measurement.",
        "",
        END,
    ]
    with open(doc) as f:
        text = f.read()
    if runs:
        text = replace_block(text, BEGIN, END, "\n".join(lines))
    curve = curve_lines(results, found, command, pinned)
    if curve:
        text = replace_block(text, CURVE_BEGIN, CURVE_END, "\n".join(curve))
    with open(doc, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
