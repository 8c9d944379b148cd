"""Surveys after every programme (portal.surveys): invitations, the private questionnaire page, the results."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from portal import tokens
from portal.booking import services as booking_services
from portal.booking.admin import save_session_changes
from portal.booking.models import Session
from portal.choices import EnquiryKind, EnquiryStatus, RegistrationKind, RegistrationStatus, SessionStatus
from portal.enquiries import services as enquiry_services
from portal.surveys import results, services, tasks
from portal.surveys.models import (
    Question,
    QuestionKind,
    Questionnaire,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from tests.factories import ExperienceEventFactory, FactoryTourFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
SUBJECT = "A short questionnaire"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (their msgids); the pages show them in Japanese."""
    with translation.override("en"):
        yield


@pytest.fixture
def event(organisation):
    return ExperienceEventFactory(title="旋盤体験会", provider=organisation, audiences=["elementary", "parent"])


def make_session(offering, *, days=10, **fields) -> Session:
    starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    return Session.objects.create(
        offering=offering,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        venue_name="札幌会場",
        municipality=offering.municipality if hasattr(offering, "municipality") else _municipality(),
        **{"capacity": 20, **fields},
    )


def _municipality():
    from portal.models import Municipality

    return Municipality.objects.get(code="012084")


def sign_up(session, email):
    data = {
        "kind": RegistrationKind.FAMILY,
        "contact_name": "山田花子",
        "contact_kana": "ヤマダハナコ",
        "email": email,
        "phone": "011-000-0000",
        "children_grades": ["e4"],
        "adults": 1,
    }
    return booking_services.register(session=session, data=data, language="en")


def move_to_past(session, *, starts_at=None) -> Session:
    """Sessions are signed up for in the future; then time passes."""
    starts_at = starts_at or timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    Session.objects.filter(pk=session.pk).update(starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2))
    session.refresh_from_db()
    return session


@pytest.fixture
def end(django_capture_on_commit_callbacks):
    """Run the task of a session's end, then what it queued on commit (the invitation e-mails)."""

    def run(session) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.session_ended.call(session.pk)

    return run


def survey_mails(outbox) -> list[str]:
    return sorted(message.to[0] for message in outbox if SUBJECT in message.subject)


@pytest.fixture
def invite_past_session(end):
    """A session signed up for by ``emails``, which has taken place: its invitations."""

    def make(offering, emails, *, starts_at=None) -> list[SurveyInvitation]:
        session = make_session(offering)
        for email in emails:
            sign_up(session, email)
        move_to_past(session, starts_at=starts_at)
        end(session)
        return list(SurveyInvitation.objects.filter(registration__session=session).order_by("pk"))

    return make


def questions_of(audience: str) -> list[Question]:
    return list(Questionnaire.objects.get(for_audience=audience, active=True).questions.all())


def full_answers(questionnaire, *, scale=4, yes=True, text="楽しかった") -> dict:
    values = {QuestionKind.SCALE_1_5: scale, QuestionKind.YES_NO: yes, QuestionKind.TEXT: text}
    return {question.pk: values[question.kind] for question in questionnaire.questions.all()}


def post_data(questionnaire, *, scale="4", yes="yes", text="楽しかった") -> dict:
    values = {QuestionKind.SCALE_1_5: scale, QuestionKind.YES_NO: yes, QuestionKind.TEXT: text}
    return {f"q{question.pk}": values[question.kind] for question in questionnaire.questions.all()}


# --- The default questionnaires -----------------------------------------------------------------------------


def test_the_data_migration_made_three_questionnaires_with_four_questions():
    assert sorted(Questionnaire.objects.filter(active=True).values_list("for_audience", flat=True)) == [
        "general",
        "parent",
        "teacher",
    ]
    for audience in ("general", "parent", "teacher"):
        assert [q.kind for q in questions_of(audience)] == ["scale_1_5", "scale_1_5", "yes_no", "text"]
        assert [q.required for q in questions_of(audience)] == [True, True, True, False]
    assert "ものづくり" in questions_of("parent")[1].text


def test_only_one_active_questionnaire_per_audience():
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.create(name="二つ目", for_audience="general", active=True)
    assert Questionnaire.objects.create(name="下書き", for_audience="general", active=False).pk


@pytest.mark.parametrize(
    ("audiences", "declared", "school_request", "expected"),
    [
        (["elementary", "parent"], None, False, "general"),  # a family event
        (["junior_high"], None, False, "general"),
        (["parent"], None, False, "parent"),  # a parent seminar
        (["teacher"], None, False, "teacher"),  # a teacher seminar or workplace tour for teachers
        (["junior_high"], None, True, "teacher"),  # a school's visit: its teacher answers
        (["junior_high"], "parent", True, "parent"),  # the offering says so itself
        (["teacher"], "nonsense", False, "teacher"),
    ],
)
def test_which_questionnaire(audiences, declared, school_request, expected):
    class Offering:
        pass

    offering = Offering()
    offering.audiences = audiences
    if declared:
        offering.survey_audience = declared
    assert services.questionnaire_audience(offering, school_request=school_request) == expected


# --- Invitations after a session ------------------------------------------------------------------------------


def test_the_attended_parties_are_invited_once_when_the_session_ends(event, mailoutbox, end):
    session = make_session(event)
    came, stayed_home = sign_up(session, "came@example.jp"), sign_up(session, "home@example.jp")
    cancelled = sign_up(session, "cancelled@example.jp")
    booking_services.cancel_registration(registration=cancelled)
    booking_services.mark_attendance(registration=came)
    move_to_past(session)
    mailoutbox.clear()

    assert end(session) == "invited 1"
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE
    assert survey_mails(mailoutbox) == ["came@example.jp"]
    invitation = SurveyInvitation.objects.get()
    assert (invitation.registration, invitation.questionnaire.for_audience) == (came, "general")
    assert invitation.offering_name == "旋盤体験会" and invitation.held_at == session.starts_at
    assert invitation.sent_at is not None and invitation.answered_at is None
    assert invitation.access_token in mailoutbox[0].body
    assert f"/en/surveys/{invitation.access_token}/" in mailoutbox[0].body
    assert stayed_home.pk != came.pk

    # once only: a second run (or a task queued twice) invites nobody again
    assert end(session) == "invited 0"
    assert tasks.send_survey_invitation.call(invitation.pk) == "skipped"
    assert len(survey_mails(mailoutbox)) == 1


def test_without_attendance_every_confirmed_party_is_invited(event, mailoutbox, end):
    session = make_session(event, capacity=4)  # two families of two
    sign_up(session, "a@example.jp")
    sign_up(session, "b@example.jp")
    waiting = sign_up(session, "waiting@example.jp")
    assert waiting.status == RegistrationStatus.WAITLISTED
    cancelled = sign_up(session, "c@example.jp")
    booking_services.cancel_registration(registration=cancelled)
    move_to_past(session)
    mailoutbox.clear()
    assert end(session) == "invited 2"
    assert survey_mails(mailoutbox) == ["a@example.jp", "b@example.jp"]


def test_a_cancelled_session_gets_no_survey(event, mailoutbox, end):
    session = make_session(event)
    sign_up(session, "a@example.jp")
    move_to_past(session)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
    mailoutbox.clear()
    assert end(session) == "skipped"
    assert tasks.session_ended.call(session.pk + 1000) == "skipped"  # deleted since
    assert mailoutbox == [] and not SurveyInvitation.objects.exists()


def test_the_task_waits_when_the_session_was_moved_later(event, mailoutbox, end, monkeypatch):
    session = make_session(event)
    sign_up(session, "a@example.jp")
    rescheduled = []
    monkeypatch.setattr(services, "schedule_session_end", rescheduled.append)
    mailoutbox.clear()
    assert end(session) == "rescheduled"
    assert [s.pk for s in rescheduled] == [session.pk]
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert mailoutbox == []


def test_mark_session_done_refuses_a_session_that_has_not_ended(event):
    session = make_session(event)
    with pytest.raises(booking_services.BookingError) as error:
        booking_services.mark_session_done(session=session)
    assert error.value.code == "not_ended"
    move_to_past(session)
    assert booking_services.mark_session_done(session=session) is True
    assert booking_services.mark_session_done(session=session) is False
    assert session.status == SessionStatus.DONE


def test_a_parent_seminar_gets_the_parents_questionnaire(organisation, invite_past_session):
    seminar_like = ExperienceEventFactory(provider=organisation, audiences=["parent"])
    (invitation,) = invite_past_session(seminar_like, ["p@example.jp"])
    assert invitation.questionnaire.for_audience == "parent"


@pytest.fixture
def database_tasks(settings):
    """The database task backend (it can defer) for one test; the signal resets django.tasks.task_backends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_saving_a_session_schedules_its_end(event, database_tasks):
    starts_at = dt.datetime(2031, 6, 7, 10, 0, tzinfo=TOKYO)
    session = Session(
        offering=event,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        venue_name="札幌会場",
        municipality=_municipality(),
        capacity=10,
    )
    save_session_changes(session, [], created=True)
    task = DBTaskResult.objects.get(task_path="portal.surveys.tasks.session_ended")
    assert task.run_after == session.ends_at
    assert task.args_kwargs == {"args": [session.pk], "kwargs": {}}

    session.ends_at += dt.timedelta(hours=1)
    save_session_changes(session, ["ends_at"], created=False)
    later = DBTaskResult.objects.filter(task_path="portal.surveys.tasks.session_ended").order_by("-run_after").first()
    assert later.run_after == starts_at + dt.timedelta(hours=4)

    save_session_changes(session, ["venue_name"], created=False)  # nothing about the time: nothing new
    assert DBTaskResult.objects.filter(task_path="portal.surveys.tasks.session_ended").count() == 2


# --- Invitations after an enquiry ------------------------------------------------------------------------------


def tour_enquiry(tour):
    data = {
        "school_name": "北見市立北中学校",
        "teacher_name": "佐藤先生",
        "email": "sato@school.example.jp",
        "phone": "0157-00-0000",
        "grade": "中学2年",
        "pupils": 30,
        "adults": 2,
        "preferred_date_1": timezone.localdate() + dt.timedelta(days=30),
        "message": "",
    }
    return enquiry_services.submit_enquiry(
        kind=EnquiryKind.TOUR, subject=tour, data=data, base_url="https://portal.example.jp", language="en"
    )


def walk(enquiry, *steps, by=None):
    for step in steps:
        enquiry_services.change_enquiry_status(enquiry=enquiry, to=step, by=by)


def test_a_visit_that_is_done_invites_its_requester(organisation, mailoutbox, django_capture_on_commit_callbacks):
    tour = FactoryTourFactory(name="製紙工場見学", provider=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = tour_enquiry(tour)
        walk(enquiry, EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED)
    mailoutbox.clear()
    assert not SurveyInvitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        walk(enquiry, EnquiryStatus.DONE)
    invitation = SurveyInvitation.objects.get()
    assert (invitation.enquiry, invitation.questionnaire.for_audience) == (enquiry, "teacher")
    assert (invitation.offering_type.model, invitation.offering_id) == ("factorytour", tour.pk)
    assert survey_mails(mailoutbox) == ["sato@school.example.jp"]
    assert "佐藤先生" in next(m for m in mailoutbox if SUBJECT in m.subject).body
    assert services.invite_for_enquiry(enquiry) is None  # once only


def test_a_declined_enquiry_that_is_closed_gets_no_survey(organisation, mailoutbox, django_capture_on_commit_callbacks):
    tour = FactoryTourFactory(provider=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = tour_enquiry(tour)
        walk(enquiry, EnquiryStatus.IN_PROGRESS, EnquiryStatus.DECLINED, EnquiryStatus.DONE)
    assert not SurveyInvitation.objects.exists()
    assert survey_mails(mailoutbox) == []


# --- The questionnaire page -------------------------------------------------------------------------------------


@pytest.fixture
def invitation(event, invite_past_session):
    (invitation,) = invite_past_session(event, ["a@example.jp"])
    return invitation


def url(invitation) -> str:
    return reverse("survey", kwargs={"token": invitation.access_token})


def test_the_token_is_256_bits_and_only_its_digest_is_stored(invitation):
    assert len(invitation.access_token) == 43
    assert invitation.token_digest == tokens.token_digest(invitation.access_token)
    assert invitation.access_token not in {invitation.token_nonce, invitation.token_digest}


def test_the_page_shows_the_questions_in_japanese(client, invitation):
    response = client.get(f"/surveys/{invitation.access_token}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    html = response.content.decode()
    for question in questions_of("general"):
        assert question.text in html
    assert "1 = 不満" in html and "5 = 満足" in html
    assert html.count('type="radio"') == 5 + 5 + 2
    assert "<textarea" in html


def test_answering_once_then_thanks_and_a_second_answer_is_refused(client, invitation):
    questionnaire = invitation.questionnaire
    response = client.post(url(invitation), post_data(questionnaire, scale="5", yes="no", text="また来たい"))
    assert response.status_code == 302 and response["Location"] == url(invitation)
    response = client.get(url(invitation))
    assert response.status_code == 200
    assert "portal/surveys/thanks.html" in [t.name for t in response.templates]

    saved = SurveyResponse.objects.get()
    assert (saved.invitation, saved.questionnaire) == (invitation, questionnaire)
    assert sorted((a.question.kind, a.value) for a in saved.answers.all()) == [
        ("scale_1_5", 5),
        ("scale_1_5", 5),
        ("text", "また来たい"),
        ("yes_no", False),
    ]
    invitation.refresh_from_db()
    assert invitation.answered_at == saved.submitted_at

    again = client.post(url(invitation), post_data(questionnaire, scale="1", yes="yes", text="上書き"))
    assert again.status_code == 200
    assert "This questionnaire has already been answered" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert not SurveyAnswer.objects.filter(value_text="上書き").exists()
    with pytest.raises(services.AlreadyAnswered):
        services.submit_survey_response(invitation=invitation, answers=full_answers(questionnaire))


def test_the_database_keeps_one_response_per_invitation(invitation):
    SurveyResponse.objects.create(invitation=invitation, questionnaire=invitation.questionnaire)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(invitation=invitation, questionnaire=invitation.questionnaire)


@pytest.mark.parametrize(
    "token",
    [
        "x" * 43,  # well formed, unknown
        "short",  # malformed
        "a" * 200,  # too long
        "%E3%81%82" * 5,  # not the alphabet
    ],
)
def test_a_wrong_token_is_a_plain_404(client, invitation, token):
    response = client.get(f"/surveys/{token}/")
    assert response.status_code == 404
    assert client.post(f"/surveys/{token}/", post_data(invitation.questionnaire)).status_code == 404


def test_a_registration_token_does_not_open_a_survey(client, invitation):
    assert client.get(f"/surveys/{invitation.registration.access_token}/").status_code == 404


def test_required_questions_are_enforced_with_clear_messages(client, invitation):
    questionnaire = invitation.questionnaire
    satisfaction, interest, recommend, comment = questions_of("general")
    response = client.post(url(invitation), {f"q{interest.pk}": "9", f"q{comment.pk}": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        f"q{satisfaction.pk}": ["Please choose a number from 1 to 5."],
        f"q{interest.pk}": ["Please choose a number from 1 to 5."],
        f"q{recommend.pk}": ["Please answer yes or no."],
    }
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert f'href="#id_q{satisfaction.pk}"' in html and f'id="id_q{satisfaction.pk}"' in html
    assert not SurveyResponse.objects.exists()
    # the optional free text may stay empty
    data = post_data(questionnaire, text="")
    assert client.post(url(invitation), data).status_code == 302
    assert not SurveyAnswer.objects.filter(question=comment).exists()


def test_questions_edited_by_staff_appear_on_the_next_survey(client, secretariat_user, invitation):
    questionnaire = invitation.questionnaire
    client.force_login(secretariat_user)
    change_url = reverse("admin:portal_questionnaire_change", args=[questionnaire.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    data = {
        "name": questionnaire.name,
        "for_audience": questionnaire.for_audience,
        "active": "on",
        "introduction": questionnaire.introduction,
        "questions-TOTAL_FORMS": str(len(questions_of("general")) + 1),
        "questions-INITIAL_FORMS": str(len(questions_of("general"))),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, question in enumerate(questions_of("general")):
        data.update(
            {
                f"questions-{index}-id": str(question.pk),
                f"questions-{index}-questionnaire": str(questionnaire.pk),
                f"questions-{index}-position": str(question.position),
                f"questions-{index}-kind": question.kind,
                f"questions-{index}-text": "今日の体験は楽しかったですか。" if index == 0 else question.text,
                f"questions-{index}-required": "on" if question.required else "",
                f"questions-{index}-scale_low_label": question.scale_low_label,
                f"questions-{index}-scale_high_label": question.scale_high_label,
            }
        )
    new = len(questions_of("general"))
    data.update(
        {
            f"questions-{new}-questionnaire": str(questionnaire.pk),
            f"questions-{new}-position": "50",
            f"questions-{new}-kind": "yes_no",
            f"questions-{new}-text": "また参加したいですか。",
            f"questions-{new}-required": "on",
        }
    )
    response = client.post(change_url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    client.logout()

    html = client.get(url(invitation)).content.decode()
    assert "今日の体験は楽しかったですか。" in html and "また参加したいですか。" in html
    assert "今回のプログラムの満足度を教えてください。" not in html


# --- Results -------------------------------------------------------------------------------------------------------


@pytest.fixture
def answered(organisation, invite_past_session):
    """Two programmes in FY2024 and one in FY2025; five invitations, four answers."""
    lathe = ExperienceEventFactory(title="旋盤体験会", provider=organisation, audiences=["elementary"])
    weld = ExperienceEventFactory(title="溶接体験会", provider=organisation, audiences=["junior_high"])
    in_2024 = dt.datetime(2024, 7, 1, 10, 0, tzinfo=TOKYO)
    in_2025 = dt.datetime(2026, 3, 31, 10, 0, tzinfo=TOKYO)  # still FY2025
    lathe_2024 = invite_past_session(lathe, ["a@example.jp", "b@example.jp", "c@example.jp"], starts_at=in_2024)
    weld_2024 = invite_past_session(weld, ["d@example.jp"], starts_at=in_2024)
    lathe_2025 = invite_past_session(lathe, ["e@example.jp"], starts_at=in_2025)
    questionnaire = Questionnaire.objects.get(for_audience="general", active=True)
    for invitation, scale, yes, text in [
        (lathe_2024[0], 5, True, "楽しかった"),
        (lathe_2024[1], 3, False, ""),
        (weld_2024[0], 4, True, "火花がすごい"),
        (lathe_2025[0], 1, False, "寒かった"),
    ]:
        services.submit_survey_response(
            invitation=invitation, answers=full_answers(questionnaire, scale=scale, yes=yes, text=text)
        )
    return {"lathe": lathe, "weld": weld, "questionnaire": questionnaire}


def test_results_add_up_for_a_programme(answered):
    lathe = answered["lathe"]
    invitations = results.filter_invitations(
        SurveyInvitation.objects.all(), offering=(lathe_type := _type(lathe), lathe.pk)
    )
    assert lathe_type
    summary = results.summarise(invitations)
    assert (summary.invited, summary.answered, summary.response_rate) == (4, 3, 75.0)
    (block,) = summary.questionnaires
    satisfaction, _interest, recommend, comment = block.questions
    assert (satisfaction.answered, satisfaction.average) == (3, 3.0)
    assert satisfaction.distribution == [(1, 1, 33.3), (2, 0, 0.0), (3, 1, 33.3), (4, 0, 0.0), (5, 1, 33.3)]
    assert (recommend.yes, recommend.no) == (1, 2)
    assert sorted(comment.texts) == ["寒かった", "楽しかった"]


def test_results_add_up_for_a_fiscal_year_and_a_programme_type(answered):
    fy2024 = results.summarise(results.filter_invitations(SurveyInvitation.objects.all(), year=2024))
    assert (fy2024.invited, fy2024.answered, fy2024.response_rate) == (4, 3, 75.0)
    satisfaction = fy2024.questionnaires[0].questions[0]
    assert (satisfaction.average, [n for _v, n, _p in satisfaction.distribution]) == (4.0, [0, 0, 1, 1, 1])
    fy2025 = results.summarise(results.filter_invitations(SurveyInvitation.objects.all(), year=2025))
    assert (fy2025.invited, fy2025.answered, fy2025.questionnaires[0].questions[0].average) == (1, 1, 1.0)
    by_type = results.summarise(
        results.filter_invitations(SurveyInvitation.objects.all(), offering_type=_type(answered["lathe"]))
    )
    assert (by_type.invited, by_type.answered) == (5, 4)
    assert results.summarise(results.filter_invitations(SurveyInvitation.objects.all(), year=2023)).invited == 0


def _type(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


RESULTS = "/en/admin/portal/surveyresponse/results/"  # English: the msgids


def test_the_results_page_and_its_exports(client, secretariat_user, answered, django_assert_max_num_queries):
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(20):
        response = client.get(RESULTS, {"year": "2024"})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.invited, summary.answered) == (4, 3)
    html = response.content.decode()
    assert "火花がすごい" in html and "寒かった" not in html
    assert "a@example.jp" not in html and "山田花子" not in html  # anonymous

    changelist = client.get(reverse("admin:portal_surveyresponse_changelist"))
    assert RESULTS in changelist.content.decode()

    csv_response = client.get(RESULTS.replace("results/", "results.csv"), {"year": "2024"})
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    body = csv_response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    questions = questions_of("general")
    assert rows[0] == [
        "answered",
        "fiscal year",
        "programme type",
        "programme",
        "date",
        "questionnaire",
        *[q.text for q in questions],
    ]
    assert len(rows) == 4
    assert sorted(row[3] for row in rows[1:]) == ["旋盤体験会", "旋盤体験会", "溶接体験会"]
    assert {row[1] for row in rows[1:]} == {"FY2024 (Reiwa 6)"}
    assert "a@example.jp" not in body.decode("utf-8-sig")

    xlsx_response = client.get(RESULTS.replace("results/", "results.xlsx"))
    assert xlsx_response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("answered", "fiscal year") and len(values) == 5
    assert sorted(row[6] for row in values[1:]) == [1, 3, 4, 5]


def test_an_unknown_filter_value_is_ignored_and_said(client, secretariat_user, answered):
    client.force_login(secretariat_user)
    response = client.get(RESULTS, {"year": "20x0", "programme": "1-999999"})
    assert response.status_code == 200
    assert response.context["summary"].invited == 5
    assert [str(m) for m in response.context["messages"]] == [
        "Unknown filter value ignored: 20x0",
        "Unknown filter value ignored: 1-999999",
    ]


def test_partner_staff_see_only_their_own_programmes(client, answered, invite_past_session):
    other = OrganisationFactory()
    theirs = ExperienceEventFactory(title="他団体の体験会", provider=other, audiences=["elementary"])
    (invitation,) = invite_past_session(theirs, ["x@example.jp"])
    services.submit_survey_response(
        invitation=invitation, answers=full_answers(answered["questionnaire"], text="他団体の感想")
    )
    partner = UserFactory(is_staff=True, organisation=answered["lathe"].provider)
    partner.user_permissions.add(*Permission.objects.filter(codename__in=["view_surveyresponse"]))
    client.force_login(partner)
    response = client.get(RESULTS)
    assert response.status_code == 200
    assert (response.context["summary"].invited, response.context["summary"].answered) == (5, 4)
    assert "他団体の感想" not in response.content.decode()
    assert "他団体の体験会" not in response.content.decode()
    csv_text = client.get(RESULTS.replace("results/", "results.csv")).content.decode("utf-8-sig")
    assert "他団体" not in csv_text
    # another organisation's programme chosen by hand is an ignored value, not a leak
    response = client.get(RESULTS, {"programme": f"{_type(theirs)}-{theirs.pk}"})
    assert response.context["summary"].invited == 5
    listed = client.get(reverse("admin:portal_surveyresponse_changelist")).context["cl"].result_list
    assert invitation.response not in list(listed)


def test_staff_without_the_permission_get_no_results(client, answered):
    user = UserFactory(is_staff=True, organisation=answered["lathe"].provider)
    client.force_login(user)
    assert client.get(RESULTS).status_code == 403
    assert client.get(RESULTS.replace("results/", "results.csv")).status_code == 403
    client.logout()
    assert client.get(RESULTS).status_code == 302  # to the admin login


# --- Demo data -----------------------------------------------------------------------------------------------------


def test_demo_answers_for_past_sessions_without_mail(event, mailoutbox, django_capture_on_commit_callbacks):
    from portal.surveys.demo import seed_demo_surveys

    session = make_session(event)
    for email in ("a@example.jp", "b@example.jp", "c@example.jp"):
        sign_up(session, email)
    move_to_past(session)
    mailoutbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_surveys(stdout=out)
        seed_demo_surveys(stdout=out)  # idempotent
    invitations = SurveyInvitation.objects.filter(registration__session=session)
    assert invitations.count() == 3
    answered_count = invitations.answered().count()
    assert answered_count == len([i for i in invitations if i.pk % 3]) and answered_count >= 1
    assert SurveyResponse.objects.count() == answered_count
    assert mailoutbox == []
    assert out.getvalue() == (
        f"Demo surveys: 3 invitations, {answered_count} answers.Demo surveys: 0 invitations, 0 answers."
    )


def test_demo_data_adds_a_past_session_of_a_demo_programme_with_answers(mailoutbox, django_capture_on_commit_callbacks):
    from portal.surveys.demo import PAST_LABEL, seed_demo_surveys

    demo = ExperienceEventFactory(title="デモ体験会", is_demo=True)
    make_session(demo)
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_surveys(stdout=io.StringIO())
        seed_demo_surveys(stdout=io.StringIO())  # idempotent: one past session only
    (past,) = Session.objects.filter(label=PAST_LABEL)
    assert past.offering == demo and past.ends_at < timezone.now() and past.status == "done"
    assert past.registrations.filter(status="attended").count() == 5
    invitations = SurveyInvitation.objects.filter(registration__session=past)
    assert invitations.count() == 5  # the attended parties only
    assert 1 <= invitations.answered().count() < 5
    assert [message for message in mailoutbox if "questionnaire" in message.subject] == []  # invited, not mailed
