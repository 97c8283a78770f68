"""Bounded load from this machine through nginx: no server error, and no lost or doubled write.

Both tests use a fixed number of clients for a fixed time or count, send
traffic only to the stack's published loopback port, and stop by themselves.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import ApiSession, describe

CLIENTS = 8
DURATION = 10.0
CREATORS = 10
CREATES_EACH = 10


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class LoadTests:
    def test_mixed_load_has_no_server_errors(self, settings, api, capsys):
        base_url = settings.url(settings.http_port)
        prefix = f"load {uuid.uuid4().hex[:8]}"
        deadline = time.monotonic() + DURATION
        latencies: dict[str, list[float]] = {"health": [], "list": [], "create": []}
        statuses: Counter = Counter()
        lock = threading.Lock()

        def client(number: int) -> None:
            with ApiSession(base_url) as session:
                step = 0
                while time.monotonic() < deadline:
                    kind = ("health", "list", "create")[step % 3]
                    started = time.perf_counter()
                    if kind == "health":
                        response = session.get("/api/health/")
                    elif kind == "list":
                        response = session.get("/api/todos/")
                    else:
                        response = session.post("/api/todos/", json={"title": f"{prefix} {number}-{step}"})
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies[kind].append(elapsed)
                        statuses[response.status_code] += 1
                    step += 1

        try:
            with ThreadPoolExecutor(CLIENTS) as pool:
                list(pool.map(client, range(CLIENTS)))
        finally:
            api.delete_todos_titled(prefix)

        with capsys.disabled():
            print(f"\n  {CLIENTS} clients for {DURATION:.0f} s, status counts {dict(statuses)}")
            for kind, values in latencies.items():
                print(
                    f"  {kind:7} n={len(values):5}  p50={statistics.median(values) * 1000:6.1f} ms  "
                    f"p95={percentile(values, 0.95) * 1000:6.1f} ms  p99={percentile(values, 0.99) * 1000:6.1f} ms"
                )
        server_errors = {status: count for status, count in statuses.items() if status >= 500}
        assert server_errors == {}, f"server errors: {server_errors}"
        assert all(latencies.values()), latencies


class ConcurrentCreateTests:
    def test_every_create_stored_once(self, settings, api):
        base_url = settings.url(settings.http_port)
        prefix = f"concurrent {uuid.uuid4().hex[:8]}"
        start = threading.Barrier(CREATORS)

        def creator(number: int) -> list[int]:
            ids = []
            with ApiSession(base_url) as session:
                start.wait(timeout=30)
                for index in range(CREATES_EACH):
                    response = session.post("/api/todos/", json={"title": f"{prefix} {number}-{index}"})
                    assert response.status_code == 201, describe(response)
                    ids.append(response.json()["id"])
            return ids

        try:
            with ThreadPoolExecutor(CREATORS) as pool:
                returned = [todo_id for ids in pool.map(creator, range(CREATORS)) for todo_id in ids]
            stored = [todo for todo in api.get("/api/todos/").json()["todos"] if todo["title"].startswith(prefix)]
        finally:
            api.delete_todos_titled(prefix)

        expected = CREATORS * CREATES_EACH
        assert len(returned) == len(set(returned)) == expected
        assert len(stored) == expected, f"{len(stored)} stored, {expected} created"
        assert len({todo["title"] for todo in stored}) == expected, "a title was stored twice"
        assert {todo["id"] for todo in stored} == set(returned)
