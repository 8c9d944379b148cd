"""The regions loaded by the data migration from portal/data (copies of ../shared/data)."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from portal.choices import MunicipalityKind
from portal.models import (
    Municipality,
    Subprefecture,
    local_government_check_digit,
    validate_local_government_code,
)

pytestmark = pytest.mark.django_db

EXPECTED_PER_SUBPREFECTURE = {
    "ishikari": 8,
    "kamikawa": 23,
    "okhotsk": 18,
    "tokachi": 19,
    "kushiro": 8,
    "nemuro": 5,
    "soya": 10,
    "rumoi": 8,
    "sorachi": 24,
    "shiribeshi": 20,
    "iburi": 11,
    "hidaka": 7,
    "oshima": 11,
    "hiyama": 7,
}


def test_fourteen_subprefectures_with_the_shared_slugs():
    assert set(Subprefecture.objects.values_list("slug", flat=True)) == set(EXPECTED_PER_SUBPREFECTURE)
    assert Subprefecture.objects.filter(kind="general").count() == 9
    assert Subprefecture.objects.filter(kind="regular").count() == 5


def test_179_municipalities_plus_sapporos_ten_wards():
    assert Municipality.objects.count() == 189
    assert Municipality.objects.local_governments().count() == 179
    counts = dict(Municipality.objects.values_list("kind").annotate(n=Count("code")))
    assert counts == {"city": 35, "town": 129, "village": 15, "ward": 10}
    sapporo = Municipality.objects.get(code="011002")
    assert sapporo.name == "札幌市"
    assert sapporo.wards.count() == 10
    assert set(sapporo.wards.values_list("subprefecture__slug", flat=True)) == {"ishikari"}


def test_municipalities_per_subprefecture():
    counts = dict(
        Subprefecture.objects.annotate(
            n=Count("municipalities", filter=~Q(municipalities__kind=MunicipalityKind.WARD))
        ).values_list("slug", "n")
    )
    assert counts == EXPECTED_PER_SUBPREFECTURE


def test_every_code_has_a_valid_check_digit():
    codes = list(Municipality.objects.values_list("code", flat=True))
    assert len(codes) == 189
    assert [code for code in codes if local_government_check_digit(code[:5]) != code[5]] == []


@pytest.mark.parametrize(
    ("code5", "digit"),
    [("01100", "2"), ("01213", "1"), ("01202", "5"), ("01101", "1")],  # 札幌, 苫小牧 (remainder 0 → 1), 函館
)
def test_check_digit_rule(code5, digit):
    assert local_government_check_digit(code5) == digit


@pytest.mark.parametrize("bad", ["011001", "01100", "0110022", "01100a", ""])
def test_bad_codes_are_rejected(bad):
    with pytest.raises(ValidationError):
        validate_local_government_code(bad)


def test_seats_names_and_coordinates():
    kamikawa = Subprefecture.objects.select_related("seat").get(slug="kamikawa")
    assert kamikawa.name == "上川総合振興局"
    assert kamikawa.name_en == "Kamikawa General Subprefectural Bureau"
    assert kamikawa.seat.name == "旭川市"
    assert kamikawa.short_name == "上川"
    assert Subprefecture.objects.filter(seat__isnull=True).count() == 0
    kitami = Municipality.objects.get(name="北見市")
    assert (kitami.code, kitami.name_kana, kitami.name_en, kitami.subprefecture.slug) == (
        "012084",
        "きたみし",
        "Kitami",
        "okhotsk",
    )
    assert 41 < float(kitami.latitude) < 46 and 139 < float(kitami.longitude) < 146
    assert kitami.website.startswith("https://")


def test_subprefectures_are_in_the_official_order():
    assert list(Subprefecture.objects.values_list("slug", flat=True)[:3]) == ["sorachi", "ishikari", "shiribeshi"]
