"""/map/features.geojson (issue 4): for 10,000 tours ≤ 300 ms median server time and ≤ 3 MB, constant SQL queries.

Measured on the published tours that the configured database holds (load them first, e.g.
`manage.py seed_demo --tours 10000`); the label says how many the GeoJSON carried.
Run alone: .venv/bin/python bench/run.py "features.geojson"
"""

import json

from django.test import Client

from bench.harness import Result, time_page

PATH = "/map/features.geojson"
MAX_MS = 300
MAX_MB = 3.0
MAX_QUERIES = 5  # tours: 1; experience events and seminars: each the programmes and their upcoming sessions


def geojson_benchmark():
    response = Client().get(PATH)
    assert response.status_code == 200, response.status_code
    size_mb = len(response.content) / 1_000_000
    count = len(json.loads(response.content)["features"])
    median_ms, n_queries = time_page(PATH, runs=20, warmup=3)
    label = f"map geojson ({count} tours)"
    return [
        Result(f"{label}: median server time", median_ms, MAX_MS, "ms"),
        Result(f"{label}: size", size_mb, MAX_MB, "MB"),
        Result(f"{label}: SQL queries", n_queries, MAX_QUERIES, "q"),
    ]


BENCHMARKS = [geojson_benchmark]
