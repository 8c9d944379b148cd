"""The personal data this app holds, for portal.retention (see SupportersConfig.personal_data_kinds).

Companies and advisors are ongoing relationships: their contacts are kept while they take part, and purged one
year (settings.RETENTION) after a company withdraws or an advisor is no longer available. The history tables
copy these fields, so they are anonymised there too. The company's name, industry, dates and status stay (the
reports count companies that joined); an advisor's anonymised card fields and offers' statuses stay.
"""

from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from portal.retention import DAYS, REDACTED, PersonalDataKind, not_anonymised, placeholder_email
from supporters.models import AdvisorOffer, SeniorAdvisor, SupporterCompany
from supporters.models.advisor import AdvisorStatus
from supporters.models.company import SupporterStatus


def _company_kind() -> PersonalDataKind:
    def anonymise(qs) -> int:
        pks = list(qs.values_list("pk", flat=True))
        fields = {"contact_name": REDACTED, "contact_phone": "", "pending_changes": {}}
        SupporterCompany.history.filter(id__in=pks).update(contact_email=placeholder_email("id"), **fields)
        return SupporterCompany.objects.filter(pk__in=pks).update(contact_email=placeholder_email(), **fields)

    def export(row) -> dict:
        return {
            "company": row.name,
            "status": row.status,
            "contact_name": row.contact_name,
            "contact_email": row.contact_email,
            "contact_phone": row.contact_phone,
        }

    return PersonalDataKind(
        key="supporter_contacts",
        label=_("Supporter companies' contact persons"),
        unit=DAYS,
        default=365,
        counted_from=_("after the company withdraws"),
        expired=lambda cutoff: SupporterCompany.objects.filter(
            not_anonymised("contact_email"), status=SupporterStatus.WITHDRAWN, withdrawn_at__lt=cutoff
        ),
        anonymise=anonymise,
        for_email=lambda email: SupporterCompany.objects.filter(contact_email__iexact=email.strip()),
        export=export,
    )


def _advisor_kind() -> PersonalDataKind:
    def anonymise(qs) -> int:
        pks = list(qs.values_list("pk", flat=True))
        fields = {
            "name": REDACTED,
            "name_kana": "",
            "phone": "",
            "postal_address": "",
            "former_employer": "",
            "availability_note": "",
        }
        SeniorAdvisor.history.filter(id__in=pks).update(email=placeholder_email("id"), **fields)
        AdvisorOffer.objects.filter(advisor__in=pks).exclude(note="").update(note=Value(""))
        return SeniorAdvisor.objects.filter(pk__in=pks).update(email=placeholder_email(), **fields)

    def export(row) -> dict:
        return {
            "status": row.status,
            "registered": row.created_at.isoformat(),
            "name": row.name,
            "name_kana": row.name_kana,
            "email": row.email,
            "phone": row.phone,
            "postal_address": row.postal_address,
            "former_employer": row.former_employer,
            "availability_note": row.availability_note,
        }

    return PersonalDataKind(
        key="advisors",
        label=_("Senior advisors (name, contacts, address, former employer)"),
        unit=DAYS,
        default=365,
        counted_from=_("after the advisor is no longer available"),
        # no date of retirement is stored: the last change of a retired advisor (later edits only extend it)
        expired=lambda cutoff: SeniorAdvisor.objects.filter(
            not_anonymised(), status=AdvisorStatus.RETIRED, updated_at__lt=cutoff
        ),
        anonymise=anonymise,
        for_email=lambda email: SeniorAdvisor.objects.filter(email__iexact=email.strip()),
        export=export,
    )


def personal_data_kinds() -> list[PersonalDataKind]:
    return [_company_kind(), _advisor_kind()]
