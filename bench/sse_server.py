#!/usr/bin/env python3
"""Minimal SSE target for benchmarking `stampede load sse` (loopback only).

GET /sse?rate=5&size=300&events=0  ->  `id: s<N>:<seq>` events at `rate` per second per stream,
`size` bytes of data each, forever (events=0) or then `event: done`.
Usage: python3 bench/sse_server.py PORT
"""
import asyncio
import itertools
import sys
import urllib.parse

counter = itertools.count(1)


async def handle(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        target = head.split(b" ", 2)[1].decode()
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(target).query))
        rate, size, total = float(q.get("rate", 5)), int(q.get("size", 300)), int(q.get("events", 0))
        sid = f"s{next(counter)}"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
        pad = "x" * max(0, size - 20)
        seq = 1
        loop = asyncio.get_running_loop()
        start = loop.time()
        while total == 0 or seq <= total:
            writer.write(f"id: {sid}:{seq}\r\nevent: message\r\ndata: {{\"p\":\"{pad}\"}}\r\n\r\n".encode())
            await writer.drain()
            seq += 1
            await asyncio.sleep(max(0.0, start + seq / rate - loop.time()))
        writer.write(f"id: {sid}:{seq}\r\nevent: done\r\ndata: {{}}\r\n\r\n".encode())
        await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main(port):
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main(int(sys.argv[1])))
