"""Ranking one request over 1,000 senior advisors (supporters.matching.rank): median time and SQL queries.

When fewer than 1,000 advisors exist, the missing ones are created for the run (bulk_create, spread over
Hokkaido's municipalities, trades and activities, some serving other subprefectures, some paused or
without consent), marked by BENCH_NOTE in their availability note, and deleted afterwards with their areas.
"""

import random
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.harness import Result

ADVISORS = 1000
RUNS = 20
WARMUP = 3
BENCH_NOTE = "bench_advisors: created for the benchmark, deleted after it"
TRADES = (
    "旋盤", "フライス盤", "NC加工", "溶接", "板金", "塑性加工", "鋳造", "電気設備", "機械保全", "設備保全",
    "電子回路", "プラスチック成形", "木工", "製紙", "食品加工", "金型", "塗装", "建築大工", "測量", "化学分析",
)  # fmt: skip


def _create_missing() -> list[int]:
    from portal.models import Municipality, Subprefecture
    from supporters.models import AdvisorActivity, AdvisorStatus, SeniorAdvisor

    missing = ADVISORS - SeniorAdvisor.objects.count()
    if missing <= 0:
        return []
    rng = random.Random(8)  # noqa: S311 (a reproducible spread, not a secret)
    towns = list(Municipality.objects.local_governments().values_list("code", flat=True))
    areas = list(Subprefecture.objects.values_list("pk", flat=True))
    activities = list(AdvisorActivity.values)
    statuses = [AdvisorStatus.ACTIVE] * 8 + [AdvisorStatus.PAUSED, AdvisorStatus.APPLIED]
    created = SeniorAdvisor.objects.bulk_create(
        SeniorAdvisor(
            name=f"ベンチ顧問{n}",
            email=f"bench-advisor-{n}@example.invalid",
            home_municipality_id=rng.choice(towns),
            travel_radius_km=rng.choice((20, 30, 50, 80, 100, 150)),
            trades=rng.sample(TRADES, rng.randint(1, 3)),
            activities=rng.sample(activities, rng.randint(1, 3)),
            available_weekdays=rng.choice(([], [0, 1, 2, 3, 4], [5, 6], rng.sample(range(7), 3))),
            available_months=rng.choice(([], [], list(range(4, 11)), rng.sample(range(1, 13), 6))),
            availability_note=BENCH_NOTE,
            status=rng.choice(statuses),
            consent_to_contact=rng.random() < 0.9,
            is_demo=False,
        )
        for n in range(missing)
    )
    through = SeniorAdvisor.areas.through
    through.objects.bulk_create(
        through(senioradvisor_id=advisor.pk, subprefecture_id=area)
        for advisor in created
        if rng.random() < 0.3
        for area in rng.sample(areas, rng.randint(1, 2))
    )
    return [advisor.pk for advisor in created]


def _delete(pks: list[int]) -> None:
    from supporters.models import SeniorAdvisor

    advisors = SeniorAdvisor.objects.filter(pk__in=pks, availability_note=BENCH_NOTE)
    SeniorAdvisor.areas.through.objects.filter(senioradvisor__in=advisors).delete()
    advisors.delete()
    # deleting records a "deleted" history row per advisor (bulk_create recorded none): remove those too
    SeniorAdvisor.history.filter(id__in=pks, availability_note=BENCH_NOTE).delete()


def ranking():
    from portal.models import Municipality
    from supporters.matching import MatchRequest, rank
    from supporters.models import AdvisorActivity, SeniorAdvisor

    created = _create_missing()
    try:
        request = MatchRequest(
            purpose=AdvisorActivity.HANDS_ON,
            trade="旋盤",
            municipality=Municipality.objects.get(code="012084"),  # 北見市
            weekdays=[1, 3],
            months=[10, 11],
        )
        total = SeniorAdvisor.objects.count()
        for _ in range(WARMUP):
            rank(request)
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            candidates = rank(request)
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            rank(request)
        ranked = sum(1 for candidate in candidates if not candidate.is_excluded)
    finally:
        _delete(created)
    print(f"advisors: {total} advisors, {ranked} candidates, {total - ranked} excluded")
    return [
        Result(f"advisors: rank {total} advisors, median", statistics.median(timings), 200, "ms"),
        Result("advisors: rank, SQL queries", len(queries), 4, "q"),
    ]


BENCHMARKS = [ranking]
