#!/usr/bin/env python3
"""Issue 14's side-by-side: stampede load sse, the raw asyncio+uvloop client and Locust, one after
the other against one `stampede serve` each (bench/server_sse.py), at two stream counts. Prints
CPU per event (generator CPU over the window / events the server sent), RSS at the larger count
and RSS per stream as the slope between the two counts.

Usage: bench/generators_sse.py [--python .build-bench/bin/python] [--low 500] [--high 2000]
       [--generators stampede,raw,locust] [--load-args "--tick 1ms"]
Needs: python3 -m venv .build-bench && .build-bench/bin/pip install locust uvloop
"""
import argparse, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(generator, streams, a):
    cmd = [sys.executable, os.path.join(ROOT, "bench/server_sse.py"), "--generator", generator, "--python", a.python,
           "--streams", str(streams), "--interval", "200ms", "--window", str(a.window), "--ramp", "1000/s"]
    if generator == "stampede" and a.load_args:
        cmd += ["--load-args", a.load_args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    return json.loads(out[out.index("{"):out.index("}") + 1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=os.path.join(ROOT, ".build-bench/bin/python"))
    ap.add_argument("--low", type=int, default=500)
    ap.add_argument("--high", type=int, default=2000)
    ap.add_argument("--window", type=int, default=15)
    ap.add_argument("--generators", default="stampede,raw,locust")
    ap.add_argument("--load-args", default="")
    a = ap.parse_args()
    rows = []
    for g in a.generators.split(","):
        lo, hi = run(g, a.low, a), run(g, a.high, a)
        slope = (hi["generator_rss_mib"] - lo["generator_rss_mib"]) * 1024 / (a.high - a.low)
        rows.append((g, hi["generator_cpu_us_per_event"], lo["generator_cpu_us_per_event"], hi["generator_rss_mib"],
                     slope, hi["events_per_s"]))
        print(f"{g}: {rows[-1]}", file=sys.stderr, flush=True)
    print(f"| generator | CPU per event, {a.high:,} streams | CPU per event, {a.low:,} | RSS at {a.high:,} "
          f"| RSS per stream ({a.low:,} → {a.high:,}) | events/s at {a.high:,} |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for g, chi, clo, rss, slope, evs in rows:
        print(f"| {g} | {chi} µs | {clo} µs | {rss} MiB | {slope:.1f} KiB | {evs:,} |")
    base = {g: chi for g, chi, *_ in rows}
    if "stampede" in base and "raw" in base:
        print(f"\nstampede / raw CPU per event at {a.high:,}: {base['stampede'] / base['raw']:.2f}x")


if __name__ == "__main__":
    main()
