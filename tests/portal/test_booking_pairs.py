"""Pairs (issue 6): a parent seminar held together with the pupils' tour. A family books both sessions at once,
both or none; a pair on the waiting list moves up only together; cancelling can take both."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.utils import translation

from portal.booking import services
from portal.booking.models import Registration, Session
from portal.choices import RegistrationKind, RegistrationStatus
from tests.factories import FactoryTourFactory
from tests.portal.test_booking_views import family_post, reverse, signup_url

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def make_pair(*, capacity=10, partner_capacity=10, **fields) -> tuple[Session, Session]:
    tour = FactoryTourFactory()
    starts_at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=30)

    def session(capacity, label) -> Session:
        return Session.objects.create(
            offering=tour,
            label=label,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            venue_name="北見工場",
            municipality=tour.municipality,
            capacity=capacity,
            **fields,
        )

    seminar, pupils_tour = session(capacity, "保護者セミナー"), session(partner_capacity, "生徒の見学")
    seminar.paired_with = pupils_tour
    seminar.save(update_fields=["paired_with"])
    return seminar, pupils_tour


def family(n: int, seats: int = 2) -> dict:
    return {
        "kind": RegistrationKind.FAMILY,
        "contact_name": f"家族{n}",
        "contact_kana": "カゾク",
        "email": f"family{n}@example.jp",
        "phone": "0157-00-0000",
        "children_grades": ["j2"] * (seats - 1),
        "adults": 1,
    }


def seats(*sessions) -> list[int]:
    return [Session.objects.get(pk=session.pk).seats_taken for session in sessions]


def status(registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


@pytest.mark.django_db
def test_a_pair_is_booked_both_at_once(mailoutbox, django_capture_on_commit_callbacks):
    seminar, pupils_tour = make_pair()
    with django_capture_on_commit_callbacks(execute=True):
        first, second = services.register_pair(session=seminar, data=family(1), language="en")
    assert (first.session, second.session) == (seminar, pupils_tour)
    assert (first.status, second.status) == (CONFIRMED, CONFIRMED)
    assert (first.pair, second.pair) == (second, first)
    assert seats(seminar, pupils_tour) == [2, 2]
    assert sorted(message.to[0] for message in mailoutbox) == ["family1@example.jp"] * 2
    # the same from the other side of the pair
    third, fourth = services.register_pair(session=pupils_tour, data=family(2), language="en")
    assert (third.session, fourth.session) == (pupils_tour, seminar)


@pytest.mark.django_db
def test_when_one_half_is_full_both_wait_together_and_move_up_together(mailoutbox, django_capture_on_commit_callbacks):
    seminar, pupils_tour = make_pair(capacity=4, partner_capacity=2)
    first_half, second_half = services.register_pair(session=seminar, data=family(1), language="en")
    assert seats(seminar, pupils_tour) == [2, 2]  # the pupils' tour is now full

    waiting = services.register_pair(session=seminar, data=family(2), language="en")
    assert [status(half) for half in waiting] == [WAITLISTED, WAITLISTED]  # not a confirmed seminar alone
    assert seats(seminar, pupils_tour) == [2, 2]

    # a seat frees up in the seminar only: the pair stays waiting, never half promoted
    services.change_capacity(session=seminar, capacity=6)
    assert [status(half) for half in waiting] == [WAITLISTED, WAITLISTED]

    # the first family cancels the tour only: now both halves fit and move up together
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(registration=second_half)
    assert sorted(registration.pk for registration in promoted) == sorted(half.pk for half in waiting)
    assert [status(half) for half in waiting] == [CONFIRMED, CONFIRMED]
    assert status(first_half) == CONFIRMED  # cancelling one half leaves the other
    assert seats(seminar, pupils_tour) == [4, 2]
    subjects = [message.subject for message in mailoutbox]
    assert sum("A place has freed up" in subject for subject in subjects) == 2


@pytest.mark.django_db
def test_no_room_and_no_waiting_list_books_neither():
    seminar, pupils_tour = make_pair(capacity=10, partner_capacity=2, waitlist_enabled=False)
    services.register_pair(session=seminar, data=family(1), language="en")
    with pytest.raises(services.BookingError) as error:
        services.register_pair(session=seminar, data=family(2), language="en")
    assert error.value.code == "pair_full"
    assert "neither was booked" in error.value.messages[0]
    assert Registration.objects.filter(email="family2@example.jp").count() == 0
    assert seats(seminar, pupils_tour) == [2, 2]


@pytest.mark.django_db
def test_a_family_already_booked_on_either_side_is_told_in_general_terms(mailoutbox):
    seminar, pupils_tour = make_pair()
    services.register(session=pupils_tour, data=family(1), language="en")
    mailoutbox.clear()
    with pytest.raises(services.AlreadyRegistered):
        services.register_pair(session=seminar, data={**family(1), "email": "FAMILY1@example.jp"}, language="en")
    assert Registration.objects.filter(session=seminar).count() == 0
    assert [message.to for message in mailoutbox] == [["family1@example.jp"]]  # its link, to its owner


@pytest.mark.django_db
def test_unpaired_and_lottery_sessions_are_not_booked_in_pairs():
    seminar, _pupils_tour = make_pair()
    lone = FactoryTourFactory()
    alone = Session.objects.create(
        offering=lone,
        starts_at=seminar.starts_at,
        ends_at=seminar.ends_at,
        venue_name="会場",
        municipality=lone.municipality,
        capacity=5,
    )
    with pytest.raises(services.BookingError) as error:
        services.register_pair(session=alone, data=family(1))
    assert error.value.code == "not_paired"
    Session.objects.filter(pk=seminar.pk).update(allocation="lottery")
    with pytest.raises(services.BookingError) as error:
        services.register_pair(session=seminar, data=family(2))
    assert error.value.code == "pair_lottery"
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_cancelling_both_frees_both_and_moves_both_waiting_lists(mailoutbox):
    seminar, pupils_tour = make_pair(capacity=2, partner_capacity=2)
    first, second = services.register_pair(session=seminar, data=family(1), language="en")
    waiting_seminar = services.register(session=seminar, data=family(2), language="en")
    waiting_tour = services.register(session=pupils_tour, data=family(3), language="en")
    assert [status(waiting_seminar), status(waiting_tour)] == [WAITLISTED, WAITLISTED]

    promoted = services.cancel_registration(registration=second, with_pair=True)
    assert [status(first), status(second)] == [CANCELLED, CANCELLED]
    assert {registration.pk for registration in promoted} == {waiting_seminar.pk, waiting_tour.pk}
    assert seats(seminar, pupils_tour) == [2, 2]


# --- under concurrency: 30 families race for the last 5 pairs ----------------------------------------


def race(session: Session, parties: list[tuple[str, int]]) -> list[BaseException]:
    """Release every sign-up at once from a barrier, one thread and database connection each; ``parties`` are
    ("pair", n) for a pair booking or ("single", n) for the pupils' tour alone."""
    barrier = threading.Barrier(len(parties))
    errors = []

    def one(party) -> None:
        kind, n = party
        try:
            barrier.wait(timeout=60)
            if kind == "pair":
                services.register_pair(session=session, data=family(n, seats=1))
            else:
                services.register(session=session.partner, data=family(n, seats=1))
        except services.BookingError as error:
            errors.append(error)
        except BaseException as error:  # anything else fails the test below
            errors.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(parties)) as pool:
        list(pool.map(one, parties))
    return errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thirty_families_race_for_the_last_five_pairs_never_a_half_pair():
    seminar, pupils_tour = make_pair(capacity=5, partner_capacity=5, waitlist_enabled=False)
    errors = race(seminar, [("pair", n) for n in range(30)])

    assert all(isinstance(error, services.BookingError) and error.code == "pair_full" for error in errors)
    assert len(errors) == 25
    seminar_rows = list(Registration.objects.filter(session=seminar))
    assert len(seminar_rows) == 5
    for row in seminar_rows:
        assert row.status == CONFIRMED and row.pair is not None and row.pair.status == CONFIRMED
    assert Registration.objects.filter(session=pupils_tour).count() == 5
    assert seats(seminar, pupils_tour) == [5, 5]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pairs_and_single_sign_ups_racing_with_waiting_lists_keep_both_halves_together():
    seminar, pupils_tour = make_pair(capacity=5, partner_capacity=8)
    errors = race(seminar, [("pair", n) for n in range(20)] + [("single", 100 + n) for n in range(10)])
    assert errors == []

    assert seats(seminar, pupils_tour) == [
        Registration.objects.filter(session=seminar, status=CONFIRMED).count(),
        Registration.objects.filter(session=pupils_tour, status=CONFIRMED).count(),
    ]
    assert Session.objects.get(pk=seminar.pk).seats_taken <= 5
    assert Session.objects.get(pk=pupils_tour.pk).seats_taken == 8
    for row in Registration.objects.filter(session=seminar):
        assert row.pair is not None and row.pair.status == row.status  # never a half pair
    # cancelling confirmed pairs moves the waiting pairs up together
    for row in Registration.objects.filter(session=seminar, status=CONFIRMED)[:2]:
        services.cancel_registration(registration=row, with_pair=True)
    for row in Registration.objects.filter(session=seminar).exclude(status=CANCELLED):
        assert row.pair.status == row.status


# --- the pages: book the pair on the sign-up page, see it, cancel both -------------------------------


@pytest.mark.django_db
def test_the_sign_up_page_books_the_pair_and_the_cancel_page_offers_both(client, post):
    seminar, pupils_tour = make_pair(capacity=10, partner_capacity=10)
    page = client.get(signup_url(seminar)).content.decode()
    assert 'name="book_pair"' in page and "both or none" in page

    response = post(client, signup_url(seminar), family_post(book_pair="on"))
    assert response.status_code == 302
    first = Registration.objects.get(session=seminar)
    second = Registration.objects.get(session=pupils_tour)
    assert first.pair == second and (first.status, second.status) == (CONFIRMED, CONFIRMED)
    assert len(mail.outbox) == 2
    detail = client.get(response["Location"]).content.decode()
    assert "Booked together with" in detail and second.access_token in detail

    cancel_url = reverse("registration-cancel", args=[first.access_token])
    assert "Cancel both" in client.get(cancel_url).content.decode()
    post(client, cancel_url, {"scope": "both"})
    assert [status(first), status(second)] == [CANCELLED, CANCELLED]
    assert seats(seminar, pupils_tour) == [0, 0]


@pytest.mark.django_db
def test_unticked_the_sign_up_books_this_session_only(client, post):
    seminar, pupils_tour = make_pair()
    post(client, signup_url(pupils_tour), family_post())  # book_pair left unticked
    assert Registration.objects.filter(session=pupils_tour).count() == 1
    assert Registration.objects.filter(session=seminar).count() == 0


@pytest.mark.django_db
def test_a_full_half_without_waiting_list_is_said_on_the_form_and_nothing_is_booked(client, post):
    seminar, pupils_tour = make_pair(capacity=10, partner_capacity=3, waitlist_enabled=False)
    services.register(session=pupils_tour, data=family(1, seats=3), language="en")  # the tour is full
    Session.objects.filter(pk=pupils_tour.pk).update(waitlist_enabled=True)  # still offered, then full meanwhile
    page = client.get(signup_url(seminar)).content.decode()
    assert 'name="book_pair"' in page
    Session.objects.filter(pk=pupils_tour.pk).update(waitlist_enabled=False)
    response = post(client, signup_url(seminar), family_post(book_pair="on"))
    assert response.status_code == 200
    assert "neither was booked" in response.content.decode()
    assert Registration.objects.filter(email="hanako@example.jp").count() == 0
