"""Offering an advisor request to senior advisors: the advisor's private link (accept, decline, wrong and
reused tokens), the requester told through the enquiry workflow, staff-only offer creation, outcomes, demo."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse

from portal.choices import EnquiryKind, EnquiryStatus
from portal.enquiries.services import submit_enquiry
from portal.models import Municipality, WorkingGroup
from supporters import advisor_services
from supporters.advisor_demo import ADVISOR_COUNT, seed_demo_advisors
from supporters.models import AdvisorOffer, AdvisorStatus, OfferStatus, SeniorAdvisor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BASE = "https://portal.example.jp"


@pytest.fixture
def group(organisation):
    group = WorkingGroup.load() or WorkingGroup(name="ワーキンググループ", purpose="…")
    group.secretariat = organisation
    group.save()
    return group


@pytest.fixture
def enquiry(group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit_enquiry(
            kind=EnquiryKind.ADVISOR,
            subject=group,
            provider=group.secretariat,
            data={
                "school_name": "北見市立テスト中学校",
                "teacher_name": "秘密 太郎",
                "email": "teacher@example.jp",
                "phone": "0157-99-9999",
                "grade": "中学2年",
                "pupils": 30,
                "preferred_date_1": dt.date.today() + dt.timedelta(days=30),
                "message": "旋盤の実技指導。場所: 北見市の本校。",
            },
            base_url=BASE,
        )
    mail.outbox.clear()
    return enquiry


def make_advisor(n=1, **fields):
    return SeniorAdvisor.objects.create(
        **{
            "name": f"アドバイザー{n}",
            "email": f"advisor{n}@example.jp",
            "phone": "090-1111-2222",
            "home_municipality": Municipality.objects.get(code="012084"),
            "status": AdvisorStatus.ACTIVE,
            "consent_to_contact": True,
            "trades": ["旋盤"],
            **fields,
        }
    )


@pytest.fixture
def offer_of(enquiry, secretariat_user, django_capture_on_commit_callbacks):
    def offer_of(advisor):
        with django_capture_on_commit_callbacks(execute=True):
            return advisor_services.offer_request(enquiry=enquiry, advisor=advisor, by=secretariat_user, base_url=BASE)

    return offer_of


def link(offer):
    return reverse("supporters:advisor-offer", kwargs={"token": offer.access_token})


def test_offer_mails_the_advisor_the_details_and_a_private_link(enquiry, offer_of):
    advisor = make_advisor()
    offer = offer_of(advisor)
    assert offer.status == OfferStatus.OFFERED
    assert offer.token_digest and offer.access_token not in offer.token_digest
    [message] = mail.outbox
    assert message.to == [advisor.email]
    body = message.body
    assert f"{BASE}/advisors/offers/{offer.access_token}/" in body
    assert "北見市立テスト中学校" in body and "中学2年" in body and "旋盤の実技指導" in body
    for private in ("秘密 太郎", "teacher@example.jp", "0157-99-9999"):
        assert private not in body
        assert private not in message.alternatives[0][0]
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.IN_PROGRESS


def test_the_link_shows_the_request_with_accept_and_decline_buttons(client, offer_of):
    offer = offer_of(make_advisor())
    response = client.get(link(offer))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="accept"' in content and 'value="decline"' in content
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "teacher@example.jp" not in content


def test_accept_settles_the_request_and_tells_requester_and_staff(client, post, enquiry, offer_of, secretariat_user):
    first, second = make_advisor(1), make_advisor(2)
    offer, other = offer_of(first), offer_of(second)
    mail.outbox.clear()
    response = post(client, link(offer), {"answer": "accept"})
    assert response.status_code == 200
    offer.refresh_from_db()
    other.refresh_from_db()
    enquiry.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.answered_at
    assert other.status == OfferStatus.WITHDRAWN
    assert enquiry.status == EnquiryStatus.ACCEPTED
    recipients = [message.to for message in mail.outbox]
    assert ["teacher@example.jp"] in recipients  # the enquiry workflow's own mail
    assert [secretariat_user.email] in recipients


def test_accept_from_a_new_request_goes_through_in_progress(
    enquiry, secretariat_user, django_capture_on_commit_callbacks
):
    advisor = make_advisor()
    offer = advisor_services.offer_request(enquiry=enquiry, advisor=advisor, by=secretariat_user, base_url=BASE)
    advisor_services.accept_offer(offer=offer, base_url=BASE)
    statuses = list(
        enquiry.events.exclude(to_status="").order_by("created_at", "pk").values_list("to_status", flat=True)
    )
    assert statuses == [EnquiryStatus.NEW, EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED]


def test_a_second_acceptance_is_refused_politely(client, post, offer_of):
    offer, other = offer_of(make_advisor(1)), offer_of(make_advisor(2))
    post(client, link(offer), {"answer": "accept"})
    response = post(client, link(other), {"answer": "accept"})  # withdrawn meanwhile
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.status == OfferStatus.WITHDRAWN
    assert 'id="link-used"' in response.content.decode()
    assert AdvisorOffer.objects.filter(status=OfferStatus.ACCEPTED).count() == 1


def test_the_database_allows_one_accepted_offer_per_request(offer_of):
    from django.db import IntegrityError, transaction

    offer, other = offer_of(make_advisor(1)), offer_of(make_advisor(2))
    AdvisorOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.ACCEPTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdvisorOffer.objects.filter(pk=other.pk).update(status=OfferStatus.ACCEPTED)


def test_service_refuses_a_second_acceptance(offer_of):
    offer, other = offer_of(make_advisor(1)), offer_of(make_advisor(2))
    AdvisorOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.ACCEPTED)
    with pytest.raises(advisor_services.RequestTaken):
        advisor_services.accept_offer(offer=other, base_url=BASE)


def test_decline_tells_staff_to_offer_the_next(client, post, enquiry, offer_of, secretariat_user):
    offer = offer_of(make_advisor())
    mail.outbox.clear()
    response = post(client, link(offer), {"answer": "decline"})
    assert response.status_code == 200
    offer.refresh_from_db()
    enquiry.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert enquiry.status == EnquiryStatus.IN_PROGRESS
    [message] = mail.outbox
    assert message.to == [secretariat_user.email]
    assert f"/admin/portal/enquiry/{enquiry.pk}/change/" in message.body  # staff go and offer the next one


@pytest.mark.parametrize("token", ["x" * 43, "short", "bad token with spaces!", "A" * 200])
def test_a_wrong_or_malformed_token_is_404(client, offer_of, token):
    offer_of(make_advisor())
    assert client.get(f"/advisors/offers/{token}/").status_code == 404
    assert client.post(f"/advisors/offers/{token}/", {"answer": "accept"}).status_code == 404


def test_a_prefix_of_a_real_token_is_404(client, offer_of):
    offer = offer_of(make_advisor())
    assert client.get(f"/advisors/offers/{offer.access_token[:-1]}/").status_code == 404


def test_a_reused_link_shows_already_answered(client, post, offer_of):
    offer = offer_of(make_advisor())
    post(client, link(offer), {"answer": "decline"})
    for method in (client.get, client.post):
        response = method(link(offer), {"answer": "accept"}) if method is client.post else method(link(offer))
        assert response.status_code == 200
        assert 'id="link-used"' in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED


# --- Staff: offer creation -------------------------------------------------------------------------------


def create_url(enquiry):
    return reverse("supporters:advisor-offer-create", kwargs={"enquiry_id": enquiry.pk})


def test_staff_offer_a_request_and_go_back(client, post, enquiry, secretariat_user):
    advisor = make_advisor()
    client.force_login(secretariat_user)
    response = post(client, create_url(enquiry), {"advisor": advisor.pk})
    assert response.status_code == 302
    offer = AdvisorOffer.objects.get()
    assert offer.advisor == advisor
    assert [message.to for message in mail.outbox] == [[advisor.email]]
    # a second offer to the same advisor is refused with a message
    response = post(client, create_url(enquiry), {"advisor": advisor.pk})
    assert response.status_code == 302
    assert AdvisorOffer.objects.count() == 1


def test_offer_creation_is_staff_only_and_post_only(client, enquiry, organisation, secretariat_user):
    advisor = make_advisor()
    assert client.post(create_url(enquiry), {"advisor": advisor.pk}).status_code == 302  # to the login page
    client.force_login(UserFactory(is_staff=False))
    assert client.post(create_url(enquiry), {"advisor": advisor.pk}).status_code == 403  # not staff
    client.force_login(UserFactory(is_staff=True, organisation=organisation))  # staff without the permission
    assert client.post(create_url(enquiry), {"advisor": advisor.pk}).status_code == 403
    client.force_login(secretariat_user)
    assert client.get(create_url(enquiry)).status_code == 405
    assert not AdvisorOffer.objects.exists()


def test_inactive_or_unconsenting_advisors_are_not_offered(enquiry, secretariat_user):
    for n, fields in enumerate([{"status": AdvisorStatus.PAUSED}, {"consent_to_contact": False}], start=1):
        with pytest.raises(advisor_services.OfferError):
            advisor_services.offer_request(
                enquiry=enquiry, advisor=make_advisor(n, **fields), by=secretariat_user, base_url=BASE
            )


def test_outcome_records_people_reached(enquiry, offer_of, secretariat_user):
    offer = offer_of(make_advisor())
    advisor_services.accept_offer(offer=offer, base_url=BASE)
    enquiry.refresh_from_db()
    advisor_services.record_outcome(enquiry=enquiry, participants=28, by=secretariat_user)
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.DONE
    assert enquiry.participants_reached == 28


# --- Demo ---------------------------------------------------------------------------------------------


def test_demo_is_idempotent(group, settings):
    settings.PORTAL_BASE_URL = BASE
    seed_demo_advisors(stdout=io.StringIO())
    advisors = SeniorAdvisor.objects.filter(is_demo=True)
    assert advisors.count() == ADVISOR_COUNT
    assert {advisor.status for advisor in advisors} == {
        AdvisorStatus.ACTIVE,
        AdvisorStatus.PAUSED,
        AdvisorStatus.APPLIED,
    }
    assert all(advisor.email.endswith("@example.jp") for advisor in advisors)
    from portal.enquiries.models import Enquiry

    requests = Enquiry.objects.filter(kind=EnquiryKind.ADVISOR)
    assert set(requests.values_list("status", flat=True)) == {
        EnquiryStatus.NEW,
        EnquiryStatus.IN_PROGRESS,
        EnquiryStatus.ACCEPTED,
        EnquiryStatus.DONE,
    }
    assert requests.get(status=EnquiryStatus.DONE).participants_reached
    assert AdvisorOffer.objects.filter(status=OfferStatus.OFFERED).exists()
    counts = (advisors.count(), requests.count(), AdvisorOffer.objects.count())
    seed_demo_advisors(stdout=io.StringIO())
    assert (advisors.count(), requests.count(), AdvisorOffer.objects.count()) == counts
