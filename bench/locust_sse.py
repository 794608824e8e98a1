"""The SSE job of bench/server_sse.py written for Locust (PyPI `locust`), for a side-by-side run.

Each user opens one POST /api/v1/query stream and reads it line by line to its end, counting
events; the count is written to $LOCUST_EVENTS_FILE every second so the benchmark can compute CPU
per event over a window. Run through `bench/server_sse.py --generator locust`.
"""
import os

import gevent
from locust import HttpUser, events, task

EVENTS = [0]


@events.init.add_listener
def _report(environment, **_):
    path = os.environ.get("LOCUST_EVENTS_FILE")
    if not path:
        return

    def loop():
        while True:
            with open(path, "w") as f:
                f.write(str(EVENTS[0]))
            gevent.sleep(1)

    gevent.spawn(loop)


class StreamUser(HttpUser):
    @task
    def stream(self):
        with self.client.post("/api/v1/query", json={"prompt": "bench"}, headers={"X-API-Key": "stampede-dev-key"},
                              stream=True, catch_response=True, name="sse") as r:
            for line in r.iter_lines():
                if line.startswith(b"id:"):
                    EVENTS[0] += 1
            r.success()
