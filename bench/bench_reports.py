"""The staff report (/staff/, issue 9) for a fiscal year with 50,000 registrations: the page ≤ 2 s in at most 40
SQL queries, its XLSX download ≤ 2 s, its PDF (about 8 pages, with the charts and the coverage map) ≤ 5 s.

The benchmark brings its own data, in a fiscal year of its own (BENCH_YEAR, long past, so that nothing else is
counted with it) and the year before: 2,000 sessions of 300 events and seminars with 50,000 registrations (and
1,600 sessions with 40,000 the year before), every status and kind of sign-up, 1,500 requests a year with their
history, 4,000 survey responses a year. Everything is bulk-created (no history rows), marked with PREFIX, and
deleted afterwards with raw SQL (also whatever an interrupted run left). A superuser signed in with a second
factor is made for the run and deleted with it.
Run alone: .venv/bin/python bench/run.py "reports"
"""

import datetime as dt
import hashlib
import random
import statistics
import time
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.harness import Result

PREFIX = "報告ベンチ"
BENCH_YEAR = 2010
USERNAME = "bench-reports"
SESSIONS = {BENCH_YEAR: 2000, BENCH_YEAR - 1: 1600}
REGISTRATIONS_PER_SESSION = 25
ENQUIRIES_PER_YEAR = 1500
SURVEYS_PER_YEAR = 4000
TOKYO = ZoneInfo("Asia/Tokyo")
SCHOOL_KINDS = ("小学校", "中学校", "高等学校", "高等専門学校", "学園")
GRADES = ("preschool", "e1", "e2", "e3", "e4", "e5", "e6", "j1", "j2", "j3", "h1", "h2", "h3")
STATUSES = ["attended"] * 12 + ["confirmed"] * 5 + ["cancelled"] * 2 + ["waitlisted", "applied"]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _moment(rng, year: int) -> dt.datetime:
    """A moment in fiscal year ``year``, Tokyo time, at a daytime hour."""
    day = dt.date(year, 4, 1) + dt.timedelta(days=rng.randrange(365))
    return dt.datetime.combine(day, dt.time(rng.randrange(9, 18)), tzinfo=TOKYO)


def delete_data() -> None:
    """Raw deletes in foreign-key order: no history rows, no per-object signals."""
    like = PREFIX + "%"
    statements = [
        "DELETE FROM portal_surveyanswer WHERE response_id IN (SELECT r.id FROM portal_surveyresponse r "
        "JOIN portal_surveyinvitation i ON i.id = r.invitation_id WHERE i.offering_name LIKE %s)",
        "DELETE FROM portal_surveyresponse WHERE invitation_id IN "
        "(SELECT id FROM portal_surveyinvitation WHERE offering_name LIKE %s)",
        "DELETE FROM portal_surveyinvitation WHERE offering_name LIKE %s",
        "DELETE FROM portal_registration WHERE session_id IN (SELECT id FROM portal_session WHERE venue_name LIKE %s)",
        "DELETE FROM portal_session WHERE venue_name LIKE %s",
        "DELETE FROM portal_enquiryevent WHERE enquiry_id IN (SELECT id FROM portal_enquiry WHERE school_name LIKE %s)",
        "DELETE FROM portal_enquiry WHERE school_name LIKE %s",
        "DELETE FROM programmes_experienceevent WHERE title LIKE %s",
        "DELETE FROM programmes_factorytour WHERE name LIKE %s",
        "DELETE FROM seminars_seminar WHERE title LIKE %s",
        "DELETE FROM seminars_lectureoffer WHERE title LIKE %s",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [like])
        cursor.execute(
            "DELETE FROM otp_totp_totpdevice WHERE user_id IN (SELECT id FROM portal_user WHERE username = %s)",
            [USERNAME],
        )
        cursor.execute("DELETE FROM portal_user WHERE username = %s", [USERNAME])


def create_data() -> None:
    from django.contrib.contenttypes.models import ContentType

    from portal.booking.models import Registration, Session
    from portal.enquiries.models import Enquiry, EnquiryEvent
    from portal.models import FundingScheme, Municipality, Organisation, WorkingGroup
    from portal.surveys.models import QuestionKind, Questionnaire, SurveyAnswer, SurveyInvitation, SurveyResponse
    from programmes.models import ExperienceEvent, FactoryTour
    from seminars.models import LectureOffer, Seminar
    from seminars.models.seminar import SeminarKind

    rng = random.Random(9)  # noqa: S311 (a reproducible spread, not a secret)
    organisations = list(Organisation.objects.values_list("pk", flat=True)[:6])
    if not organisations:
        organisations = [Organisation.objects.create(name=f"{PREFIX}支援機関", category="public_body").pk]
    schemes = [*FundingScheme.objects.values_list("pk", flat=True), None]
    towns = list(Municipality.objects.values_list("code", flat=True))
    events = ExperienceEvent.objects.bulk_create(
        ExperienceEvent(
            title=f"{PREFIX}体験会{n}",
            provider_id=organisations[n % len(organisations)],
            funding_scheme_id=schemes[n % len(schemes)],
            audiences=[["elementary"], ["elementary", "parent"], ["junior_high"]][n % 3],
            status="published",
        )
        for n in range(200)
    )
    seminars = Seminar.objects.bulk_create(
        Seminar(
            kind=SeminarKind.values[n % len(SeminarKind.values)],
            title=f"{PREFIX}セミナー{n}",
            provider_id=organisations[n % len(organisations)],
            funding_scheme_id=schemes[(n + 1) % len(schemes)],
            audiences=[["parent"], ["teacher"], ["general"]][n % 3],
            status="published",
        )
        for n in range(100)
    )
    tours = FactoryTour.objects.bulk_create(
        FactoryTour(
            name=f"{PREFIX}工場{n}",
            company_name=f"{PREFIX}製作所{n}",
            provider_id=organisations[n % len(organisations)],
            municipality_id=rng.choice(towns),
            industry="machinery",
            funding_scheme_id=schemes[n % len(schemes)],
            status="published",
        )
        for n in range(100)
    )
    lectures = LectureOffer.objects.bulk_create(
        LectureOffer(title=f"{PREFIX}講座{n}", provider_id=organisations[n % len(organisations)], status="published")
        for n in range(50)
    )
    offerings = [(ContentType.objects.get_for_model(ExperienceEvent), event.pk) for event in events] + [
        (ContentType.objects.get_for_model(Seminar), seminar.pk) for seminar in seminars
    ]
    schools = [f"{PREFIX}第{n}{SCHOOL_KINDS[n % len(SCHOOL_KINDS)]}" for n in range(800)]

    for year, count in SESSIONS.items():
        sessions = []
        for n in range(count):
            content_type, offering_id = offerings[n % len(offerings)]
            starts_at = _moment(rng, year)
            sessions.append(
                Session(
                    offering_type=content_type,
                    offering_id=offering_id,
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(hours=2),
                    venue_name=f"{PREFIX}会場{n}",
                    municipality_id=rng.choice(towns),
                    capacity=100,
                    status="cancelled" if n % 40 == 0 else "done",
                )
            )
        sessions = Session.objects.bulk_create(sessions, batch_size=1000)
        registrations = []
        for session in sessions:
            for n in range(REGISTRATIONS_PER_SESSION):
                key = f"{PREFIX}-{session.pk}-{n}"
                school = rng.random() < 0.15
                grades = [] if school else rng.sample(GRADES, rng.randint(1, 3))
                pupils, adults = (rng.randint(10, 40), rng.randint(1, 3)) if school else (0, rng.randint(1, 2))
                registrations.append(
                    Registration(
                        session=session,
                        kind="school" if school else "family",
                        status=rng.choice(STATUSES),
                        contact_name="ベンチ",
                        contact_kana="ベンチ",
                        email=f"bench-{session.pk}-{n}@example.invalid",
                        phone="0157-00-0000",
                        school_name=rng.choice(schools) if school else "",
                        children_grades=grades,
                        pupils=pupils,
                        adults=adults,
                        seats=max(1, len(grades) + pupils + adults),
                        token_nonce=key,
                        token_digest=_digest(key),
                        created_at=session.starts_at - dt.timedelta(days=20),
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=5000)

        group = WorkingGroup.load()
        subjects = (
            [("tour", ContentType.objects.get_for_model(FactoryTour), tour.pk) for tour in tours]
            + [("lecture", ContentType.objects.get_for_model(LectureOffer), lecture.pk) for lecture in lectures]
            + ([("advisor", ContentType.objects.get_for_model(WorkingGroup), group.pk)] * 20 if group else [])
        )
        enquiries = []
        for n in range(ENQUIRIES_PER_YEAR):
            kind, content_type, subject_id = subjects[n % len(subjects)]
            key = f"{PREFIX}-{year}-{n}"
            enquiries.append(
                Enquiry(
                    kind=kind,
                    status=["new", "in_progress", "accepted", "declined", "done", "done", "done"][n % 7],
                    subject_type=content_type,
                    subject_id=subject_id,
                    subject_name=f"{PREFIX}{n}",
                    provider_id=organisations[n % len(organisations)],
                    school_name=rng.choice(schools),
                    teacher_name="ベンチ",
                    email="bench@example.invalid",
                    phone="0157-00-0000",
                    grade=rng.choice(["中学2年", "小学5年", "高校1年", "2年"]),
                    pupils=30,
                    preferred_date_1=_moment(rng, year).date(),  # also the day it was received, moved below
                    participants_reached=rng.randint(10, 80) if n % 7 >= 4 else None,
                    municipality_id=rng.choice(towns),
                    token_digest=_digest(key),
                )
            )
        enquiries = Enquiry.objects.bulk_create(enquiries, batch_size=1000)
        with connection.cursor() as cursor:  # created_at is auto_now_add: set it to the day it "arrived"
            cursor.execute(
                "UPDATE portal_enquiry SET created_at = (preferred_date_1 + time '09:00') AT TIME ZONE 'Asia/Tokyo' "
                "WHERE school_name LIKE %s AND token_digest = ANY(%s)",
                [PREFIX + "%", [enquiry.token_digest for enquiry in enquiries]],
            )
        history = []
        for enquiry in enquiries:
            received = dt.datetime.combine(enquiry.preferred_date_1, dt.time(9), tzinfo=TOKYO)
            path = {
                "new": [],
                "in_progress": ["in_progress"],
                "accepted": ["in_progress", "accepted"],
                "declined": ["in_progress", "declined"],
                "done": ["in_progress", "accepted", "done"],
            }[enquiry.status]
            history.append(EnquiryEvent(enquiry=enquiry, created_at=received, to_status="new"))
            moment, previous = received, "new"
            for status in path:
                moment += dt.timedelta(hours=rng.randint(2, 120))
                history.append(EnquiryEvent(enquiry=enquiry, created_at=moment, from_status=previous, to_status=status))
                previous = status
        EnquiryEvent.objects.bulk_create(history, batch_size=5000)

        questionnaire = Questionnaire.objects.filter(active=True).first()
        if questionnaire is None:
            continue
        scale = list(questionnaire.questions.filter(kind=QuestionKind.SCALE_1_5))
        invitations = SurveyInvitation.objects.bulk_create(
            SurveyInvitation(
                questionnaire=questionnaire,
                offering_type=offerings[n % len(offerings)][0],
                offering_id=offerings[n % len(offerings)][1],
                offering_name=f"{PREFIX}{n}",
                held_at=_moment(rng, year),
                token_nonce=f"{PREFIX}-survey-{year}-{n}",
                token_digest=_digest(f"{PREFIX}-survey-{year}-{n}"),
                answered_at=_moment(rng, year),
            )
            for n in range(SURVEYS_PER_YEAR)
        )
        responses = SurveyResponse.objects.bulk_create(
            SurveyResponse(invitation=invitation, questionnaire=questionnaire) for invitation in invitations
        )
        SurveyAnswer.objects.bulk_create(
            (
                SurveyAnswer(response=response, question=question, value_int=rng.randint(1, 5))
                for response in responses
                for question in scale
            ),
            batch_size=5000,
        )


def _client():
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User

    user = User.objects.create(username=USERNAME, is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _time(client, path: str, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def staff_report():
    from portal.booking.models import Registration
    from portal.reports.figures import year_start

    delete_data()
    started = time.perf_counter()
    create_data()
    seeded = time.perf_counter() - started
    try:
        registrations = Registration.objects.filter(
            session__venue_name__startswith=PREFIX,
            session__starts_at__gte=year_start(BENCH_YEAR),
            session__starts_at__lt=year_start(BENCH_YEAR + 1),
        ).count()
        client = _client()
        page = f"/staff/?year={BENCH_YEAR}"
        client.get(page)  # warm-up: templates, content types, fonts
        html_ms = _time(client, page, runs=5)
        with CaptureQueriesContext(connection) as queries:
            client.get(page)
        xlsx_ms = _time(client, f"/staff/report.xlsx?year={BENCH_YEAR}", runs=5)
        pdf_ms = _time(client, f"/staff/report.pdf?year={BENCH_YEAR}", runs=3)
    finally:
        delete_data()
    print(f"reports: {registrations} registrations in FY{BENCH_YEAR} (and the year before), seeded in {seeded:.0f} s")
    return [
        Result("reports: /staff/ (50,000 registrations), median", html_ms, 2000, "ms"),
        Result("reports: /staff/, SQL queries", len(queries), 40, "q"),
        Result("reports: XLSX, median", xlsx_ms, 2000, "ms"),
        Result("reports: PDF, median", pdf_ms, 5000, "ms"),
    ]


BENCHMARKS = [staff_report]
