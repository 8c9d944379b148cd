"""The figures of the staff report for a fiscal year (年度), each beside the previous year's (issue 9).

    report = compute_report(year=2026, organisation=None)      # the secretariat's view: everything
    report = compute_report(year=2026, organisation=partner)   # a partner's own programmes and requests
    report.table("programmes").row("enquiry:tour").values[0].this

What is counted, and how (the page says the same in words, see templates/staff/_how_counted.html):

- A session is *held* when its status is done, or it is still scheduled and has already started; cancelled
  sessions never count. It counts in the fiscal year of its start (Tokyo time), at its venue's municipality.
- A request (tour, lecture, advisor) is *carried out* when it became done after being accepted (a declined
  request that is closed is not); it counts in the year it became done, at the municipality of the request.
  Advisor dispatches are the advisor requests carried out (the advisor went to the school).
- Participants: the registrations confirmed or marked attended for the sessions held. Children count by
  their school year (pre-school children as the general public), adults of a family sign-up as parents
  (as teachers, or the general public, for a programme for those only), a school group's pupils by the kind
  of school its name says (else "school type not known") and its adults as teachers; plus the participants
  recorded on the requests carried out (by the school's name, or the grade or audience the request gave).
- Requests are *received* in the year of their creation; they are counted by their current status. The
  response time is from receipt to the first status change away from "new", or the first note written to
  the requester by staff, whichever comes first; requests not answered yet are left out of the median.
- Survey answers count in the year the programme was held; averages are of the 1–5 scale questions.
- Each app's AppConfig.report_sources describes its programmes and its other counts (portal.reports).

The number of queries does not grow with the data: the sessions held with their adults summed per session in
SQL, their children per school year (unnested in SQL), the school groups, the requests (with the dates of
their first answer and of being carried out), the survey answers summed per question and programme, the
responses, one per programme model for what each offering is (funding scheme, audiences, kind), one per extra
count, and the reference lists. The rest is Python over a few thousand rows.
"""

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone, translation

from portal import dates
from portal.booking.models import Registration, Session
from portal.choices import (
    Audience,
    EnquiryKind,
    EnquiryStatus,
    Grade,
    RegistrationKind,
    RegistrationStatus,
    SessionStatus,
)
from portal.enquiries.models import Enquiry, EnquiryEvent
from portal.models import Municipality
from portal.reports import ENQUIRIES, SESSIONS, ReportCount, ReportProgramme
from portal.reports.tables import UNKNOWN, Bucket, Collector, Report, build_tables
from portal.surveys.models import QuestionKind, SurveyAnswer, SurveyInvitation

TOKYO = ZoneInfo(settings.TIME_ZONE)
#: registrations that count as participants of a held session
COUNTED_REGISTRATIONS = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)

#: the audience of a family's child by school year (pre-school children count with the general public)
GRADE_AUDIENCE = {
    Grade.PRESCHOOL: Audience.GENERAL,
    **dict.fromkeys((Grade.E1, Grade.E2, Grade.E3, Grade.E4, Grade.E5, Grade.E6), Audience.ELEMENTARY),
    **dict.fromkeys((Grade.J1, Grade.J2, Grade.J3), Audience.JUNIOR_HIGH),
    **dict.fromkeys((Grade.H1, Grade.H2, Grade.H3), Audience.HIGH_SCHOOL),
}
#: the kind of school a name (or a grade such as 中学2年) says, first match wins (附属中学校 of a 大学: junior high)
SCHOOL_PATTERNS = (
    (Audience.ELEMENTARY, re.compile(r"小学|小[1-6]|elementary|primary", re.IGNORECASE)),
    (Audience.JUNIOR_HIGH, re.compile(r"中学|中[1-3]|junior high|middle school", re.IGNORECASE)),
    (Audience.HIGH_SCHOOL, re.compile(r"高等学校|高校|高等部|高[1-3]|high school", re.IGNORECASE)),
    (Audience.UNIVERSITY, re.compile(r"高等専門学校|高専|大学|専門学校|college|university", re.IGNORECASE)),
)


@lru_cache(maxsize=8192)
def school_level(*texts: str) -> str:
    """The audience slug of pupils from the first text that tells their kind of school, else UNKNOWN."""
    for text in texts:
        text = unicodedata.normalize("NFKC", text or "")
        for audience, pattern in SCHOOL_PATTERNS:
            if pattern.search(text):
                return audience
    return UNKNOWN


def adults_audience(audiences) -> str:
    """Who the adults of a family sign-up are: parents, unless the programme is for teachers (then teachers)
    or for the general public or students without parents (then the general public)."""
    audiences = set(audiences or ())
    if not audiences or Audience.PARENT in audiences:
        return Audience.PARENT
    if Audience.TEACHER in audiences:
        return Audience.TEACHER
    if audiences & {Audience.GENERAL, Audience.UNIVERSITY}:
        return Audience.GENERAL
    return Audience.PARENT


@lru_cache(maxsize=8192)
def school_name_key(name: str) -> str:
    """A school's name folded for counting distinct schools (NFKC, spaces collapsed)."""
    return " ".join(unicodedata.normalize("NFKC", name or "").split())


def year_start(year: int) -> dt.datetime:
    """The first moment of a fiscal year, Tokyo time."""
    first, _last = dates.fiscal_year_bounds(year)
    return dt.datetime.combine(first, dt.time(), tzinfo=TOKYO)


# --- Sources (the apps' programmes) -----------------------------------------------------------------


def report_sources() -> list:
    """Every app's ReportProgramme and ReportCount descriptions (AppConfig.report_sources), in app order."""
    return [
        source
        for config in apps.get_app_configs()
        if hasattr(config, "report_sources")
        for source in config.report_sources()
    ]


@dataclass(frozen=True)
class Offering:
    """What the report needs of one listed programme: its row, its funding scheme, who its adults are."""

    row_key: str
    scheme_id: int | None
    adults: str


def _row_key(source: ReportProgramme, variant: str | None = None) -> str:
    if source.held_by == ENQUIRIES:
        return f"enquiry:{source.enquiry_kind}"
    key = source.model._meta.label_lower
    return f"{key}:{variant}" if source.variant_field else key


def programme_rows(sources: list) -> list[tuple[str, str]]:
    """(row key, label) of every programme row: those held in sessions in the apps' order (one per variant),
    then one per kind of request (tour, lecture, advisor), labelled by the app that describes it."""
    rows = []
    for source in sources:
        if not isinstance(source, ReportProgramme) or source.held_by != SESSIONS:
            continue
        if source.variant_field:
            choices = source.model._meta.get_field(source.variant_field).choices or ()
            rows.extend((_row_key(source, value), str(label)) for value, label in choices)
        else:
            rows.append((_row_key(source), str(source.label)))
    labels = {
        source.enquiry_kind: source.label
        for source in sources
        if isinstance(source, ReportProgramme) and source.held_by == ENQUIRIES
    }
    rows.extend((f"enquiry:{kind}", str(labels.get(kind, label))) for kind, label in EnquiryKind.choices)
    return rows


def _catalogue(sources: list, wanted: dict[int, set]) -> dict[tuple[int, int], Offering]:
    """(content type id, pk) → Offering for the offerings in ``wanted`` (content type id → pks): one query
    per programme model."""
    catalogue = {}
    for source in sources:
        if not isinstance(source, ReportProgramme) or source.model is None:
            continue
        content_type = ContentType.objects.get_for_model(source.model)
        ids = wanted.get(content_type.pk)
        if not ids:
            continue
        names = ["pk", source.funding_scheme_field, source.audiences_field, source.variant_field]
        fields = [name for name in names if name]
        for values in source.model._base_manager.filter(pk__in=ids).values_list(*fields):
            row = dict(zip(fields, values, strict=True))
            variant = row.get(source.variant_field) if source.variant_field else None
            catalogue[(content_type.pk, row["pk"])] = Offering(
                row_key=_row_key(source, variant),
                scheme_id=row.get(source.funding_scheme_field) if source.funding_scheme_field else None,
                adults=adults_audience(row.get(source.audiences_field) if source.audiences_field else None),
            )
    return catalogue


def _provided(source: ReportProgramme, organisation):
    return source.model._base_manager.filter(**{source.provider_field: organisation}).values("pk")


def session_scope(sources: list, organisation) -> Q:
    """Sessions of the programmes the apps describe (of ``organisation``'s, when given)."""
    condition = Q(pk__in=[])
    for source in sources:
        if not isinstance(source, ReportProgramme) or source.held_by != SESSIONS:
            continue
        content_type = ContentType.objects.get_for_model(source.model)
        if organisation is None:
            condition |= Q(offering_type=content_type)
        elif source.provider_field:
            condition |= Q(offering_type=content_type, offering_id__in=_provided(source, organisation))
    return condition


def survey_scope(sources: list, organisation) -> Q:
    """Survey invitations about requests, or about the programmes the apps describe; only ``organisation``'s
    (its requests, the offerings it provides) when given."""
    condition = Q(enquiry__isnull=False) if organisation is None else Q(enquiry__provider=organisation)
    for source in sources:
        if not isinstance(source, ReportProgramme) or source.model is None:
            continue
        content_type = ContentType.objects.get_for_model(source.model)
        if organisation is None:
            condition |= Q(offering_type=content_type)
        elif source.provider_field:
            condition |= Q(offering_type=content_type, offering_id__in=_provided(source, organisation))
    return condition


# --- The computation --------------------------------------------------------------------------------


def available_years() -> list[int]:
    """The fiscal years that have sessions or requests, and the current one, newest first (2 queries)."""
    current = dates.fiscal_year()
    years = {current}
    for bounds in (
        Session.objects.aggregate(first=Min("starts_at"), last=Max("starts_at")),
        Enquiry.objects.aggregate(first=Min("created_at"), last=Max("created_at")),
    ):
        if bounds["first"] is not None:
            years |= {dates.fiscal_year(bounds["first"]), dates.fiscal_year(bounds["last"])}
    return list(range(max(years), min(years) - 1, -1))


def _fiscal_year_case(lookup: str, year: int) -> Case:
    return Case(When(**{f"{lookup}__gte": year_start(year)}, then=Value(year)), default=Value(year - 1))


def _children_by_audience(sessions_held) -> dict[int, Counter]:
    """Session id → the children of its counted family sign-ups, by the audience of their school year: one
    query, the grades unnested in SQL (GROUP BY cannot take a set-returning function, hence raw SQL around the
    ORM's own query of the sessions)."""
    held_sql, held_params = sessions_held.values("pk").query.sql_with_params()
    levels = " ".join("WHEN %s THEN %s" for _grade in GRADE_AUDIENCE)
    sql = (
        f"SELECT r.session_id, CASE g.grade {levels} END AS audience, count(*) "  # noqa: S608 - no user input
        f"FROM {Registration._meta.db_table} r CROSS JOIN LATERAL unnest(r.children_grades) AS g(grade) "
        f"WHERE r.session_id IN ({held_sql}) AND r.status = ANY(%s) AND r.kind = %s GROUP BY 1, 2"
    )
    params = [value for item in GRADE_AUDIENCE.items() for value in item]
    params += [*held_params, list(COUNTED_REGISTRATIONS), RegistrationKind.FAMILY]
    children = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for session_id, audience, count in cursor.fetchall():
            children[session_id][audience or UNKNOWN] += count
    return children


def compute_report(*, year: int, organisation=None, now: dt.datetime | None = None) -> Report:
    """The figures of fiscal year ``year`` and the year before, for ``organisation``'s programmes and
    requests, or everything (None)."""
    now = now or timezone.now()
    sources = report_sources()
    window = (year_start(year - 1), year_start(year + 1))
    collector = Collector(year, boundary=year_start(year))
    municipalities = {
        code: (parent or code, subprefecture)
        for code, parent, subprefecture in Municipality.objects.values_list("code", "parent_id", "subprefecture_id")
    }

    # Sessions held, with their registrations summed per session (one query), and the school groups (one).
    held = Q(status=SessionStatus.DONE) | Q(status=SessionStatus.SCHEDULED, starts_at__lt=now)
    sessions_held = Session.objects.filter(
        session_scope(sources, organisation), held, starts_at__gte=window[0], starts_at__lt=window[1]
    ).order_by()
    counted = Q(registrations__status__in=COUNTED_REGISTRATIONS)
    family = counted & Q(registrations__kind=RegistrationKind.FAMILY)
    school = counted & Q(registrations__kind=RegistrationKind.SCHOOL)
    session_rows = list(
        sessions_held.values("pk", "offering_type_id", "offering_id", "starts_at", "municipality_id").annotate(
            family_adults=Sum("registrations__adults", filter=family, default=0),
            school_adults=Sum("registrations__adults", filter=school, default=0),
        )
    )
    children = _children_by_audience(sessions_held)
    school_groups = defaultdict(list)
    for session_id, school_name, pupils in Registration.objects.filter(
        session__in=sessions_held.values("pk"), status__in=COUNTED_REGISTRATIONS, kind=RegistrationKind.SCHOOL
    ).values_list("session_id", "school_name", "pupils"):
        school_groups[session_id].append((school_name, pupils))

    # Requests received or carried out in the two years (one query).
    carried_out = (
        EnquiryEvent.objects.filter(
            enquiry=OuterRef("pk"), to_status=EnquiryStatus.DONE, from_status=EnquiryStatus.ACCEPTED
        )
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    answered = (
        EnquiryEvent.objects.filter(enquiry=OuterRef("pk"))
        .filter(
            Q(from_status=EnquiryStatus.NEW) & ~Q(to_status="")
            | Q(to_status="", by__isnull=False, visible_to_requester=True)
        )
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    enquiries = Enquiry.objects.all() if organisation is None else Enquiry.objects.filter(provider=organisation)
    enquiry_rows = list(
        enquiries.order_by()
        .annotate(carried_out_at=Subquery(carried_out), answered_at=Subquery(answered))
        .filter(
            Q(created_at__gte=window[0], created_at__lt=window[1])
            | Q(carried_out_at__gte=window[0], carried_out_at__lt=window[1])
        )
        .values(
            "kind",
            "status",
            "created_at",
            "carried_out_at",
            "answered_at",
            "municipality_id",
            "school_name",
            "grade",
            "participants_reached",
            "subject_type_id",
            "subject_id",
        )
    )

    # Survey answers (scale questions) per offering and per question, and the responses (three queries).
    invitations = SurveyInvitation.objects.filter(
        survey_scope(sources, organisation), held_at__gte=window[0], held_at__lt=window[1]
    )
    scale_answers = SurveyAnswer.objects.filter(
        response__invitation__in=invitations.values("pk"),
        question__kind=QuestionKind.SCALE_1_5,
        value_int__isnull=False,
    ).annotate(fy=_fiscal_year_case("response__invitation__held_at", year))
    survey_rows = list(
        scale_answers.order_by()
        .values(
            "fy",
            "question_id",
            "question__text",
            "question__questionnaire__name",
            "question__position",
            type_id=F("response__invitation__offering_type_id"),
            offering_id=F("response__invitation__offering_id"),
            enquiry_kind=F("response__invitation__enquiry__kind"),
        )
        .annotate(total=Sum("value_int"), n=Count("pk"))
    )
    responses = Counter(
        {
            row["fy"]: row["n"]
            for row in invitations.filter(answered_at__isnull=False)
            .annotate(fy=_fiscal_year_case("held_at", year))
            .order_by()
            .values("fy")
            .annotate(n=Count("pk"))
        }
    )

    # What each offering is (one query per programme model), then every fact into its buckets.
    wanted = defaultdict(set)
    for row in session_rows:
        wanted[row["offering_type_id"]].add(row["offering_id"])
    for row in enquiry_rows:
        wanted[row["subject_type_id"]].add(row["subject_id"])
    for row in survey_rows:
        wanted[row["type_id"]].add(row["offering_id"])
    catalogue = _catalogue(sources, wanted)
    enquiry_sources = {
        source.enquiry_kind: source
        for source in sources
        if isinstance(source, ReportProgramme) and source.held_by == ENQUIRIES
    }

    # Sessions first gathered per year, programme and scheme (a Bucket each), then added to the report's buckets.
    gathered = defaultdict(Bucket)
    for row in session_rows:
        offering = catalogue.get((row["offering_type_id"], row["offering_id"]))
        if offering is None:
            continue  # its programme was deleted since
        fy = collector.year_of(row["starts_at"])
        group = gathered[(fy, offering.row_key, offering.scheme_id)]
        audiences = group.audiences
        participants = row["family_adults"] + row["school_adults"]
        audiences[offering.adults] += row["family_adults"]
        audiences[Audience.TEACHER] += row["school_adults"]
        for audience, count in children.get(row["pk"], {}).items():
            audiences[audience] += count
            participants += count
        for school_name, pupils in school_groups.get(row["pk"], ()):
            audiences[school_level(school_name)] += pupils
            participants += pupils
            if school_name_key(school_name):
                group.schools.add(school_name_key(school_name))
        place, subprefecture = municipalities[row["municipality_id"]]
        group.held += 1
        group.municipalities.add(place)
        collector.months[fy][row["starts_at"].astimezone(TOKYO).month] += participants
        collector.subprefectures[fy][subprefecture] += participants
        collector.coverage[fy][row["municipality_id"]] += 1
    for (fy, row_key, scheme_id), group in gathered.items():
        for bucket in collector.targets(fy, row_key, scheme_id):
            bucket.held += group.held
            bucket.audiences.update(group.audiences)
            bucket.schools |= group.schools
            bucket.municipalities |= group.municipalities

    audience_labels = _audience_labels()
    for row in enquiry_rows:
        offering = catalogue.get((row["subject_type_id"], row["subject_id"]))
        scheme_id = offering.scheme_id if offering is not None else None
        row_key = f"enquiry:{row['kind']}"
        created = row["created_at"]
        if window[0] <= created < window[1]:
            fy = collector.year_of(created)
            collector.statuses[fy][(row["kind"], row["status"])] += 1
            for bucket in collector.targets(fy, row_key, scheme_id):
                bucket.enquiries += 1
                if row["answered_at"] is not None:
                    bucket.response_seconds.append((row["answered_at"] - created).total_seconds())
        done = row["carried_out_at"]
        if done is not None and window[0] <= done < window[1]:
            fy = collector.year_of(done)
            participants = row["participants_reached"] or 0
            audience = audience_labels.get(row["grade"].strip()) or school_level(row["school_name"], row["grade"])
            place, subprefecture = municipalities.get(row["municipality_id"], (None, None))
            for bucket in collector.targets(fy, row_key, scheme_id):
                bucket.held += 1
                bucket.audiences[audience] += participants
                if school_name_key(row["school_name"]):
                    bucket.schools.add(school_name_key(row["school_name"]))
                if place is not None:
                    bucket.municipalities.add(place)
            collector.months[fy][done.astimezone(TOKYO).month] += participants
            collector.subprefectures[fy][subprefecture] += participants
            if row["municipality_id"] is not None:
                collector.coverage[fy][row["municipality_id"]] += 1

    counted_survey_rows = []
    for row in survey_rows:
        offering = catalogue.get((row["type_id"], row["offering_id"]))
        if row["enquiry_kind"]:  # a request's survey: its kind's row (an advisor request's subject is no listing)
            row_key, scheme_id = f"enquiry:{row['enquiry_kind']}", offering.scheme_id if offering else None
        elif offering is not None:
            row_key, scheme_id = offering.row_key, offering.scheme_id
        else:
            continue  # a programme no app describes (or deleted since), like its sessions
        counted_survey_rows.append(row)
        for bucket in collector.targets(row["fy"], row_key, scheme_id):
            bucket.survey_total += row["total"]
            bucket.survey_answers += row["n"]

    counts = _counts(sources, organisation, year, window)
    tables = build_tables(
        collector=collector,
        municipalities=municipalities,
        programmes=programme_rows(sources),
        enquiry_sources=enquiry_sources,
        survey_rows=counted_survey_rows,
        responses=responses,
        counts=counts,
        organisation=organisation,
    )
    return Report(
        year=year,
        organisation=organisation,
        tables=tables,
        coverage_counts=dict(collector.coverage[year]),
        previous_coverage_counts=dict(collector.coverage[year - 1]),
        generated_at=now,
    )


def _audience_labels() -> dict[str, str]:
    """An audience's label in either language → its slug (an advisor request's grade is its audience label)."""
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update({str(label): value for value, label in Audience.choices})
    return labels


def _counts(sources: list, organisation, year: int, window) -> list[tuple[ReportCount, Counter]]:
    """The apps' extra counts (e.g. supporter companies joined), per year: one query each."""
    results = []
    for source in sources:
        if not isinstance(source, ReportCount):
            continue
        if organisation is not None and not source.organisation_field:
            continue  # a figure of the whole working group
        queryset = source.model._default_manager.filter(
            source.condition, **{f"{source.date_field}__gte": window[0], f"{source.date_field}__lt": window[1]}
        )
        if organisation is not None:
            queryset = queryset.filter(**{source.organisation_field: organisation})
        per_year = Counter(
            {
                row["fy"]: row["n"]
                for row in queryset.annotate(fy=_fiscal_year_case(source.date_field, year))
                .order_by()
                .values("fy")
                .annotate(n=Count("pk"))
            }
        )
        results.append((source, per_year))
    return results
