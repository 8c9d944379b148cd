"""Public pages of the supporters app: the directory, a profile, the certificate and its check, the supporter
mark, the recognitions. Only approved supporters are public (SupporterCompany.objects.public()); the contact
person's fields are private and never reach these pages (tests/supporters/test_directory.py proves it)."""

from itertools import groupby

from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext

from portal import dates, pdf
from portal.choices import SupportOffer
from portal.models import WorkingGroup
from supporters.filters import SupporterCompanyFilter
from supporters.models import Recognition, SupporterCompany, SupporterStatus

SUPPORTERS_PER_PAGE = 20
#: The most supporters one directory PDF prints; the PDF says when the list was cut there.
PDF_MAX_SUPPORTERS = 1000


def _published(model_label: str):
    """The published listings of another app's model (through the app registry: no import of its internals)."""
    return apps.get_model(model_label).objects.published()


def offer_labels(values) -> list[str]:
    """A supporter's offers in words, in the shared order."""
    chosen = set(values or ())
    return [str(label) for value, label in SupportOffer.choices if value in chosen]


def public_supporters():
    """Approved supporters with what their cards and PDF rows show, their published tours prefetched."""
    tours = _published("programmes.FactoryTour").only("pk", "name", "name_en", "supporter_id").order_by("name", "pk")
    return (
        SupporterCompany.objects.public()
        .select_related("municipality__subprefecture")
        .prefetch_related(Prefetch("tours", queryset=tours, to_attr="published_tours"))
    )


def filtered_supporters(request) -> SupporterCompanyFilter:
    """The public supporters filtered by the request's query: shared by the directory and its PDF."""
    return SupporterCompanyFilter(request.GET, queryset=public_supporters(), request=request)


def _with_offer_labels(companies):
    for company in companies:
        company.offer_labels = offer_labels(company.offers)
    return companies


def supporter_list(request):
    supporter_filter = filtered_supporters(request)
    page = Paginator(supporter_filter.qs, SUPPORTERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supporters/public/supporter_list.html",
        {"filter": supporter_filter, "page": page, "supporters": _with_offer_labels(list(page.object_list))},
    )


def supporter_pdf(request):
    """/supporters/pdf/: the same filtered directory as /supporters/, as an A4 PDF."""
    supporter_filter = filtered_supporters(request)
    items = _with_offer_labels(list(supporter_filter.qs[: PDF_MAX_SUPPORTERS + 1]))
    return pdf.list_pdf_response(
        request,
        "supporters/pdf/directory.html",
        filterset=supporter_filter,
        items=items,
        max_items=PDF_MAX_SUPPORTERS,
        title=gettext("Supporter companies"),
        filename=pdf.pdf_filename("supporter-companies"),
    )


def _public_supporter(pk: int) -> SupporterCompany:
    return get_object_or_404(SupporterCompany.objects.public().select_related("municipality__subprefecture"), pk=pk)


def mark_snippet(request, company: SupporterCompany) -> str:
    """The HTML a company copies onto its own website: the supporter mark, linking to its profile."""
    return render_to_string(
        "supporters/public/_mark_snippet.html",
        {
            "profile_url": request.build_absolute_uri(company.get_absolute_url()),
            "mark_url": request.build_absolute_uri(reverse("supporters:mark", args=[company.pk])),
            "company": company,
        },
    ).strip()


def supporter_detail(request, pk: int):
    company = _public_supporter(pk)
    tours = _published("programmes.FactoryTour").filter(supporter=company).select_related("municipality")
    lectures = _published("seminars.LectureOffer").filter(supporter=company).order_by("title", "pk")
    return render(
        request,
        "supporters/public/supporter_detail.html",
        {
            "company": company,
            "offers": offer_labels(company.offers),
            "tours": list(tours.order_by("name", "pk")),
            "lectures": list(lectures),
            "recognitions": list(company.recognitions.all()),
            "mark_snippet": mark_snippet(request, company),
        },
    )


def _date_in_words(value) -> str:
    """令和8年5月9日 on a Japanese certificate, Sat 9 May 2026 in English."""
    if (get_language() or "ja").startswith("en"):
        return dates.format_date(value, "en")
    return dates.format_era_date(value)


def certificate(request, pk: int):
    """/supporters/<id>/certificate.pdf: the certificate of registration (登録証), public like the profile."""
    company = _public_supporter(pk)
    since = company.approved_at or company.created_at
    verify_url = request.build_absolute_uri(reverse("supporters:verify", args=[company.certificate_code]))
    working_group = WorkingGroup.load()
    return pdf.pdf_response(
        request,
        "supporters/pdf/certificate.html",
        {
            "company": company,
            "since": _date_in_words(since),
            "fiscal_year": dates.format_fiscal_year(dates.fiscal_year(since)),
            "working_group_name": working_group.display_name if working_group else gettext("the working group"),
            "verify_url": verify_url,
            "qr": pdf.qr_png_data_uri(verify_url, scale=4, border=4),
        },
        title=gettext("Certificate of registration"),
        filename=pdf.pdf_filename(f"supporter-certificate-{company.registration_number or company.pk}"),
    )


def verify(request, code: str):
    """/supporters/verify/<code>/ (the certificate's QR code): valid, withdrawn, or an unknown code (404)."""
    company = (
        SupporterCompany.objects.filter(
            certificate_code=code, status__in=[SupporterStatus.APPROVED, SupporterStatus.WITHDRAWN]
        )
        .select_related("municipality")
        .first()
    )
    if company is None:
        raise Http404
    valid = company.status == SupporterStatus.APPROVED
    return render(
        request,
        "supporters/public/verify.html",
        {
            "company": company,
            "valid": valid,
            "since": company.approved_at or company.created_at,
            "withdrawn_on": None if valid else company.withdrawn_at,
        },
    )


def mark(request, pk: int):
    """/supporters/<id>/mark.svg: the supporter mark with the company's name and registration number."""
    company = _public_supporter(pk)
    name = company.name
    # long names get a smaller type, so that the name fits the 320-unit-wide mark
    name_size = max(9, min(18, int(280 / max(len(name), 1))))
    svg = render_to_string(
        "supporters/public/mark.svg",
        {"company": company, "name_size": name_size, "portal_name": str(settings.PORTAL_NAME)},
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def recognitions(request):
    """/supporters/recognitions/: certifications and awards per fiscal year, newest first (approved companies)."""
    records = (
        Recognition.objects.filter(company__status=SupporterStatus.APPROVED)
        .select_related("company")
        .order_by("-fiscal_year", "kind", "title", "pk")
    )
    years = [(year, list(items)) for year, items in groupby(records, key=lambda record: record.fiscal_year)]
    return render(request, "supporters/public/recognitions.html", {"years": years})
