"""Forms of the programmes app."""

from portal.enquiries.forms import EnquiryRequestForm
from programmes.models import FactoryTour


class TourRequestForm(EnquiryRequestForm):
    """A school's request for a factory tour: the shared request form, with the tour's booking lead time.

    A group size, month or weekday the tour does not usually take does not block the request; the
    service records it as a note (programmes.services.tour_request_notes).
    """

    def __init__(self, *args, tour: FactoryTour, **kwargs):
        self.tour = tour
        super().__init__(*args, lead_time_days=tour.lead_time_days, **kwargs)
