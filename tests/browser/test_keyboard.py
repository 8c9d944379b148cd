"""Keyboard only (issue 10): the tour request and the session sign-up can be completed without a mouse.

From the skip link, Tab walks through the page; each form field reached is filled with keyboard.type, a
checkbox ticked with Space, a select changed with ArrowDown; Enter on the submit button sends the form.
"""

import datetime as dt
import re

import pytest

from portal import dates
from portal.booking.models import Registration
from portal.models import Enquiry
from tests.factories import ExperienceEventFactory, FactoryTourFactory, SessionFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOCUSED = """() => {
  const e = document.activeElement;
  return e ? {id: e.id, tag: e.tagName.toLowerCase(), type: e.type || "", inForm: !!e.closest("main form.form")} : null;
}"""


def complete_with_keyboard(page, values: dict[str, str], tick: set[str], choose: set[str]) -> list[str]:
    """Tab from the skip link to the form's submit button, filling what is reached; returns the ids filled."""
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    done = []
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused or not focused["inForm"]:
            continue
        if focused["tag"] == "button" and focused["type"] == "submit":
            page.keyboard.press("Enter")
            return done
        name = focused["id"]
        if name in values:
            if focused["type"] == "date":
                day = dt.date.fromisoformat(values[name])  # chromium's date field, en-US order: mm dd yyyy
                page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year}")
            else:
                page.keyboard.type(values[name])
            done.append(name)
        elif name in tick:
            page.keyboard.press("Space")
            done.append(name)
        elif name in choose:
            page.keyboard.press("ArrowDown")
            done.append(name)
    raise AssertionError(f"Tab never reached the submit button; filled {done}")


@pytest.mark.browser
@browser_test
def test_request_a_tour_with_the_keyboard_only(page):
    tour = FactoryTourFactory(name="製紙工場見学", group_min=10, group_max=50, lead_time_days=14)
    day = dates.today() + dt.timedelta(days=30)
    assert page.goto(f"/tours/{tour.pk}/request/").status == 200
    values = {
        "id_school_name": "北見市立北中学校",
        "id_teacher_name": "山田花子",
        "id_email": "yamada@school.example.jp",
        "id_phone": "0158-42-1234",
        "id_grade": "中学2年",
        "id_pupils": "38",
        "id_adults": "3",
        "id_preferred_date_1": day.isoformat(),
    }
    filled = complete_with_keyboard(page, values, tick={"id_coming_by_bus", "id_consent"}, choose=set())
    assert set(filled) >= set(values) | {"id_consent"}
    page.wait_for_url(re.compile(r"/enquiries/[A-Za-z0-9_-]{43}/$"))
    enquiry = Enquiry.objects.get()
    assert (enquiry.school_name, enquiry.pupils, enquiry.preferred_date_1) == ("北見市立北中学校", 38, day)


@pytest.mark.browser
@browser_test
def test_sign_up_for_a_session_with_the_keyboard_only(page):
    event = ExperienceEventFactory(title="親子で旋盤体験", trade="旋盤", grades="小学4〜6年")
    session = SessionFactory(offering=event, capacity=12, municipality_code="012084")
    assert page.goto(f"/sessions/{session.pk}/signup/").status == 200
    values = {
        "id_contact_name": "山田 花子",
        "id_contact_kana": "やまだ はなこ",
        "id_email": "hanako@example.jp",
        "id_phone": "090-1234-5678",
        "id_adults": "1",
    }
    filled = complete_with_keyboard(page, values, tick={"id_consent"}, choose={"id_child_1"})
    assert set(filled) >= set(values) | {"id_consent", "id_child_1"}
    page.wait_for_url(re.compile(r"/registrations/[A-Za-z0-9_-]{43}/$"))
    registration = Registration.objects.get()
    assert (registration.email, registration.contact_name, registration.seats) == ("hanako@example.jp", "山田 花子", 2)
