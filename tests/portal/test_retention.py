"""Retention of personal data (issue 10): the rules pick exactly the rows past their date, the purge anonymises
them once and keeps every figure of the reports, one person's data is exported and deleted on request."""

import dataclasses
import datetime as dt
import json
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from portal import retention
from portal.booking.models import Registration, RegistrationEvent
from portal.choices import EnquiryKind, EnquiryStatus, RegistrationStatus
from portal.enquiries.models import Enquiry, EnquiryEvent
from portal.reports.figures import compute_report
from supporters.models import SeniorAdvisor, SupporterCompany
from supporters.models.advisor import AdvisorStatus
from tests.factories import ExperienceEventFactory, FactoryTourFactory, SupporterCompanyFactory
from tests.portal.test_reports import (  # noqa: F401 - world is a fixture
    KITAMI,
    World,
    at,
    check_report,
    make_enquiry,
    make_session,
    register,
    world,
)
from tests.supporters.test_offers import make_advisor

pytestmark = pytest.mark.django_db

NOW = at(2030, 6, 15, 12)


def small_world(organisation) -> World:
    return World(now=NOW, org_a=organisation, org_b=organisation, org_c=organisation)


def session_at(w, starts_at):
    return make_session(w, ExperienceEventFactory(provider=w.org_a), starts_at, ("event", None, "parent", w.org_a))


def enquiry_at(w, received, school="北見市立北中学校"):
    make_enquiry(
        w,
        kind=EnquiryKind.TOUR,
        subject=FactoryTourFactory(provider=w.org_a),
        provider=w.org_a,
        received=received,
        steps=[("note", received), ("staff-only note", received), (EnquiryStatus.IN_PROGRESS, received)],
        school=school,
        grade="中学2年",
        scheme=None,
        code=KITAMI,
    )
    return w.enquiries[-1]["enquiry"]


def personal(model, pk, *fields):
    return model.objects.values(*fields).get(pk=pk)


def test_the_rules_pick_exactly_the_rows_past_their_date(organisation, settings):
    settings.RETENTION = {**settings.RETENTION, "registrations": 365, "enquiries": 3}
    w = small_world(organisation)
    one_year_ago = NOW - dt.timedelta(days=365)
    old = register(w, session_at(w, one_year_ago - dt.timedelta(minutes=1)), RegistrationStatus.ATTENDED, adults=1)
    young = register(w, session_at(w, one_year_ago + dt.timedelta(minutes=1)), RegistrationStatus.ATTENDED, adults=1)
    # FY2030 now, 3 fiscal years kept after the one of receipt: FY2026 and before are past, FY2027 is kept
    past = enquiry_at(w, at(2027, 3, 31, 23, 59))
    kept = enquiry_at(w, at(2027, 4, 1, 0, 0))

    kinds = {kind.key: kind for kind in retention.personal_data_kinds()}
    registrations = kinds["registrations"]
    assert set(registrations.expired(registrations.cutoff(NOW))) == {old}
    enquiries = kinds["enquiries"]
    assert set(enquiries.expired(enquiries.cutoff(NOW))) == {past}

    assert retention.purge(now=NOW, dry_run=True)["registrations"] == 1
    report = retention.purge(now=NOW)
    assert report["registrations"] == 1 and report["enquiries"] == 1
    assert personal(Registration, young.pk, "contact_name")["contact_name"] == "山田花子"
    assert personal(Enquiry, kept.pk, "teacher_name")["teacher_name"] == "山田花子"


def test_a_longer_period_from_the_settings_keeps_more(organisation, settings):
    w = small_world(organisation)
    register(w, session_at(w, NOW - dt.timedelta(days=500)), RegistrationStatus.ATTENDED, adults=1)
    settings.RETENTION = {**settings.RETENTION, "registrations": 600}
    assert retention.purge(now=NOW, dry_run=True)["registrations"] == 0
    settings.RETENTION = {**settings.RETENTION, "registrations": 400}
    assert retention.purge(now=NOW, dry_run=True)["registrations"] == 1


def test_dry_run_changes_nothing_and_the_purge_anonymises_once(organisation):
    w = small_world(organisation)
    long_ago = timezone.now() - dt.timedelta(days=2000)  # the command purges as of now
    registration = register(w, session_at(w, long_ago), RegistrationStatus.ATTENDED, school="北見市立北中学校")
    RegistrationEvent.objects.create(registration=registration, to_status="attended", note="山田さん 当日電話あり")
    enquiry = enquiry_at(w, long_ago)
    fields = ("contact_name", "contact_kana", "email", "phone", "message", "school_name", "status", "seats")
    before = personal(Registration, registration.pk, *fields)

    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "registrations: 1 would be anonymised" in out.getvalue()
    assert "enquiries: 1 would be anonymised" in out.getvalue()
    assert personal(Registration, registration.pk, *fields) == before
    assert Enquiry.objects.get(pk=enquiry.pk).email == "teacher@school.example.jp"

    call_command("purge_personal_data", stdout=StringIO())
    after = personal(Registration, registration.pk, *fields)
    assert after["contact_name"] == retention.REDACTED
    assert after["email"] == f"deleted-{registration.pk}@invalid"
    assert (after["contact_kana"], after["phone"], after["message"]) == ("", "", "")
    # the school (an institution), the status and the seats stay for the reports
    assert (after["school_name"], after["status"], after["seats"]) == ("北見市立北中学校", "attended", before["seats"])
    assert not RegistrationEvent.objects.filter(registration=registration).exclude(note="").exists()

    enquiry = Enquiry.objects.get(pk=enquiry.pk)
    assert (enquiry.teacher_name, enquiry.email, enquiry.phone, enquiry.message) == (
        retention.REDACTED,
        f"deleted-{enquiry.pk}@invalid",
        "",
        "",
    )
    assert enquiry.school_name == "北見市立北中学校" and enquiry.status == EnquiryStatus.IN_PROGRESS
    notes = set(EnquiryEvent.objects.filter(enquiry=enquiry).values_list("note", flat=True))
    assert notes <= {"", retention.REDACTED}
    assert enquiry.events.count() == 4  # submitted, two notes, the status change: every line stays

    assert set(retention.purge().values()) == {0}  # idempotent: nothing is counted twice


def test_reports_give_the_same_totals_before_and_after_a_purge(world):  # noqa: F811
    later = at(2035, 4, 1)
    before = {year: compute_report(year=year, now=later) for year in (2025, 2026)}
    report = retention.purge(now=later)
    assert report["registrations"] == len(world.registrations)
    assert report["enquiries"] == len(world.enquiries)
    assert not Registration.objects.filter(contact_name="山田花子").exists()
    assert not Enquiry.objects.filter(teacher_name="山田花子").exists()
    for year in (2025, 2026):
        after = compute_report(year=year, now=later)
        assert dataclasses.asdict(after) == dataclasses.asdict(before[year])
    check_report(compute_report(year=2026), world)  # and they are still the independently counted figures


def test_supporter_contacts_and_advisors_are_kept_while_they_take_part(organisation):
    cutoff = NOW - dt.timedelta(days=365)
    gone = SupporterCompanyFactory(status="withdrawn", withdrawn_at=cutoff - dt.timedelta(minutes=1))
    recent = SupporterCompanyFactory(status="withdrawn", withdrawn_at=cutoff + dt.timedelta(minutes=1))
    active = SupporterCompanyFactory(approved_at=NOW - dt.timedelta(days=3000))
    retired = make_advisor(1, status=AdvisorStatus.RETIRED, postal_address="北見市1-1")
    paused = make_advisor(2, status=AdvisorStatus.PAUSED)
    SeniorAdvisor.objects.filter(pk__in=[retired.pk, paused.pk]).update(updated_at=cutoff - dt.timedelta(minutes=1))

    report = retention.purge(now=NOW)
    assert report["supporter_contacts"] == 1 and report["advisors"] == 1
    gone.refresh_from_db()
    assert (gone.contact_name, gone.contact_email, gone.contact_phone) == (
        retention.REDACTED,
        f"deleted-{gone.pk}@invalid",
        "",
    )
    assert gone.name.startswith("テスト応援企業") and gone.approved_at is not None  # the company itself stays
    assert SupporterCompany.objects.get(pk=recent.pk).contact_email.endswith("@example.jp")
    assert SupporterCompany.objects.get(pk=active.pk).contact_email.endswith("@example.jp")
    # the history tables copy the contacts: they are anonymised there too
    assert not SupporterCompany.history.filter(id=gone.pk).exclude(contact_name=retention.REDACTED).exists()
    retired.refresh_from_db()
    assert (retired.name, retired.email, retired.phone, retired.postal_address) == (
        retention.REDACTED,
        f"deleted-{retired.pk}@invalid",
        "",
        "",
    )
    assert not SeniorAdvisor.history.filter(id=retired.pk, email="advisor1@example.jp").exists()
    assert SeniorAdvisor.objects.get(pk=paused.pk).email == "advisor2@example.jp"


# --- one person's data ----------------------------------------------------------------------------------------


@pytest.fixture
def person(organisation):
    """One person who signed up, asked for a tour, supports as a company's contact and advises; and others."""
    w = small_world(organisation)
    session = session_at(w, at(2030, 7, 1))
    mine = register(w, session, RegistrationStatus.CONFIRMED, adults=1)
    Registration.objects.filter(pk=mine.pk).update(email="person@example.jp")
    other = register(w, session, RegistrationStatus.CONFIRMED, adults=1)
    enquiry = enquiry_at(w, at(2030, 5, 1))
    Enquiry.objects.filter(pk=enquiry.pk).update(email="Person@Example.jp")
    other_enquiry = enquiry_at(w, at(2030, 5, 2))
    company = SupporterCompanyFactory(contact_email="person@example.jp")
    other_company = SupporterCompanyFactory()
    advisor = make_advisor(7, email="PERSON@example.jp")
    return {
        "mine": {
            "registrations": mine.pk,
            "enquiries": enquiry.pk,
            "supporter_contacts": company.pk,
            "advisors": advisor.pk,
        },
        "others": (other, other_enquiry, other_company),
    }


def test_export_finds_all_of_a_persons_data_and_nothing_else(person):
    out = StringIO()
    call_command("export_personal_data", "PERSON@example.JP", stdout=out)
    data = json.loads(out.getvalue())["data"]
    assert {key: len(rows) for key, rows in data.items()} == {
        "registrations": 1,
        "enquiries": 1,
        "supporter_contacts": 1,
        "advisors": 1,
    }
    assert data["enquiries"][0]["email"] == "Person@Example.jp"
    assert "お電話します。" in data["enquiries"][0]["notes"]
    text = out.getvalue()
    other, other_enquiry, other_company = person["others"]
    assert other.email not in text and other_company.contact_email not in text
    assert other_enquiry.email not in text


def test_export_refuses_what_is_not_an_address(db):
    with pytest.raises(CommandError):
        call_command("export_personal_data", "not-an-address", stdout=StringIO())


def test_the_staff_page_is_for_the_verified_secretariat(client, partner_editor, person):
    url = reverse("personal-data")
    response = client.get(url)
    assert response.status_code == 302  # anonymous: sent to sign in
    client.force_login(partner_editor)
    assert client.get(url, {"email": "person@example.jp"}).status_code == 403
    assert client.post(url, {"email": "person@example.jp", "confirm": "yes"}).status_code == 403
    assert Registration.objects.filter(email="person@example.jp").exists()


def test_the_secretariat_sees_and_deletes_one_persons_data(client, secretariat_user, person, caplog):
    client.force_login(secretariat_user)
    url = reverse("personal-data")
    with translation.override("en"):
        page = client.get(url, {"email": "person@EXAMPLE.jp"})
    assert page.status_code == 200
    assert [kind["key"] for kind in page.context["found"]] == [
        "registrations",
        "enquiries",
        "supporter_contacts",
        "advisors",
    ]
    assert b"Person@Example.jp" in page.content

    with caplog.at_level(logging.INFO, logger="portal.retention"):
        response = client.post(url, {"email": "person@example.jp", "confirm": "yes"})
    assert response.status_code == 302
    assert "person@example.jp" not in caplog.text.lower() and "deleted on request" in caplog.text
    assert not any(retention.export_person("person@example.jp").values())
    mine = person["mine"]
    assert Registration.objects.get(pk=mine["registrations"]).contact_name == retention.REDACTED
    assert Enquiry.objects.get(pk=mine["enquiries"]).teacher_name == retention.REDACTED
    assert SupporterCompany.objects.get(pk=mine["supporter_contacts"]).contact_name == retention.REDACTED
    assert SeniorAdvisor.objects.get(pk=mine["advisors"]).name == retention.REDACTED
    other, other_enquiry, other_company = person["others"]
    assert Registration.objects.get(pk=other.pk).contact_name == "山田花子"
    assert Enquiry.objects.get(pk=other_enquiry.pk).teacher_name == "山田花子"
    assert SupporterCompany.objects.get(pk=other_company.pk).contact_name == other_company.contact_name
    # a bad address is a polite form error, not a 500
    assert client.get(url, {"email": "nonsense"}).status_code == 200


def test_the_privacy_page_shows_the_periods_the_purge_uses(client, settings):
    settings.RETENTION = {**settings.RETENTION, "registrations": 400, "enquiries": 2}
    page = client.get("/en/privacy/").content.decode()
    assert "400 days after the session" in page
    assert "until the end of the 2nd fiscal year after" in page
    assert "開催日から400日間" in client.get("/privacy/").content.decode()


def test_deleting_cancels_sign_ups_still_to_come_and_their_seats_go_to_the_waiting_list(
    organisation, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.portal.test_booking import make_session, sign_up

    session = make_session(FactoryTourFactory(provider=organisation), capacity=1)
    mine = sign_up(session, "person@example.jp")
    waiting = sign_up(session, "next@example.jp")
    assert waiting.status == RegistrationStatus.WAITLISTED
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        retention.delete_person("Person@example.jp")
    mine.refresh_from_db()
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert mine.contact_name == retention.REDACTED
    assert waiting.status == RegistrationStatus.CONFIRMED  # the freed seat went to the waiting list
    assert session.seats_taken == 1
    # the one who moved up is told; nothing is sent to the deleted person's placeholder address
    assert [message.to for message in mailoutbox] == [["next@example.jp"]]
