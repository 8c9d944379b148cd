"""/tours/<id>/request/: a school's request enters the enquiry workflow; every bad field is explained."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from portal import dates, tokens
from portal.choices import EnquiryKind, EnquiryStatus, ListingStatus
from portal.enquiries.forms import normalise_phone
from portal.models import Enquiry
from programmes import services
from tests.factories import FactoryTourFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dates.today()
IN_30_DAYS = TODAY + dt.timedelta(days=30)
IN_31_DAYS = TODAY + dt.timedelta(days=31)


@pytest.fixture
def tour():
    """Takes every month and day, groups of 10 to 50, requests at least 14 days ahead."""
    return FactoryTourFactory(
        name="製紙工場見学", name_en="Paper mill tour", group_min=10, group_max=50, lead_time_days=14
    )


@pytest.fixture
def host(tour):
    """An active staff user of the tour's providing organisation: gets the notification."""
    return UserFactory(password=None, is_staff=True, organisation=tour.provider, email="host@example.jp")


def url(tour, language=""):
    return f"{language}/tours/{tour.pk}/request/"


def form_data(**changes):
    data = {
        "school_name": "北見市立北中学校",
        "teacher_name": "山田花子",
        "email": "yamada@school.example.jp",
        "phone": "０１５８－４２－１２３４",
        "grade": "中学2年",
        "pupils": "38",
        "adults": "3",
        "preferred_date_1": IN_30_DAYS.isoformat(),
        "preferred_date_2": IN_31_DAYS.isoformat(),
        "preferred_date_3": "",
        "coming_by_bus": "on",
        "message": "溶接の実演を見たいです。",
        "consent": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_request_flow_end_to_end(client, tour, host, mailoutbox, django_capture_on_commit_callbacks):
    assert client.get(url(tour)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(tour), form_data())

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert (enquiry.kind, enquiry.status, enquiry.subject, enquiry.subject_name, enquiry.provider) == (
        EnquiryKind.TOUR,
        EnquiryStatus.NEW,
        tour,
        "製紙工場見学",
        tour.provider,
    )
    assert (enquiry.school_name, enquiry.teacher_name, enquiry.email, enquiry.phone, enquiry.grade) == (
        "北見市立北中学校",
        "山田花子",
        "yamada@school.example.jp",
        "0158-42-1234",  # full-width digits and dash normalised
        "中学2年",
    )
    assert (enquiry.pupils, enquiry.adults, enquiry.coming_by_bus, enquiry.language) == (38, 3, True, "ja")
    assert enquiry.preferred_dates == [IN_30_DAYS, IN_31_DAYS]
    assert enquiry.message == "溶接の実演を見たいです。"

    # Two e-mails once committed: the receipt with the private link, the notification to the host's staff.
    assert len(mailoutbox) == 2
    receipt, notification = mailoutbox
    assert receipt.to == ["yamada@school.example.jp"]
    links = re.findall(r"http://testserver/enquiries/([A-Za-z0-9_-]+)/", receipt.body)
    assert len(links) == 1
    token = links[0]
    assert len(token) == 43  # secrets.token_urlsafe(32): 256 bits
    assert enquiry.token_digest == tokens.token_digest(token)  # only the digest is stored
    assert token not in str(Enquiry.objects.filter(pk=enquiry.pk).values().get())
    assert response["Location"] == f"/enquiries/{token}/"
    html_body, mimetype = receipt.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://testserver/enquiries/{token}/"' in html_body
    assert "製紙工場見学" in receipt.body

    assert notification.to == ["host@example.jp"]
    assert "製紙工場見学" in notification.subject
    assert "北見市立北中学校" in notification.subject
    assert f"http://testserver/admin/portal/enquiry/{enquiry.pk}/change/" in notification.body
    for personal in ["山田花子", "yamada@school.example.jp", "0158-42-1234", token]:
        assert personal not in notification.body  # contact details stay in the admin

    # The link opens the status page, with the success message once.
    page = client.get(f"/enquiries/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    with translation.override("ja"):  # the Japanese page shows the catalogue's translation of this message
        thanks = gettext(
            "Thank you: we have received your request and sent a confirmation e-mail to %(email)s. "
            "Its link brings you back to this page."
        ) % {"email": "yamada@school.example.jp"}
    assert [str(message) for message in page.context["messages"]] == [thanks]
    assert thanks in html
    for fact in [
        "製紙工場見学",
        "北見市立北中学校",
        "山田花子",
        "0158-42-1234",
        "中学2年",
        '<meta name="robots" content="noindex">',
    ]:
        assert fact in html, fact
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in page["Cache-Control"]
    assert thanks not in client.get(f"/enquiries/{token}/").content.decode()  # shown once


def test_english_request_gets_english_links(client, tour, host, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(tour, "/en"), form_data())
    enquiry = Enquiry.objects.get()
    assert enquiry.language == "en"
    assert response["Location"].startswith("/en/enquiries/")
    receipt, _notification = mailoutbox
    assert f"http://testserver{response['Location']}" in receipt.body
    assert receipt.subject == "[Hokkaido Monozukuri Portal] We have received your request: 製紙工場見学"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("school_name", "", "Please enter the name of your school."),
        ("teacher_name", "", "Please enter the name of the teacher in charge."),
        ("email", "", "Please enter an e-mail address we can reply to."),
        ("email", "yamada@", "Please enter the e-mail address in the form name@example.jp."),
        ("email", "yamada school.example.jp", "Please enter the e-mail address in the form name@example.jp."),
        ("phone", "", "Please enter a phone number the host can call."),
        ("phone", "0157-23", "Please enter a phone number of 10 or 11 digits, such as 0157-23-4567."),
        ("phone", "0157-23-4567-890", "Please enter a phone number of 10 or 11 digits, such as 0157-23-4567."),
        ("phone", "1157234567", "Please enter a phone number of 10 or 11 digits, such as 0157-23-4567."),
        ("phone", "0157-23-456７a", "Please enter a phone number of 10 or 11 digits, such as 0157-23-4567."),
        ("grade", "", "Please enter the grade of the pupils."),
        ("pupils", "", "Please enter the number of pupils."),
        ("pupils", "0", "Please enter a number of pupils from 1 to 999."),
        ("pupils", "1000", "Please enter a number of pupils from 1 to 999."),
        ("pupils", "たくさん", "Please enter a number of pupils from 1 to 999."),
        ("adults", "", "Please enter the number of accompanying adults (0 if none)."),
        ("adults", "-1", "Please enter a number of adults from 0 to 99."),
        ("preferred_date_1", "", "Please enter at least one preferred date."),
        ("preferred_date_1", "2026-13-45", "Please enter the date as 2026-10-05."),
        ("preferred_date_3", "来週", "Please enter the date as 2026-10-05."),
        ("message", "あ" * 2001, "Please keep the message to 2,000 characters."),
        ("consent", None, "Please agree to the privacy notice so that we can pass your request on."),
    ],
)
def test_each_invalid_field_is_explained_and_nothing_is_lost(client, tour, field, value, message):
    data = form_data(**{field: value})  # None leaves the field out, as an unticked checkbox
    response = client.post(url(tour, "/en"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert Enquiry.objects.count() == 0
    html = response.content.decode()
    # The summary at the top links the message to its field, and the field says it is invalid.
    assert f'<li><a href="#id_{field}">{message}</a></li>' in html
    assert html.index('id="error-summary"') < html.index("<form")
    assert re.search(rf'<[a-z]+ [^>]*id="id_{field}"[^>]*aria-invalid="true"', html) or re.search(
        rf'<[a-z]+ [^>]*aria-invalid="true"[^>]*id="id_{field}"', html
    )
    # Every other value comes back as typed.
    for name, typed in data.items():
        if name in (field, "consent", "coming_by_bus", "message", "csrfmiddlewaretoken"):
            continue
        assert f'value="{typed}"' in html, name
    if field != "message":
        assert "溶接の実演を見たいです。</textarea>" in html
    assert re.search(r'<input type="checkbox" name="coming_by_bus"[^>]* checked', html)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"preferred_date_1": (TODAY - dt.timedelta(days=1)).isoformat()},
            "preferred_date_1",
            f"Preferred date 1 ({dates.format_date(TODAY - dt.timedelta(days=1), 'en')}) has already passed. "
            f"Please choose {dates.format_date(TODAY + dt.timedelta(days=14), 'en')} or later.",
        ),
        (
            {"preferred_date_2": (TODAY + dt.timedelta(days=13)).isoformat()},
            "preferred_date_2",
            f"Preferred date 2 ({dates.format_date(TODAY + dt.timedelta(days=13), 'en')}) is too soon: this must be "
            f"requested at least 14 days ahead. Please choose {dates.format_date(TODAY + dt.timedelta(days=14), 'en')}"
            " or later.",
        ),
        (
            {"preferred_date_3": IN_30_DAYS.isoformat()},
            "preferred_date_3",
            "Preferred date 3 is the same day as preferred date 1. Please choose another day.",
        ),
    ],
)
def test_dates_must_be_ahead_and_distinct(client, tour, changes, field, message):
    response = client.post(url(tour, "/en"), form_data(**changes))
    assert response.context["form"].errors == {field: [message]}


def test_the_lead_time_itself_is_accepted_and_today_is_fine_without_one(client, tour):
    form_ok = form_data(preferred_date_1=(TODAY + dt.timedelta(days=14)).isoformat(), preferred_date_2="")
    assert client.post(url(tour), form_ok).status_code == 302
    tour.lead_time_days = None
    tour.save()
    today_ok = form_data(preferred_date_1=TODAY.isoformat(), preferred_date_2="", school_name="別の学校")
    assert client.post(url(tour), today_ok).status_code == 302
    assert Enquiry.objects.count() == 2


def test_slashes_and_full_width_digits_in_dates_are_read(client, tour):
    day = IN_30_DAYS
    typed = f"{day.year}/{day.month}/{day.day}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post(url(tour), form_data(preferred_date_1=typed, preferred_date_2="")).status_code == 302
    assert Enquiry.objects.get().preferred_date_1 == day


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("０１５７－２３－４５６７", "0157-23-4567"),
        ("0157234567", "0157234567"),
        ("(0157) 23 4567", "0157-23-4567"),
        ("090ー1234ー5678", "090-1234-5678"),
        (" 011−222−3333 ", "011-222-3333"),
    ],
)
def test_phone_numbers_are_normalised(typed, stored):
    assert normalise_phone(typed) == stored


def test_several_errors_are_all_listed_in_the_summary(client, tour):
    response = client.post(url(tour, "/en"), {})
    html = response.content.decode()
    assert sorted(response.context["form"].errors) == sorted(
        ["school_name", "teacher_name", "email", "phone", "grade", "pupils", "adults", "preferred_date_1", "consent"]
    )
    assert "There are problems with 9 items." in html
    assert html.count('<li><a href="#id_') == 9
    assert 'tabindex="-1" autofocus' in html
    assert "<title>Error: " in html


def test_the_form_has_a_label_for_every_input(client, tour):
    html = client.get(url(tour)).content.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]* id="(id_[a-z_0-9]+)"', html)
    assert sorted(ids) == sorted(
        f"id_{name}"
        for name in [
            "school_name",
            "teacher_name",
            "email",
            "phone",
            "grade",
            "pupils",
            "adults",
            "preferred_date_1",
            "preferred_date_2",
            "preferred_date_3",
            "coming_by_bus",
            "message",
            "consent",
            "homepage",  # the honeypot: labelled too, though hidden from people
        ]
    )
    for field_id in ids:
        assert f'<label for="{field_id}">' in html, field_id
    assert 'id="error-summary"' not in html
    assert f'min="{(TODAY + dt.timedelta(days=14)).isoformat()}"' in html


def test_outside_the_usual_conditions_is_sent_with_notes(client, tour, mailoutbox, django_capture_on_commit_callbacks):
    """A group too big, a month and a weekday the tour does not take: sent anyway, with notes for both sides."""
    day = IN_30_DAYS
    tour.group_max = 20
    tour.months = [month for month in range(1, 13) if month != day.month]
    tour.weekdays = [weekday for weekday in range(7) if weekday != day.weekday()]
    tour.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(tour, "/en"), form_data(preferred_date_2=""))
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    date_en = dates.format_date(day, "en")
    with translation.override("en"):
        months, weekdays = tour.months_display, tour.weekdays_display
    notes = [
        "Your group of 41 people (pupils and adults) is outside the group size this tour usually takes "
        "(10–20 people). The host will tell you what is possible.",
        f"Preferred date 1 ({date_en}) is in a month this tour does not usually take (it takes visits in {months}).",
        f"Preferred date 1 ({date_en}) is on a day of the week this tour does not usually take ({weekdays}).",
    ]
    assert enquiry.events.get().note == "\n".join(notes)
    page = client.get(response["Location"]).content.decode()
    assert '<section class="notice" aria-labelledby="notes-title">' in page
    assert notes[0] in page
    receipt, notification = mailoutbox
    assert notes[0] in receipt.body
    assert notes[0] in notification.body


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED])
def test_only_published_tours_can_be_requested(client, status):
    tour = FactoryTourFactory(status=status)
    assert client.get(url(tour)).status_code == 404
    assert client.post(url(tour), form_data()).status_code == 404
    assert Enquiry.objects.count() == 0
    with pytest.raises(ValueError, match="Only published tours"):
        services.request_tour(tour=tour, data={}, base_url="http://testserver")


def test_unknown_tour_is_404(client):
    assert client.get("/tours/999999/request/").status_code == 404


def test_the_server_sets_kind_status_and_provider_whatever_is_posted(client, tour):
    other_tour = FactoryTourFactory()
    data = form_data(status="accepted", kind="advisor", provider=other_tour.provider_id, token_digest="0" * 64)
    client.post(url(tour), data)
    enquiry = Enquiry.objects.get()
    assert (enquiry.status, enquiry.kind, enquiry.provider) == (EnquiryStatus.NEW, EnquiryKind.TOUR, tour.provider)
    assert enquiry.token_digest != "0" * 64


def test_personal_data_never_appears_on_public_tour_pages(client, tour, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(url(tour), form_data())  # a school sends its request; then someone else browses
    enquiry = Enquiry.objects.get()
    personal = [enquiry.teacher_name, enquiry.email, enquiry.phone, enquiry.school_name, "溶接の実演を見たいです"]
    for path in ["/", "/tours/", f"/tours/{tour.pk}/", f"/en/tours/{tour.pk}/", url(tour), "/tours/?q=製紙"]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        for value in personal:
            assert value not in html, (path, value)
