"""Public URLs of the programmes app (the URL contract in DESIGN.md)."""

from django.urls import path

from programmes import event_views, views

app_name = "programmes"

urlpatterns = [
    path("tours/", views.tour_list, name="tour-list"),
    path("tours/pdf/", views.tour_pdf, name="tour-pdf"),
    path("tours/<int:pk>/", views.tour_detail, name="tour-detail"),
    path("tours/<int:pk>/request/", views.tour_request, name="tour-request"),
    path("events/", event_views.event_list, name="event-list"),
    path("events/pdf/", event_views.event_pdf, name="event-pdf"),
    path("events/<int:pk>/", event_views.event_detail, name="event-detail"),
    path("events/<int:pk>/flyer.pdf", event_views.event_flyer, name="event-flyer"),
]
