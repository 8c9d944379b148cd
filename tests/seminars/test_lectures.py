"""Outreach lectures (出前講座): the public list and its filters, the detail page, a school's request through
the shared enquiry workflow, and staff recording how many pupils a done lecture reached."""

import datetime as dt
import re

import factory
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from factory.django import DjangoModelFactory

from portal import dates, tokens
from portal.choices import Audience, EnquiryKind, EnquiryStatus, ListingStatus
from portal.enquiries import services as enquiry_services
from portal.models import Enquiry, EnquiryEvent, Subprefecture
from seminars.models import LectureOffer
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dates.today()
IN_30_DAYS = TODAY + dt.timedelta(days=30)
IN_31_DAYS = TODAY + dt.timedelta(days=31)
LIST_URL = "/seminars/lectures/"


class LectureOfferFactory(DjangoModelFactory):
    """A published lecture for junior high schools, anywhere in Hokkaido, all year."""

    class Meta:
        model = LectureOffer
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"テスト出前講座{n}")
    provider = factory.SubFactory(OrganisationFactory)
    trade = "機械加工"
    audiences = factory.LazyFunction(lambda: [Audience.JUNIOR_HIGH])
    status = ListingStatus.PUBLISHED

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.areas.set(Subprefecture.objects.filter(slug__in=extracted))


def listed(response) -> list[int]:
    return [offer.pk for offer in response.context["lectures"]]


# --- The list and its filters ------------------------------------------------------------------------


@pytest.fixture
def offers():
    """Welding in Okhotsk only (June, July), a career talk anywhere all year, electricity in Ishikari (January)."""
    return {
        "welding": LectureOfferFactory(
            title="溶接の仕事を知ろう", trade="溶接", areas=["okhotsk"], months=[6, 7], audiences=["high_school"]
        ),
        "career": LectureOfferFactory(title="ものづくり企業の仕事とキャリア", trade="", audiences=["junior_high"]),
        "electric": LectureOfferFactory(
            title="電気工事士の一日", trade="電気工事", areas=["ishikari"], months=[1], audiences=["junior_high"]
        ),
    }


def test_the_list_shows_published_lectures_with_their_facts(client, offers, django_assert_max_num_queries):
    LectureOfferFactory(title="下書きの講座", status=ListingStatus.DRAFT)
    LectureOfferFactory(title="審査中の講座", status=ListingStatus.PENDING_REVIEW)
    LectureOfferFactory(title="終了した講座", status=ListingStatus.ARCHIVED)
    with django_assert_max_num_queries(6):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(offer.pk for offer in offers.values())
    html = response.content.decode()
    assert "溶接の仕事を知ろう" in html
    assert "オホーツク" in html  # the area served
    assert "6〜7月" in html
    for hidden in ["下書きの講座", "審査中の講座", "終了した講座"]:
        assert hidden not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("subprefecture=okhotsk", ["welding", "career"]),  # served there, or everywhere
        ("subprefecture=ishikari", ["career", "electric"]),
        ("subprefecture=nemuro", ["career"]),
        ("audience=junior_high", ["career", "electric"]),
        ("audience=high_school", ["welding"]),
        ("month=6", ["welding", "career"]),
        ("month=1", ["career", "electric"]),
        ("month=3", ["career"]),
        ("q=溶接", ["welding"]),
        ("q=キャリア", ["career"]),  # katakana folded
        ("q=電気 一日", ["electric"]),
        ("subprefecture=ishikari&month=6", ["career"]),
    ],
)
def test_filters(client, offers, query, expected):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(offers[name].pk for name in expected)
    assert response.context["filter"].ignored() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("subprefecture", "atlantis"),
        ("subprefecture", "1"),
        ("audience", "aliens"),
        ("month", "13"),
        ("month", "0"),
        ("month", "june"),
        ("q", "あ" * 101),
    ],
)
def test_bad_filter_values_are_ignored_and_reported(client, offers, name, value):
    response = client.get(f"/en{LIST_URL}", {name: value})
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(offer.pk for offer in offers.values())
    assert [item["name"] for item in response.context["filter"].ignored()] == [name]
    assert "Some search conditions could not be understood and were ignored:" in response.content.decode()


def test_a_bad_page_number_shows_a_page(client, offers):
    assert client.get(LIST_URL, {"page": "abc"}).status_code == 200
    assert client.get(LIST_URL, {"page": "999"}).status_code == 200


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED])
def test_unpublished_lectures_are_not_public(client, status):
    offer = LectureOfferFactory(status=status)
    assert client.get(f"{LIST_URL}{offer.pk}/").status_code == 404
    assert client.get(f"{LIST_URL}{offer.pk}/request/").status_code == 404
    assert client.post(f"{LIST_URL}{offer.pk}/request/", form_data()).status_code == 404
    assert Enquiry.objects.count() == 0


def test_the_detail_page(client, offers):
    offer = offers["welding"]
    offer.school_provides = "プロジェクターとスクリーン"
    offer.length_minutes = 90
    offer.save()
    response = client.get(offer.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for fact in [
        "溶接の仕事を知ろう",
        "プロジェクターとスクリーン",
        "オホーツク",
        reverse("seminars:lecture-request", args=[offer.pk]),
    ]:
        assert fact in html, fact
    assert offer.get_absolute_url() == f"/seminars/lectures/{offer.pk}/"


def test_display_name_is_english_in_english(client):
    offer = LectureOfferFactory(title="溶接講座", title_en="Welding lecture")
    assert "Welding lecture" in client.get(f"/en{LIST_URL}").content.decode()
    with translation.override("ja"):
        assert offer.display_name == "溶接講座"


# --- A school's request ---------------------------------------------------------------------------------


@pytest.fixture
def offer():
    return LectureOfferFactory(title="溶接の仕事を知ろう", title_en="Welding as a job", lead_time_days=14)


@pytest.fixture
def host(offer):
    return UserFactory(password=None, is_staff=True, organisation=offer.provider, email="host@example.jp")


def request_url(offer, language=""):
    return f"{language}{LIST_URL}{offer.pk}/request/"


def form_data(**changes):
    data = {
        "school_name": "北見市立北中学校",
        "teacher_name": "山田花子",
        "email": "yamada@school.example.jp",
        "phone": "０１５８－４２－１２３４",
        "grade": "中学2年",
        "pupils": "38",
        "adults": "3",
        "place_municipality": "012084",  # 北見市
        "place_detail": "北見市立北中学校 体育館",
        "preferred_date_1": IN_30_DAYS.isoformat(),
        "preferred_date_2": IN_31_DAYS.isoformat(),
        "preferred_date_3": "",
        "message": "溶接の実演をお願いしたいです。",
        "consent": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_request_flow_end_to_end(client, offer, host, mailoutbox, django_capture_on_commit_callbacks):
    assert client.get(request_url(offer)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(offer), form_data())
    assert response.status_code == 302

    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.status, enquiry.subject, enquiry.subject_name, enquiry.provider) == (
        EnquiryKind.LECTURE,
        EnquiryStatus.NEW,
        offer,
        "溶接の仕事を知ろう",
        offer.provider,
    )
    assert (enquiry.school_name, enquiry.phone, enquiry.pupils, enquiry.adults, enquiry.coming_by_bus) == (
        "北見市立北中学校",
        "0158-42-1234",
        38,
        3,
        False,
    )
    assert enquiry.preferred_dates == [IN_30_DAYS, IN_31_DAYS]
    # The place has no field of its own: it heads the message, labelled.
    place_line, blank, message = enquiry.message.split("\n")
    assert re.fullmatch(r"【.+】北見市 北見市立北中学校 体育館", place_line)
    assert (blank, message) == ("", "溶接の実演をお願いしたいです。")

    receipt, notification = mailoutbox
    assert receipt.to == ["yamada@school.example.jp"]
    links = re.findall(r"http://testserver/enquiries/([A-Za-z0-9_-]+)/", receipt.body)
    assert len(links) == 1
    token = links[0]
    assert enquiry.token_digest == tokens.token_digest(token)
    assert response["Location"] == f"/enquiries/{token}/"
    assert "溶接の仕事を知ろう" in receipt.body
    assert notification.to == ["host@example.jp"]
    assert "溶接の仕事を知ろう" in notification.subject
    assert f"http://testserver/admin/portal/enquiry/{enquiry.pk}/change/" in notification.body
    for personal in ["山田花子", "yamada@school.example.jp", "0158-42-1234", token]:
        assert personal not in notification.body

    page = client.get(f"/enquiries/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    for fact in ["溶接の仕事を知ろう", "北見市立北中学校", "体育館"]:
        assert fact in html, fact
    assert client.get(f"/enquiries/{token[:-1]}x/").status_code == 404


def test_the_request_form_has_a_label_for_every_input_and_no_bus(client, offer):
    html = client.get(request_url(offer)).content.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]* id="(id_[a-z_0-9]+)"', html)
    assert "id_coming_by_bus" not in ids
    assert {"id_place_municipality", "id_place_detail", "id_consent"} <= set(ids)
    for field_id in ids:
        assert f'<label for="{field_id}">' in html, field_id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("school_name", "", "Please enter the name of your school."),
        ("email", "yamada@", "Please enter the e-mail address in the form name@example.jp."),
        ("phone", "0157-23", "Please enter a phone number of 10 or 11 digits, such as 0157-23-4567."),
        ("pupils", "0", "Please enter a number of pupils from 1 to 999."),
        ("place_municipality", "", "Please choose the municipality where the lecture takes place."),
        ("place_municipality", "999999", "Please choose the municipality where the lecture takes place."),
        ("place_detail", "", "Please enter the address and the room where the lecture takes place."),
        ("place_detail", "あ" * 201, "Please keep the address and room to 200 characters."),
        ("preferred_date_1", "来週", "Please enter the date as 2026-10-05."),
        ("consent", None, "Please agree to the privacy notice so that we can pass your request on."),
    ],
)
def test_each_invalid_field_is_explained_and_nothing_is_lost(client, offer, field, value, message):
    data = form_data(**{field: value})
    response = client.post(request_url(offer, "/en"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert Enquiry.objects.count() == 0
    html = response.content.decode()
    assert f'<li><a href="#id_{field}">{message}</a></li>' in html
    assert html.index('id="error-summary"') < html.index("<form")
    if field != "place_detail":
        assert 'value="北見市立北中学校 体育館"' in html
    if field != "place_municipality":
        assert '<option value="012084" selected>' in html


def test_too_soon_is_refused_with_the_lead_time(client, offer):
    response = client.post(request_url(offer, "/en"), form_data(preferred_date_1=TODAY.isoformat()))
    assert list(response.context["form"].errors) == ["preferred_date_1"]
    assert "at least 14 days ahead" in response.context["form"].errors["preferred_date_1"][0]


def test_outside_the_areas_and_months_is_sent_with_notes(
    client, offer, host, mailoutbox, django_capture_on_commit_callbacks
):
    offer.areas.set(Subprefecture.objects.filter(slug="ishikari"))
    offer.months = [month for month in range(1, 13) if month != IN_30_DAYS.month]
    offer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(offer, "/en"), form_data(preferred_date_2=""))
    assert response.status_code == 302
    note = Enquiry.objects.get().events.get().note
    assert note.splitlines()[0] == (
        "Kitami is outside the areas this lecture is usually given in (Ishikari). "
        "The provider will tell you what is possible."
    )
    assert note.splitlines()[1].startswith(f"Preferred date 1 ({dates.format_date(IN_30_DAYS, 'en')}) is in a month")
    receipt, notification = mailoutbox
    assert "Kitami is outside the areas" in receipt.body
    assert "Kitami is outside the areas" in notification.body


def test_within_the_areas_and_months_there_is_no_note(client, offer):
    offer.areas.set(Subprefecture.objects.filter(slug="okhotsk"))
    offer.months = [IN_30_DAYS.month, IN_31_DAYS.month]
    offer.save()
    assert client.post(request_url(offer), form_data()).status_code == 302
    assert Enquiry.objects.get().events.get().note == ""


def test_the_service_refuses_unpublished_offers(offer):
    from seminars import services

    offer.status = ListingStatus.DRAFT
    offer.save()
    with pytest.raises(ValueError, match="published"):
        services.request_lecture(
            offer=offer, data={}, place_municipality=None, place_detail="", base_url="https://example.jp/"
        )


# --- Participants reached, recorded by staff ---------------------------------------------------------


@pytest.fixture
def lecture_enquiry(client, offer):
    client.post(request_url(offer), form_data())
    return Enquiry.objects.get()


def move_to(enquiry, *statuses, by):
    for status in statuses:
        enquiry_services.change_enquiry_status(enquiry=enquiry, to=status, by=by)


def test_record_participants_only_when_done_and_logged(lecture_enquiry, secretariat_user):
    with pytest.raises(ValidationError) as error:
        enquiry_services.record_participants(enquiry=lecture_enquiry, count=35, by=secretariat_user)
    assert error.value.code == "participants_not_done"
    move_to(lecture_enquiry, EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED, EnquiryStatus.DONE, by=secretariat_user)

    enquiry_services.record_participants(enquiry=lecture_enquiry, count=35, by=secretariat_user)
    enquiry_services.record_participants(enquiry=lecture_enquiry, count=35, by=secretariat_user)  # no change
    enquiry_services.record_participants(enquiry=lecture_enquiry, count=36, by=secretariat_user)
    lecture_enquiry.refresh_from_db()
    assert lecture_enquiry.participants_reached == 36
    notes = list(EnquiryEvent.objects.filter(enquiry=lecture_enquiry, to_status="").values_list("note", "by"))
    assert len(notes) == 2
    assert "35" in notes[0][0] and "36" in notes[1][0]
    assert {by for _note, by in notes} == {secretariat_user.pk}
    assert not EnquiryEvent.objects.filter(enquiry=lecture_enquiry, to_status="", visible_to_requester=True).exists()
    with pytest.raises(ValidationError):
        enquiry_services.record_participants(enquiry=lecture_enquiry, count=-1, by=secretariat_user)


def admin_post_data(client, enquiry, **fields):
    response = client.get(reverse("admin:portal_enquiry_change", args=[enquiry.pk]))
    assert response.status_code == 200
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
    data.update(fields)
    return data


def test_staff_enter_participants_when_marking_done(client, secretariat_user, lecture_enquiry):
    move_to(lecture_enquiry, EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED, by=secretariat_user)
    client.force_login(secretariat_user)
    url = reverse("admin:portal_enquiry_change", args=[lecture_enquiry.pk])
    response = client.post(url, admin_post_data(client, lecture_enquiry, new_status="done", participants_reached="37"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    lecture_enquiry.refresh_from_db()
    assert (lecture_enquiry.status, lecture_enquiry.participants_reached) == (EnquiryStatus.DONE, 37)
    assert EnquiryEvent.objects.filter(enquiry=lecture_enquiry, to_status="", note__contains="37").count() == 1

    # Afterwards: the form shows the number, and a correction is logged too.
    response = client.get(url)
    assert response.context["adminform"].form["participants_reached"].value() == 37
    response = client.post(url, admin_post_data(client, lecture_enquiry, participants_reached="40"))
    assert response.status_code == 302
    lecture_enquiry.refresh_from_db()
    assert lecture_enquiry.participants_reached == 40
    # Saving the form again unchanged logs nothing more.
    client.post(url, admin_post_data(client, lecture_enquiry, participants_reached="40"))
    assert EnquiryEvent.objects.filter(enquiry=lecture_enquiry, to_status="").count() == 2


def test_staff_cannot_enter_participants_before_done(client, secretariat_user, lecture_enquiry):
    client.force_login(secretariat_user)
    url = reverse("admin:portal_enquiry_change", args=[lecture_enquiry.pk])
    response = client.post(
        url, admin_post_data(client, lecture_enquiry, new_status="in_progress", participants_reached="30")
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["participants_reached"]
    lecture_enquiry.refresh_from_db()
    assert (lecture_enquiry.status, lecture_enquiry.participants_reached) == (EnquiryStatus.NEW, None)
    response = client.post(url, admin_post_data(client, lecture_enquiry, participants_reached="-3"))
    assert list(response.context["adminform"].form.errors) == ["participants_reached"]
