"""Public pages of the outreach lectures (出前講座) and of the materials for parent seminars."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from portal.honeypot import is_spam, spam_response
from portal.ratelimits import form_rate_limit
from seminars import files, services
from seminars.forms import LectureRequestForm
from seminars.lecture_filters import LectureOfferFilter, MaterialFilter
from seminars.models import LectureOffer, Material

LECTURES_PER_PAGE = 20
MATERIALS_PER_PAGE = 30


def filtered_lectures(request) -> LectureOfferFilter:
    queryset = (
        LectureOffer.objects.published()
        .select_related("provider")
        .prefetch_related("areas")
        .defer("search_folded")
        .order_by("title", "pk")
    )
    return LectureOfferFilter(request.GET, queryset=queryset, request=request)


def lecture_list(request):
    lecture_filter = filtered_lectures(request)
    page = Paginator(lecture_filter.qs, LECTURES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "seminars/lecture_list.html",
        {"filter": lecture_filter, "page": page, "lectures": page.object_list},
    )


def _published_offer(pk: int) -> LectureOffer:
    return get_object_or_404(
        LectureOffer.objects.published().select_related("provider").prefetch_related("areas"), pk=pk
    )


def lecture_detail(request, pk: int):
    return render(request, "seminars/lecture_detail.html", {"offer": _published_offer(pk)})


@form_rate_limit("seminars.lecture-request")
@require_http_methods(["GET", "POST"])
def lecture_request(request, pk: int):
    """/seminars/lectures/<id>/request/: a school asks for a published lecture; then its private status page."""
    offer = _published_offer(pk)
    if is_spam(request):
        return spam_response(request)
    form = LectureRequestForm(request.POST if request.method == "POST" else None, offer=offer)
    if request.method == "POST" and form.is_valid():
        place = form.place()
        enquiry = services.request_lecture(
            offer=offer,
            data=form.enquiry_data(),
            place_municipality=place["municipality"],
            place_detail=place["detail"],
            base_url=request.build_absolute_uri("/"),
        )
        messages.success(
            request,
            gettext(
                "Thank you: we have received your request and sent a confirmation e-mail to %(email)s. "
                "Its link brings you back to this page."
            )
            % {"email": enquiry.email},
        )
        return redirect("enquiry-status", token=enquiry.access_token)
    return render(request, "seminars/lecture_request.html", {"offer": offer, "form": form})


def material_list(request):
    queryset = Material.objects.published().select_related("provider").order_by("audience", "title", "pk")
    material_filter = MaterialFilter(request.GET, queryset=queryset, request=request)
    page = Paginator(material_filter.qs, MATERIALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "seminars/material_list.html",
        {"filter": material_filter, "page": page, "materials": page.object_list},
    )


def material_download(request, pk: int):
    """The file of a published material, named as it was uploaded (Content-Disposition: attachment)."""
    material = get_object_or_404(Material.objects.published().exclude(file=""), pk=pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=material.filename,
        content_type=files.CONTENT_TYPES.get(material.kind, "application/octet-stream"),
    )
