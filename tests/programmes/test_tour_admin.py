"""The factory tours' admin: status actions through the services, with honest counts, and who may use them."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal import dates
from portal.choices import ListingStatus
from programmes.models import FactoryTour
from tests.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:programmes_factorytour_changelist")


def act(client, action, tours, query=""):
    response = client.post(
        CHANGELIST + query, {"action": action, "_selected_action": [tour.pk for tour in tours]}, follow=True
    )
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_publish_says_how_many_changed_and_how_many_could_not(client, secretariat_user):
    drafts = [FactoryTourFactory(status=ListingStatus.DRAFT) for _ in range(2)]
    published = FactoryTourFactory(status=ListingStatus.PUBLISHED)
    client.force_login(secretariat_user)
    messages = act(client, "publish", [*drafts, published])
    assert messages == ["2件を公開しました。", "1件は、現在の状態ではこの操作ができないため変更しませんでした。"]
    assert set(FactoryTour.objects.values_list("status", flat=True)) == {ListingStatus.PUBLISHED}
    assert drafts[0].history.first().history_user == secretariat_user


def test_archive_and_return_to_draft(client, secretariat_user):
    tour = FactoryTourFactory()
    client.force_login(secretariat_user)
    assert act(client, "archive", [tour]) == ["1件の公開を終了しました。"]
    assert act(client, "return_to_draft", [tour]) == ["1件を下書きに戻しました。"]
    tour.refresh_from_db()
    assert tour.status == ListingStatus.DRAFT


def test_confirm_today_records_the_date(client, secretariat_user):
    tour = FactoryTourFactory(confirmed_on=None)
    client.force_login(secretariat_user)
    assert act(client, "confirm_today", [tour]) == [f"1件の情報確認日を{dates.format_date(dates.today())}にしました。"]
    tour.refresh_from_db()
    assert tour.confirmed_on == dates.today()


def test_partner_editor_submits_for_review_but_cannot_publish(client, partner_editor):
    own = FactoryTourFactory(status=ListingStatus.DRAFT, provider=partner_editor.organisation)
    other = FactoryTourFactory(status=ListingStatus.DRAFT)
    client.force_login(partner_editor)
    actions = dict(client.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert "submit_for_review" in actions
    assert {"publish", "archive", "return_to_draft"}.isdisjoint(actions)
    act(client, "publish", [own])
    own.refresh_from_db()
    assert own.status == ListingStatus.DRAFT  # no such action for them: nothing happens
    assert act(client, "submit_for_review", [own, other]) == ["1件を審査に出しました。"]
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == (ListingStatus.PENDING_REVIEW, ListingStatus.DRAFT)


def test_not_confirmed_this_fiscal_year_filter(client, secretariat_user):
    first_day, _last = dates.fiscal_year_bounds(dates.fiscal_year())
    fresh = FactoryTourFactory(confirmed_on=first_day)
    stale = FactoryTourFactory(confirmed_on=first_day.replace(year=first_day.year - 1))
    never = FactoryTourFactory(confirmed_on=None)
    client.force_login(secretariat_user)
    response = client.get(CHANGELIST + "?confirmed=not_this_year")
    assert sorted(tour.pk for tour in response.context["cl"].result_list) == sorted([stale.pk, never.pk])
    response = client.get(CHANGELIST + "?confirmed=this_year")
    assert [tour.pk for tour in response.context["cl"].result_list] == [fresh.pk]
