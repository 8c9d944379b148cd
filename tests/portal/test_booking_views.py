"""The sign-up pages of the booking engine: the form, the participant's private pages, the .ics and check-in."""

import datetime as dt
import re
import subprocess

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse as reverse_ja
from django.utils import timezone, translation

from portal.booking import services
from portal.booking.forms import RegistrationForm, normalise_kana
from portal.booking.models import Registration, RegistrationEvent, Session
from portal.choices import Allocation, ListingStatus, RegistrationStatus, SessionStatus
from portal.models import Municipality
from tests.factories import FactoryTourFactory, UserFactory

pytestmark = pytest.mark.django_db

URL_IN_MAIL = re.compile(r"https?://[^/\s]+(/\S*registrations/[A-Za-z0-9_-]+/)")


@pytest.fixture
def tour(db):
    return FactoryTourFactory(name="木工体験工場")


def make_session(offering, **changes) -> Session:
    starts = timezone.now() + dt.timedelta(days=20)
    fields = {
        "offering": offering,
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "venue_name": "北見市民会館",
        "municipality": Municipality.objects.get(code="012084"),
        "address": "北進町1-1",
        "capacity": 20,
        "max_party_size": 10,
    }
    fields.update(changes)
    session = Session(**fields)
    session.full_clean()
    session.save()
    return session


@pytest.fixture
def session(tour):
    return make_session(tour)


def reverse(name, args=(), language="en") -> str:
    """The English pages by default, so that assertions on messages hold whatever the Japanese catalogue says."""
    with translation.override(language):
        return reverse_ja(name, args=args)


def signup_url(session, language="en") -> str:
    return reverse("session-signup", args=[session.pk], language=language)


def family_post(**changes) -> dict:
    data = {
        "kind": "family",
        "contact_name": "山田 花子",
        "contact_kana": "やまだ　はなこ",
        "email": "Hanako@Example.jp",
        "phone": "０９０－９８７６－５４３２",
        "child_1": "e3",
        "child_2": "",
        "child_3": "j1",
        "child_4": "",
        "child_5": "",
        "child_6": "",
        "school_name": "",
        "pupils": "",
        "adults": "1",
        "message": "",
        "consent": "on",
    }
    data.update(changes)
    return data


def school_post(**changes) -> dict:
    school = {
        "kind": "school",
        "contact_name": "佐藤 一郎",
        "contact_kana": "ｻﾄｳ ｲﾁﾛｳ",
        "email": "sato@school.example.jp",
        "phone": "(0157) 23-4567",
        "child_1": "",
        "child_3": "",
        "school_name": "北見市立北中学校",
        "pupils": "6",
        "adults": "2",
    }
    return family_post(**{**school, **changes})


def mailed_path(message) -> str:
    return URL_IN_MAIL.search(message.body).group(1)


def error_messages(response) -> list[str]:
    form = response.context["form"]
    return [str(error) for errors in form.errors.values() for error in errors]


def assert_nothing_written(session):
    assert Registration.objects.count() == 0
    assert RegistrationEvent.objects.count() == 0
    session.refresh_from_db()
    assert session.seats_taken == 0
    assert mail.outbox == []


# --- The form -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("やまだ　はなこ", "ヤマダ\u3000ハナコ"),
        ("ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ\u3000ハナコ"),
        ("  ヤマダ   ハナコ ", "ヤマダ\u3000ハナコ"),
        ("ゆうき", "ユウキ"),
        ("ジョーンズ・メアリー", "ジョーンズ・メアリー"),
    ],
)
def test_kana_is_normalised_to_full_width_katakana(typed, stored):
    assert normalise_kana(typed) == stored


def test_registration_data_has_exactly_the_participant_fields(session):
    form = RegistrationForm(session=session, data=family_post(school_name="北小", pupils="3"))
    assert form.is_valid(), form.errors
    data = form.registration_data()
    assert tuple(data) == services.PARTICIPANT_FIELDS
    assert data == {
        "kind": "family",
        "contact_name": "山田 花子",
        "contact_kana": "ヤマダ\u3000ハナコ",
        "email": "Hanako@Example.jp",
        "phone": "090-9876-5432",
        "school_name": "",
        "children_grades": ["e3", "j1"],
        "pupils": 0,
        "adults": 1,
        "message": "",
    }


def test_the_form_is_phone_friendly(client, session):
    response = client.get(signup_url(session))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'inputmode="tel"' in html
    assert 'type="tel"' in html
    assert 'inputmode="email"' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="name"' in html
    assert 'name="viewport"' in html
    assert f'href="{session.offering.get_absolute_url()}"' in html
    assert "木工体験工場" in html
    assert "北見市民会館" in html
    assert "20 seats left" in html


# --- Sign-up: happy paths --------------------------------------------------------------------------


def test_family_signs_up_gets_confirmed_and_a_mail_with_a_working_link(client, session, post, tmp_path):
    response = post(client, signup_url(session, language="ja"), family_post())

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registration", args=[registration.access_token], language="ja")
    assert response["Location"].startswith("/registrations/")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email == "hanako@example.jp"
    assert registration.contact_kana == "ヤマダ\u3000ハナコ"
    assert registration.phone == "090-9876-5432"
    assert registration.children_grades == ["e3", "j1"]
    assert registration.seats == 3
    assert registration.language == "ja"
    session.refresh_from_db()
    assert session.seats_taken == 3

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hanako@example.jp"]
    assert "木工体験工場" in message.subject
    assert "山田 花子" in message.body
    assert "北見市民会館" in message.body
    html = message.alternatives[0][0]
    assert '<img src="cid:checkin-qr@monozukuri-portal"' in html  # an inline part, not a blocked data: URI
    assert "data:image" not in html
    (qr_part,) = message.attachments
    assert qr_part["Content-ID"] == "<checkin-qr@monozukuri-portal>"
    assert qr_part.get_content_disposition() == "inline"
    assert b"Content-ID: <checkin-qr@monozukuri-portal>" in message.message().as_bytes()
    png = tmp_path / "qr.png"
    png.write_bytes(qr_part.get_content())
    scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True)
    assert scanned.stdout.strip().endswith(f"/registrations/{registration.access_token}/checkin/")

    page = Client().get(mailed_path(message))
    assert page.status_code == 200
    assert page.context["registration"] == registration
    followed = client.get(response["Location"])
    assert [m.level_tag for m in followed.context["messages"]] == ["success"]
    assert followed.context["registration"] == registration


def test_school_group_signs_up(client, session, post):
    response = post(client, signup_url(session), school_post())

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.kind == "school"
    assert registration.school_name == "北見市立北中学校"
    assert registration.contact_kana == "サトウ\u3000イチロウ"
    assert registration.phone == "0157-23-4567"
    assert registration.children_grades == []
    assert (registration.pupils, registration.adults, registration.seats) == (6, 2, 8)
    assert registration.language == "en"
    assert [m.to for m in mail.outbox] == [["sato@school.example.jp"]]
    assert "Dear 佐藤 一郎," in mail.outbox[0].body
    assert "6 pupils and 2 adults" in mail.outbox[0].body
    assert mailed_path(mail.outbox[0]).startswith("/en/registrations/")
    assert Client().get(mailed_path(mail.outbox[0])).status_code == 200


def test_a_full_session_puts_the_party_on_the_waiting_list(client, tour, post):
    session = make_session(tour, capacity=3)
    post(client, signup_url(session), family_post(email="first@example.jp", child_3="", adults="0"))
    response = post(Client(), signup_url(session), family_post(), follow=True)
    registration = Registration.objects.get(email="hanako@example.jp")
    assert registration.status == RegistrationStatus.WAITLISTED
    assert "waiting list" in " ".join(str(m) for m in response.context["messages"])


def test_a_lottery_session_takes_applications(client, tour, post):
    session = make_session(
        tour, allocation=Allocation.LOTTERY, registration_closes_at=timezone.now() + dt.timedelta(days=5)
    )
    page = client.get(signup_url(session))
    assert "drawn by lot" in page.content.decode()
    response = post(client, signup_url(session), family_post(), follow=True)
    assert Registration.objects.get().status == RegistrationStatus.APPLIED
    assert "application" in " ".join(str(m) for m in response.context["messages"])


# --- Sign-up: bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"contact_kana": "Yamada Hanako"}, "contact_kana", "kana only"),
        ({"contact_kana": "山田はなこ"}, "contact_kana", "kana only"),
        ({"contact_kana": ""}, "contact_kana", "reading of your name"),
        ({"contact_name": ""}, "contact_name", "Please enter your name."),
        ({"email": "hanako@"}, "email", "name@example.jp"),
        ({"email": "hanako example.jp"}, "email", "name@example.jp"),
        ({"phone": "1234-5678"}, "phone", "10 or 11 digits"),
        ({"phone": "090-1234-56789"}, "phone", "10 or 11 digits"),
        ({"phone": "03-abcd-5678"}, "phone", "10 or 11 digits"),
        ({"child_1": "", "child_3": ""}, "child_1", "at least one child"),
        ({"child_2": "grade9"}, "child_2", "from the list"),
        ({"adults": "11"}, "adults", "from 0 to 10"),
        ({"adults": "-1"}, "adults", "from 0 to 10"),
        ({"adults": "two"}, "adults", "from 0 to 10"),
        ({"message": "あ" * 501}, "message", "500 characters"),
        ({"kind": "company"}, "kind", "family or as a school group"),
        ({"consent": ""}, "consent", "privacy notice"),
    ],
)
def test_each_bad_input_is_explained_and_nothing_is_written(client, session, changes, field, message, post):
    response = post(client, signup_url(session), family_post(**changes))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in str(form.errors[field][0])
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'value="山田 花子"' in html or field == "contact_name"  # what was typed is kept
    assert_nothing_written(session)


def test_the_error_summary_links_each_error_to_its_field(client, session, post):
    response = post(client, signup_url(session), family_post(kind="", contact_kana="abc"))
    html = response.content.decode()
    assert '<a href="#id_kind_0">Please choose whether you come as a family or as a school group.</a>' in html
    assert '<a href="#id_contact_kana">Please write the reading of the name in kana only' in html
    assert '<label for="id_kind_0">Family</label>' in html
    assert_nothing_written(session)


def test_a_school_group_needs_its_school_name_and_pupils(client, session, post):
    response = post(client, signup_url(session), school_post(school_name="", pupils=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert str(form.errors["school_name"][0]) == "Please enter the name of your school."
    assert str(form.errors["pupils"][0]) == "Please enter the number of pupils."
    assert_nothing_written(session)


def test_the_other_kinds_fields_are_ignored(client, session, post):
    response = post(client, signup_url(session), family_post(pupils="0", school_name="x" * 200))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.school_name, registration.pupils) == ("", 0)


def test_a_party_too_big_for_the_session_is_refused(client, tour, post):
    session = make_session(tour, max_party_size=5)
    response = post(client, signup_url(session), school_post(pupils="5", adults="1"))
    assert response.status_code == 200
    assert error_messages(response) == ["A party of 6 is more than this session can take (at most 5 per sign-up)."]
    assert "at most 5 per sign-up" in response.content.decode()
    assert_nothing_written(session)


def test_the_service_refusal_is_shown_with_the_form_kept(client, tour, post):
    session = make_session(tour, capacity=4, waitlist_enabled=False)
    services.register(
        session=session,
        data={
            "kind": "family",
            "contact_name": "先客",
            "contact_kana": "センキャク",
            "email": "first@example.jp",
            "phone": "0157-23-4567",
            "children_grades": ["e1", "e2"],
            "adults": 1,
        },
    )
    mail.outbox.clear()
    response = post(client, signup_url(session), family_post(child_4="e5"))
    assert response.status_code == 200
    assert error_messages(response) == [
        "Sorry, there are only 1 seats left and this session has no waiting list. A smaller party could still sign up."
    ]
    html = response.content.decode()
    assert 'value="山田 花子"' in html
    assert '<option value="e5" selected>' in html
    assert Registration.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"registration_closes_at": "past"}, "Sign-up for this session has closed."),
        ({"registration_opens_at": "future"}, "Sign-up for this session has not opened yet."),
        ({"starts_at": "past"}, "This session has already taken place."),
        ({"status": SessionStatus.CANCELLED}, "This session has been cancelled, so sign-up is closed."),
    ],
)
def test_a_closed_session_shows_no_form_and_writes_nothing(client, tour, changes, message, post):
    now = timezone.now()
    fields = {}
    if changes.get("registration_closes_at") == "past":
        fields = {"registration_opens_at": now - dt.timedelta(days=9), "registration_closes_at": now - dt.timedelta(1)}
    elif changes.get("registration_opens_at") == "future":
        fields = {"registration_opens_at": now + dt.timedelta(days=3)}
    elif changes.get("starts_at") == "past":
        fields = {"starts_at": now - dt.timedelta(days=2), "ends_at": now - dt.timedelta(days=2, hours=-2)}
    else:
        fields = changes
    session = make_session(tour, **fields)

    page = client.get(signup_url(session))
    assert page.status_code == 200
    assert message in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[1]

    response = post(client, signup_url(session), family_post())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert_nothing_written(session)


def test_a_full_session_without_waiting_list_shows_no_form(client, tour, post):
    session = make_session(tour, capacity=3, waitlist_enabled=False)
    post(client, signup_url(session), family_post(email="first@example.jp"))
    mail.outbox.clear()
    page = Client().get(signup_url(session))
    assert "Sorry, this session is full and has no waiting list." in page.content.decode()
    assert 'name="contact_name"' not in page.content.decode()
    response = post(Client(), signup_url(session), family_post(email="second@example.jp", child_3="", adults="0"))
    assert response.status_code == 200
    assert "Sorry, this session is full and has no waiting list." in response.content.decode()
    assert Registration.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED])
def test_an_unpublished_programme_has_no_sign_up_page(client, status, post):
    session = make_session(FactoryTourFactory(status=status))
    assert client.get(signup_url(session)).status_code == 404
    assert post(client, signup_url(session), family_post()).status_code == 404
    assert Registration.objects.count() == 0


def test_an_unknown_session_is_a_404(client, session):
    assert client.get(reverse("session-signup", args=[session.pk + 1000])).status_code == 404


def test_a_second_sign_up_with_the_same_address_says_so_in_general_and_mails_the_link(client, session, post):
    post(client, signup_url(session), family_post())
    first = Registration.objects.get()
    mail.outbox.clear()

    other = Client()
    response = post(
        other,
        signup_url(session),
        family_post(contact_name="別人", contact_kana="べつじん", email="HANAKO@example.jp", phone="0120-00-0000"),
    )

    assert response.status_code == 200
    assert error_messages(response) == [str(services.MESSAGES["duplicate"])]
    html = response.content.decode()
    assert first.access_token not in html
    for personal in ("山田", "ヤマダ", "やまだ", "090-9876-5432"):
        assert personal not in html
    assert Registration.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"]]
    assert mailed_path(mail.outbox[0]) == reverse("registration", args=[first.access_token])


# --- The participant's pages -----------------------------------------------------------------------


@pytest.fixture
def registration(client, session, post):
    post(client, signup_url(session), family_post())
    mail.outbox.clear()
    return Registration.objects.get()


def test_the_registration_page(client, registration):
    response = client.get(reverse("registration", args=[registration.access_token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html
    assert "山田 花子" in html
    assert "hanako@example.jp" in html
    assert reverse("registration-cancel", args=[registration.access_token]) in html
    assert reverse("registration-ics", args=[registration.access_token]) in html


def test_the_public_sign_up_page_shows_nobody_s_data(client, registration):
    html = Client().get(signup_url(registration.session)).content.decode()
    assert "山田" not in html
    assert "hanako@example.jp" not in html
    assert "19 seats left" not in html  # three seats taken
    assert "17 seats left" in html


def test_cancel_asks_first_then_cancels_once(client, registration, post):
    token = registration.access_token
    confirm = client.get(reverse("registration-cancel", args=[token]))
    assert confirm.status_code == 200
    assert "Yes, cancel my registration" in confirm.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED

    response = post(client, reverse("registration-cancel", args=[token]), follow=True)
    registration.refresh_from_db()
    assert response.redirect_chain == [(reverse("registration", args=[token]), 302)]
    assert registration.status == RegistrationStatus.CANCELLED
    assert "has been cancelled" in " ".join(str(m) for m in response.context["messages"])
    registration.session.refresh_from_db()
    assert registration.session.seats_taken == 0
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"]]
    assert reverse("registration-cancel", args=[token]) not in response.content.decode()

    again = post(client, reverse("registration-cancel", args=[token]), follow=True)
    assert [str(m) for m in again.context["messages"]] == ["This registration has already been cancelled."]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert RegistrationEvent.objects.filter(to_status=RegistrationStatus.CANCELLED).count() == 1


def test_a_past_session_cannot_be_cancelled(client, registration, post):
    Session.objects.filter(pk=registration.session_id).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    token = registration.access_token
    page = client.get(reverse("registration", args=[token]))
    assert reverse("registration-cancel", args=[token]) not in page.content.decode()
    response = post(client, reverse("registration-cancel", args=[token]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_an_attended_registration_cannot_be_cancelled(client, registration, secretariat_user, post):
    services.mark_attendance(registration=registration, by=secretariat_user)
    token = registration.access_token
    assert (
        reverse("registration-cancel", args=[token])
        not in client.get(reverse("registration", args=[token])).content.decode()
    )
    post(client, reverse("registration-cancel", args=[token]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED


def test_the_registration_page_of_a_cancelled_session(client, registration, secretariat_user, post):
    services.cancel_session(session=registration.session, by=secretariat_user)
    page = client.get(reverse("registration", args=[registration.access_token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The session has been cancelled, and so has this registration." in html
    assert reverse("registration-cancel", args=[registration.access_token]) not in html
    assert reverse("registration-ics", args=[registration.access_token]) not in html


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_the_calendar_file(client, tour, post):
    session = make_session(
        tour,
        starts_at=dt.datetime(2030, 5, 9, 10, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 5, 9, 12, 30, tzinfo=dt.UTC),
        label="午前の部, 1回目; 木工",
        address="北進町1-1 " + "とても長い住所" * 10,
    )
    post(client, signup_url(session), family_post())
    registration = Registration.objects.get()

    response = client.get(reverse("registration-ics", args=[registration.access_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\r\n " in raw  # the long location was folded, between characters
    text = raw.decode("utf-8")
    lines = unfold(text).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20300509T100000Z" in lines
    assert "DTEND:20300509T123000Z" in lines
    assert "SUMMARY:木工体験工場（午前の部\\, 1回目\\; 木工）" in lines
    assert "STATUS:CONFIRMED" in lines
    assert any(line.startswith("LOCATION:北見市民会館、北見市北進町1-1 とても長い住所") for line in lines)
    assert any(line.startswith("DESCRIPTION:") and registration.access_token in line for line in lines)


def test_check_in_requires_staff_and_marks_attendance(client, registration, secretariat_user, post):
    path = reverse("registration-checkin", args=[registration.access_token])

    anonymous = Client().get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("two_factor:login"))
    assert "next=" in anonymous["Location"]
    not_staff = Client()
    not_staff.force_login(UserFactory(is_staff=False))
    assert not_staff.get(path).status_code == 403  # signed in, but not staff: no access, no sign-in loop
    assert post(not_staff, path).status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED

    staff = Client()
    staff.force_login(secretariat_user)
    page = staff.get(path)
    assert page.status_code == 200
    assert "山田 花子" in page.content.decode()
    assert "Mark as attended" in page.content.decode()

    response = post(staff, path, follow=True)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED
    assert registration.attended_at is not None
    assert registration.events.last().by == secretariat_user
    assert "Mark as attended" not in response.content.decode()


@pytest.mark.parametrize("name", ["registration", "registration-cancel", "registration-ics"])
@pytest.mark.parametrize("kind", ["unknown", "prefix", "malformed", "digest"])
def test_wrong_tokens_are_a_plain_404(client, registration, name, kind, post):
    token = registration.access_token
    wrong = {
        "unknown": "A" * len(token),
        "prefix": token[:-1],
        "malformed": token[:20] + "!*",
        "digest": registration.token_digest,
    }[kind]
    assert client.get(reverse(name, args=[wrong])).status_code == 404
    assert post(client, reverse("registration-cancel", args=[wrong])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_wrong_token_at_check_in_is_a_404_for_staff(registration, secretariat_user):
    staff = Client()
    staff.force_login(secretariat_user)
    assert staff.get(reverse("registration-checkin", args=["A" * 43])).status_code == 404
