"""The place of a request, for the staff reports' coverage: each request flow records the municipality where the
visit, lecture or dispatch takes place (Enquiry.municipality), and a carried-out request counts there."""

import pytest

from portal import dates
from portal.choices import EnquiryStatus
from portal.enquiries.models import Enquiry
from portal.enquiries.services import change_enquiry_status
from portal.reports.figures import compute_report
from tests.factories import FactoryTourFactory, UserFactory
from tests.programmes.test_tour_request import form_data as tour_form
from tests.seminars.test_lectures import LectureOfferFactory
from tests.seminars.test_lectures import form_data as lecture_form
from tests.supporters.test_advisors_public import request_data as advisor_form
from tests.supporters.test_advisors_public import secretariat  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

ASAHIKAWA, OBIHIRO, ENGARU = "012041", "012076", "015555"


def test_a_tour_request_is_at_the_tour(client, post):
    tour = FactoryTourFactory(municipality_code=ASAHIKAWA)
    response = post(client, f"/tours/{tour.pk}/request/", tour_form())
    assert response.status_code == 302
    assert Enquiry.objects.get().municipality_id == ASAHIKAWA


def test_a_lecture_request_is_at_the_place_the_school_gives(client, post):
    offer = LectureOfferFactory()
    response = post(client, f"/seminars/lectures/{offer.pk}/request/", lecture_form(place_municipality=OBIHIRO))
    assert response.status_code == 302
    assert Enquiry.objects.get().municipality_id == OBIHIRO


def test_an_advisor_request_is_at_the_place_it_asks_for(client, post, secretariat):  # noqa: F811
    response = post(client, "/advisors/request/", advisor_form(municipality=ENGARU))
    assert response.status_code == 302
    assert Enquiry.objects.get().municipality_id == ENGARU


def test_a_request_carried_out_counts_at_its_place(client, post):
    tour = FactoryTourFactory(municipality_code=ASAHIKAWA)
    post(client, f"/tours/{tour.pk}/request/", tour_form())
    enquiry = Enquiry.objects.get()
    staff = UserFactory(is_staff=True, organisation=tour.provider)
    for status in (EnquiryStatus.IN_PROGRESS, EnquiryStatus.ACCEPTED, EnquiryStatus.DONE):
        change_enquiry_status(enquiry=enquiry, to=status, by=staff)
    report = compute_report(year=dates.fiscal_year())
    assert report.coverage_counts == {ASAHIKAWA: 1}
    assert report.table("overview").row("municipalities").values[0].this == 1
