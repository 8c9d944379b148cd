"""Public URLs of the programmes app (the URL contract in DESIGN.md)."""

from django.urls import path

from portal.pagecache import public_page
from programmes import event_views, views

app_name = "programmes"

urlpatterns = [
    path("tours/", public_page(views.tour_list), name="tour-list"),
    path("tours/pdf/", views.tour_pdf, name="tour-pdf"),
    path("tours/<int:pk>/", public_page(views.tour_detail), name="tour-detail"),
    path("tours/<int:pk>/request/", views.tour_request, name="tour-request"),
    path("events/", public_page(event_views.event_list), name="event-list"),
    path("events/pdf/", event_views.event_pdf, name="event-pdf"),
    path("events/<int:pk>/", public_page(event_views.event_detail), name="event-detail"),
    path("events/<int:pk>/flyer.pdf", event_views.event_flyer, name="event-flyer"),
]
