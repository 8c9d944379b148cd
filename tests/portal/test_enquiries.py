"""The request workflow of the portal core: tokens, services, the private status page and the admin."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from portal import dates, tokens
from portal.choices import EnquiryKind, EnquiryStatus, ListingStatus
from portal.enquiries import services
from portal.models import Enquiry, EnquiryEvent, WorkingGroup
from portal.roles import PARTNER_EDITOR
from tests.factories import FactoryTourFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE_URL = "https://portal.example.jp/"
IN_30_DAYS = dates.today() + dt.timedelta(days=30)


def requester_data(**changes):
    data = {
        "school_name": "北見市立北中学校",
        "teacher_name": "山田花子",
        "email": "yamada@school.example.jp",
        "phone": "0158-42-1234",
        "grade": "中学2年",
        "pupils": 38,
        "adults": 3,
        "preferred_date_1": IN_30_DAYS,
        "preferred_date_2": None,
        "preferred_date_3": None,
        "coming_by_bus": True,
        "message": "",
    }
    data.update(changes)
    return data


def submit(tour, **changes):
    return services.submit_enquiry(
        kind=EnquiryKind.TOUR, subject=tour, data=requester_data(**changes), base_url=BASE_URL, language="ja"
    )


@pytest.fixture
def tour(organisation):
    return FactoryTourFactory(name="製紙工場見学", provider=organisation)


@pytest.fixture
def enquiry(tour):
    return submit(tour)


def status_path(token, language=""):
    return f"{language}/enquiries/{token}/"


# --- Tokens -----------------------------------------------------------------------------------------


def test_tokens_are_256_bit_and_only_their_digest_is_kept():
    token, digest = tokens.new_token()
    assert len(token) == 43
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == tokens.token_digest(token)
    assert len({tokens.new_token()[0] for _ in range(100)}) == 100
    with pytest.raises(ValueError, match="at least 16 random bytes"):
        tokens.new_token(15)


def test_find_by_token(enquiry):
    token = enquiry.access_token
    queryset = Enquiry.objects.all()
    assert tokens.find_by_token(queryset, token) == enquiry
    assert tokens.find_by_token(queryset, token[:-1]) is None  # a prefix
    assert tokens.find_by_token(queryset, token + "A") is None
    assert tokens.find_by_token(queryset, enquiry.token_digest) is None  # the stored digest is not a key
    assert tokens.find_by_token(queryset, "short") is None
    assert tokens.find_by_token(queryset, "ä" * 43) is None
    assert tokens.find_by_token(queryset, None) is None


# --- Submitting ---------------------------------------------------------------------------------------


def test_submit_records_the_request_and_its_history(enquiry, tour):
    enquiry.refresh_from_db()
    assert (enquiry.kind, enquiry.status, enquiry.subject, enquiry.provider, enquiry.subject_name) == (
        EnquiryKind.TOUR,
        EnquiryStatus.NEW,
        tour,
        tour.provider,
        "製紙工場見学",
    )
    assert [(e.from_status, e.to_status, e.by, e.note) for e in enquiry.events.all()] == [("", "new", None, "")]


def test_submit_mails_after_commit_only(tour, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(password=None, is_staff=True, organisation=tour.provider, email="host@example.jp")
    with django_capture_on_commit_callbacks() as callbacks:
        enquiry = submit(tour)
    assert mailoutbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert [message.to for message in mailoutbox] == [["yamada@school.example.jp"], ["host@example.jp"]]
    assert f"https://portal.example.jp/enquiries/{enquiry.access_token}/" in mailoutbox[0].body


def test_submit_accepts_only_the_requesters_fields(tour):
    with pytest.raises(ValueError, match="Not requester fields: provider_id, status"):
        services.submit_enquiry(
            kind=EnquiryKind.TOUR,
            subject=tour,
            data=requester_data(status="accepted", provider_id=1),
            base_url=BASE_URL,
        )
    assert Enquiry.objects.count() == 0


def test_submit_needs_a_base_url_for_the_link(tour, settings):
    settings.PORTAL_BASE_URL = ""
    with pytest.raises(ValueError, match="base_url"):
        services.submit_enquiry(kind=EnquiryKind.TOUR, subject=tour, data=requester_data())
    settings.PORTAL_BASE_URL = "https://portal.example.jp"
    assert services.submit_enquiry(kind=EnquiryKind.TOUR, subject=tour, data=requester_data()).pk


def test_submit_validates_the_model(tour):
    with pytest.raises(ValidationError) as caught:
        submit(tour, email="not-an-address", pupils=0, preferred_date_2=IN_30_DAYS)
    assert set(caught.value.message_dict) == {"email", "pupils", "__all__"}
    assert caught.value.message_dict["__all__"] == ["希望日はそれぞれ別の日にしてください。"]
    assert Enquiry.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("pupils", 0), ("status", "lost"), ("kind", "holiday"), ("preferred_date_2", IN_30_DAYS), ("token_digest", "x")],
)
def test_database_refuses_broken_enquiries(enquiry, field, value):
    with pytest.raises(IntegrityError):
        Enquiry.objects.filter(pk=enquiry.pk).update(**{field: value})


def test_database_refuses_an_event_without_status_or_note(enquiry):
    with pytest.raises(IntegrityError):
        EnquiryEvent.objects.create(enquiry=enquiry, note="")


# --- Notifications ------------------------------------------------------------------------------------


def test_provider_staff_are_notified_not_other_users(tour):
    enquiry = submit(tour)
    UserFactory(password=None, is_staff=True, organisation=tour.provider, email="b-host@example.jp")
    UserFactory(password=None, is_staff=True, organisation=tour.provider, email="a-host@example.jp")
    UserFactory(password=None, is_staff=True, organisation=tour.provider, email="")
    UserFactory(password=None, is_staff=True, organisation=tour.provider, email="gone@example.jp", is_active=False)
    UserFactory(password=None, is_staff=False, organisation=tour.provider, email="company@example.jp")
    UserFactory(password=None, is_staff=True, organisation=OrganisationFactory(), email="other@example.jp")
    assert services.staff_recipients(enquiry) == ["a-host@example.jp", "b-host@example.jp"]


def test_without_provider_staff_the_secretariat_hears_of_it(tour, settings):
    enquiry = submit(tour)
    settings.ADMINS = []
    settings.SERVER_EMAIL = "server@example.jp"
    assert services.staff_recipients(enquiry) == ["server@example.jp"]
    settings.ADMINS = [("Secretariat", "admins@example.jp")]
    assert services.staff_recipients(enquiry) == ["admins@example.jp"]
    secretariat = OrganisationFactory()
    UserFactory(password=None, is_staff=True, organisation=secretariat, email="secretariat@example.jp")
    group = WorkingGroup.load()
    group.secretariat = secretariat
    group.save()
    assert services.staff_recipients(enquiry) == ["secretariat@example.jp"]


# --- Status changes and notes -------------------------------------------------------------------------


def test_the_workflow_mails_the_school_at_each_answer(
    enquiry, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    steps = [
        (EnquiryStatus.IN_PROGRESS, "", False, 0),
        (EnquiryStatus.ACCEPTED, "10月5日 10時にお待ちしています。", True, 1),
        (EnquiryStatus.DONE, "", False, 2),  # the status and, for a visit that took place, the survey's link
    ]
    for to, note, visible, mails in steps:
        with django_capture_on_commit_callbacks(execute=True):
            services.change_enquiry_status(
                enquiry=enquiry, to=to, by=secretariat_user, note=note, visible_to_requester=visible
            )
        assert enquiry.status == to
        assert [message.to for message in mailoutbox] == [["yamada@school.example.jp"]] * mails, to
        mailoutbox.clear()
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.DONE
    assert [(e.from_status, e.to_status, e.by) for e in enquiry.events.all()] == [
        ("", "new", None),
        ("new", "in_progress", secretariat_user),
        ("in_progress", "accepted", secretariat_user),
        ("accepted", "done", secretariat_user),
    ]


def test_the_answer_mail_says_what_happened(enquiry, secretariat_user, mailoutbox, django_capture_on_commit_callbacks):
    services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_enquiry_status(
            enquiry=enquiry,
            to=EnquiryStatus.DECLINED,
            by=secretariat_user,
            note="その週は工場の点検日です。",
            visible_to_requester=True,
        )
    (mail,) = mailoutbox
    assert mail.to == ["yamada@school.example.jp"]
    assert "製紙工場見学" in mail.subject
    assert "その週は工場の点検日です。" in mail.body
    assert "その週は工場の点検日です。" in mail.alternatives[0][0]
    assert enquiry.access_token not in mail.body  # the link is only in the receipt


def test_a_staff_only_note_is_not_mailed(enquiry, secretariat_user, mailoutbox, django_capture_on_commit_callbacks):
    services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_enquiry_status(
            enquiry=enquiry, to=EnquiryStatus.ACCEPTED, by=secretariat_user, note="担当: 佐藤（内線123）"
        )
    (mail,) = mailoutbox
    assert "佐藤" not in mail.body


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], EnquiryStatus.DONE),
        ([], EnquiryStatus.ACCEPTED),
        ([], EnquiryStatus.NEW),
        ([EnquiryStatus.IN_PROGRESS], EnquiryStatus.DONE),
        ([EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED], EnquiryStatus.DECLINED),
        ([EnquiryStatus.IN_PROGRESS, EnquiryStatus.DECLINED, EnquiryStatus.DONE], EnquiryStatus.IN_PROGRESS),
        ([], "lost"),
    ],
)
def test_other_transitions_are_refused(enquiry, secretariat_user, path, to):
    for step in path:
        services.change_enquiry_status(enquiry=enquiry, to=step, by=secretariat_user)
    events = enquiry.events.count()
    with pytest.raises(services.TransitionNotAllowed) as caught:
        services.change_enquiry_status(enquiry=enquiry, to=to, by=secretariat_user)
    assert caught.value.code == "transition"
    assert "にすることはできません" in caught.value.messages[0]
    assert enquiry.events.count() == events
    enquiry.refresh_from_db()
    assert enquiry.status == (path[-1] if path else EnquiryStatus.NEW)


def test_the_transition_is_checked_against_the_database(enquiry, secretariat_user):
    stale = Enquiry.objects.get(pk=enquiry.pk)
    services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=secretariat_user)
    with pytest.raises(services.TransitionNotAllowed):
        services.change_enquiry_status(enquiry=stale, to=EnquiryStatus.IN_PROGRESS, by=secretariat_user)
    assert enquiry.events.filter(to_status=EnquiryStatus.IN_PROGRESS).count() == 1


def test_notes_are_dated_and_kept_apart(enquiry, secretariat_user):
    hidden = services.add_enquiry_note(enquiry=enquiry, by=secretariat_user, note="  学校に電話済み  ")
    shown = services.add_enquiry_note(
        enquiry=enquiry, by=secretariat_user, note="バスは正門前に停めてください。", visible_to_requester=True
    )
    assert (hidden.note, hidden.visible_to_requester, hidden.to_status) == ("学校に電話済み", False, "")
    assert list(enquiry.public_events()) == [enquiry.events.first(), shown]
    with pytest.raises(ValidationError):
        services.add_enquiry_note(enquiry=enquiry, by=secretariat_user, note="   ")


# --- The private status page ----------------------------------------------------------------------------


def test_status_page_shows_status_history_and_details(client, enquiry, secretariat_user):
    services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=secretariat_user)
    services.add_enquiry_note(enquiry=enquiry, by=secretariat_user, note="内部メモ: 担当は佐藤")
    services.add_enquiry_note(
        enquiry=enquiry, by=secretariat_user, note="バスは正門前に停めてください。", visible_to_requester=True
    )
    services.change_enquiry_status(
        enquiry=enquiry, to=EnquiryStatus.ACCEPTED, by=secretariat_user, note="担当者のみ", visible_to_requester=False
    )
    response = client.get(status_path(enquiry.access_token, "/en"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="status-title">Status: Accepted</h2>' in html
    assert "The host has accepted your request." in html
    assert [event.to_status for event in response.context["events"]] == ["new", "in_progress", "", "accepted"]
    assert "バスは正門前に停めてください。" in html
    assert "内部メモ" not in html
    assert "担当者のみ" not in html
    assert secretariat_user.username not in html  # staff names stay in the admin
    for fact in ["製紙工場見学", "北見市立北中学校", "山田花子", "yamada@school.example.jp", "0158-42-1234", "中学2年"]:
        assert fact in html, fact
    assert dates.format_date(IN_30_DAYS, "en") in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_status_page_query_count(client, enquiry, django_assert_max_num_queries):
    for number in range(5):
        services.add_enquiry_note(enquiry=enquiry, by=None, note=f"お知らせ{number}", visible_to_requester=True)
    with django_assert_max_num_queries(4):
        assert client.get(status_path(enquiry.access_token)).status_code == 200


def test_status_page_links_to_the_published_tour(client, enquiry, tour):
    html = client.get(status_path(enquiry.access_token)).content.decode()
    assert f'<a href="/tours/{tour.pk}/">製紙工場見学</a>' in html


def test_status_page_does_not_link_to_a_tour_no_longer_public(client, enquiry, tour):
    tour.status = ListingStatus.ARCHIVED
    tour.save()
    response = client.get(status_path(enquiry.access_token))
    assert response.context["subject_url"] == ""
    assert "製紙工場見学" in response.content.decode()
    tour.delete()
    response = client.get(status_path(enquiry.access_token))
    assert response.status_code == 200
    assert "製紙工場見学" in response.content.decode()  # the name kept with the request


def test_wrong_tokens_are_the_ordinary_404(client, enquiry):
    other = submit(FactoryTourFactory(), school_name="南小学校")
    token = enquiry.access_token

    def page_without_path(path):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.templates[0].name == "404.html"
        return response.content.decode().replace(path, "/missing/")

    missing = page_without_path("/tours/999999/")  # an ordinary missing page (its URL pattern matches too)

    for wrong in [
        tokens.new_token()[0],  # well-formed, unknown
        other.access_token[:-1],  # another school's token, one character short
        other.access_token[:22],
        token.swapcase(),
        enquiry.token_digest,  # the stored digest does not open the page
        "abc",
        "x" * 200,
        "%E3%81%82" * 15,
    ]:
        assert page_without_path(status_path(wrong)) == missing, wrong


def test_a_school_sees_only_its_own_request(client, enquiry):
    other = submit(FactoryTourFactory(name="ビール工場"), school_name="南小学校", teacher_name="佐藤一郎")
    mine = client.get(status_path(enquiry.access_token)).content.decode()
    theirs = client.get(status_path(other.access_token)).content.decode()
    assert "北見市立北中学校" in mine
    assert "南小学校" not in mine
    assert "佐藤一郎" not in mine
    assert "ビール工場" not in mine
    assert "南小学校" in theirs
    assert "北見市立北中学校" not in theirs


def test_status_page_answers_only_get(client, enquiry):
    assert client.post(status_path(enquiry.access_token)).status_code == 405


# --- Admin ------------------------------------------------------------------------------------------


def test_partner_editor_role_includes_enquiries():
    codenames = set(Group.objects.get(name=PARTNER_EDITOR).permissions.values_list("codename", flat=True))
    assert {"view_enquiry", "change_enquiry"} <= codenames


def changelist_ids(response):
    return sorted(obj.pk for obj in response.context["cl"].result_list)


def change_url(enquiry):
    return reverse("admin:portal_enquiry_change", args=[enquiry.pk])


def admin_post_data(client, enquiry, **fields):
    """The change form's data as the browser would send it (management form of the history inline)."""
    response = client.get(change_url(enquiry))
    assert response.status_code == 200
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
    data.update(fields)
    return data


def test_partner_editor_sees_only_its_organisations_enquiries(client, partner_editor, enquiry):
    other = submit(FactoryTourFactory(), school_name="南小学校")
    client.force_login(partner_editor)
    response = client.get(reverse("admin:portal_enquiry_changelist"))
    assert response.status_code == 200
    assert changelist_ids(response) == [enquiry.pk]
    assert "南小学校" not in response.content.decode()
    assert client.get(change_url(other)).status_code == 302  # "does not exist": the queryset is scoped
    response = client.post(change_url(other), {"new_status": "in_progress"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == EnquiryStatus.NEW
    assert client.get(reverse("admin:portal_enquiry_history", args=[other.pk])).status_code == 404
    version = other.history.first().history_id
    version_url = reverse("admin:portal_enquiry_simple_history", args=[other.pk, version])
    assert client.get(version_url).status_code == 404
    assert client.post(version_url, {"new_status": "in_progress"}).status_code == 404
    other.refresh_from_db()
    assert other.status == EnquiryStatus.NEW
    response = client.get(change_url(enquiry))
    assert response.status_code == 200
    html = response.content.decode()
    assert "山田花子" in html
    assert "0158-42-1234" in html


def test_secretariat_sees_every_enquiry(client, secretariat_user, enquiry):
    other = submit(FactoryTourFactory(), school_name="南小学校")
    client.force_login(secretariat_user)
    response = client.get(reverse("admin:portal_enquiry_changelist") + "?status__exact=new")
    assert changelist_ids(response) == sorted([enquiry.pk, other.pk])
    response = client.get(reverse("admin:portal_enquiry_changelist") + "?q=南小学校")
    assert changelist_ids(response) == [other.pk]


def test_staff_change_the_status_through_the_service(
    client, partner_editor, enquiry, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(partner_editor)
    data = admin_post_data(client, enquiry, new_status="in_progress", note="電話で確認します")
    response = client.post(change_url(enquiry), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.IN_PROGRESS
    event = enquiry.events.last()
    assert (event.from_status, event.to_status, event.by, event.note, event.visible_to_requester) == (
        "new",
        "in_progress",
        partner_editor,
        "電話で確認します",
        False,
    )

    response = client.get(change_url(enquiry))
    choices = [value for value, _label in response.context["adminform"].form.fields["new_status"].choices]
    assert choices == ["", "accepted", "declined"]  # only the allowed next steps are offered
    assert "電話で確認します" in response.content.decode()  # the history inline

    data = admin_post_data(
        client, enquiry, new_status="accepted", note="10月5日でお受けします。", note_visible_to_requester="on"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(enquiry), data).status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ACCEPTED
    (mail,) = mailoutbox
    assert mail.to == ["yamada@school.example.jp"]
    assert "10月5日でお受けします。" in mail.body
    page = Client().get(status_path(enquiry.access_token)).content.decode()
    assert "10月5日でお受けします。" in page
    assert "電話で確認します" not in page
    history = client.get(reverse("admin:portal_enquiry_history", args=[enquiry.pk]))
    assert history.status_code == 200
    assert [record.status for record in history.context["page_obj"]] == ["accepted", "in_progress", "new"]


def test_admin_cannot_skip_steps_or_edit_the_request(client, secretariat_user, enquiry):
    client.force_login(secretariat_user)
    data = admin_post_data(
        client, enquiry, new_status="done", status="accepted", school_name="改ざん", email="evil@example.jp"
    )
    response = client.post(change_url(enquiry), data)
    assert response.status_code == 200
    assert "new_status" in response.context["adminform"].form.errors
    data = admin_post_data(client, enquiry, status="accepted", school_name="改ざん", email="evil@example.jp")
    assert client.post(change_url(enquiry), data).status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.school_name, enquiry.email) == (
        EnquiryStatus.NEW,
        "北見市立北中学校",
        "yamada@school.example.jp",
    )
    assert client.get(reverse("admin:portal_enquiry_add")).status_code == 403


def test_a_note_shown_to_the_school_must_be_written(client, secretariat_user, enquiry):
    client.force_login(secretariat_user)
    data = admin_post_data(client, enquiry, note_visible_to_requester="on")
    response = client.post(change_url(enquiry), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"note": ["学校に表示するメモを入力してください。"]}


def test_start_handling_action(client, secretariat_user, enquiry, tour):
    done = submit(tour, school_name="南小学校")
    for step in (EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED):
        services.change_enquiry_status(enquiry=done, to=step, by=secretariat_user)
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:portal_enquiry_changelist"),
        {"action": "start_handling", "_selected_action": [enquiry.pk, done.pk]},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    done.refresh_from_db()
    assert (enquiry.status, done.status) == (EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED)
    assert enquiry.events.last().by == secretariat_user


def test_admin_list_does_not_multiply_queries(client, secretariat_user, tour, django_assert_max_num_queries):
    for number in range(10):
        submit(tour, school_name=f"学校{number}")
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:portal_enquiry_changelist"))
    assert len(response.context["cl"].result_list) == 10
