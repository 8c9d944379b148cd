from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from programmes.filters import FactoryTourFilter
from programmes.models import FactoryTour

TOURS_PER_PAGE = 20


def filtered_tours(request) -> FactoryTourFilter:
    """The published tours filtered by the request's query: shared by the list, the PDF and the map."""
    queryset = FactoryTour.objects.published().select_related("municipality__subprefecture", "provider")
    return FactoryTourFilter(request.GET, queryset=queryset, request=request)


def tour_list(request):
    tour_filter = filtered_tours(request)
    page = Paginator(tour_filter.qs, TOURS_PER_PAGE).get_page(request.GET.get("page"))
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
