"""The one FilterSet of the seminars: it drives /seminars/, its PDF and the map (DESIGN.md).

``q kind subprefecture audience from to available``: the place, dates and seats are facts of a seminar's
sessions (portal.booking.filters, shared with the experience events).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.booking.filters import SessionListingFilter
from portal.widgets import FastSelect
from seminars.models import Seminar
from seminars.models.seminar import SeminarKind


class SeminarFilter(SessionListingFilter):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=SeminarKind.choices, empty_label=_("All kinds"), widget=FastSelect
    )
    municipality = None  # not offered on /seminars/ (DESIGN.md)

    class Meta(SessionListingFilter.Meta):
        model = Seminar

    def map_query(self) -> str:
        """The query for the portal map: there ?kind= chooses the layers, so the seminar kind stays behind."""
        return self.query_without("kind")


# the public order of the form and its chips: q kind subprefecture audience from to available
SeminarFilter.base_filters = {
    name: SeminarFilter.base_filters[name]
    for name in ("q", "kind", "subprefecture", "audience", "from", "to", "available")
}
