"""The supporters' dashboard (/supporters/dashboard/): scoped to the signed-in user's company, profile edits
waiting for review, colleagues' invitations, leaving the club, the company's tours, answers to schools and
the activity record (page and PDF)."""

import datetime as dt
import re
import subprocess

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal import dates
from portal.choices import EnquiryKind, EnquiryStatus, ListingStatus
from portal.enquiries.models import EnquiryEvent
from portal.enquiries.services import change_enquiry_status, record_participants, submit_enquiry
from portal.models import Municipality, User, WorkingGroup
from programmes.models import FactoryTour
from seminars.models import LectureOffer
from supporters.models import MembershipRole, SupporterCompany, SupporterMembership, SupporterStatus
from tests.factories import FactoryTourFactory, OrganisationFactory, UserFactory

KITAMI = "012084"
BASE_URL = "http://testserver"


# --- Data -------------------------------------------------------------------------------------------


def make_company(name="北見製作所", status=SupporterStatus.APPROVED, number="2026-0001", **fields):
    return SupporterCompany.objects.create(
        name=name,
        name_kana="キタミセイサクショ",
        municipality=Municipality.objects.get(code=KITAMI),
        industry="machinery",
        offers=["factory_tour"],
        pr_message="ものづくりの楽しさを伝えます。",
        contact_name="佐藤一郎",
        contact_email=f"contact-{number}@example.jp",
        status=status,
        registration_number=number if status == SupporterStatus.APPROVED else None,
        **fields,
    )


def make_member(company, username, role=MembershipRole.OWNER):
    user = UserFactory(username=username)
    SupporterMembership.objects.create(user=user, company=company, role=role)
    return user


def request_data(**overrides):
    day = dates.today() + dt.timedelta(days=40)
    return {
        "school_name": "北見市立北中学校",
        "teacher_name": "山田花子",
        "email": "yamada@school.example.jp",
        "phone": "0158-42-1234",
        "grade": "中学2年",
        "pupils": 30,
        "adults": 3,
        "preferred_date_1": day,
        **overrides,
    }


def make_enquiry(subject, kind=EnquiryKind.TOUR, **overrides):
    return submit_enquiry(kind=kind, subject=subject, data=request_data(**overrides), base_url=BASE_URL)


def close(enquiry, by, on: dt.datetime):
    """new → in progress → accepted → done, marked done at ``on``."""
    for status in (EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED, EnquiryStatus.DONE):
        change_enquiry_status(enquiry=enquiry, to=status, by=by)
    EnquiryEvent.objects.filter(enquiry=enquiry, to_status=EnquiryStatus.DONE).update(created_at=on)
    return enquiry


def tokyo(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 12))


@pytest.fixture
def company(db):
    return make_company()


@pytest.fixture
def user(company):
    return make_member(company, "owner@kitami.example.jp")


@pytest.fixture
def other(db):
    """Another company, with its own user, tour, lecture and enquiries: what must never leak."""
    company = make_company(name="札幌食品", number="2026-0002")
    tour = FactoryTourFactory(name="札幌食品の工場", supporter=company)
    lecture = LectureOffer.objects.create(
        title="食品の安全", provider=OrganisationFactory(), supporter=company, status=ListingStatus.PUBLISHED
    )
    enquiry = make_enquiry(tour, school_name="札幌市立南小学校")
    lecture_enquiry = make_enquiry(lecture, kind=EnquiryKind.LECTURE, school_name="札幌市立西小学校")
    return {
        "company": company,
        "tour": tour,
        "lecture": lecture,
        "enquiry": enquiry,
        "lecture_enquiry": lecture_enquiry,
    }


@pytest.fixture
def tour(company):
    return FactoryTourFactory(name="北見製作所の工場", supporter=company)


# --- Every URL: signed in, scoped ---------------------------------------------------------------------

OWN_URLS = [
    "/supporters/dashboard/",
    "/supporters/dashboard/profile/",
    "/supporters/dashboard/invite/",
    "/supporters/dashboard/withdraw/",
    "/supporters/dashboard/tours/",
    "/supporters/dashboard/tours/new/",
    "/supporters/dashboard/enquiries/",
    "/supporters/dashboard/activity/",
    "/supporters/dashboard/activity.pdf",
]
OTHERS_URLS = [
    "/supporters/dashboard/tours/{tour}/",
    "/supporters/dashboard/enquiries/{enquiry}/",
    "/supporters/dashboard/enquiries/{lecture_enquiry}/",
]


def others_url(template, other):
    return template.format(**{key: other[key].pk for key in ("tour", "enquiry", "lecture_enquiry")})


@pytest.mark.parametrize("url", [*OWN_URLS, *OTHERS_URLS, "/supporters/dashboard/tours/confirm/"])
def test_signed_out_is_sent_to_the_sign_in_page(client, other, url):
    url = others_url(url, other)
    response = client.get(url) if not url.endswith("confirm/") else client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/supporters/login/?next=")


@pytest.mark.parametrize("url", OTHERS_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_companys_objects_are_404(client, user, other, url, method):
    client.force_login(user)
    response = getattr(client, method)(others_url(url, other), {"answer": "accept", "message": "はい", "name": "x"})
    assert response.status_code == 404
    assert other["enquiry"].__class__.objects.get(pk=other["enquiry"].pk).status == EnquiryStatus.NEW
    assert FactoryTour.objects.get(pk=other["tour"].pk).name == "札幌食品の工場"


@pytest.mark.parametrize("url", [*OWN_URLS, "/supporters/dashboard/tours/confirm/"])
@pytest.mark.parametrize("who", ["staff", "plain"])
def test_a_user_without_a_company_gets_404(client, secretariat_user, url, who):
    client.force_login(secretariat_user if who == "staff" else UserFactory())
    response = client.post(url) if url.endswith("confirm/") else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("url", OWN_URLS)
def test_own_pages_open(client, user, tour, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200


def test_lists_show_only_the_companys_own(client, user, tour, other):
    mine = make_enquiry(tour, school_name="北見市立東中学校")
    client.force_login(user)
    tours = client.get("/supporters/dashboard/tours/")
    assert [t.pk for t in tours.context["tours"]] == [tour.pk]
    enquiries = client.get("/supporters/dashboard/enquiries/")
    assert [e.pk for e in enquiries.context["enquiries"]] == [mine.pk]
    assert "札幌市立南小学校" not in enquiries.content.decode()


def test_enquiry_list_queries_do_not_grow(client, user, tour, django_assert_max_num_queries):
    for number in range(5):
        make_enquiry(tour, school_name=f"北見市立第{number}中学校")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get("/supporters/dashboard/enquiries/")
    assert len(response.context["enquiries"]) == 5


# --- Overview ----------------------------------------------------------------------------------------


def test_overview_of_an_approved_company_shows_its_number(client, user):
    client.force_login(user)
    response = client.get("/supporters/dashboard/")
    assert "2026-0001" in response.content.decode()


def test_overview_shows_the_secretariats_note_when_changes_are_requested(client, db):
    company = make_company(status=SupporterStatus.CHANGES_REQUESTED, review_note="ロゴを差し替えてください。")
    client.force_login(make_member(company, "a@example.jp"))
    response = client.get("/supporters/dashboard/")
    assert "ロゴを差し替えてください。" in response.content.decode()


# --- Profile -----------------------------------------------------------------------------------------


def profile_data(**overrides):
    return {
        "name": "北見製作所",
        "name_kana": "キタミセイサクショ",
        "industry": "machinery",
        "offers": ["factory_tour", "internship"],
        "pr_message": "新しいメッセージ",
        "website": "https://kitami.example.jp/",
        "contact_name": "鈴木次郎",
        "contact_email": "suzuki@kitami.example.jp",
        "contact_phone": "0157-00-0000",
        **overrides,
    }


def test_profile_edit_of_an_approved_company_waits_for_review(client, user, company):
    client.force_login(user)
    response = client.post("/supporters/dashboard/profile/", profile_data(), follow=True)
    assert response.status_code == 200
    assert "wait for review" in response.content.decode() or "審査" in response.content.decode()
    company.refresh_from_db()
    assert company.pending_changes == {
        "offers": ["factory_tour", "internship"],
        "pr_message": "新しいメッセージ",
        "website": "https://kitami.example.jp/",
    }
    # the public text stays; the contact person changed at once
    assert (company.pr_message, company.offers, company.website) == (
        "ものづくりの楽しさを伝えます。",
        ["factory_tour"],
        "",
    )
    assert (company.contact_name, company.contact_email) == ("鈴木次郎", "suzuki@kitami.example.jp")
    # the form shows what waits for review
    form = client.get("/supporters/dashboard/profile/").context["form"]
    assert form["pr_message"].value() == "新しいメッセージ"


def test_profile_edit_of_a_company_not_yet_approved_applies_directly(client, db):
    company = make_company(status=SupporterStatus.CHANGES_REQUESTED)
    client.force_login(make_member(company, "a@example.jp"))
    client.post("/supporters/dashboard/profile/", profile_data())
    company.refresh_from_db()
    assert (company.pr_message, company.pending_changes) == ("新しいメッセージ", {})


def test_profile_edit_to_a_duplicate_name_is_refused(client, user, company, other):
    client.force_login(user)
    assert other["company"].municipality == company.municipality
    response = client.post("/supporters/dashboard/profile/", profile_data(name="札幌食品"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["この企業はすでに登録されています。"]
    company.refresh_from_db()
    assert company.pending_changes == {}


def test_profile_edit_with_a_bad_website_shows_the_error(client, user, company):
    client.force_login(user)
    response = client.post("/supporters/dashboard/profile/", profile_data(website="not a url"))
    assert list(response.context["form"].errors) == ["website"]
    company.refresh_from_db()
    assert company.contact_name == "佐藤一郎"


# --- Colleagues --------------------------------------------------------------------------------------


def test_invite_a_colleague_and_set_the_password(client, user, company, post, mailoutbox):
    client.force_login(user)
    response = post(client, "/supporters/dashboard/invite/", {"email": "tanaka@kitami.example.jp"})
    assert response.status_code == 302
    colleague = User.objects.get(username="tanaka@kitami.example.jp")
    assert not colleague.has_usable_password()
    assert colleague.supporter_membership.company == company
    assert colleague.supporter_membership.role == MembershipRole.MEMBER
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["tanaka@kitami.example.jp"]
    link = re.search(r"http://testserver(/supporters/dashboard/invite/\S+/\S+/)", mailoutbox[0].body).group(1)

    client.logout()
    response = client.get(link)
    assert response.status_code == 302  # the token moves into the session
    form_url = response["Location"]
    assert form_url.endswith("/set-password/")
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"new_password1": "Kitami-Works-2026!", "new_password2": "Kitami-Works-2026!"})
    assert response.status_code == 302
    assert response["Location"] == "/supporters/dashboard/"
    colleague.refresh_from_db()
    assert colleague.check_password("Kitami-Works-2026!")
    assert client.get("/supporters/dashboard/").status_code == 200  # signed in
    # the link works once
    client.logout()
    assert client.get(link).status_code == 404


def test_invite_to_an_existing_account_reveals_and_creates_nothing(client, user, other, post, mailoutbox):
    existing = make_member(other["company"], "Someone@Sapporo.example.jp")
    client.force_login(user)
    response = post(client, "/supporters/dashboard/invite/", {"email": "someone@sapporo.example.jp"}, follow=True)
    page = response.content.decode()
    assert "札幌食品" not in page
    assert mailoutbox == []
    assert User.objects.filter(username__iexact="someone@sapporo.example.jp").count() == 1
    existing.supporter_membership.refresh_from_db()
    assert existing.supporter_membership.company == other["company"]
    # the same message as for a new address
    new = post(client, "/supporters/dashboard/invite/", {"email": "new@kitami.example.jp"}, follow=True)
    said_for_new = next(str(m) for m in new.context["messages"]).replace("new@kitami.example.jp", "X")
    said_for_existing = next(str(m) for m in response.context["messages"]).replace("someone@sapporo.example.jp", "X")
    assert said_for_new == said_for_existing


def test_invite_link_with_a_bad_token_is_404(client, user):
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    assert client.get(f"/supporters/dashboard/invite/{uidb64}/abc-123/").status_code == 404
    assert client.get(f"/supporters/dashboard/invite/{uidb64}/set-password/").status_code == 404


def test_invite_link_of_a_user_without_a_company_is_404(client, db):
    stranger = UserFactory()
    uidb64 = urlsafe_base64_encode(force_bytes(stranger.pk))
    token = default_token_generator.make_token(stranger)
    assert client.get(f"/supporters/dashboard/invite/{uidb64}/{token}/").status_code == 404


# --- Leaving the club --------------------------------------------------------------------------------


def test_withdraw_archives_the_tours_and_tells_the_secretariat(client, user, company, tour, post, mailoutbox):
    organisation = OrganisationFactory()
    WorkingGroup.objects.filter(pk=1).update(secretariat=organisation)
    UserFactory(is_staff=True, organisation=organisation, email="office@secretariat.example.jp")
    draft = FactoryTourFactory(supporter=company, status=ListingStatus.DRAFT)
    client.force_login(user)
    assert client.post("/supporters/dashboard/withdraw/", {}).status_code == 200  # not confirmed
    company.refresh_from_db()
    assert company.status == SupporterStatus.APPROVED

    response = post(client, "/supporters/dashboard/withdraw/", {"confirm": "on"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.status == SupporterStatus.WITHDRAWN
    assert company.withdrawn_at is not None
    assert {t.status for t in FactoryTour.objects.filter(pk__in=[tour.pk, draft.pk])} == {ListingStatus.ARCHIVED}
    assert [message.to for message in mailoutbox] == [["office@secretariat.example.jp"]]
    assert "北見製作所" in mailoutbox[0].body

    # read-only from now on
    assert client.get("/supporters/dashboard/").status_code == 200
    assert client.get("/supporters/dashboard/tours/").status_code == 200
    for url in ("/supporters/dashboard/profile/", "/supporters/dashboard/invite/", "/supporters/dashboard/tours/new/"):
        assert client.get(url)["Location"] == "/supporters/dashboard/"
    response = client.post("/supporters/dashboard/profile/", profile_data(pr_message="変更"))
    company.refresh_from_db()
    assert company.pending_changes == {}


# --- Tours -------------------------------------------------------------------------------------------


def tour_data(**overrides):
    return {
        "name": "新しい見学コース",
        "company_name": "北見製作所",
        "municipality": Municipality.objects.get(code=KITAMI).pk,
        "industry": "machinery",
        "audiences": ["junior_high", "high_school"],
        "months": ["5", "6", "7"],
        "weekdays": ["0", "2"],
        "group_min": "5",
        "group_max": "40",
        "bus_parking": "true",
        "wheelchair_access": "",
        "reservation_required": "false",
        "fee_kind": "free",
        **overrides,
    }


def test_create_a_tour_goes_to_review(client, user, company):
    secretariat = OrganisationFactory()
    WorkingGroup.objects.filter(pk=1).update(secretariat=secretariat)
    client.force_login(user)
    response = client.post("/supporters/dashboard/tours/new/", tour_data(status="published", supporter="999"))
    assert response.status_code == 302
    tour = FactoryTour.objects.get(name="新しい見学コース")
    assert (tour.status, tour.supporter, tour.provider) == (ListingStatus.PENDING_REVIEW, company, secretariat)
    assert (tour.months, tour.weekdays, tour.audiences) == ([5, 6, 7], [0, 2], ["junior_high", "high_school"])
    assert (tour.bus_parking, tour.wheelchair_access, tour.reservation_required) == (True, None, False)


def test_edit_of_a_published_tour_goes_back_to_review(client, user, tour):
    client.force_login(user)
    form = client.get(f"/supporters/dashboard/tours/{tour.pk}/").context["form"]
    assert form["name"].value() == "北見製作所の工場"
    response = client.post(f"/supporters/dashboard/tours/{tour.pk}/", tour_data(name="名前を変えた工場"))
    assert response.status_code == 302
    tour.refresh_from_db()
    assert (tour.name, tour.status) == ("名前を変えた工場", ListingStatus.PENDING_REVIEW)


def test_tour_with_bad_group_size_is_not_saved(client, user, tour):
    client.force_login(user)
    response = client.post(f"/supporters/dashboard/tours/{tour.pk}/", tour_data(group_min="50", group_max="10"))
    assert response.status_code == 200
    assert "group_max" in response.context["form"].errors
    tour.refresh_from_db()
    assert tour.status == ListingStatus.PUBLISHED


def test_confirm_the_tours_for_this_fiscal_year(client, user, tour, other):
    client.force_login(user)
    response = client.post("/supporters/dashboard/tours/confirm/")
    assert response.status_code == 302
    tour.refresh_from_db()
    assert tour.confirmed_on == dates.today()
    assert FactoryTour.objects.get(pk=other["tour"].pk).confirmed_on is None


def test_confirm_only_by_post(client, user):
    client.force_login(user)
    assert client.get("/supporters/dashboard/tours/confirm/").status_code == 405


# --- Enquiries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "status"), [("accept", EnquiryStatus.ACCEPTED), ("decline", EnquiryStatus.DECLINED)]
)
def test_answer_changes_the_status_and_mails_the_school(client, user, tour, post, mailoutbox, answer, status):
    enquiry = make_enquiry(tour)
    client.force_login(user)
    detail = client.get(f"/supporters/dashboard/enquiries/{enquiry.pk}/")
    assert "yamada@school.example.jp" in detail.content.decode()
    response = post(
        client, f"/supporters/dashboard/enquiries/{enquiry.pk}/", {"answer": answer, "message": "5月20日にどうぞ"}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == status
    assert [message.to for message in mailoutbox] == [["yamada@school.example.jp"]]
    assert "5月20日にどうぞ" in mailoutbox[0].body
    last = enquiry.events.last()
    assert (last.by, last.visible_to_requester, last.to_status) == (user, True, status)


def test_propose_dates_keeps_the_request_open_and_mails_the_school(client, user, tour, post, mailoutbox):
    enquiry = make_enquiry(tour)
    client.force_login(user)
    url = f"/supporters/dashboard/enquiries/{enquiry.pk}/"
    response = post(client, url, {"answer": "propose", "message": ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["message"]
    post(client, url, {"answer": "propose", "message": "6月3日か6月10日はいかがですか"})
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.IN_PROGRESS
    assert list(enquiry.public_events().values_list("note", flat=True))[-1] == "6月3日か6月10日はいかがですか"
    assert [message.to for message in mailoutbox] == [["yamada@school.example.jp"]]
    assert "6月3日か6月10日はいかがですか" in mailoutbox[0].body


def test_a_lecture_enquiry_can_be_answered(client, user, company, post):
    lecture = LectureOffer.objects.create(
        title="溶接の話", provider=OrganisationFactory(), supporter=company, status=ListingStatus.PUBLISHED
    )
    enquiry = make_enquiry(lecture, kind=EnquiryKind.LECTURE)
    client.force_login(user)
    post(client, f"/supporters/dashboard/enquiries/{enquiry.pk}/", {"answer": "accept", "message": ""})
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ACCEPTED


def test_an_answered_enquiry_cannot_be_answered_again(client, user, tour, post):
    enquiry = make_enquiry(tour)
    change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=user)
    change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.DECLINED, by=user)
    client.force_login(user)
    response = post(client, f"/supporters/dashboard/enquiries/{enquiry.pk}/", {"answer": "accept", "message": ""})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.DECLINED


# --- Activity record ---------------------------------------------------------------------------------


@pytest.fixture
def activity(company, user, tour, other):
    """FY2025: two tours done (one with participants recorded), one lecture done; plus what must not count."""
    lecture = LectureOffer.objects.create(
        title="溶接の話", provider=OrganisationFactory(), supporter=company, status=ListingStatus.PUBLISHED
    )
    close(make_enquiry(tour, pupils=30, adults=3), user, tokyo(2025, 6, 1))
    second = close(make_enquiry(tour, pupils=20, adults=2), user, tokyo(2026, 3, 31))
    record_participants(enquiry=second, count=18, by=user)
    close(make_enquiry(lecture, kind=EnquiryKind.LECTURE, pupils=60, adults=4), user, tokyo(2025, 11, 5))
    close(make_enquiry(tour, pupils=99, adults=9), user, tokyo(2026, 4, 1))  # FY2026
    accepted = make_enquiry(tour, pupils=77)  # not done
    change_enquiry_status(enquiry=accepted, to=EnquiryStatus.IN_PROGRESS, by=user)
    close(other["enquiry"], user, tokyo(2025, 7, 1))  # another company's
    return lecture


def test_activity_figures_add_up_for_a_fiscal_year(client, user, activity):
    client.force_login(user)
    record = client.get("/supporters/dashboard/activity/?year=2025").context["record"]
    assert (record.tours_hosted, record.pupils_received, record.teachers_received) == (2, 48, 5)
    assert (record.lectures_given, record.lecture_pupils) == (1, 60)
    record = client.get("/supporters/dashboard/activity/?year=2026").context["record"]
    assert (record.tours_hosted, record.pupils_received, record.lectures_given) == (1, 99, 0)


@pytest.mark.parametrize("value", ["abc", "1999", "3000"])
def test_activity_with_a_bad_year_shows_the_current_one(client, user, value):
    client.force_login(user)
    response = client.get(f"/supporters/dashboard/activity/?year={value}")
    assert response.status_code == 200
    assert response.context["year"] == dates.fiscal_year()
    assert response.context["ignored_year"] == value


def test_activity_pdf_has_the_numbers(client, user, activity, tmp_path):
    client.force_login(user)
    response = client.get("/supporters/dashboard/activity.pdf?year=2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    file = tmp_path / "activity.pdf"
    file.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(file), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "北見製作所" in text
    assert "2025年度" in text
    figures = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]
    assert any(line.endswith(" 48") for line in figures)
    assert any(line.endswith(" 60") for line in figures)
    fonts = subprocess.run(["pdffonts", str(file)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"\+BIZ-UDPGothic\s.*Identity-H\s+yes", fonts)  # the Japanese font, embedded


def test_a_withdrawn_company_cannot_answer(client, user, company, tour, post):
    enquiry = make_enquiry(tour)
    SupporterCompany.objects.filter(pk=company.pk).update(status=SupporterStatus.WITHDRAWN)
    client.force_login(user)
    url = f"/supporters/dashboard/enquiries/{enquiry.pk}/"
    assert client.get(url).context["form"] is None
    assert post(client, url, {"answer": "accept", "message": ""}).status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.NEW


def test_the_dashboard_in_english(client, user):
    client.force_login(user)
    response = client.get("/en/supporters/dashboard/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
