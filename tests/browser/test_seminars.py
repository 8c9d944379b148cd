"""Issue 6 in chromium: a family books a parent seminar together with the pupils' tour, a school requests an
outreach lecture, a parent answers the survey after a session. Errors are shown; axe finds nothing."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.booking import services as booking
from portal.booking.models import Registration, Session
from portal.choices import RegistrationStatus, SessionStatus
from portal.enquiries.models import Enquiry
from portal.surveys.models import SurveyResponse
from portal.surveys.services import invite_for_session
from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.factories import SeminarFactory, SessionFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)
FOCUSED_ID = "() => document.activeElement && document.activeElement.id"


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


def fill_family(page, email):
    page.fill("#id_contact_name", "山田 花子")
    page.fill("#id_contact_kana", "ヤマダ ハナコ")
    page.fill("#id_email", email)
    page.fill("#id_phone", "090-1234-5678")
    page.select_option("#id_child_1", "j2")
    page.fill("#id_adults", "1")
    page.check("#id_consent")


@pytest.mark.browser
@browser_test
def test_a_family_books_the_parent_seminar_with_the_pupils_tour(page, mailoutbox, artifacts):
    parents = SeminarFactory(title="保護者向けものづくりセミナー", kind="parent")
    trip = SeminarFactory(title="工場見学バスツアー", kind="student_tour", audiences=["junior_high"])
    seminar_session = SessionFactory(offering=parents, capacity=10)
    tour_session = SessionFactory(offering=trip, capacity=10)
    seminar_session.paired_with = tour_session
    seminar_session.save(update_fields=["paired_with"])

    assert page.goto(f"/en/seminars/{parents.pk}/").status == 200
    assert_no_axe_violations(page, "seminar detail")
    assert "工場見学バスツアー" in page.content()  # "held together with" the pupils' trip
    page.locator(f"a[href$='/sessions/{seminar_session.pk}/signup/']").click()
    page.wait_for_url(f"**/sessions/{seminar_session.pk}/signup/")
    assert page.locator("#id_book_pair").is_checked()  # both at once, offered by default
    assert_no_axe_violations(page, "sign-up with the pair")

    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate(FOCUSED_ID) == "error-summary"
    assert_no_axe_violations(page, "sign-up with errors")

    fill_family(page, "hanako@example.jp")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/registrations/[A-Za-z0-9_-]{43}/$"))
    first = Registration.objects.get(session=seminar_session)
    second = Registration.objects.get(session=tour_session)
    assert first.pair == second
    assert (first.status, second.status) == (RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED)
    assert "Booked together with" in page.content()
    assert_no_axe_violations(page, "registration with its pair")
    page.screenshot(path=str(artifacts / "pair-registration.png"), full_page=True)

    # cancelling asks whether to cancel both
    page.get_by_role("link", name="Cancel this registration").click()
    assert_no_axe_violations(page, "cancel a pair")
    page.get_by_role("button", name="Cancel both").click()
    page.wait_for_load_state()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (RegistrationStatus.CANCELLED, RegistrationStatus.CANCELLED)


@pytest.mark.browser
@browser_test
def test_a_school_requests_an_outreach_lecture(page, mailoutbox):
    from tests.seminars.test_lectures import LectureOfferFactory

    offer = LectureOfferFactory(title="溶接の仕事を知ろう")
    assert page.goto("/en/seminars/lectures/").status == 200
    assert_no_axe_violations(page, "lecture list")
    page.get_by_role("link", name="溶接の仕事を知ろう").first.click()
    page.wait_for_url(f"**/seminars/lectures/{offer.pk}/")
    assert_no_axe_violations(page, "lecture detail")
    page.goto(f"/en/seminars/lectures/{offer.pk}/request/")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate(FOCUSED_ID) == "error-summary"
    assert_no_axe_violations(page, "lecture request with errors")

    day = dt.date.today() + dt.timedelta(days=40)
    page.fill("#id_school_name", "北見市立北中学校")
    page.fill("#id_teacher_name", "山田花子")
    page.fill("#id_email", "yamada@school.example.jp")
    page.fill("#id_phone", "0158-42-1234")
    page.fill("#id_grade", "中学2年")
    page.fill("#id_pupils", "38")
    page.fill("#id_adults", "2")
    page.select_option("#id_place_municipality", "012084")
    page.fill("#id_place_detail", "体育館")
    page.fill("#id_preferred_date_1", day.isoformat())
    page.check("#id_consent")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/enquiries/[A-Za-z0-9_-]{43}/$"))
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.school_name, enquiry.pupils) == ("lecture", "北見市立北中学校", 38)
    assert any(message.to == ["yamada@school.example.jp"] for message in mailoutbox)
    assert_no_axe_violations(page, "lecture request status")


@pytest.mark.browser
@browser_test
def test_a_parent_answers_the_survey_after_the_seminar(page):
    seminar = SeminarFactory(title="保護者向けセミナー")
    session = SessionFactory(offering=seminar, capacity=10)
    booking.register(
        session=session,
        data={
            "kind": "family",
            "contact_name": "山田 花子",
            "contact_kana": "ヤマダ ハナコ",
            "email": "hanako@example.jp",
            "phone": "090-1234-5678",
            "children_grades": ["j2"],
            "adults": 1,
        },
    )
    past = session.starts_at - dt.timedelta(days=20)
    Session.objects.filter(pk=session.pk).update(
        starts_at=past, ends_at=past + dt.timedelta(hours=2), status=SessionStatus.DONE
    )
    (invitation,) = invite_for_session(session=session, send=False)

    assert page.goto(f"/en/surveys/{invitation.access_token}/").status == 200
    assert_no_axe_violations(page, "survey")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate(FOCUSED_ID) == "error-summary"
    assert_no_axe_violations(page, "survey with errors")

    radios = page.locator("input[type=radio][value='5']")
    for index in range(radios.count()):
        radios.nth(index).check()
    page.locator("input[type=radio][value='yes']").first.check()
    page.locator("textarea").first.fill("子どもと一緒に工場を見られてよかったです。")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert SurveyResponse.objects.filter(invitation=invitation).count() == 1
    assert_no_axe_violations(page, "survey thanks")
    assert page.goto("/en/surveys/" + "x" * 43 + "/").status == 404
