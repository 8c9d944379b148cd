"""URLs of the supporters app: the matching part (see supporters/urls.py): staff only."""

from django.urls import path

from supporters import matching_views

urlpatterns = [
    path("advisors/match/help/", matching_views.advisor_match_help, name="advisor-match-help"),
    path("advisors/match/<int:enquiry_id>/", matching_views.advisor_match, name="advisor-match"),
]
