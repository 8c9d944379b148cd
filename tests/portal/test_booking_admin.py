"""The sign-up engine's admin: sessions, rosters, printouts, e-mail and cancelling, scoped per organisation.

Sessions are generic; these tests hang them on published factory tours. Registrations are made only through
portal.booking.services.register, as the public sign-up form does.
"""

import datetime as dt
import io
import subprocess

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.booking import services
from portal.booking.models import Registration, RegistrationEvent, Session
from portal.choices import RegistrationStatus, SessionStatus
from portal.roles import PARTNER_EDITOR
from tests.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db

SESSIONS = reverse("admin:portal_session_changelist")
REGISTRATIONS = reverse("admin:portal_registration_changelist")


def make_session(tour, *, capacity=20, days=10, **fields) -> Session:
    starts = (timezone.now() + dt.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return Session.objects.create(
        offering=tour,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue_name=fields.pop("venue_name", "北見市民会館"),
        municipality=tour.municipality,
        capacity=capacity,
        **fields,
    )


def sign_up(session, name, email, *, grades=("e5",), adults=1) -> Registration:
    return services.register(
        session=session,
        data={
            "kind": "family",
            "contact_name": name,
            "contact_kana": "ヤマダ タロウ",
            "email": email,
            "phone": "011-000-0000",
            "children_grades": list(grades),
            "adults": adults,
        },
    )


def url(name, session) -> str:
    return reverse(f"admin:portal_session_{name}", args=[session.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture
def tour():
    return FactoryTourFactory(name="ロボット工場見学")


@pytest.fixture
def full_session(tour):
    """Four seats: 山田 and 佐藤 (2 seats each) confirmed, 鈴木 waiting, 高橋 cancelled."""
    session = make_session(tour, capacity=4)
    people = {
        "yamada": sign_up(session, "山田太郎", "yamada@example.jp"),
        "sato": sign_up(session, "佐藤花子", "sato@example.jp"),
        "suzuki": sign_up(session, "鈴木一郎", "suzuki@example.jp"),
        "takahashi": sign_up(session, "高橋次郎", "takahashi@example.jp", adults=0),
    }
    session.refresh_from_db()
    assert [r.status for r in people.values()] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    services.cancel_registration(registration=people["takahashi"])
    return session, people


def change_data(session, **changes) -> dict:
    """The session's change form as the admin would post it back (times in Tokyo time)."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    data = {
        "offering_type": session.offering_type_id,
        "offering_id": session.offering_id,
        "label": session.label,
        "starts_at_0": f"{starts:%Y-%m-%d}",
        "starts_at_1": f"{starts:%H:%M:%S}",
        "ends_at_0": f"{ends:%Y-%m-%d}",
        "ends_at_1": f"{ends:%H:%M:%S}",
        "venue_name": session.venue_name,
        "municipality": session.municipality_id,
        "address": session.address,
        "latitude": "",
        "longitude": "",
        "capacity": session.capacity,
        "max_party_size": session.max_party_size,
        "waitlist_enabled": "on",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "allocation": session.allocation,
    }
    data.update(changes)
    return data


# --- pages and scope -------------------------------------------------------------------------------


def test_list_and_change_pages_render_for_the_secretariat(
    client, secretariat_user, full_session, tour, django_assert_max_num_queries
):
    session, people = full_session
    for _ in range(3):  # more rows: the number of queries must not grow with them
        sign_up(make_session(FactoryTourFactory()), "田中", "tanaka@example.jp")
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(20):
        response = client.get(SESSIONS)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 4
    page = response.content.decode()
    assert "ロボット工場見学" in page
    assert "4 / 4" in page
    assert url("roster", session) in page

    response = client.get(reverse("admin:portal_session_change", args=[session.pk]))
    assert response.status_code == 200
    assert url("roster", session) in response.content.decode()
    assert "seats_taken" not in response.context["adminform"].form.fields

    with django_assert_max_num_queries(20):
        response = client.get(REGISTRATIONS)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 7
    response = client.get(reverse("admin:portal_registration_change", args=[people["yamada"].pk]))
    assert response.status_code == 200
    assert "山田太郎" in response.content.decode()
    assert client.get(reverse("admin:portal_session_history", args=[session.pk])).status_code == 200
    assert client.get(reverse("admin:portal_registration_history", args=[people["yamada"].pk])).status_code == 200


def test_list_filters(client, secretariat_user, tour):
    upcoming = make_session(tour, days=5)
    past = make_session(tour, days=-5)
    client.force_login(secretariat_user)
    ids = lambda query: [s.pk for s in client.get(SESSIONS + query).context["cl"].result_list]  # noqa: E731
    assert ids("?when=upcoming") == [upcoming.pk]
    assert ids("?when=past") == [past.pk]
    subprefecture = tour.municipality.subprefecture_id
    assert sorted(ids(f"?municipality__subprefecture__id__exact={subprefecture}")) == sorted([upcoming.pk, past.pk])
    assert ids("?q=市民会館") == [past.pk, upcoming.pk]


def test_partner_sees_only_its_own_sessions_and_registrations(client, partner_editor):
    own_tour = FactoryTourFactory(provider=partner_editor.organisation)
    own = make_session(own_tour)
    other = make_session(FactoryTourFactory())
    mine = sign_up(own, "自社太郎", "own@example.jp")
    theirs = sign_up(other, "他社花子", "other@example.jp")
    client.force_login(partner_editor)

    assert [s.pk for s in client.get(SESSIONS).context["cl"].result_list] == [own.pk]
    assert [r.pk for r in client.get(REGISTRATIONS).context["cl"].result_list] == [mine.pk]
    assert client.get(url("roster", own)).status_code == 200
    assert client.get(reverse("admin:portal_registration_change", args=[mine.pk])).status_code == 200

    # another organisation's session and registration are "not found"
    assert client.get(reverse("admin:portal_session_change", args=[other.pk])).status_code == 302
    assert client.get(reverse("admin:portal_registration_change", args=[theirs.pk])).status_code == 302
    assert client.get(reverse("admin:portal_session_history", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:portal_registration_history", args=[theirs.pk])).status_code == 404
    for name in ("roster", "roster_pdf", "signin_pdf", "roster_csv", "roster_xlsx", "mail", "cancel"):
        response = client.get(url(name, other))
        assert response.status_code == 404, name
        assert "他社花子" not in response.content.decode()
    response = client.post(url("cancel", other), {"message": "乗っ取り"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == SessionStatus.SCHEDULED
    response = client.post(url("roster", other), {"shown": [theirs.pk], "attended": [theirs.pk]})
    assert response.status_code == 404
    assert statuses(theirs) == ["confirmed"]


def test_partner_cannot_move_its_session_to_another_programme(client, partner_editor):
    own = make_session(FactoryTourFactory(provider=partner_editor.organisation))
    other_tour = FactoryTourFactory()
    client.force_login(partner_editor)
    response = client.post(
        reverse("admin:portal_session_change", args=[own.pk]),
        change_data(own, offering_id=other_tour.pk, venue_name="新会場"),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.offering_id, own.venue_name) == (own.offering.pk, "新会場")
    assert own.offering_id != other_tour.pk


def test_the_secretariat_adds_a_session_for_an_existing_programme(client, secretariat_user, tour):
    client.force_login(secretariat_user)
    template = Session(
        offering=tour, starts_at=timezone.now() + dt.timedelta(days=3), venue_name="北見市民会館", capacity=30
    )
    template.ends_at = template.starts_at + dt.timedelta(hours=1)
    template.municipality = tour.municipality
    add = reverse("admin:portal_session_add")
    response = client.post(add, change_data(template, offering_id=999999))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["offering_id"]
    response = client.post(add, change_data(template))
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.offering, session.capacity, session.seats_taken) == (tour, 30, 0)


def test_roles_give_partners_sessions_and_registrations_but_no_delete():
    codenames = set(Group.objects.get(name=PARTNER_EDITOR).permissions.values_list("codename", flat=True))
    assert {
        "view_session",
        "change_session",
        "view_registration",
        "change_registration",
        "view_registrationevent",
    } <= codenames
    assert {"add_session", "delete_session", "add_registration", "delete_registration"}.isdisjoint(codenames)


def test_no_one_adds_or_deletes_registrations_by_hand(client, secretariat_user, full_session):
    _session, people = full_session
    client.force_login(secretariat_user)
    assert client.get(reverse("admin:portal_registration_add")).status_code == 403
    assert client.get(reverse("admin:portal_registration_delete", args=[people["yamada"].pk])).status_code == 403
    response = client.get(REGISTRATIONS)
    assert "delete_selected" not in dict(response.context["action_form"].fields["action"].choices)


def test_the_registration_form_changes_nothing(client, secretariat_user, full_session):
    _session, people = full_session
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:portal_registration_change", args=[people["yamada"].pk]),
        {
            "contact_name": "改ざん",
            "status": "cancelled",
            "seats": 9,
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "0",
            "events-0-to_status": "attended",
            "events-0-note": "改ざん",
        },
    )
    assert response.status_code == 302
    yamada = Registration.objects.get(pk=people["yamada"].pk)
    assert (yamada.contact_name, yamada.status, yamada.seats) == ("山田太郎", "confirmed", 2)
    assert [e.to_status for e in yamada.events.all()] == ["confirmed"]


# --- capacity --------------------------------------------------------------------------------------


def test_more_seats_promote_the_waiting_list(client, secretariat_user, full_session):
    session, people = full_session
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:portal_session_change", args=[session.pk]), change_data(session, capacity=6, label="午前の部")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken, session.label) == (6, 6, "午前の部")
    assert statuses(people["suzuki"]) == ["confirmed"]
    assert session.history.first().history_user == secretariat_user


def test_capacity_below_the_seats_taken_is_a_form_error(client, secretariat_user, full_session):
    session, _people = full_session
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:portal_session_change", args=[session.pk]), change_data(session, capacity=3, label="変更")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["capacity"]
    assert "4" in errors["capacity"][0]
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken, session.label) == (4, 4, "")


def test_changing_the_venue_keeps_the_seats_and_records_who(client, secretariat_user, full_session):
    session, people = full_session
    services.cancel_registration(registration=people["sato"])  # 鈴木 moves up: seats stay 4
    services.cancel_registration(registration=people["yamada"])  # 2 seats free up
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:portal_session_change", args=[session.pk]), change_data(session, venue_name="北見芸術文化ホール")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.venue_name, session.seats_taken, session.capacity) == ("北見芸術文化ホール", 2, 4)
    assert session.history.first().history_user == secretariat_user


# --- roster ----------------------------------------------------------------------------------------


def test_roster_shows_every_registration_and_the_counts(client, secretariat_user, full_session):
    session, _people = full_session
    client.force_login(secretariat_user)
    response = client.get(url("roster", session))
    assert response.status_code == 200
    names = [row["registration"].contact_name for row in response.context["rows"]]
    assert names == ["山田太郎", "佐藤花子", "鈴木一郎", "高橋次郎"]  # seats, waiting list, then cancelled
    counts = response.context["counts"]
    assert (counts["seated_seats"], counts["waitlisted_count"], counts["applied_count"], counts["attended_count"]) == (
        4,
        1,
        0,
        0,
    )
    page = response.content.decode()
    for name in names:
        assert name in page
    assert "yamada@example.jp" in page and "011-000-0000" in page
    for name in ("roster_pdf", "signin_pdf", "roster_csv", "roster_xlsx", "mail", "cancel"):
        assert url(name, session) in page


def test_ticking_marks_attendance(client, secretariat_user, full_session):
    session, people = full_session
    client.force_login(secretariat_user)
    yamada, sato = people["yamada"], people["sato"]
    response = client.post(url("roster", session), {"shown": [yamada.pk, sato.pk], "attended": [yamada.pk]})
    assert response.status_code == 302
    assert statuses(yamada, sato) == ["attended", "confirmed"]
    event = RegistrationEvent.objects.filter(registration=yamada).last()
    assert (event.to_status, event.by) == ("attended", secretariat_user)
    # unticking takes it back; a row not on the page is left alone
    client.post(url("roster", session), {"shown": [yamada.pk], "attended": []})
    assert statuses(yamada, sato) == ["confirmed", "confirmed"]


def test_ticking_a_waiting_registration_is_refused(client, secretariat_user, full_session):
    session, people = full_session
    client.force_login(secretariat_user)
    suzuki = people["suzuki"]
    response = client.post(url("roster", session), {"shown": [suzuki.pk], "attended": [suzuki.pk]}, follow=True)
    assert response.status_code == 200
    assert statuses(suzuki) == ["waitlisted"]
    assert messages_of(response)


def test_ticking_needs_change_permission(client, partner_editor, full_session):
    session, people = full_session
    session.offering.provider = partner_editor.organisation
    session.offering.save()
    group = Group.objects.get(name=PARTNER_EDITOR)
    group.permissions.remove(*group.permissions.filter(codename="change_registration"))
    client.force_login(partner_editor)
    assert client.get(url("roster", session)).status_code == 200
    yamada = people["yamada"]
    assert client.post(url("roster", session), {"shown": [yamada.pk], "attended": [yamada.pk]}).status_code == 403
    assert statuses(yamada) == ["confirmed"]


# --- exports ---------------------------------------------------------------------------------------


def test_csv_has_a_bom_and_a_japanese_header(client, secretariat_user, full_session):
    session, _people = full_session
    client.force_login(secretariat_user)
    response = client.get(url("roster_csv", session))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="roster-{session.pk}-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert len(header) == 10
    assert {"状態", "メールアドレス", "電話番号", "学校名"} <= set(header)
    assert len(lines) == 5
    assert "山田太郎" in lines[1] and "yamada@example.jp" in lines[1]


def test_xlsx_opens_with_openpyxl(client, secretariat_user, full_session):
    session, _people = full_session
    client.force_login(secretariat_user)
    response = client.get(url("roster_xlsx", session))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "メールアドレス" in rows[0]
    assert [row[2] for row in rows[1:]] == ["山田太郎", "佐藤花子", "鈴木一郎", "高橋次郎"]
    assert rows[1][1] == 2  # seats stay numbers


def pdf_of(client, path, tmp_path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    file = tmp_path / "document.pdf"
    file.write_bytes(response.content)
    rows = [line.split() for line in run("pdffonts", str(file)).splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), rows  # every font embedded
    assert "BIZ-UDPGothic" in {row[0].split("+", 1)[-1] for row in rows}
    return run("pdftotext", "-enc", "UTF-8", str(file), "-")


def test_roster_pdf_has_every_name_in_a_japanese_font(client, secretariat_user, full_session, tmp_path):
    session, _people = full_session
    client.force_login(secretariat_user)
    text = pdf_of(client, url("roster_pdf", session), tmp_path)
    for name in ("ロボット工場見学", "山田太郎", "佐藤花子", "鈴木一郎", "高橋次郎", "yamada@example.jp"):
        assert name in text


def test_sign_in_sheet_has_the_seated_parties_only(client, secretariat_user, full_session, tmp_path):
    session, _people = full_session
    client.force_login(secretariat_user)
    text = pdf_of(client, url("signin_pdf", session), tmp_path)
    assert "山田太郎" in text and "佐藤花子" in text
    assert "鈴木一郎" not in text and "高橋次郎" not in text
    assert "@example.jp" not in text  # the reception desk needs no e-mail addresses


# --- e-mail and cancelling -------------------------------------------------------------------------


def test_bulk_email_reaches_the_chosen_statuses_only(client, secretariat_user, full_session):
    session, people = full_session
    services.mark_attendance(registration=people["sato"])
    client.force_login(secretariat_user)
    assert client.get(url("mail", session)).status_code == 200
    mail.outbox.clear()

    response = client.post(
        url("mail", session), {"message": "駐車場は北側です。", "recipients": ["seated"]}, follow=True
    )
    assert response.status_code == 200
    assert sorted(message.to[0] for message in mail.outbox) == ["sato@example.jp", "yamada@example.jp"]
    assert all("駐車場は北側です。" in message.body for message in mail.outbox)
    assert len(messages_of(response)) == 1 and "2" in messages_of(response)[0]

    mail.outbox.clear()
    client.post(
        url("mail", session), {"message": "空きが出るかもしれません。", "recipients": ["waitlisted", "applied"]}
    )
    assert [message.to for message in mail.outbox] == [["suzuki@example.jp"]]


def test_bulk_email_needs_a_message_and_recipients(client, secretariat_user, full_session):
    session, _people = full_session
    client.force_login(secretariat_user)
    mail.outbox.clear()
    response = client.post(url("mail", session), {"message": "", "recipients": []})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"message", "recipients"}
    assert mail.outbox == []


def test_cancelling_the_session_tells_everyone_and_frees_the_seats(
    client, secretariat_user, full_session, django_capture_on_commit_callbacks
):
    session, _people = full_session
    client.force_login(secretariat_user)
    response = client.get(url("cancel", session))
    assert response.status_code == 200
    assert Session.objects.get(pk=session.pk).status == SessionStatus.SCHEDULED  # a GET only asks
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("cancel", session), {"message": "台風のため中止します。"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.seats_taken) == (SessionStatus.CANCELLED, 0)
    assert set(Registration.objects.filter(session=session).values_list("status", flat=True)) == {
        RegistrationStatus.CANCELLED
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "sato@example.jp",
        "suzuki@example.jp",
        "yamada@example.jp",
    ]
    assert all("台風のため中止します。" in message.body for message in mail.outbox)
    assert client.get(url("cancel", session)).context["already_cancelled"] is True


# --- registration actions --------------------------------------------------------------------------


def test_actions_mark_attended_and_cancel_with_the_waiting_list_moving_up(
    client, secretariat_user, full_session, django_capture_on_commit_callbacks
):
    session, people = full_session
    client.force_login(secretariat_user)
    response = client.post(
        REGISTRATIONS,
        {"action": "mark_attended", "_selected_action": [people["yamada"].pk, people["suzuki"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert statuses(people["yamada"], people["suzuki"]) == ["attended", "waitlisted"]
    assert len(messages_of(response)) == 2  # one marked, one left as it was

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REGISTRATIONS, {"action": "cancel_registrations", "_selected_action": [people["sato"].pk]}, follow=True
        )
    assert statuses(people["sato"], people["suzuki"]) == ["cancelled", "confirmed"]
    session.refresh_from_db()
    assert session.seats_taken == 4
    assert sorted(message.to[0] for message in mail.outbox) == ["sato@example.jp", "suzuki@example.jp"]


def test_staff_draw_a_lottery_after_its_deadline_and_see_its_record(client, secretariat_user, tour):
    session = make_session(
        tour, capacity=2, allocation="lottery", registration_closes_at=timezone.now() + dt.timedelta(hours=1)
    )
    applications = [sign_up(session, f"応募者{n}", f"applicant{n}@example.jp", adults=0) for n in range(3)]
    client.force_login(secretariat_user)

    early = client.post(SESSIONS, {"action": "draw_lottery", "_selected_action": [session.pk]}, follow=True)
    assert any("締切" in message or "deadline" in message for message in messages_of(early)), messages_of(early)
    assert statuses(*applications) == ["applied"] * 3

    Session.objects.filter(pk=session.pk).update(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    drawn = client.post(SESSIONS, {"action": "draw_lottery", "_selected_action": [session.pk]}, follow=True)
    assert len(messages_of(drawn)) == 1
    assert sorted(statuses(*applications)) == ["confirmed", "confirmed", "waitlisted"]

    page = client.get(reverse("admin:portal_session_change", args=[session.pk])).content.decode()
    session.refresh_from_db()
    assert str(session.lottery_log["seed"]) in page
    for n in range(3):
        assert f"応募者{n}" in page
    again = client.post(SESSIONS, {"action": "draw_lottery", "_selected_action": [session.pk]}, follow=True)
    assert sorted(statuses(*applications)) == ["confirmed", "confirmed", "waitlisted"]  # drawn once only
    assert messages_of(again) != messages_of(drawn)


def test_staff_pair_two_sessions_once_and_never_a_lottery(tour):
    from django.forms.models import model_to_dict
    from django.utils import translation

    translation.activate("en")  # the messages' msgids (each test starts in Japanese again: tests/conftest.py)
    from portal.booking.admin import SessionAdminForm

    seminar, pupils_tour, third = (make_session(tour, venue_name=f"会場{n}") for n in range(3))

    def form(session, **changes):
        data = {**model_to_dict(session), **changes}
        data = {key: value for key, value in data.items() if value is not None}
        data["offering_type"] = session.offering_type_id
        for name in ("starts_at", "ends_at"):
            data[name] = timezone.localtime(getattr(session, name)).strftime("%Y-%m-%d %H:%M:%S")
        return SessionAdminForm(data, instance=session)

    assert form(seminar, paired_with=seminar.pk).errors["paired_with"] == ["A session cannot be paired with itself."]
    paired = form(seminar, paired_with=pupils_tour.pk)
    assert paired.is_valid(), paired.errors
    paired.save()
    assert Session.objects.get(pk=pupils_tour.pk).partner == seminar
    assert form(third, paired_with=pupils_tour.pk).errors["paired_with"] == [
        "That session is already paired with another one."
    ]
    assert form(third, paired_with=seminar.pk).errors["paired_with"] == [
        "That session is already paired with another one."
    ]
    Session.objects.filter(pk=third.pk).update(allocation="lottery")
    third.refresh_from_db()
    other = make_session(tour, venue_name="会場9")
    assert form(other, paired_with=third.pk).errors["paired_with"] == ["Lottery sessions cannot be booked in pairs."]
