"""factory_boy factories and small file builders for the programmes tests."""

import csv
import io

import factory

from portal.choices import Industry
from programmes.models import FactoryTour
from tests.factories import FactoryTourFactory as BaseFactoryTourFactory


class FactoryTourFactory(BaseFactoryTourFactory):
    """The shared factory with the defaults the import tests were written against (札幌市, food)."""

    name = factory.Sequence(lambda n: f"テスト見学工場{n}")
    municipality_code = "011002"
    industry = Industry.FOOD
    audiences = factory.LazyFunction(list)


# A row that imports cleanly; tests change or add one cell at a time.
GOOD_ROW = {
    "施設名": "テスト工場",
    "企業・団体名": "テスト株式会社",
    "提供機関": "北海道経済産業局",
    "市町村": "札幌市",
    "業種": "食品",
}


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8") -> bytes:
    """A CSV file as Excel writes it (CRLF), its header the union of the rows' keys in order of appearance."""
    headers = list(dict.fromkeys(key for row in rows for key in row))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([row.get(header, "") for header in headers] for row in rows)
    return text.getvalue().encode(encoding)


def tour_snapshot(tour: FactoryTour) -> dict:
    """Every field the import layout carries, as stored."""
    return {
        "name": tour.name,
        "name_kana": tour.name_kana,
        "company_name": tour.company_name,
        "provider": tour.provider.name,
        "municipality": tour.municipality_id,
        "address": tour.address,
        "postcode": tour.postcode,
        "latitude": tour.latitude,
        "longitude": tour.longitude,
        "industry": tour.industry,
        "audiences": tour.audiences,
        "description": tour.description,
        "duration_minutes": tour.duration_minutes,
        "group_min": tour.group_min,
        "group_max": tour.group_max,
        "months": tour.months,
        "weekdays": tour.weekdays,
        "lead_time_days": tour.lead_time_days,
        "fee_kind": tour.fee_kind,
        "fee_amount": tour.fee_amount,
        "reservation_required": tour.reservation_required,
        "bus_parking": tour.bus_parking,
        "wheelchair_access": tour.wheelchair_access,
        "winter_note": tour.winter_note,
        "phone": tour.phone,
        "website": tour.website,
        "status": tour.status,
        "confirmed_on": tour.confirmed_on,
        "is_demo": tour.is_demo,
    }
