"""seed_demo for the programmes app: the 29 real tours through the import, and generated tours topped up."""

import io

import pytest
from django.core.management import call_command

from portal.choices import FeeKind, Industry, ListingStatus
from portal.models import Municipality, Organisation
from programmes.demo import generated_tour
from programmes.models import FactoryTour
from tests.programmes.factories import FactoryTourFactory, tour_snapshot

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_loads_the_29_real_tours_as_published_demo_data():
    seed()
    tours = FactoryTour.objects.all()
    assert tours.count() == 29
    assert set(tours.values_list("is_demo", "status", "provider__name", "confirmed_on")) == {
        (True, ListingStatus.PUBLISHED, "北海道経済産業局", None)
    }


def test_the_real_tours_went_through_the_import_formats():
    seed()
    tour = FactoryTour.objects.get(name="王子製紙 苫小牧工場")
    assert (
        tour.company_name,
        tour.municipality.name,
        tour.industry,
        tour.weekdays,
        (tour.group_min, tour.group_max),
        tour.duration_minutes,
        tour.fee_kind,
        tour.reservation_required,
    ) == ("王子製紙株式会社", "苫小牧市", Industry.PAPER, [0, 1, 2, 3, 4], (1, 100), 60, FeeKind.FREE, True)
    assert tour.description == (
        "月〜金 9:00〜15:00、1〜100人、電話予約、所要約60分\n出典: https://letsgo-viewing-factorytour.biz/life/oji-paper"
    )


def test_every_real_tour_keeps_its_source_url_on_the_last_line():
    seed()
    last_lines = [tour.description.splitlines()[-1] for tour in FactoryTour.objects.all()]
    assert len(last_lines) == 29
    assert all(line.startswith(("出典: http://", "出典: https://")) for line in last_lines)


def test_seed_demo_twice_duplicates_and_changes_nothing():
    seed()
    before = {tour.pk: tour_snapshot(tour) for tour in FactoryTour.objects.select_related("provider")}
    history_before = FactoryTour.history.count()
    output = seed()
    assert "Real demo tours (demo_factory_tours.csv): 0 new, 0 updated, 29 unchanged." in output.splitlines()
    assert FactoryTour.objects.count() == 29
    assert FactoryTour.history.count() == history_before  # the second run saved nothing
    assert {tour.pk: tour_snapshot(tour) for tour in FactoryTour.objects.select_related("provider")} == before


def test_seed_demo_leaves_a_staff_tour_of_the_same_name_alone():
    staff_tour = FactoryTourFactory(name="白い恋人パーク", company_name="石屋製菓株式会社", group_max=77)
    seed()
    staff_tour.refresh_from_db()
    assert (staff_tour.group_max, staff_tour.is_demo) == (77, False)
    assert FactoryTour.objects.filter(name="白い恋人パーク").count() == 2


def test_tours_option_tops_up_the_generated_tours():
    assert "Generated demo tours: 300 created, 300 in all." in seed("--tours", "300").splitlines()
    assert FactoryTour.objects.count() == 329
    assert "Generated demo tours: 300 already (asked for 300)." in seed("--tours", "300").splitlines()
    assert FactoryTour.objects.count() == 329
    assert "Generated demo tours: 50 created, 350 in all." in seed("--tours", "350").splitlines()
    assert FactoryTour.objects.count() == 379
    assert set(FactoryTour.objects.values_list("is_demo", "status")) == {(True, ListingStatus.PUBLISHED)}


def test_generated_tours_spread_over_hokkaido_and_industries():
    seed("--tours", "300")
    generated = FactoryTour.objects.exclude(description__contains="出典: ")
    assert generated.count() == 300
    assert generated.values("municipality__subprefecture").distinct().count() == 14
    assert generated.values("industry").distinct().count() == len(Industry.values)


def test_generated_tours_are_the_same_on_every_run_and_valid():
    municipalities = list(Municipality.objects.select_related("parent"))
    providers = list(Organisation.objects.all())
    weights = [1] * len(municipalities)
    first = generated_tour(7, municipalities=municipalities, weights=weights, providers=providers)
    again = generated_tour(7, municipalities=municipalities, weights=weights, providers=providers)
    assert tour_snapshot(first) == tour_snapshot(again)
    for index in range(50):
        generated_tour(index, municipalities=municipalities, weights=weights, providers=providers).full_clean()


def test_seed_demo_dry_run_writes_no_tour():
    output = seed("--dry-run", "--tours", "10")
    assert output.splitlines()[-1] == "Dry run: nothing was written."
    assert FactoryTour.objects.count() == 0
