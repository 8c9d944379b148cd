"""URLs of the supporters app: the advisors part (see supporters/urls.py and the URL contract in DESIGN.md)."""

from django.urls import path

from portal.pagecache import public_page
from supporters import advisor_views

urlpatterns = [
    path("advisors/", public_page(advisor_views.advisor_list), name="advisor-list"),
    path("advisors/join/", advisor_views.advisor_join, name="advisor-join"),
    path("advisors/join/sent/", advisor_views.advisor_join_sent, name="advisor-join-sent"),
    path("advisors/request/", advisor_views.advisor_request, name="advisor-request"),
]
