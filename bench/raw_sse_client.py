#!/usr/bin/env python3
"""A raw asyncio SSE client, the floor a short script reaches: one TCP connection per stream, the
request written by hand, the response read in chunks, split into lines, events counted at their
`id:` line, and the gap since the stream's previous event kept per stream (count, sum, max). No
HTTP library. With uvloop installed (PyPI `uvloop`) it runs on uvloop's event loop, else on
asyncio's. The peer `bench/server_sse.py --generator raw` runs beside `stampede load sse` and
Locust. Loopback or your own hosts only; stops by itself after --duration.

  bench/raw_sse_client.py --port 8080 --streams 2000 --ramp 1000 --duration 40
"""
import argparse, asyncio, json, os, sys, time

try:
    import uvloop
except ImportError:
    uvloop = None


class Totals:
    def __init__(self):
        self.events = 0
        self.gaps = 0
        self.gap_sum = 0.0
        self.gap_max = 0.0
        self.open = 0
        self.errors = 0


async def stream(host, port, request, totals, deadline):
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        totals.errors += 1
        return
    writer.write(request)
    totals.open += 1
    last = None
    pending = b""
    in_body = False
    try:
        while time.monotonic() < deadline:
            chunk = await reader.read(65536)
            if not chunk:
                break
            pending += chunk
            if not in_body:
                end = pending.find(b"\r\n\r\n")
                if end < 0:
                    continue
                pending = pending[end + 4:]
                in_body = True
            *lines, pending = pending.split(b"\n")
            for line in lines:
                # One `id:` line per event (the reference server numbers every event); chunked
                # framing lines (hex sizes, bare CR) are skipped by the same test.
                if line.startswith(b"id:"):
                    now = time.monotonic()
                    totals.events += 1
                    if last is not None:
                        gap = now - last
                        totals.gaps += 1
                        totals.gap_sum += gap
                        if gap > totals.gap_max:
                            totals.gap_max = gap
                    last = now
    except (OSError, asyncio.IncompleteReadError):
        totals.errors += 1
    finally:
        totals.open -= 1
        writer.close()


async def main(a):
    body = a.body.encode()
    request = (f"POST {a.path} HTTP/1.1\r\nHost: {a.host}:{a.port}\r\nAccept: text/event-stream\r\n"
               f"Content-Type: application/json\r\nX-API-Key: {a.api_key}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    totals = Totals()
    deadline = time.monotonic() + a.duration
    tasks = []
    for i in range(a.streams):
        tasks.append(asyncio.ensure_future(stream(a.host, a.port, request, totals, deadline)))
        if (i + 1) % max(1, int(a.ramp / 100)) == 0:
            await asyncio.sleep(max(1, int(a.ramp / 100)) / a.ramp)
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        if a.events_file:
            with open(a.events_file, "w") as f:
                f.write(str(totals.events))
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({
        "loop": "uvloop" if uvloop else "asyncio", "streams": a.streams, "events": totals.events,
        "gap_mean_ms": round(1000 * totals.gap_sum / totals.gaps, 1) if totals.gaps else None,
        "gap_max_ms": round(1000 * totals.gap_max, 1), "errors": totals.errors}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/api/v1/query")
    ap.add_argument("--body", default='{"prompt":"bench"}')
    ap.add_argument("--api-key", default="stampede-dev-key")
    ap.add_argument("--streams", type=int, default=100)
    ap.add_argument("--ramp", type=float, default=1000, help="connections opened per second")
    ap.add_argument("--duration", type=float, default=30, help="seconds, then every stream closes and it exits")
    ap.add_argument("--events-file", help="write the event count here every second")
    a = ap.parse_args()
    if uvloop:
        uvloop.install()
    try:
        asyncio.run(main(a))
    except KeyboardInterrupt:  # the benchmark ends it with SIGINT once it has measured
        pass
