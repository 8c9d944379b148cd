"""/tours/ with typical filters and Japanese keyword search. Targets from the factory-tours issue, for this
2-core machine with `manage.py seed_demo --tours 10000`."""

from bench.harness import page_benchmark

TYPICAL = [
    ("no filter", ""),
    ("class of 38 in October with a bus", "group_size=38&month=10&bus_parking=1"),
    ("near Kitami, free", "near=012084&free=1"),
    ("Okhotsk, junior high, machinery", "subprefecture=okhotsk&audience=junior_high&industry=machinery"),
    ("page 5", "page=5"),
    ("near Sapporo, page 10", "near=011002&page=10"),
]
SEARCHES = [
    ("q 2 chars 溶接", "q=溶接"),
    ("q 2 chars 製紙", "q=製紙"),
    ("q 4 chars 北海道工場", "q=北海道工場"),
    ("q kana ようせつ", "q=ようせつ"),
]

BENCHMARKS = [
    *(page_benchmark(f"/tours/ {label}", f"/tours/?{query}", max_ms=30, max_queries=10) for label, query in TYPICAL),
    *(page_benchmark(f"/tours/ {label}", f"/tours/?{query}", max_ms=60, max_queries=10) for label, query in SEARCHES),
]
