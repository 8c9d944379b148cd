"""Staff reports: the fiscal-year report's figures, charts and coverage map.

The core counts what the apps describe: each app's AppConfig may have ``report_sources(self)``, returning
a list of the descriptions below (the core imports no app, DESIGN.md). ``figures.compute_report`` reads them.

    def report_sources(self):  # in the app's AppConfig
        from portal.reports import ReportProgramme
        from programmes.models import ExperienceEvent

        return [ReportProgramme(label=_("Events"), model=ExperienceEvent, funding_scheme_field="funding_scheme")]
"""

from dataclasses import dataclass, field

from django.db.models import Q

#: A programme held in dated sessions of the booking engine (portal.booking.Session.offering).
SESSIONS = "sessions"
#: A programme carried out on request through the enquiry workflow (portal.enquiries.Enquiry.subject).
ENQUIRIES = "enquiries"


@dataclass(frozen=True)
class ReportProgramme:
    """A kind of programme an app lists, as the staff reports count it.

    ``model`` is the listed model: the ``offering`` of its sessions (``held_by=SESSIONS``) or the ``subject``
    of the requests of ``enquiry_kind`` (``held_by=ENQUIRIES``; ``model`` may then be None when the subject
    is no listing of the app, e.g. advisor requests). The other fields name fields of ``model``:
    ``funding_scheme_field`` its FundingScheme (None: never funded by one), ``provider_field`` its providing
    Organisation (None: none), ``audiences_field`` its list of audiences (who the adults of a family sign-up
    are), ``variant_field`` a field with choices giving one report row per value (e.g. a seminar's kind).
    """

    label: str
    model: type | None = None
    held_by: str = SESSIONS
    enquiry_kind: str = ""
    funding_scheme_field: str | None = None
    provider_field: str | None = "provider"
    audiences_field: str | None = "audiences"
    variant_field: str | None = None

    def __post_init__(self):
        if self.held_by not in (SESSIONS, ENQUIRIES):
            raise ValueError(f"held_by must be {SESSIONS!r} or {ENQUIRIES!r}, not {self.held_by!r}")
        if self.held_by == SESSIONS and self.model is None:
            raise ValueError("A programme held in sessions needs its model.")
        if self.held_by == ENQUIRIES and not self.enquiry_kind:
            raise ValueError("A programme carried out on request needs its enquiry_kind.")


@dataclass(frozen=True)
class ReportCount:
    """Something counted per fiscal year by the date it happened, e.g. supporter companies approved.

    Counts the rows of ``model`` matching ``condition`` whose ``date_field`` falls in the year.
    ``organisation_field`` names its Organisation; without one it is a figure of the whole working group,
    shown to the secretariat only when no organisation is chosen. ``note`` says how it is counted.
    """

    key: str
    label: str
    model: type
    date_field: str
    condition: Q = field(default_factory=Q)
    organisation_field: str | None = None
    note: str = ""
