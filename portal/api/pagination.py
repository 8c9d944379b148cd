"""Pages of an API list: ``?page=`` (1, 2, … or ``last``) and ``?page_size=`` (1–200, 50 by default).

The pages of a nearest-first list (``?near=``) are read off the KNN index like the HTML pages' (portal.geo
.NearestFirstPaginator), so that the API gives the same order as /tours/ at the same cost. A malformed page or
page size is a 400 that names it; a page past the last one is a 404.
"""

from django.utils.translation import gettext
from rest_framework.pagination import PageNumberPagination

from portal.api.errors import InvalidQuery, page_number_message
from portal.geo import NearestFirstPaginator

MAX_PAGE_SIZE = 200


def _whole_number(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


class PortalPagination(PageNumberPagination):
    django_paginator_class = NearestFirstPaginator
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if not raw:
            return self.page_size
        size = _whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise InvalidQuery.for_parameter(
                self.page_size_query_param,
                gettext("Enter a page size: a whole number from 1 to %(max)d.") % {"max": self.max_page_size},
            )
        return size

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "")
        if not raw:
            return 1
        if raw in self.last_page_strings:
            return paginator.num_pages
        number = _whole_number(raw)
        if number is None or number < 1:
            raise InvalidQuery.for_parameter(self.page_query_param, page_number_message())
        return number

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": gettext("The page number, from 1 (“last” gives the last page)."),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": gettext("How many results a page holds."),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
            },
        ]
