"""Keyboard only (issue 10): every public form can be completed without a mouse.

From the skip link, Tab walks through the page; each form field reached is filled with keyboard.type, a
checkbox ticked with Space, a select changed with ArrowDown, a radio group moved with the arrows; Enter on the
submit button sends the form. Nothing is clicked or filled by Playwright: ``tab_to`` fails when Tab does not
reach a field within a bounded number of presses.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal import dates
from portal.booking import services as booking_services
from portal.booking.models import Registration, Session
from portal.choices import EnquiryKind, RegistrationKind, SessionStatus
from portal.models import Enquiry, WorkingGroup
from portal.surveys import services as survey_services
from portal.surveys.models import QuestionKind, SurveyResponse
from supporters.advisor_forms import advisor_request_details
from supporters.models import MembershipRole, SeniorAdvisor, SupporterCompany, SupporterMembership, SupporterStatus
from tests.api.conftest import LectureOfferFactory
from tests.factories import ExperienceEventFactory, FactoryTourFactory, OrganisationFactory, SessionFactory, UserFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# --- Generic steps: each one reaches its field with Tab only (so the test proves it can be reached) --------

ENQUIRY_STATUS = r"/enquiries/[A-Za-z0-9_-]{43}/"
FOCUS_STEPS = 80  # Tab presses allowed from one field to the next


def tab_to(page, selector: str, steps: int = FOCUS_STEPS) -> None:
    """Press Tab until the focused element matches ``selector``; fail after ``steps`` presses."""
    for _ in range(steps):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{steps} Tab presses never reached {selector}; the focus is on {focused}")


def start(page, path: str) -> None:
    """Open the page; the first Tab reaches the skip link."""
    assert page.goto(path).status == 200
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    if page.evaluate("() => document.activeElement.type") == "date":
        day = dt.date.fromisoformat(text)  # chromium's date field, en-US order: mm dd yyyy
        page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year}")
    else:
        page.keyboard.type(text)


def tick(page, selector: str) -> None:
    """Tab to a checkbox and tick it with Space."""
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), f"Space did not tick {selector}"


def choose(page, selector: str, value: str, steps: int = 250) -> None:
    """Tab to a select and press ArrowDown until ``value`` is chosen."""
    tab_to(page, selector)
    for _ in range(steps):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"ArrowDown never chose {value!r} in {selector}")


def pick(page, name: str, value: str, steps: int = 12) -> None:
    """Tab into a radio group, move with ArrowRight to ``value`` (the arrows select), Space if still unchecked."""
    tab_to(page, f"input[type=radio][name='{name}']")
    for _ in range(steps):
        state = page.evaluate("() => ({value: document.activeElement.value, checked: document.activeElement.checked})")
        if state["value"] == value:
            if not state["checked"]:
                page.keyboard.press("Space")
            assert page.evaluate("n => document.querySelector(`input[name='${n}']:checked`).value", name) == value
            return
        page.keyboard.press("ArrowRight")
    raise AssertionError(f"the arrows never reached {value!r} in the radio group {name}")


def submit(page, then: str) -> None:
    """Tab to the form's submit button, press Enter; the answer must be the page at path ``then`` (a regex)."""
    tab_to(page, "main form.form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if not re.fullmatch(then, urlsplit(page.url).path):
        errors = page.locator("#error-summary").all_inner_texts()
        raise AssertionError(f"the form was not accepted ({page.url}): {errors}")


@pytest.fixture
def fresh_rate_limits():
    cache.clear()  # django-ratelimit and the throttles count in the default cache
    yield
    cache.clear()


@pytest.fixture
def secretariat():
    """The working group's secretariat, which hears of advisor applications and requests."""
    organisation = OrganisationFactory()
    UserFactory(is_staff=True, organisation=organisation, email="jimukyoku@wg.example.jp")
    group = WorkingGroup.load()
    group.secretariat = organisation
    group.save()
    return organisation


@pytest.mark.browser
@browser_test
def test_request_a_tour_with_the_keyboard_only(page):
    tour = FactoryTourFactory(name="製紙工場見学", group_min=10, group_max=50, lead_time_days=14)
    day = dates.today() + dt.timedelta(days=30)
    start(page, f"/tours/{tour.pk}/request/")
    type_into(page, "#id_school_name", "北見市立北中学校")
    type_into(page, "#id_teacher_name", "山田花子")
    type_into(page, "#id_email", "yamada@school.example.jp")
    type_into(page, "#id_phone", "0158-42-1234")
    type_into(page, "#id_grade", "中学2年")
    type_into(page, "#id_pupils", "38")
    type_into(page, "#id_adults", "3")
    tick(page, "#id_coming_by_bus")
    type_into(page, "#id_preferred_date_1", day.isoformat())
    tick(page, "#id_consent")
    submit(page, ENQUIRY_STATUS)
    enquiry = Enquiry.objects.get()
    assert (enquiry.school_name, enquiry.pupils, enquiry.coming_by_bus, enquiry.preferred_date_1) == (
        "北見市立北中学校",
        38,
        True,
        day,
    )


@pytest.mark.browser
@browser_test
def test_sign_up_for_a_session_with_the_keyboard_only(page):
    event = ExperienceEventFactory(title="親子で旋盤体験", trade="旋盤", grades="小学4〜6年")
    session = SessionFactory(offering=event, capacity=12, municipality_code="012084")
    start(page, f"/sessions/{session.pk}/signup/")
    type_into(page, "#id_contact_name", "山田 花子")
    type_into(page, "#id_contact_kana", "やまだ はなこ")
    type_into(page, "#id_email", "hanako@example.jp")
    type_into(page, "#id_phone", "090-1234-5678")
    choose(page, "#id_child_1", "e4")
    type_into(page, "#id_adults", "1")
    tick(page, "#id_consent")
    submit(page, r"/registrations/[A-Za-z0-9_-]{43}/")
    registration = Registration.objects.get()
    assert (registration.email, registration.contact_name, registration.seats) == ("hanako@example.jp", "山田 花子", 2)
    assert registration.children_grades == ["e4"]


@pytest.mark.browser
@browser_test
def test_request_a_lecture_with_the_keyboard_only(page):
    offer = LectureOfferFactory(title="溶接の仕事を知ろう", lead_time_days=14)
    day = dates.today() + dt.timedelta(days=30)
    start(page, f"/seminars/lectures/{offer.pk}/request/")
    type_into(page, "#id_school_name", "北見市立北中学校")
    type_into(page, "#id_teacher_name", "山田花子")
    type_into(page, "#id_email", "yamada@school.example.jp")
    type_into(page, "#id_phone", "0158-42-1234")
    type_into(page, "#id_grade", "中学2年")
    type_into(page, "#id_pupils", "38")
    type_into(page, "#id_adults", "3")
    choose(page, "#id_place_municipality", "012084")
    type_into(page, "#id_place_detail", "体育館")
    type_into(page, "#id_preferred_date_1", day.isoformat())
    type_into(page, "#id_message", "溶接の実演をお願いします。")
    tick(page, "#id_consent")
    submit(page, ENQUIRY_STATUS)
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.subject_id, enquiry.school_name, enquiry.pupils, enquiry.preferred_date_1) == (
        EnquiryKind.LECTURE,
        offer.pk,
        "北見市立北中学校",
        38,
        day,
    )


@pytest.mark.browser
@browser_test
def test_join_the_supporters_club_with_the_keyboard_only(page, fresh_rate_limits, mailoutbox):
    start(page, "/supporters/join/")
    type_into(page, "#id_name", "株式会社北海道精機")
    type_into(page, "#id_name_kana", "ほっかいどうせいき")
    type_into(page, "#id_postcode", "060-0001")
    tab_to(page, "#postcode-lookup", steps=1)  # the lookup button is the next stop after the postcode
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('id_address').value !== ''")
    assert page.evaluate("() => document.activeElement.id") == "id_address"  # the lookup moves the focus on
    assert page.input_value("#id_municipality") == "011011"
    choose(page, "#id_industry", "machinery")
    tick(page, "#id_offers_0")
    type_into(page, "#id_contact_name", "山田花子")
    type_into(page, "#id_email", "hanako@seiki.example.jp")
    type_into(page, "#id_password", "kita-no-monozukuri-2026")
    type_into(page, "#id_password_again", "kita-no-monozukuri-2026")
    tick(page, "#id_consent")
    submit(page, "/supporters/join/sent/")
    company = SupporterCompany.objects.get()
    assert (company.name, company.municipality_id, company.industry, company.status) == (
        "株式会社北海道精機",
        "011011",
        "machinery",
        SupporterStatus.UNVERIFIED,
    )
    assert company.address.startswith("北海道札幌市中央区北一条西")
    assert [m.to for m in mailoutbox] == [["hanako@seiki.example.jp"]]


@pytest.mark.browser
@browser_test
def test_apply_as_an_advisor_with_the_keyboard_only(page, fresh_rate_limits, secretariat):
    start(page, "/advisors/join/")
    type_into(page, "#id_name", "山田 太郎")
    type_into(page, "#id_name_kana", "やまだ たろう")
    type_into(page, "#id_email", "yamada@example.jp")
    choose(page, "#id_home_municipality", "012084")
    tick(page, "input[name=areas][value=okhotsk]")
    type_into(page, "#id_travel_radius_km", "80")
    type_into(page, "#id_trades", "旋盤、NC加工")
    choose(page, "#id_former_industry", "machinery")
    type_into(page, "#id_years_of_experience", "42")
    tick(page, "input[name=activities][value=hands_on]")
    tick(page, "input[name=available_weekdays][value='2']")
    tick(page, "input[name=available_months][value='10']")
    tick(page, "#id_consent_to_contact")
    tick(page, "#id_consent")
    submit(page, "/advisors/join/sent/")
    advisor = SeniorAdvisor.objects.get()
    assert (advisor.name, advisor.email, advisor.home_municipality_id, advisor.trades) == (
        "山田 太郎",
        "yamada@example.jp",
        "012084",
        ["旋盤", "NC加工"],
    )
    assert [area.slug for area in advisor.areas.all()] == ["okhotsk"]
    assert (advisor.activities, advisor.available_weekdays, advisor.available_months) == (["hands_on"], [2], [10])


@pytest.mark.browser
@browser_test
def test_ask_for_an_advisor_with_the_keyboard_only(page, fresh_rate_limits, secretariat):
    start(page, "/advisors/request/")
    type_into(page, "#id_school_name", "北見市立北中学校")
    type_into(page, "#id_teacher_name", "佐藤 花子")
    type_into(page, "#id_email", "sato@school.example.jp")
    type_into(page, "#id_phone", "0157-11-2222")
    choose(page, "#id_purpose", "career_talk")
    type_into(page, "#id_trade", "旋盤")
    choose(page, "#id_audience", "junior_high")
    type_into(page, "#id_pupils", "38")
    choose(page, "#id_municipality", "012084")
    tick(page, "input[name=months][value='10']")
    tick(page, "input[name=weekdays][value='2']")
    tick(page, "#id_consent")
    submit(page, ENQUIRY_STATUS)
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.school_name, enquiry.pupils, enquiry.provider) == (
        EnquiryKind.ADVISOR,
        "北見市立北中学校",
        38,
        secretariat,
    )
    details = advisor_request_details(enquiry)
    assert (details["purpose"], details["municipality"], details["months"], details["weekdays"]) == (
        "career_talk",
        "012084",
        [10],
        [2],
    )


@pytest.mark.browser
@browser_test
def test_sign_in_as_a_supporter_with_the_keyboard_only(page, fresh_rate_limits):
    company = SupporterCompany.objects.create(
        name="北見製作所",
        name_kana="キタミセイサクショ",
        municipality_id="012084",
        industry="machinery",
        offers=["factory_tour"],
        contact_name="佐藤一郎",
        contact_email="contact@kitami.example.jp",
        status=SupporterStatus.APPROVED,
        registration_number="2026-0001",
    )
    user = UserFactory(username="sato@kitami.example.jp")
    SupporterMembership.objects.create(user=user, company=company, role=MembershipRole.OWNER)
    start(page, "/supporters/login/")
    type_into(page, "#id_username", "Sato@Kitami.example.jp")
    type_into(page, "#id_password", "correct-horse-battery")
    submit(page, "/supporters/dashboard/")
    assert company.name in page.locator("main").inner_text()


@pytest.mark.browser
@browser_test
def test_ask_for_a_new_supporter_password_with_the_keyboard_only(page, fresh_rate_limits, mailoutbox):
    UserFactory(username="sato@kitami.example.jp", email="sato@kitami.example.jp")
    start(page, "/supporters/password-reset/")
    type_into(page, "#id_email", "sato@kitami.example.jp")
    submit(page, "/supporters/password-reset/sent/")
    assert [m.to for m in mailoutbox] == [["sato@kitami.example.jp"]]


@pytest.mark.browser
@browser_test
def test_answer_a_survey_with_the_keyboard_only(page):
    event = ExperienceEventFactory(title="親子で旋盤体験")
    session = SessionFactory(offering=event, capacity=12, municipality_code="012084")
    booking_services.register(
        session=session,
        data={
            "kind": RegistrationKind.FAMILY,
            "contact_name": "山田花子",
            "contact_kana": "ヤマダハナコ",
            "email": "hanako@example.jp",
            "phone": "011-000-0000",
            "children_grades": ["e4"],
            "adults": 1,
        },
        language="ja",
    )
    held = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    Session.objects.filter(pk=session.pk).update(
        starts_at=held, ends_at=held + dt.timedelta(hours=2), status=SessionStatus.DONE
    )  # it has taken place
    session.refresh_from_db()
    (invitation,) = survey_services.invite_for_session(session=session, send=False)
    questions = list(invitation.questionnaire.questions.all())
    assert {q.kind for q in questions} == {QuestionKind.SCALE_1_5, QuestionKind.YES_NO, QuestionKind.TEXT}

    start(page, f"/surveys/{invitation.access_token}/")
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.SCALE_1_5:
            pick(page, name, "4")
        elif question.kind == QuestionKind.YES_NO:
            pick(page, name, "no")
        else:
            type_into(page, f"#id_{name}", "楽しかった")
    submit(page, f"/surveys/{invitation.access_token}/")
    assert page.locator("main form.form").count() == 0  # the thanks page
    response = SurveyResponse.objects.get(invitation=invitation)
    answers = {answer.question_id: answer.value for answer in response.answers.all()}
    expected = {QuestionKind.SCALE_1_5: 4, QuestionKind.YES_NO: False, QuestionKind.TEXT: "楽しかった"}
    assert answers == {q.pk: expected[q.kind] for q in questions}
