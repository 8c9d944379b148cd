"""Public URLs of the programmes app (the URL contract in DESIGN.md)."""

from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("tours/", views.tour_list, name="tour-list"),
    path("tours/<int:pk>/", views.tour_detail, name="tour-detail"),
]
