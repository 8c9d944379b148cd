"""Run every benchmark in bench/bench_*.py and print each figure beside its target.

Usage: make bench   (or: .venv/bin/python bench/run.py [name-filter])
Benchmarks run in-process against the configured database (the development cluster by default),
with the data that is there: seed it first with `manage.py seed_demo` and its size options.
Exit status 1 when a figure misses its target.
"""

import importlib
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    name_filter = argv[1] if len(argv) > 1 else ""
    failures = 0
    print(f"{'benchmark':<48} {'measured':>12} {'target':>12}  result")
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        for benchmark in module.BENCHMARKS:
            for result in benchmark():
                if name_filter not in result.name:
                    continue
                ok = result.passed
                failures += not ok
                print(
                    f"{result.name:<48} {result.value:>9.1f} {result.unit:<2} {result.target:>9.1f} {result.unit:<2}"
                    f"  {'ok' if ok else 'MISSED'}"
                )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
