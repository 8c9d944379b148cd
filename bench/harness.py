"""Small helpers shared by the benchmarks: timing a page with the test client, counting its queries."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Result:
    name: str
    value: float
    target: float
    unit: str

    @property
    def passed(self) -> bool:
        return self.value <= self.target


def time_page(path: str, *, runs: int = 50, warmup: int = 5) -> tuple[float, int]:
    """Median server time in ms of GET path (in-process, no network) and its number of SQL queries."""
    client = Client()
    for _ in range(warmup):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(timings), len(queries)


def page_benchmark(label: str, path: str, *, max_ms: float, max_queries: int):
    def run():
        median_ms, n_queries = time_page(path)
        return [
            Result(f"{label}: median server time", median_ms, max_ms, "ms"),
            Result(f"{label}: SQL queries", n_queries, max_queries, "q"),
        ]

    return run
