"""The seminars as open data: their facts for the core's events dataset (イベント一覧, one row per session:
portal.opendata builds the session columns, ``seminar_facts`` gives the seminar's).

Only published seminars; demo ones are flagged in 備考. Nothing personal: the speakers' names and profiles are
left out, and registrations are never read here.
"""

from collections.abc import Collection

from django.utils import translation

from portal import importing
from portal.opendata import (
    DEMO_EVENT_NOTE,
    EventFacts,
    EventSource,
    fee_basic,
    fee_detail,
    join_notes,
    page_url,
)
from seminars.models import Seminar
from seminars.models.seminar import SeminarKind

_FIELDS = (
    "pk",
    "kind",
    "title",
    "title_en",
    "description",
    "fee_kind",
    "fee_amount",
    "fee_note",
    "audiences",
    "grades",
    "what_to_bring",
    "is_demo",
    "provider__name",
)


def kind_labels_ja() -> dict[str, str]:
    """保護者向けセミナー, …: the kinds as the Japanese pages name them."""
    with translation.override("ja"):
        return {value: str(label) for value, label in SeminarKind.choices}


def seminar_facts(pks: Collection[int], base_url: str) -> dict[int, EventFacts]:
    """pk -> EventFacts of the published seminars among ``pks``: one query."""
    seminar_url = page_url(base_url, "seminars:seminar-detail")
    kinds = kind_labels_ja()
    seminars = Seminar.objects.published().filter(pk__in=list(pks)).values(*_FIELDS)
    return {
        seminar["pk"]: EventFacts(
            name=seminar["title"],
            name_en=seminar["title_en"],
            description=seminar["description"],
            fee_basic=fee_basic(seminar["fee_kind"]),
            fee_detail=fee_detail(seminar["fee_kind"], seminar["fee_amount"], seminar["fee_note"]),
            contact=seminar["provider__name"],
            organiser=seminar["provider__name"],
            url=seminar_url(seminar["pk"]),
            note=join_notes(
                kinds.get(seminar["kind"], ""),
                f"対象: {importing.AUDIENCES.format_many(seminar['audiences'])}" if seminar["audiences"] else "",
                seminar["grades"],
                f"持ち物: {seminar['what_to_bring']}" if seminar["what_to_bring"] else "",
                DEMO_EVENT_NOTE if seminar["is_demo"] else "",
            ),
        )
        for seminar in seminars
    }


def seminar_source() -> EventSource:
    return EventSource(published=Seminar.objects.published, facts=seminar_facts)
