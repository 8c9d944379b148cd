"""URLs of the supporters app: the offers part (see supporters/urls.py)."""

from django.urls import path

from supporters import offer_views

urlpatterns = [
    path("advisors/offers/<str:token>/", offer_views.advisor_offer, name="advisor-offer"),
    path("advisors/match/<int:enquiry_id>/offer/", offer_views.advisor_offer_create, name="advisor-offer-create"),
]
