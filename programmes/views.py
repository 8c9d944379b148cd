from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from portal import pdf
from portal.geo import NearestFirstPaginator, within_nearest
from portal.honeypot import is_spam, spam_response
from portal.ratelimits import form_rate_limit
from programmes import services
from programmes.filters import FactoryTourFilter
from programmes.forms import TourRequestForm
from programmes.models import FactoryTour

TOURS_PER_PAGE = 20


def filtered_tours(request) -> FactoryTourFilter:
    """The published tours filtered by the request's query: shared by the list, the PDF and the map."""
    queryset = (
        FactoryTour.objects.published()
        .select_related("municipality__subprefecture")
        .defer("search_folded", "name_folded")
    )
    return FactoryTourFilter(request.GET, queryset=queryset, request=request)


def tour_list(request):
    tour_filter = filtered_tours(request)
    page = NearestFirstPaginator(tour_filter.qs, TOURS_PER_PAGE).get_page(request.GET.get("page"))
    data = getattr(tour_filter.form, "cleaned_data", {})
    fit = {
        "group_size": data.get("group_size"),
        "month": int(data["month"]) if data.get("month") else None,
        "need_bus": bool(data.get("bus_parking")),
    }
    return render(
        request,
        "programmes/tour_list.html",
        {
            "filter": tour_filter,
            "page": page,
            "tours": [(tour, tour.class_fit(**fit)) for tour in page.object_list],
            "near": data.get("near"),
        },
    )


def tour_detail(request, pk: int):
    tour = get_object_or_404(
        FactoryTour.objects.published().select_related("municipality__subprefecture", "provider", "funding_scheme"),
        pk=pk,
    )
    return render(request, "programmes/tour_detail.html", {"tour": tour})


#: The most tours one PDF prints (about 125 A4 pages); the PDF says when the list was cut there.
PDF_MAX_TOURS = 1000


def tour_pdf(request):
    """/tours/pdf/: the same filtered list as /tours/, every matching tour (up to PDF_MAX_TOURS), as an A4 PDF."""
    tour_filter = filtered_tours(request)
    return pdf.list_pdf_response(
        request,
        "programmes/pdf/tour_list.html",
        filterset=tour_filter,
        items=within_nearest(tour_filter.qs, PDF_MAX_TOURS + 1),
        max_items=PDF_MAX_TOURS,
        context={"near": getattr(tour_filter.form, "cleaned_data", {}).get("near")},
        title=gettext("Factory tours"),
        filename=pdf.pdf_filename("factory-tours"),
    )


@form_rate_limit("programmes.tour-request")
@require_http_methods(["GET", "POST"])
def tour_request(request, pk: int):
    """/tours/<id>/request/: a school asks to visit a published tour; then its private status page."""
    tour = get_object_or_404(FactoryTour.objects.published().select_related("municipality", "provider"), pk=pk)
    if is_spam(request):
        return spam_response(request)
    form = TourRequestForm(request.POST if request.method == "POST" else None, tour=tour)
    if request.method == "POST" and form.is_valid():
        enquiry = services.request_tour(tour=tour, data=form.enquiry_data(), base_url=request.build_absolute_uri("/"))
        messages.success(
            request,
            gettext(
                "Thank you: we have received your request and sent a confirmation e-mail to %(email)s. "
                "Its link brings you back to this page."
            )
            % {"email": enquiry.email},
        )
        return redirect("enquiry-status", token=enquiry.access_token)
    return render(request, "programmes/tour_request.html", {"tour": tour, "form": form})
