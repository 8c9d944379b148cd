"""Ranking advisors for a request (supporters.matching) and the staff pages around it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal import dates
from portal.choices import EnquiryKind
from portal.enquiries import services
from portal.models import Municipality, Subprefecture
from portal.roles import PARTNER_EDITOR
from supporters import matching
from supporters.matching import WEIGHTS, MatchRequest, rank
from supporters.models import AdvisorActivity, AdvisorOffer, AdvisorStatus, OfferStatus, SeniorAdvisor, TradeGroup
from tests.factories import FactoryTourFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

KITAMI, BIHORO, ABASHIRI, ASAHIKAWA, SAPPORO = "012084", "015431", "012114", "012041", "011002"


@pytest.fixture(autouse=True)
def english():
    """Reasons are checked in English (their msgids); staff read them in Japanese."""
    with translation.override("en"):
        yield


def town(code):
    return Municipality.objects.get(code=code)


def advisor(**fields):
    values = {
        "name": "候補",
        "email": "advisor@example.jp",
        "home_municipality": town(fields.pop("home", KITAMI)),
        "travel_radius_km": 50,
        "trades": ["旋盤"],
        "activities": [AdvisorActivity.HANDS_ON],
        "status": AdvisorStatus.ACTIVE,
        "consent_to_contact": True,
    }
    values.update(fields)
    return SeniorAdvisor.objects.create(**values)


def request_for(**fields):
    values = {"purpose": "", "trade": "旋盤", "municipality": town(KITAMI), "weekdays": [], "months": []}
    values.update(fields)
    return MatchRequest(**values)


def order(candidates):
    return [candidate.advisor for candidate in candidates]


def reason(candidate, criterion):
    return next(r for r in candidate.reasons if r.criterion == criterion)


def by_advisor(candidates, who):
    return next(candidate for candidate in candidates if candidate.advisor == who)


# --- Each criterion moves a candidate as documented ---------------------------------------------------


def test_exact_trade_beats_related_beats_none():
    TradeGroup.objects.create(name="機械加工", trades=["旋盤", "フライス盤", "NC加工"])
    none = advisor(trades=["溶接"])
    related = advisor(trades=["ＮＣ加工"])  # full width: matched after NFKC
    exact = advisor(trades=["溶接", "旋盤"])
    candidates = rank(request_for(trade="旋盤"))
    assert order(candidates) == [exact, related, none]
    assert [reason(c, "trade").points for c in candidates] == [
        WEIGHTS["trade_exact"].points,
        WEIGHTS["trade_related"].points,
        0,
    ]
    assert "機械加工" in reason(candidates[1], "trade").words


def test_a_trade_groups_name_relates_to_its_members():
    TradeGroup.objects.create(name="機械加工", trades=["旋盤"])
    lathe = advisor(trades=["旋盤"])
    other = advisor(trades=["塗装"])
    assert order(rank(request_for(trade="機械加工"))) == [lathe, other]


def test_nearer_beats_farther_within_the_radius():
    far = advisor(home=ABASHIRI)
    near = advisor(home=BIHORO)
    here = advisor(home=KITAMI)
    candidates = rank(request_for())
    assert order(candidates) == [here, near, far]
    assert reason(candidates[0], "distance").points == WEIGHTS["distance"].points
    assert 0 < reason(candidates[2], "distance").points < reason(candidates[1], "distance").points
    assert 30 < candidates[2].distance_km < 60  # 北見 → 網走


def test_available_beats_partly_available():
    partly = advisor(available_weekdays=[0, 1])  # Monday, Tuesday
    always = advisor(available_weekdays=[])  # any day
    candidates = rank(request_for(weekdays=[1, 2]))
    assert order(candidates) == [always, partly]
    assert reason(candidates[0], "availability").points == WEIGHTS["availability"].points
    assert reason(candidates[1], "availability").points == WEIGHTS["availability"].points / 2


def test_purpose_match_ranks_higher():
    talks = advisor(activities=[AdvisorActivity.CAREER_TALK])
    teaches = advisor(activities=[AdvisorActivity.HANDS_ON, AdvisorActivity.CAREER_TALK])
    candidates = rank(request_for(purpose=AdvisorActivity.HANDS_ON))
    assert order(candidates) == [teaches, talks]
    assert reason(candidates[0], "purpose").points == WEIGHTS["purpose"].points


def offer(advisor_, status, answered_at, organisation):
    tour = FactoryTourFactory(provider=organisation)
    enquiry = services.submit_enquiry(
        kind=EnquiryKind.ADVISOR, subject=tour, data=requester_data(), base_url="https://portal.example.jp/"
    )
    return AdvisorOffer.objects.create(
        enquiry=enquiry,
        advisor=advisor_,
        status=status,
        token_nonce=f"n{AdvisorOffer.objects.count()}-{advisor_.pk}",
        token_digest=f"{AdvisorOffer.objects.count():064x}"[-64:],
        answered_at=answered_at,
    )


def test_fewer_assignments_this_fiscal_year_rank_higher(organisation):
    year = dates.fiscal_year()
    this_year = timezone.make_aware(dt.datetime(year, 6, 1, 10))
    last_year = timezone.make_aware(dt.datetime(year - 1, 6, 1, 10))
    busy = advisor()
    rested = advisor()  # registered later: without the fairness term, busy would come first
    offer(busy, OfferStatus.ACCEPTED, this_year, organisation)
    offer(rested, OfferStatus.ACCEPTED, last_year, organisation)  # another fiscal year
    offer(rested, OfferStatus.DECLINED, this_year, organisation)  # not an assignment
    candidates = rank(request_for(fiscal_year=year))
    assert order(candidates) == [rested, busy]
    assert by_advisor(candidates, busy).assignments == 1
    assert reason(by_advisor(candidates, busy), "fairness").points == (
        WEIGHTS["fairness"].points - WEIGHTS["fairness_per_assignment"].points
    )
    assert reason(by_advisor(candidates, rested), "fairness").points == WEIGHTS["fairness"].points


def test_ties_are_broken_by_pk():
    first, second, third = advisor(), advisor(), advisor()
    candidates = rank(request_for())
    assert len({candidate.score for candidate in candidates}) == 1
    assert order(candidates) == [first, second, third]


def test_score_is_the_sum_of_the_reasons():
    advisor(home=BIHORO)
    (candidate,) = rank(request_for(purpose=AdvisorActivity.HANDS_ON, weekdays=[2], months=[10]))
    assert {r.criterion for r in candidate.reasons} == {"trade", "distance", "availability", "purpose", "fairness"}
    assert candidate.score == pytest.approx(sum(r.points for r in candidate.reasons), abs=0.11)
    assert candidate.score <= matching.maximum_score()


# --- Exclusions, with why ---------------------------------------------------------------------------


def test_exclusions_come_last_with_their_reasons():
    paused = advisor(status=AdvisorStatus.PAUSED)
    silent = advisor(consent_to_contact=False)
    far = advisor(home=SAPPORO)
    summer_only = advisor(available_months=[7, 8])
    weekends_only = advisor(available_weekdays=[5, 6])
    ok = advisor(trades=["溶接"])  # a poor match, but a candidate
    candidates = rank(request_for(weekdays=[0, 1], months=[10]))
    assert order(candidates)[0] == ok
    assert not candidates[0].is_excluded
    why = {candidate.advisor: candidate.excluded for candidate in candidates}
    assert "not active" in why[paused]
    assert "consent" in why[silent]
    assert why[far].startswith("out of range: ") and "km > 50 km" in why[far]
    assert "unavailable in 10月" in why[summer_only]
    assert "unavailable on 月・火" in why[weekends_only]
    assert all(candidate.is_excluded for candidate in candidates[1:])


def test_areas_served_rescue_an_advisor_out_of_their_radius():
    okhotsk = Subprefecture.objects.get(pk=town(KITAMI).subprefecture_id)
    stranger = advisor(home=ASAHIKAWA)
    rescued = advisor(home=ASAHIKAWA)
    rescued.areas.add(okhotsk)
    candidates = {candidate.advisor: candidate for candidate in rank(request_for())}
    assert candidates[stranger].excluded.startswith("out of range")
    assert candidates[rescued].excluded is None
    assert reason(candidates[rescued], "distance").points == WEIGHTS["area_served"].points


def test_no_place_scores_no_distance_and_excludes_nobody():
    advisor(home=SAPPORO)
    (candidate,) = rank(request_for(municipality=None))
    assert candidate.excluded is None
    assert reason(candidate, "distance").points == 0


# --- Cost -------------------------------------------------------------------------------------------


def make_many(n):
    kitami = town(KITAMI)
    okhotsk = Subprefecture.objects.get(pk=kitami.subprefecture_id)
    created = SeniorAdvisor.objects.bulk_create(
        SeniorAdvisor(
            name=f"大勢{i}",
            email=f"a{i}@example.jp",
            home_municipality=kitami,
            trades=["旋盤"],
            status=AdvisorStatus.ACTIVE,
            consent_to_contact=True,
        )
        for i in range(n)
    )
    SeniorAdvisor.areas.through.objects.bulk_create(
        SeniorAdvisor.areas.through(senioradvisor_id=a.pk, subprefecture_id=okhotsk.pk) for a in created
    )


def count_queries():
    match_request = request_for(purpose=AdvisorActivity.LECTURE, weekdays=[1], months=[5])
    expected = SeniorAdvisor.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert len(rank(match_request)) == expected
    return len(queries)


def test_queries_are_constant():
    TradeGroup.objects.create(name="機械加工", trades=["旋盤", "フライス盤"])
    make_many(10)
    few = count_queries()
    make_many(90)
    assert count_queries() == few <= 4


# --- The staff pages --------------------------------------------------------------------------------


def requester_data():
    return {
        "school_name": "北見市立北中学校",
        "teacher_name": "山田花子",
        "email": "yamada@school.example.jp",
        "phone": "0158-42-1234",
        "grade": "中学2年",
        "pupils": 38,
        "adults": 3,
        "preferred_date_1": dates.today() + dt.timedelta(days=30),
        "coming_by_bus": False,
        "message": "旋盤の実習をお願いしたい",
    }


@pytest.fixture
def enquiry(organisation):
    tour = FactoryTourFactory(provider=organisation)
    return services.submit_enquiry(
        kind=EnquiryKind.ADVISOR, subject=tour, data=requester_data(), base_url="https://portal.example.jp/"
    )


def match_path(enquiry):
    return reverse("supporters:advisor-match", kwargs={"enquiry_id": enquiry.pk})


def test_staff_see_the_ranked_and_the_excluded(client, secretariat_user, enquiry):
    good = advisor(name="良い候補")
    paused = advisor(name="休止中の人", status=AdvisorStatus.PAUSED)
    client.force_login(secretariat_user)
    response = client.get(match_path(enquiry), {"trade": "旋盤", "municipality": KITAMI, "weekdays": [1]})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="candidate-{good.pk}"' in html
    assert f'id="excluded-{paused.pk}"' in html
    assert "not active" in html
    assert response.context["ranked"][0].advisor == good
    assert response.context["match_request"].weekdays == [1]


def test_a_partner_editor_sees_their_own_organisations_requests_only(client, partner_editor, enquiry):
    client.force_login(partner_editor)
    assert client.get(match_path(enquiry)).status_code == 200
    other = UserFactory(is_staff=True, organisation=OrganisationFactory())
    other.groups.add(Group.objects.get(name=PARTNER_EDITOR))
    client.force_login(other)
    assert client.get(match_path(enquiry)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(enquiry):
    response = Client().get(match_path(enquiry))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert Client().get(reverse("supporters:advisor-match-help")).status_code == 302


def test_staff_without_the_enquiry_permission_are_refused(client, enquiry):
    user = UserFactory(is_staff=True, organisation=enquiry.provider)
    client.force_login(user)
    assert client.get(match_path(enquiry)).status_code == 403


def test_the_help_page_is_generated_from_the_weights(client, secretariat_user, monkeypatch):
    client.force_login(secretariat_user)
    html = client.get(reverse("supporters:advisor-match-help")).content.decode()
    for key, weight in WEIGHTS.items():
        assert f'id="weight-{key}"' in html
        assert str(weight.label) in html
    changed = {**WEIGHTS, "trade_exact": WEIGHTS["trade_exact"]._replace(points=77)}
    monkeypatch.setattr(matching, "WEIGHTS", changed)
    html = client.get(reverse("supporters:advisor-match-help")).content.decode()
    assert "<td>77</td>" in html


def test_the_criteria_are_prefilled_from_the_enquiry_when_a_parser_exists(
    client, secretariat_user, enquiry, monkeypatch
):
    import sys
    import types

    parser = types.ModuleType("supporters.advisor_forms")
    parser.advisor_request_details = lambda _enquiry: {
        "purpose": AdvisorActivity.HANDS_ON,
        "trade": "溶接",
        "municipality": town(BIHORO),
        "weekdays": [2],
        "months": [],
    }
    monkeypatch.setitem(sys.modules, "supporters.advisor_forms", parser)
    client.force_login(secretariat_user)
    response = client.get(match_path(enquiry))
    assert response.status_code == 200
    match_request = response.context["match_request"]
    assert (match_request.purpose, match_request.trade, match_request.weekdays) == ("hands_on", "溶接", [2])
    assert match_request.municipality.code == BIHORO
    assert 'value="溶接"' in response.content.decode()
