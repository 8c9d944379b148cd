"""The staff report (/staff/, issue 9): every figure against counts made here, in plain Python, from the data
seeded on both sides of a fiscal-year boundary; the partner scope, access, bad parameters, XLSX and PDF."""

import datetime as dt
import hashlib
import io
import secrets
import shutil
import statistics
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from portal import dates
from portal.booking.models import Registration, Session
from portal.choices import EnquiryKind, EnquiryStatus, RegistrationKind, RegistrationStatus, SessionStatus
from portal.enquiries.models import Enquiry, EnquiryEvent
from portal.enquiries.services import add_enquiry_note, change_enquiry_status, record_participants, submit_enquiry
from portal.models import Municipality, WorkingGroup
from portal.reports.figures import compute_report
from portal.roles import PARTNER_EDITOR, SECRETARIAT
from portal.surveys.models import QuestionKind, Questionnaire, SurveyAnswer, SurveyInvitation, SurveyResponse
from seminars.models import LectureOffer
from supporters.models import SupporterCompany
from tests.factories import (
    ExperienceEventFactory,
    FactoryTourFactory,
    FundingSchemeFactory,
    OrganisationFactory,
    SeminarFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
BASE_URL = "https://portal.example.jp/"
KITAMI, SAPPORO, SAPPORO_CHUO, ASAHIKAWA, OBIHIRO, HAKODATE = "012084", "011002", "011011", "012041", "012076", "012025"
#: what the test knows of the places (not read from the database): the city a ward folds into, the subprefecture
CITY = {SAPPORO_CHUO: SAPPORO}
SUBPREFECTURE = {
    KITAMI: "okhotsk",
    SAPPORO: "ishikari",
    SAPPORO_CHUO: "ishikari",
    ASAHIKAWA: "kamikawa",
    OBIHIRO: "tokachi",
    HAKODATE: "oshima",
}
#: the kind of school each seeded name or grade means, written down by hand
SCHOOL_LEVEL = {
    "北見市立北中学校": "junior_high",
    "札幌市立円山小学校": "elementary",
    "ABC学園": "unknown",
    "北見市立南中学校": "junior_high",
    "旭川市立東小学校": "elementary",
    "帯広ものづくり工業株式会社": "teacher",  # its grade is the label of an audience (advisor requests)
    "函館市立港高等学校": "high_school",
}
GRADE_LEVEL = {"e": "elementary", "j": "junior_high", "h": "high_school", "p": "general"}


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def fiscal(moment: dt.datetime) -> int:
    local = moment.astimezone(TOKYO)
    return local.year if local.month >= 4 else local.year - 1


def digest() -> tuple[str, str]:
    nonce = secrets.token_hex(16)
    return nonce, hashlib.sha256(nonce.encode()).hexdigest()


# --- Seeding ------------------------------------------------------------------------------------------------


@dataclass
class World:
    now: dt.datetime
    org_a: object
    org_b: object
    org_c: object
    schemes: tuple = ()
    event_programme: tuple = ()
    sessions: list = field(default_factory=list)
    #: session pk → (row key, scheme id, who the adults of a family sign-up are, provider), written by hand
    programme_of: dict = field(default_factory=dict)
    registrations: list = field(default_factory=list)
    #: dicts: enquiry, kind, provider, received, answered, carried_out, status, participants, school, code, scheme
    enquiries: list = field(default_factory=list)
    #: (held_at, row key, scheme, provider, question id, value)
    answers: list = field(default_factory=list)
    responses: list = field(default_factory=list)  # (held_at, provider)
    supporters: list = field(default_factory=list)


def make_session(world, offering, starts_at, programme, *, status=SessionStatus.DONE, code=KITAMI):
    session = Session.objects.create(
        offering=offering,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        venue_name="テスト会場",
        municipality_id=code,
        capacity=500,
        status=status,
    )
    world.sessions.append(session)
    world.programme_of[session.pk] = programme
    return session


def register(world, session, status, *, grades=(), adults=0, school="", pupils=0):
    nonce, token_digest = digest()
    kind = RegistrationKind.SCHOOL if school else RegistrationKind.FAMILY
    registration = Registration.objects.create(
        session=session,
        kind=kind,
        status=status,
        contact_name="山田花子",
        contact_kana="ヤマダハナコ",
        email=f"{nonce}@example.jp",
        phone="011-000-0000",
        school_name=school,
        children_grades=list(grades),
        pupils=pupils,
        adults=adults,
        seats=max(1, len(grades) + adults + pupils),
        token_nonce=nonce,
        token_digest=token_digest,
    )
    world.registrations.append(registration)
    return registration


def request_data(school, grade):
    return {
        "school_name": school,
        "teacher_name": "山田花子",
        "email": "teacher@school.example.jp",
        "phone": "0157-00-0000",
        "grade": grade,
        "pupils": 30,
        "adults": 2,
        "preferred_date_1": dt.date(2026, 6, 1),
        "coming_by_bus": False,
        "message": "",
    }


def make_enquiry(world, *, kind, subject, provider, received, steps, school, grade, scheme, code, participants=None):
    """A request received at ``received``, then each (status or "note", when) step, with the participants
    recorded at the end. Also writes down, by hand, what the report should make of it."""
    staff = UserFactory(is_staff=True, organisation=provider)
    enquiry = submit_enquiry(
        kind=kind,
        subject=subject,
        provider=provider,
        municipality=Municipality.objects.get(code=code) if code else None,
        data=request_data(school, grade),
        base_url=BASE_URL,
        language="ja",
    )
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=received)
    EnquiryEvent.objects.filter(enquiry=enquiry).update(created_at=received)
    answered = carried_out = None
    previous = EnquiryStatus.NEW
    for step, when in steps:
        if step == "note":
            event = add_enquiry_note(enquiry=enquiry, by=staff, note="お電話します。", visible_to_requester=True)
            answered = answered or when
        elif step == "staff-only note":
            event = add_enquiry_note(enquiry=enquiry, by=staff, note="内部メモ", visible_to_requester=False)
        else:
            change_enquiry_status(enquiry=enquiry, to=step, by=staff)
            event = enquiry.events.order_by("-pk").first()
            if previous == EnquiryStatus.NEW:
                answered = answered or when
            if step == EnquiryStatus.DONE and previous == EnquiryStatus.ACCEPTED:
                carried_out = when
            previous = step
        EnquiryEvent.objects.filter(pk=event.pk).update(created_at=when)
    if participants is not None:
        record_participants(enquiry=enquiry, count=participants, by=staff)
    world.enquiries.append(
        {
            "enquiry": enquiry,
            "kind": kind,
            "provider": provider,
            "received": received,
            "answered": answered,
            "carried_out": carried_out,
            "status": previous,
            "participants": participants or 0,
            "school": school,
            "code": code,
            "scheme": scheme,
        }
    )
    return enquiry


def answer_survey(world, *, offering, held_at, values, row, scheme, provider, enquiry=None):
    questionnaire = Questionnaire.objects.get(for_audience="general", active=True)
    scale = list(questionnaire.questions.filter(kind=QuestionKind.SCALE_1_5).order_by("position", "pk"))
    nonce, token_digest = digest()
    SurveyInvitation.objects.filter(enquiry=enquiry, enquiry__isnull=False).delete()  # made on commit, if any
    invitation = SurveyInvitation.objects.create(
        enquiry=enquiry,
        questionnaire=questionnaire,
        offering_type=ContentType.objects.get_for_model(offering),
        offering_id=offering.pk,
        offering_name=str(offering),
        held_at=held_at,
        token_nonce=nonce,
        token_digest=token_digest,
        answered_at=held_at + dt.timedelta(days=1),
    )
    response = SurveyResponse.objects.create(invitation=invitation, questionnaire=questionnaire)
    for question, value in zip(scale, values, strict=False):
        SurveyAnswer.objects.create(response=response, question=question, value_int=value)
        world.answers.append((held_at, row, scheme, provider, question.pk, value))
    world.responses.append((held_at, provider))


def make_supporter(world, name, approved_at, status="approved"):
    company = SupporterCompany.objects.create(
        name=name,
        name_kana="テスト",
        municipality_id=KITAMI,
        industry="machinery",
        offers=["factory_tour"],
        contact_name="佐藤一郎",
        contact_email=f"{secrets.token_hex(4)}@example.jp",
        status=status,
        approved_at=approved_at,
    )
    world.supporters.append(company)


EVENT, TEACHER_SEMINAR = "programmes.experienceevent", "seminars.seminar:teacher"
TOUR, LECTURE, ADVISOR = "enquiry:tour", "enquiry:lecture", "enquiry:advisor"


@pytest.fixture
def world(organisation):
    """Two fiscal years meeting at 2026-04-01 00:00 (Tokyo), with data on both sides, one year before them and
    in the future, of three organisations: A (the partner editor's), B and C (the advisors' secretariat)."""
    world = World(now=timezone.now(), org_a=organisation, org_b=OrganisationFactory(), org_c=OrganisationFactory())
    scheme_1, scheme_2 = FundingSchemeFactory(name="テスト事業（国）"), FundingSchemeFactory(name="テスト事業（道）")
    event = ExperienceEventFactory(provider=world.org_a, funding_scheme=scheme_1, audiences=["elementary"])
    seminar = SeminarFactory(kind="teacher", provider=world.org_b, funding_scheme=scheme_2, audiences=["teacher"])
    tour = FactoryTourFactory(provider=world.org_a, funding_scheme=scheme_1)
    lecture = LectureOffer.objects.create(title="溶接のおはなし", provider=world.org_b, status="published")
    world.schemes = (scheme_1, scheme_2)
    world.event_programme = (EVENT, scheme_1.pk, "parent", world.org_a)
    seminar_programme = (TEACHER_SEMINAR, scheme_2.pk, "teacher", world.org_b)

    # the last session of FY2025, at 23:30 on 31 March
    s1 = make_session(world, event, at(2026, 3, 31, 23, 30), world.event_programme)
    register(world, s1, RegistrationStatus.ATTENDED, grades=["e3", "j1"], adults=1)
    register(world, s1, RegistrationStatus.CONFIRMED, grades=["preschool"], adults=2)
    register(world, s1, RegistrationStatus.CANCELLED, grades=["e5"], adults=1)
    register(world, s1, RegistrationStatus.WAITLISTED, grades=["e6"], adults=1)
    register(world, s1, RegistrationStatus.ATTENDED, school="北見市立北中学校", pupils=30, adults=2)
    # the first of FY2026, ten minutes in, still "scheduled" but past, at a Sapporo ward's venue
    s2 = make_session(
        world, event, at(2026, 4, 1, 0, 10), world.event_programme, status=SessionStatus.SCHEDULED, code=SAPPORO_CHUO
    )
    register(world, s2, RegistrationStatus.ATTENDED, grades=["e1", "e2", "h1"], adults=2)
    register(world, s2, RegistrationStatus.CONFIRMED, school="札幌市立円山小学校", pupils=25, adults=1)
    register(world, s2, RegistrationStatus.APPLIED, school="札幌市立円山小学校", pupils=5, adults=1)
    # cancelled: never counted, whatever its registrations say
    s3 = make_session(world, event, at(2026, 5, 10), world.event_programme, status=SessionStatus.CANCELLED)
    register(world, s3, RegistrationStatus.CONFIRMED, grades=["e4"], adults=1)
    # B's seminar for teachers in FY2026: adults of a family sign-up are teachers there
    s4 = make_session(world, seminar, at(2026, 8, 20), seminar_programme, code=ASAHIKAWA)
    register(world, s4, RegistrationStatus.ATTENDED, adults=3)
    register(world, s4, RegistrationStatus.CONFIRMED, school="ABC学園", pupils=10, adults=1)
    # ahead: scheduled, not yet held
    s5 = make_session(
        world, event, world.now + dt.timedelta(days=20), world.event_programme, status=SessionStatus.SCHEDULED
    )
    register(world, s5, RegistrationStatus.CONFIRMED, grades=["e2"], adults=1)
    # FY2024: outside both years
    s6 = make_session(world, event, at(2025, 3, 1), world.event_programme)
    register(world, s6, RegistrationStatus.ATTENDED, grades=["j2"], adults=1)
    # the previous year also had one in Hakodate, of B's seminar
    s7 = make_session(world, seminar, at(2025, 11, 5), seminar_programme, code=HAKODATE)
    register(world, s7, RegistrationStatus.ATTENDED, school="函館市立港高等学校", pupils=12, adults=2)

    group = WorkingGroup.load()
    # received in FY2025 (answered in 2 days), carried out in FY2026
    e1 = make_enquiry(
        world,
        kind=EnquiryKind.TOUR,
        subject=tour,
        provider=world.org_a,
        received=at(2026, 3, 20),
        steps=[
            (EnquiryStatus.IN_PROGRESS, at(2026, 3, 22)),
            (EnquiryStatus.ACCEPTED, at(2026, 3, 25)),
            (EnquiryStatus.DONE, at(2026, 4, 2)),
        ],
        school="北見市立南中学校",
        grade="中学1年",
        participants=35,
        scheme=scheme_1.pk,
        code=KITAMI,
    )
    # B's lecture: answered by a note to the school after 6 hours, carried out in June
    e2 = make_enquiry(
        world,
        kind=EnquiryKind.LECTURE,
        subject=lecture,
        provider=world.org_b,
        received=at(2026, 5, 10, 9),
        steps=[
            ("staff-only note", at(2026, 5, 10, 10)),
            ("note", at(2026, 5, 10, 15)),
            (EnquiryStatus.IN_PROGRESS, at(2026, 5, 12)),
            (EnquiryStatus.ACCEPTED, at(2026, 5, 13)),
            (EnquiryStatus.DONE, at(2026, 6, 1)),
        ],
        school="旭川市立東小学校",
        grade="5年",
        participants=40,
        scheme=None,
        code=ASAHIKAWA,
    )
    # an advisor dispatch (C, the secretariat) to a company's teachers: its grade is the audience's label
    make_enquiry(
        world,
        kind=EnquiryKind.ADVISOR,
        subject=group,
        provider=world.org_c,
        received=at(2026, 7, 1),
        steps=[
            (EnquiryStatus.IN_PROGRESS, at(2026, 7, 4)),
            (EnquiryStatus.ACCEPTED, at(2026, 7, 5)),
            (EnquiryStatus.DONE, at(2026, 8, 1)),
        ],
        school="帯広ものづくり工業株式会社",
        grade="Teachers",
        participants=20,
        scheme=None,
        code=OBIHIRO,
    )
    # declined, then closed: received and answered, never carried out
    make_enquiry(
        world,
        kind=EnquiryKind.TOUR,
        subject=tour,
        provider=world.org_a,
        received=at(2026, 9, 1),
        steps=[
            (EnquiryStatus.IN_PROGRESS, at(2026, 9, 2, 12)),
            (EnquiryStatus.DECLINED, at(2026, 9, 3)),
            (EnquiryStatus.DONE, at(2026, 9, 4)),
        ],
        school="北見市立北中学校",
        grade="中学2年",
        scheme=scheme_1.pk,
        code=KITAMI,
    )
    # new and not answered yet
    make_enquiry(
        world,
        kind=EnquiryKind.TOUR,
        subject=tour,
        provider=world.org_a,
        received=at(2026, 10, 1),
        steps=[],
        school="北見市立北中学校",
        grade="中学2年",
        scheme=scheme_1.pk,
        code=KITAMI,
    )
    # FY2024: outside both years
    make_enquiry(
        world,
        kind=EnquiryKind.TOUR,
        subject=tour,
        provider=world.org_a,
        received=at(2025, 2, 1),
        steps=[(EnquiryStatus.IN_PROGRESS, at(2025, 2, 2))],
        school="北見市立北中学校",
        grade="中学2年",
        scheme=scheme_1.pk,
        code=KITAMI,
    )

    answer_survey(
        world, offering=event, held_at=s1.starts_at, values=[4, 2], row=EVENT, scheme=scheme_1.pk, provider=world.org_a
    )
    answer_survey(
        world, offering=event, held_at=s2.starts_at, values=[5, 3], row=EVENT, scheme=scheme_1.pk, provider=world.org_a
    )
    answer_survey(
        world,
        offering=lecture,
        held_at=at(2026, 6, 1),
        values=[4],
        row=LECTURE,
        scheme=None,
        provider=world.org_b,
        enquiry=e2,
    )
    answer_survey(
        world,
        offering=tour,
        held_at=at(2026, 4, 2),
        values=[1, 5],
        row=TOUR,
        scheme=scheme_1.pk,
        provider=world.org_a,
        enquiry=e1,
    )

    make_supporter(world, "年度末株式会社", at(2026, 3, 31, 23, 59))
    make_supporter(world, "年度初株式会社", at(2026, 4, 1, 0, 0))
    make_supporter(world, "退会株式会社", at(2026, 6, 1), status="withdrawn")
    make_supporter(world, "審査中株式会社", None, status="pending")
    return world


# --- Counting by hand -------------------------------------------------------------------------------------


def held(world, session) -> bool:
    return session.status == SessionStatus.DONE or (
        session.status == SessionStatus.SCHEDULED and session.starts_at < world.now
    )


def expected(world, year: int, provider=None) -> dict:
    """Every figure of ``year`` counted in plain Python over the objects the fixture made."""
    figures = defaultdict(lambda: defaultdict(int))  # row → figure → value
    audiences, months, places, coverage = Counter(), Counter(), Counter(), Counter()
    schools, towns, responses = defaultdict(set), defaultdict(set), defaultdict(list)
    statuses = Counter()

    def rows(row, scheme):
        return [row, ("scheme", scheme), "total"]

    for session in world.sessions:
        if not held(world, session) or fiscal(session.starts_at) != year:
            continue
        row, scheme, adults, session_provider = world.programme_of[session.pk]
        if provider is not None and session_provider != provider:
            continue
        people = Counter()
        for registration in world.registrations:
            if registration.session_id != session.pk:
                continue
            if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED):
                continue
            for grade in registration.children_grades:
                people[GRADE_LEVEL[grade[0]]] += 1
            if registration.school_name:
                people[SCHOOL_LEVEL[registration.school_name]] += registration.pupils
                people["teacher"] += registration.adults
                for key in rows(row, scheme):
                    schools[key].add(registration.school_name)
            else:
                people[adults] += registration.adults
        for key in rows(row, scheme):
            figures[key]["held"] += 1
            figures[key]["participants"] += sum(people.values())
            towns[key].add(CITY.get(session.municipality_id, session.municipality_id))
        audiences.update(people)
        months[session.starts_at.astimezone(TOKYO).month] += sum(people.values())
        places[SUBPREFECTURE[session.municipality_id]] += sum(people.values())
        coverage[CITY.get(session.municipality_id, session.municipality_id)] += 1

    for item in world.enquiries:
        if provider is not None and item["provider"] != provider:
            continue
        row = f"enquiry:{item['kind']}"
        if fiscal(item["received"]) == year:
            statuses[(item["kind"], item["status"])] += 1
            for key in rows(row, item["scheme"]):
                figures[key]["received"] += 1
                if item["answered"]:
                    responses[key].append((item["answered"] - item["received"]).total_seconds())
        if item["carried_out"] and fiscal(item["carried_out"]) == year:
            for key in rows(row, item["scheme"]):
                figures[key]["held"] += 1
                figures[key]["participants"] += item["participants"]
                schools[key].add(item["school"])
                towns[key].add(item["code"])
            audiences[SCHOOL_LEVEL[item["school"]]] += item["participants"]
            months[item["carried_out"].month] += item["participants"]
            places[SUBPREFECTURE[item["code"]]] += item["participants"]
            coverage[item["code"]] += 1

    survey = defaultdict(list)
    by_question = defaultdict(list)
    for held_at, row, scheme, answer_provider, question, value in world.answers:
        if fiscal(held_at) != year or (provider is not None and answer_provider != provider):
            continue
        for key in rows(row, scheme):
            survey[key].append(value)
        by_question[question].append(value)
    for key, values in survey.items():
        figures[key]["survey"] = round(sum(values) / len(values), 2)
    for key, seconds in responses.items():
        figures[key]["median"] = round(statistics.median(seconds) / 86400, 1)
        figures[key]["answered"] = len(seconds)
    for key in set(schools) | set(towns):
        figures[key]["schools"] = len(schools[key])
        figures[key]["municipalities"] = len(towns[key])
    return {
        "rows": figures,
        "audiences": audiences,
        "months": months,
        "places": places,
        "coverage": coverage,
        "statuses": statuses,
        "questions": {q: (round(sum(v) / len(v), 2), len(v)) for q, v in by_question.items()},
        "responses": sum(
            1 for held_at, p in world.responses if fiscal(held_at) == year and (provider is None or p == provider)
        ),
        "supporters": sum(
            1 for company in world.supporters if company.approved_at and fiscal(company.approved_at) == year
        ),
    }


def this_and_last(table, key, index=0):
    pair = table.row(key).values[index]
    return pair.this, pair.previous


def check_report(report, world, provider=None):
    now, last = expected(world, 2026, provider), expected(world, 2025, provider)

    def figure(key, name, default=0):
        return now["rows"][key].get(name, default), last["rows"][key].get(name, default)

    programme_keys = [EVENT, TEACHER_SEMINAR, TOUR, LECTURE, ADVISOR]
    reach = report.table("programmes")
    requests = report.table("programme-requests")
    for key in programme_keys:
        for index, name in enumerate(("held", "participants", "schools", "municipalities")):
            assert this_and_last(reach, key, index) == figure(key, name), (key, name)
        assert this_and_last(requests, key, 0) == figure(key, "received"), key
        assert this_and_last(requests, key, 1) == figure(key, "median", None), key
        assert this_and_last(requests, key, 2) == figure(key, "survey", None), key
    for index, name in enumerate(("held", "participants", "schools", "municipalities")):
        assert this_and_last(reach, "total", index) == figure("total", name), name

    schemes, scheme_requests = report.table("schemes"), report.table("scheme-requests")
    for scheme in [*world.schemes, None]:
        key = f"scheme:{scheme.pk if scheme else 'none'}"
        bucket = ("scheme", scheme.pk if scheme else None)
        for index, name in enumerate(("held", "participants", "schools", "municipalities")):
            assert this_and_last(schemes, key, index) == figure(bucket, name), (key, name)
        for index, name in enumerate(("received", "median", "survey")):
            assert this_and_last(scheme_requests, key, index) == figure(bucket, name, None if index else 0), (key, name)

    overview = report.table("overview")
    sessions_held = (
        figure(EVENT, "held")[0] + figure(TEACHER_SEMINAR, "held")[0],
        figure(EVENT, "held")[1] + figure(TEACHER_SEMINAR, "held")[1],
    )
    assert this_and_last(overview, "sessions_held") == sessions_held
    carried = [figure(key, "held") for key in (TOUR, LECTURE, ADVISOR)]
    assert this_and_last(overview, "requests_carried_out") == (sum(c[0] for c in carried), sum(c[1] for c in carried))
    assert this_and_last(overview, "advisor_dispatches") == figure(ADVISOR, "held")
    assert this_and_last(overview, "participants") == figure("total", "participants")
    assert this_and_last(overview, "schools") == figure("total", "schools")
    assert this_and_last(overview, "municipalities") == figure("total", "municipalities")
    assert this_and_last(overview, "requests_received") == figure("total", "received")
    assert this_and_last(overview, "median_response_days") == figure("total", "median", None)
    assert this_and_last(overview, "survey_responses") == (now["responses"], last["responses"])
    assert this_and_last(overview, "survey_average") == figure("total", "survey", None)

    audiences = report.table("audiences")
    for key in ("elementary", "junior_high", "high_school", "university", "teacher", "parent", "general", "unknown"):
        assert this_and_last(audiences, key) == (now["audiences"][key], last["audiences"][key]), key
    assert this_and_last(audiences, "total") == figure("total", "participants")
    for month in range(1, 13):
        assert this_and_last(report.table("months"), f"month:{month}") == (now["months"][month], last["months"][month])
    for slug in SUBPREFECTURE.values():
        assert this_and_last(report.table("subprefectures"), slug) == (now["places"][slug], last["places"][slug])
    coverage = report.table("coverage")
    for code in {*now["coverage"], *last["coverage"], "012173"}:
        assert this_and_last(coverage, code) == (now["coverage"][code], last["coverage"][code]), code
    assert report.coverage_counts.get(SAPPORO_CHUO, 0) == now["coverage"][SAPPORO]  # wards folded by build_coverage

    statuses = report.table("enquiry-statuses")
    for status in EnquiryStatus.values:
        for index, kind in enumerate(EnquiryKind.values):
            assert this_and_last(statuses, status, index) == (
                now["statuses"][(kind, status)],
                last["statuses"][(kind, status)],
            ), (status, kind)
    assert this_and_last(statuses, "total", 3) == figure("total", "received")
    times = report.table("response-times")
    for key in (TOUR, LECTURE, ADVISOR, "total"):
        assert this_and_last(times, key, 0) == figure(key, "median", None), key
        assert this_and_last(times, key, 1) == figure(key, "answered"), key
    survey = report.table("survey")
    for question in {*now["questions"], *last["questions"]}:
        this, previous = now["questions"].get(question, (None, 0)), last["questions"].get(question, (None, 0))
        assert this_and_last(survey, f"question:{question}", 0) == (this[0], previous[0])
        assert this_and_last(survey, f"question:{question}", 1) == (this[1], previous[1])
    return now, last


def test_every_figure_equals_an_independent_count(world):
    report = compute_report(year=2026)
    now, last = check_report(report, world)
    # the seeded data does reach every part of the report, on both sides of the boundary
    assert now["rows"]["total"]["held"] == 5 and last["rows"]["total"]["held"] == 2
    assert now["rows"]["total"]["participants"] == 5 + 26 + 3 + 11 + 35 + 40 + 20
    assert last["rows"]["total"]["participants"] == (2 + 1 + 1 + 2 + 32) + 14
    assert this_and_last(report.table("overview"), "supporters_joined") == (2, 1)
    assert this_and_last(report.table("audiences"), "unknown") == (10, 0)
    assert this_and_last(report.table("coverage"), SAPPORO) == (1, 0)
    assert report.table("programmes").row("total").values[1].difference == 140 - 52


def test_the_previous_year_is_the_year_before(world):
    """The report of FY2025 has FY2025 as "this year" and FY2024 beside it."""
    report = compute_report(year=2025)
    assert this_and_last(report.table("overview"), "sessions_held") == (2, 1)
    assert this_and_last(report.table("overview"), "requests_received") == (1, 1)


def test_a_partner_sees_only_its_own_figures(world):
    report = compute_report(year=2026, organisation=world.org_a)
    check_report(report, world, provider=world.org_a)
    assert this_and_last(report.table("programmes"), TEACHER_SEMINAR) == (0, 0)
    assert this_and_last(report.table("programmes"), LECTURE) == (0, 0)
    with pytest.raises(KeyError):
        report.table("overview").row("supporters_joined")  # a figure of the whole working group


# --- The pages ----------------------------------------------------------------------------------------------


def staff(group=None, organisation=None, **fields):
    user = UserFactory(is_staff=True, organisation=organisation or OrganisationFactory(), **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_secretariat_sees_everything_and_may_choose_an_organisation(world, secretariat_user):
    client = signed_in(secretariat_user)
    response = client.get("/en/staff/?year=2026")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.organisation is None
    check_report(report, world)
    assert [o.pk for o in response.context["choices"].organisations] == [o.pk for o in type(world.org_a).objects.all()]
    response = client.get(f"/en/staff/?year=2026&organisation={world.org_b.pk}")
    assert response.context["report"].organisation == world.org_b
    check_report(response.context["report"], world, provider=world.org_b)
    assert f'href="/en/staff/report.xlsx?year=2026&amp;organisation={world.org_b.pk}"' in response.content.decode()


def test_a_partner_editor_sees_its_organisation_whatever_it_asks(world, partner_editor):
    client = signed_in(partner_editor)
    response = client.get(f"/en/staff/?year=2026&organisation={world.org_b.pk}")
    assert response.status_code == 200
    assert response.context["report"].organisation == world.org_a
    check_report(response.context["report"], world, provider=world.org_a)
    assert 'name="organisation"' not in response.content.decode()
    workbook = load_workbook(io.BytesIO(client.get(f"/en/staff/report.xlsx?organisation={world.org_b.pk}").content))
    assert world.org_a.name_en in workbook.worksheets[0]["A2"].value


def test_a_superuser_is_the_secretariat(world):
    user = UserFactory(is_staff=True, is_superuser=True)
    response = signed_in(user).get("/en/staff/?year=2026")
    assert response.status_code == 200
    assert response.context["report"].organisation is None


def test_who_may_not_see_the_report(world, client):
    path = reverse("staff:report")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert signed_in(UserFactory()).get(path).status_code == 403  # not staff
    assert signed_in(staff()).get(path).status_code == 403  # staff in neither group
    for download in ("staff:report-xlsx", "staff:report-pdf"):
        assert signed_in(staff()).get(reverse(download)).status_code == 403
        assert client.get(reverse(download)).status_code == 302
    unverified = Client()
    unverified.force_login(staff(SECRETARIAT), otp=False)  # password only: no second factor yet
    assert unverified.get(path).status_code == 302
    assert signed_in(staff(PARTNER_EDITOR)).get(path).status_code == 200


@pytest.mark.parametrize("year", ["abc", "1900", "2026.5", "９９９９９９９９９９９９", "-1"])
def test_a_bad_year_is_ignored_politely(world, secretariat_user, year):
    response = signed_in(secretariat_user).get("/en/staff/", {"year": year})
    assert response.status_code == 200
    assert response.context["report"].year == dates.fiscal_year()
    assert "There is no report for the year" in response.content.decode()
    assert signed_in(secretariat_user).get("/en/staff/report.xlsx", {"year": year}).status_code == 200


@pytest.mark.parametrize("value", ["abc", "999999", "1 OR 1=1"])
def test_an_unknown_organisation_is_ignored_politely(world, secretariat_user, value):
    response = signed_in(secretariat_user).get("/en/staff/", {"year": "2026", "organisation": value})
    assert response.status_code == 200
    assert response.context["report"].organisation is None
    assert "is unknown: these are the figures of all organisations" in response.content.decode()


def test_the_year_select_offers_the_years_with_data(world, secretariat_user):
    response = signed_in(secretariat_user).get("/staff/")
    years = [year for year, _label in response.context["year_options"]]
    assert years[0] >= dates.fiscal_year() and years[-1] == 2024
    assert years == sorted(years, reverse=True) and {2024, 2025, 2026} <= set(years)
    assert response.context["report"].year == dates.fiscal_year()


def test_the_page_shows_the_tables_with_both_years(world, secretariat_user):
    with translation.override("en"):
        response = signed_in(secretariat_user).get("/en/staff/?year=2026")
    html = response.content.decode()
    for table in response.context["report"].tables:
        assert f'id="{table.slug}-caption"' in html
    assert html.count('<th scope="col" class="num">FY2026</th>') >= len(response.context["report"].tables)
    assert "How these figures are counted" in html
    assert html.count('role="img"') >= 3  # two charts and the map
    assert 'style="' not in html.split("<main", 1)[1]  # a strict CSP comes: no inline styles on the page
    assert "<script" not in html.split("<main", 1)[1]


def test_the_report_takes_a_bounded_number_of_queries(world, secretariat_user, django_assert_max_num_queries):
    client = signed_in(secretariat_user)
    client.get("/staff/?year=2026")
    with django_assert_max_num_queries(40) as queries:
        client.get("/staff/?year=2026")
    before = len(queries)
    event = world.sessions[0].offering
    for day in range(1, 11):  # ten more held sessions, each with registrations, and requests
        session = make_session(world, event, at(2026, 6, day), world.event_programme)
        register(world, session, RegistrationStatus.ATTENDED, grades=["e2"], adults=1)
        register(world, session, RegistrationStatus.ATTENDED, school="北見市立北中学校", pupils=3, adults=1)
    with django_assert_max_num_queries(before) as queries:
        client.get("/staff/?year=2026")


# --- Downloads ----------------------------------------------------------------------------------------------


def test_the_xlsx_has_one_sheet_per_table_with_the_same_numbers(world, secretariat_user):
    client = signed_in(secretariat_user)
    response = client.get("/en/staff/report.xlsx?year=2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="staff-report-2026.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    with translation.override("en"):
        report = compute_report(year=2026)
    assert len(workbook.sheetnames) == len(report.tables) == len(set(workbook.sheetnames))
    for sheet, table in zip(workbook.worksheets, report.tables, strict=True):
        assert sheet["A1"].value == table.title
        assert sheet["B4"].value == "FY2026" and sheet["C4"].value == "FY2025" and sheet["D4"].value == "Change"
        for number, row in enumerate(table.rows, start=5):
            assert sheet.cell(row=number, column=1).value == row.label
            cells = [sheet.cell(row=number, column=column).value for column in range(2, 2 + 3 * len(row.values))]
            assert cells == [value for pair in row.values for value in (pair.this, pair.previous, pair.difference)]
    overview = workbook.worksheets[0]
    assert [overview[cell].value for cell in ("A5", "B5", "C5", "D5")] == [
        "Sessions held (events and seminars)",
        2,
        2,
        0,
    ]
    assert [overview[cell].value for cell in ("B8", "C8", "D8")] == [140, 52, 88]  # participants


def test_the_pdf_is_a_real_pdf_with_the_figures(world, secretariat_user):
    response = signed_in(secretariat_user).get("/en/staff/report.pdf?year=2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Staff report FY2026" in text
    assert "Participants by audience" in text
    participants = " ".join(text.split())
    assert "Participants 140 52 +88" in participants  # the overview's row


# --- The pieces -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "level"),
    [
        (("札幌市立円山小学校",), "elementary"),
        (("北海道教育大学附属札幌中学校",), "junior_high"),  # a university's junior high school
        (("北海道教育大学附属函館小学校",), "elementary"),
        (("函館市立函館高等学校",), "high_school"),
        (("苫小牧工業高等専門学校",), "university"),
        (("北海道大学",), "university"),
        (("ＡＢＣ学園", "中学２年"), "junior_high"),  # the grade tells, full-width digits folded
        (("小樽市立某校", "5年"), "unknown"),  # 小樽 is a town, not 小学
        (("中標津町立某校", ""), "unknown"),  # 中標津 neither
        (("", "小5"), "elementary"),
        (("Sapporo Junior High School",), "junior_high"),
        (("Otaru High School",), "high_school"),
        (("",), "unknown"),
    ],
)
def test_the_kind_of_school_a_name_or_grade_says(texts, level):
    from portal.reports.figures import school_level

    assert school_level(*texts) == level


@pytest.mark.parametrize(
    ("audiences", "adults"),
    [
        ([], "parent"),
        (["elementary"], "parent"),
        (["elementary", "parent"], "parent"),
        (["teacher"], "teacher"),
        (["teacher", "parent"], "parent"),
        (["general"], "general"),
        (["university"], "general"),
    ],
)
def test_who_the_adults_of_a_family_sign_up_are(audiences, adults):
    from portal.reports.figures import adults_audience

    assert adults_audience(audiences) == adults


def test_sheet_names_are_valid_and_unique():
    from portal.reports.xlsx import sheet_title

    taken = set()
    names = [sheet_title(title, taken) for title in ("Programmes: held [and] reached?", "A" * 40, "A" * 40, "a" * 40)]
    assert names[0] == "Programmes - held -and- reached"  # 31 characters at most
    assert names[1] == "A" * 31 and names[2] == "A" * 27 + " (2)" and names[3] == "a" * 27 + " (3)"
    assert all(len(name) <= 31 for name in names)


def test_a_pair_shows_its_difference():
    from portal.reports.tables import Pair

    assert (Pair(1234, 1000).this_display, Pair(1234, 1000).difference_display) == ("1,234", "+234")
    assert Pair(3, 5).difference_display == "−2" and Pair(4, 4).difference_display == "±0"
    assert Pair(2.5, None, 1).difference is None and Pair(2.5, None, 1).difference_display == "—"
    assert Pair(2.5, 2.25, 2).difference == 0.25 and Pair(2.5, 2.25, 2).difference_display == "+0.25"


def test_the_apps_describe_their_programmes():
    from portal.reports.figures import programme_rows, report_sources

    keys = [key for key, _label in programme_rows(report_sources())]
    assert keys == [
        "programmes.experienceevent",
        *(
            f"seminars.seminar:{kind}"
            for kind in ("parent", "teacher", "teacher_tour", "student_tour", "specialist_talk", "skill_up")
        ),
        "enquiry:tour",
        "enquiry:lecture",
        "enquiry:advisor",
    ]


def test_sessions_of_something_no_app_describes_are_not_counted(world):
    kitami = Municipality.objects.get(code=KITAMI)
    session = Session.objects.create(
        offering=kitami,  # any model can be a session's offering (bench/bench_booking.py does this)
        starts_at=at(2026, 6, 1),
        ends_at=at(2026, 6, 1, 12),
        venue_name="会場",
        municipality=kitami,
        capacity=10,
        status=SessionStatus.DONE,
    )
    register(world, session, RegistrationStatus.ATTENDED, grades=["e1"], adults=1)
    answers = len(world.answers)
    answer_survey(world, offering=kitami, held_at=at(2026, 6, 1), values=[1, 1], row=None, scheme=None, provider=None)
    del world.answers[answers:], world.responses[-1]  # nor are its survey answers: the hand count forgets them
    check_report(compute_report(year=2026), world)
