#!/usr/bin/env python3
"""Benchmark: SSE streams one reference-server instance holds, its RSS per stream and CPU per event.

Starts embedded Redis + PostgreSQL (`stampede services up`), one `stampede serve` (release build),
and `stampede load sse` with N fast clients; once every stream is open it samples the server's
/proc/PID (RSS, CPU) and /metrics (events sent) over a steady window, then prints the figures.
Everything stops at the end. Loopback only, bounded in time.

  bench/server_sse.py --streams 2000 --interval 200ms --window 20
  bench/server_sse.py --streams 10000 --interval 60s --window 20     # idle streams
  bench/server_sse.py --streams 2000 --shards 2 --window 20          # the same load from 2 shard processes
  bench/server_sse.py --streams 2000 --server floor --window 15      # the same load against bench/sse_floor_server.c
"""
import argparse, json, os, re, signal, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def proc_stats(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return cpu, rss


def metric(port, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    m = re.search(rf"^{name} (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build/release/stampede"))
    ap.add_argument("--streams", type=int, default=2000)
    ap.add_argument("--interval", default="200ms", help="agent event interval (5 events/s = 200ms)")
    ap.add_argument("--payload", type=int, default=300)
    ap.add_argument("--window", type=float, default=20, help="seconds of steady state measured")
    ap.add_argument("--ramp", default="1000/s")
    ap.add_argument("--profile", default="upstream")
    ap.add_argument("--server-args", default="", help="extra flags for stampede serve")
    ap.add_argument("--server", choices=["reference", "floor"], default="reference",
                    help="who serves the streams: stampede serve, or bench/sse_floor_server.c (one C thread, one "
                         "write per event: the floor for this load on this machine)")
    ap.add_argument("--generator", choices=["stampede", "locust", "raw"], default="stampede",
                    help="who holds the streams: stampede load sse, Locust running bench/locust_sse.py, or the raw "
                         "asyncio (+ uvloop) client bench/raw_sse_client.py")
    ap.add_argument("--python", default=sys.executable,
                    help="the Python that runs Locust and the raw client (e.g. .build-bench/bin/python)")
    ap.add_argument("--shards", type=int, default=1,
                    help="stampede only: run the load as this many shard processes (--shard i/N, one --start-at); "
                         "generator figures are their sums")
    ap.add_argument("--load-args", default="", help="extra flags for stampede load sse, e.g. '--tick 1ms'")
    ap.add_argument("--keep", help="copy the generators' result files (result-<i>.json) into this directory")
    ap.add_argument("--perf", help="record the server with `perf record -g` during the window into this file")
    ap.add_argument("--perf-generator", help="record the generator with `perf record -g` during the window into this file")
    a = ap.parse_args()

    procs = []
    tmp = tempfile.mkdtemp(prefix="stampede-bench-")
    try:
        env = dict(os.environ)
        if a.server == "reference":
            svc = subprocess.Popen([a.bin, "services", "up"], stdout=subprocess.PIPE, text=True)
            procs.append(svc)
            for _ in range(2):
                k, v = svc.stdout.readline().strip().split("=", 1)
                env[k] = v
        port = free_port()
        ramp_s = a.streams / float(a.ramp.split("/")[0])
        # Runs long enough to outlast ramp-up + window: every stream stays open while measured.
        interval_s = float(a.interval[:-2]) / 1000 if a.interval.endswith("ms") else float(a.interval[:-1])
        events = int((ramp_s + a.window + 30) / interval_s) + 2
        if a.server == "floor":
            binary = os.path.join(tmp, "sse_floor_server")
            subprocess.run(["cc", "-O2", "-o", binary, os.path.join(ROOT, "bench/sse_floor_server.c")], check=True)
            serve = [binary, str(port), str(int(interval_s * 1000)), str(events), str(a.payload)]
        else:
            serve = [a.bin, "serve", "--port", str(port), "--profile", a.profile, "--agent-slots", str(a.streams + 100),
                     "--agent-events", str(events), "--agent-interval", a.interval, "--agent-payload-bytes",
                     str(a.payload), "--interrupt-poll", "false", "--hold-db-connection", "false", "--max-connections",
                     "off", "--db-pool", "20", "--redis-pool", "200", "--log-level", "warning"] + a.server_args.split()
        srv = subprocess.Popen(serve, env=env, stdout=open(f"{tmp}/serve.log", "w"), stderr=subprocess.STDOUT)
        procs.append(srv)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1); break
            except Exception:
                time.sleep(0.1)
        base_cpu, base_rss = proc_stats(srv.pid)
        duration = int(ramp_s + a.window + 15)
        if a.generator == "locust":
            lenv = dict(os.environ, LOCUST_EVENTS_FILE=f"{tmp}/locust_events")
            load = subprocess.Popen([a.python, "-m", "locust", "-f", os.path.join(ROOT, "bench/locust_sse.py"), "--headless", "-u", str(a.streams),
                                     "-r", a.ramp.split("/")[0], "-t", f"{duration}s", "--host", f"http://127.0.0.1:{port}",
                                     "--only-summary"], env=lenv, stdout=open(f"{tmp}/load.log", "w"), stderr=subprocess.STDOUT)
            loads = [load]
        elif a.generator == "raw":
            load = subprocess.Popen([a.python, os.path.join(ROOT, "bench/raw_sse_client.py"), "--port", str(port),
                                     "--streams", str(a.streams), "--ramp", a.ramp.split("/")[0],
                                     "--duration", str(duration)],
                                    stdout=open(f"{tmp}/load.log", "w"), stderr=subprocess.STDOUT)
            loads = [load]
        else:
            start_at = f"{time.time() + 1.0:.3f}"
            loads = []
            for i in range(a.shards):
                shard = ["--shard", f"{i}/{a.shards}", "--start-at", start_at] if a.shards > 1 else []
                loads.append(subprocess.Popen(
                    [a.bin, "load", "sse", "--url", f"http://127.0.0.1:{port}/api/v1/query", "--method", "POST",
                     "--body", '{"prompt":"bench"}', "--header", "X-API-Key:stampede-dev-key",
                     "--clients", str(a.streams), "--ramp", a.ramp, "--duration", f"{duration}s",
                     "--quiet", "--out", f"{tmp}/result-{i}.json"] + shard + a.load_args.split(),
                    stdout=open(f"{tmp}/load-{i}.log", "w"), stderr=subprocess.STDOUT))
            load = loads[0]
        procs.extend(loads)

        def generator_stats():
            stats = [proc_stats(p.pid) for p in loads]
            return sum(c for c, _ in stats), sum(r for _, r in stats)
        # Wait for every stream to be open.
        deadline = time.time() + ramp_s + 60
        while time.time() < deadline and metric(port, "stampede_sse_active_streams") < a.streams:
            time.sleep(0.5)
        active = metric(port, "stampede_sse_active_streams")
        time.sleep(2)
        cpu0, rss0 = proc_stats(srv.pid)
        ev0 = metric(port, "stampede_sse_events_sent_total")
        lcpu0, lrss0 = generator_stats()
        t0 = time.time()
        perf = None
        if a.perf:
            perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-p", str(srv.pid), "-o", a.perf,
                                     "--", "sleep", str(a.window)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gperf = None
        if a.perf_generator:
            gperf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-p", str(load.pid), "-o",
                                      a.perf_generator, "--", "sleep", str(a.window)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(a.window)
        if perf: perf.wait()
        if gperf: gperf.wait()
        cpu1, rss1 = proc_stats(srv.pid)
        ev1 = metric(port, "stampede_sse_events_sent_total")
        lcpu1, lrss1 = generator_stats()
        elapsed = time.time() - t0
        fds = len(os.listdir(f"/proc/{srv.pid}/fd"))
        events = ev1 - ev0
        out = {
            "generator": a.generator, "generator_processes": len(loads),
            "streams_open": int(active), "window_s": round(elapsed, 1), "events_sent": int(events),
            "events_per_s": round(events / elapsed),
            "server_rss_baseline_mib": round(base_rss / 2**20, 1), "server_rss_mib": round(rss1 / 2**20, 1),
            "server_rss_per_stream_kib": round((rss1 - base_rss) / max(active, 1) / 1024, 1),
            "server_cpu_percent": round(100 * (cpu1 - cpu0) / elapsed, 1),
            "server_cpu_us_per_event": round(1e6 * (cpu1 - cpu0) / events, 1) if events else None,
            "server_open_fds": fds,
            "generator_rss_mib": round(lrss1 / 2**20, 1),
            "generator_cpu_percent": round(100 * (lcpu1 - lcpu0) / elapsed, 1),
            "generator_cpu_us_per_event": round(1e6 * (lcpu1 - lcpu0) / events, 1) if events else None,
        }
        print(json.dumps(out, indent=2))
        for p in loads:
            p.send_signal(signal.SIGINT)
        for p in loads:
            p.wait(timeout=60)
        for log in sorted(f for f in os.listdir(tmp) if f.startswith("load")):
            print(open(f"{tmp}/{log}").read()[-2500:], file=sys.stderr)
        if a.keep:
            os.makedirs(a.keep, exist_ok=True)
            for f in os.listdir(tmp):
                if f.startswith("result"):
                    os.replace(f"{tmp}/{f}", os.path.join(a.keep, f))
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try: p.wait(timeout=30)
                except subprocess.TimeoutExpired: p.kill()


if __name__ == "__main__":
    main()
