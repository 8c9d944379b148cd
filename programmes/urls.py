"""Public URLs of the programmes app (the URL contract in DESIGN.md)."""

from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("tours/", views.tour_list, name="tour-list"),
    path("tours/pdf/", views.tour_pdf, name="tour-pdf"),
    path("tours/<int:pk>/", views.tour_detail, name="tour-detail"),
    path("tours/<int:pk>/request/", views.tour_request, name="tour-request"),
]
