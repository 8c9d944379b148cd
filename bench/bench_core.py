"""The portal core's pages. Targets for this 2-core machine."""

from bench.harness import page_benchmark

BENCHMARKS = [
    # the working group, the subprefectures and the apps' sections (three tours; the next events and the next
    # seminars, each with their sessions)
    page_benchmark("home /", "/", max_ms=25, max_queries=8),
    page_benchmark("home /en/", "/en/", max_ms=25, max_queries=8),
    page_benchmark("about /about/", "/about/", max_ms=25, max_queries=5),
    page_benchmark("accessibility", "/accessibility/", max_ms=20, max_queries=0),
    page_benchmark("healthz", "/healthz", max_ms=5, max_queries=1),
]
