#!/usr/bin/env python3
"""Benchmark: what one open connection costs the reference server in RSS, with no stream on it.

Starts embedded Redis + PostgreSQL (`stampede services up`) and one `stampede serve`, opens N
connections and either leaves them idle (no request yet) or sends one `GET /health` on each and
reads the answer (the connection then stays open, kept alive). Prints (RSS after - RSS before) / N.
Everything stops at the end. Loopback only, bounded in time.

  bench/server_conn_memory.py --connections 2000 --mode idle
  bench/server_conn_memory.py --connections 2000 --mode health
"""
import argparse, os, socket, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build/release/stampede"))
    ap.add_argument("--connections", type=int, default=2000)
    ap.add_argument("--mode", choices=["idle", "health"], default="health")
    a = ap.parse_args()
    procs = []
    try:
        svc = subprocess.Popen([a.bin, "services", "up"], stdout=subprocess.PIPE, text=True)
        procs.append(svc)
        env = dict(os.environ)
        for _ in range(2):
            k, v = svc.stdout.readline().strip().split("=", 1)
            env[k] = v
        port = free_port()
        srv = subprocess.Popen([a.bin, "serve", "--port", str(port), "--log-level", "warning", "--max-connections", "off"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(srv)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1); break
            except Exception:
                time.sleep(0.1)

        def rss():
            return int(open(f"/proc/{srv.pid}/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        time.sleep(1)
        before = rss()
        socks = []
        for i in range(a.connections):
            s = socket.create_connection(("127.0.0.1", port))
            if a.mode == "health":
                s.sendall(b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n")
            socks.append(s)
            if i % 200 == 199:
                time.sleep(0.05)
        time.sleep(3)
        answered = 0
        if a.mode == "health":
            for s in socks:
                s.settimeout(10)
                if s.recv(65536).startswith(b"HTTP/1.1 200"):
                    answered += 1
        time.sleep(2)
        after = rss()
        print(f"mode={a.mode} connections={a.connections} answered={answered if a.mode == 'health' else '-'} "
              f"rss_per_connection_kib={(after - before) / a.connections / 1024:.1f}")
        for s in socks:
            s.close()
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(15)
                try: p.wait(timeout=30)
                except subprocess.TimeoutExpired: p.kill()


if __name__ == "__main__":
    main()
