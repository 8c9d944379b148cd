from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    name = "supporters"
    verbose_name = _("Supporters")
    # Header navigation entries (URL name, label), collected by portal.context_processors.
    portal_nav = (
        ("supporters:supporter-list", _("Supporter companies")),
        ("supporters:advisor-list", _("Senior advisors")),
    )

    def api_routes(self) -> list:
        """The endpoints this app adds to the read-only API (portal.api): (URL prefix, viewset, basename)."""
        from supporters.api import SupporterCompanyViewSet

        return [("supporters", SupporterCompanyViewSet, "supporter")]

    def report_sources(self) -> list:
        """What the staff reports (portal.reports) count of this app: the advisor dispatches (advisor requests
        carried out; their subject is the working group, their provider its secretariat) and the supporter
        companies that joined (approved) in the year, a figure of the whole working group."""
        from portal.choices import EnquiryKind
        from portal.reports import ENQUIRIES, ReportCount, ReportProgramme
        from supporters.models import SupporterCompany

        return [
            ReportProgramme(
                label=_("Senior advisor dispatches"),
                held_by=ENQUIRIES,
                enquiry_kind=EnquiryKind.ADVISOR,
                provider_field=None,
                audiences_field=None,
            ),
            ReportCount(
                key="supporters_joined",
                label=_("Supporter companies joined"),
                model=SupporterCompany,
                date_field="approved_at",
                note=_("Companies approved by the secretariat in the year (also those that have withdrawn since)."),
            ),
        ]

    def coverage_places(self) -> list:
        """What the staff coverage report (portal.reports.coverage) names as nearest to a municipality no
        programme reached: the public senior advisors, as their anonymised card (the approved summary) at
        their home municipality's office, linked to /advisors/. Never a name or a contact."""
        from django.urls import reverse

        from portal.reports.coverage import Place, PlaceSource
        from supporters.advisor_views import public_advisors

        def advisors() -> list[Place]:
            url = reverse("supporters:advisor-list")
            rows = (
                public_advisors()
                .prefetch_related(None)
                .values_list("public_summary", "home_municipality__latitude", "home_municipality__longitude")
            )
            return [
                Place(name=summary, url=url, latitude=float(lat), longitude=float(lng)) for summary, lat, lng in rows
            ]

        return [PlaceSource(kind="advisor", label=_("Senior advisor"), places=advisors)]

    def seed_demo(self, *, options, stdout) -> None:
        """Approved, pending and withdrawn demo supporters, linked to demo tours (loaded before: programmes
        comes first in INSTALLED_APPS), with a couple of enquiries and recognitions (supporters/demo.py)."""
        from supporters.demo import seed_demo_supporters

        seed_demo_supporters(stdout=stdout)
        from supporters.advisor_demo import seed_demo_advisors  # senior advisors (issue 8)

        seed_demo_advisors(stdout=stdout)

    def personal_data_kinds(self) -> list:
        """The personal data this app holds, with its retention rules (portal.retention): the supporter companies'
        contact persons and the senior advisors (supporters/retention.py)."""
        from supporters.retention import personal_data_kinds

        return personal_data_kinds()

    def opendata_datasets(self) -> list:
        """What this app offers on /opendata/ (portal.opendata.Dataset): the approved supporter companies'
        public profiles and the advisors' anonymised cards."""
        from supporters.opendata import advisor_dataset, supporter_dataset

        return [supporter_dataset(), advisor_dataset()]
