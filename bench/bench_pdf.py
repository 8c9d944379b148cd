"""/tours/pdf/ (issue 4): 200 tours ≤ 3 s, 1,000 tours ≤ 12 s, peak memory ≤ 1 GB, constant SQL queries.

The benchmark brings its own tours: it bulk-creates 1,000 published tours named PDF計測… (realistic
text, every fact filled in, a QR code each) in the configured database, selects them with a keyword
only they contain, and deletes them afterwards (also any left over by an interrupted run).
Run alone: .venv/bin/python bench/run.py "tours/pdf"
"""

import datetime as dt
import resource
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.harness import Result

PREFIX = "PDF計測"
KEYWORD = "pdfbench"  # in every bench tour's description
KEYWORD_200 = "pdfbench200x"  # in the first 200 only
SIZES = ((200, KEYWORD_200, 3.0, 3), (1000, KEYWORD, 12.0, 3))  # tours, query, target seconds, runs


def delete_tours() -> None:
    """Raw delete: no history rows for throwaway data (simple_history records ORM deletes)."""
    from programmes.models import FactoryTour

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FactoryTour._meta.db_table} WHERE name LIKE %s", [PREFIX + "%"])  # noqa: S608


def create_tours(count: int = 1000) -> None:
    from portal.choices import FeeKind, Industry, ListingStatus
    from portal.models import Municipality, Organisation
    from programmes.models import FactoryTour

    provider = Organisation.objects.order_by("pk").first()
    if provider is None:
        provider = Organisation.objects.create(name=f"{PREFIX}支援機関", name_en="PDF bench support body")
    municipalities = list(Municipality.objects.local_governments().values_list("code", flat=True))
    industries = [value for value, _label in Industry.choices]
    today = dt.date.today()
    tours = []
    for n in range(count):
        keywords = f"{KEYWORD} {KEYWORD_200}" if n < 200 else KEYWORD
        tours.append(
            FactoryTour(
                name=f"{PREFIX}{n:04d} 北海道ものづくり総合見学センター第{n % 7 + 1}工場",
                name_kana=f"ほっかいどうものづくりそうごうけんがくせんたー{n}",
                company_name=f"株式会社北の製作所ホールディングス{n % 50}",
                provider=provider,
                municipality_id=municipalities[n % len(municipalities)],
                address=f"{n % 30 + 1}条{n % 12 + 1}丁目{n % 20 + 1}番地",
                industry=industries[n % len(industries)],
                audiences=["elementary", "junior_high", "high_school"][: n % 3 + 1],
                description=f"製造ラインと品質管理の見学、溶接や組立の体験。{keywords}",
                duration_minutes=(n % 4 + 1) * 30 if n % 5 else None,
                group_min=5 if n % 3 else None,
                group_max=(n % 8 + 1) * 10,
                months=[] if n % 4 == 0 else list(range(4 + n % 3, 11)),
                weekdays=[] if n % 2 else [0, 1, 2, 3, 4],
                lead_time_days=14 if n % 2 else None,
                fee_kind=FeeKind.FREE if n % 3 else FeeKind.PAID,
                fee_amount=None if n % 3 else 500,
                fee_note="" if n % 6 else "資料代として",
                reservation_required=[True, False, None][n % 3],
                bus_parking=[True, False, None][(n + 1) % 3],
                wheelchair_access=[True, False, None][(n + 2) % 3],
                phone=f"0157-{n % 90 + 10:02d}-{n:04d}",
                website=f"https://www.example.jp/factory-tours/tour-{n}/index.html" if n % 2 else "",
                status=ListingStatus.PUBLISHED,
                confirmed_on=today - dt.timedelta(days=n) if n % 5 else None,
                is_demo=n % 10 == 0,
            )
        )
    FactoryTour.objects.bulk_create(tours, batch_size=500)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def time_pdf(path: str, runs: int) -> tuple[float, int, int]:
    """Median seconds of GET path, its SQL queries and its size in bytes."""
    from portal import pdf

    client = Client()
    timings = []
    for _ in range(runs):
        pdf.qr_png_data_uri.cache_clear()  # measure cold: every QR code made anew
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        assert response["Content-Type"] == "application/pdf"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return statistics.median(timings), len(queries), len(response.content)


def tour_pdf() -> list[Result]:
    delete_tours()
    create_tours(1000)
    try:
        results = []
        Client().get(f"/tours/pdf/?q={KEYWORD_200}&group_size=1")  # warm-up: fonts, templates, translations
        for count, keyword, target, runs in SIZES:
            seconds, n_queries, size = time_pdf(f"/tours/pdf/?q={keyword}", runs)
            results += [
                Result(f"/tours/pdf/ {count} tours: time", seconds, target, "s"),
                Result(f"/tours/pdf/ {count} tours: SQL queries", n_queries, 10, "q"),
                Result(f"/tours/pdf/ {count} tours: size", size / 1e6, 20, "MB"),
            ]
        results.append(Result("/tours/pdf/: peak memory (RSS of the process)", peak_rss_mb(), 1024, "MB"))
        return results
    finally:
        delete_tours()


BENCHMARKS = [tour_pdf]
