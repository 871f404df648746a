#!/usr/bin/env python3
"""Rewrites the part of docs/benchmarks.md between the compare markers from bench/results/*.json.

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
ROWS = [
    ("echo-raw-netty", "raw Netty echo (upper bound)", "echo"),
    ("echo-tether", "Tether, `@NonBlocking` packet echo", "echo"),
    ("echo-node-ws", "node `ws` 8", "echo"),
    ("rpc-add-tether", "Tether, `@NonBlocking add(a, b)`, closed loop (its maximum)", "rpc"),
    ("rpc-add-half-tether", "Tether, `@NonBlocking add(a, b)` at RATE calls/s, half that maximum (open loop)", "rpc"),
    ("rpc-addOnWorker-tether", "Tether, `add(a, b)` on a worker thread, closed loop (its maximum)", "rpc"),
    ("rpc-addOnWorker-half-tether", "Tether, `add(a, b)` on a worker at RATE calls/s, half that maximum (open loop)", "rpc"),
    ("rpc-echo-tether", "Tether, `@NonBlocking echo(payload)`, closed loop", "rpc"),
]


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
        label = label.replace("RATE", f"{r.get('rate', 0):,}")
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
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(doc, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
