"""URLs of the supporters app: the public part (see supporters/urls.py and the URL contract in DESIGN.md)."""

from django.urls import path

from portal.pagecache import public_page
from supporters import views

urlpatterns = [
    path("supporters/", public_page(views.supporter_list), name="supporter-list"),
    path("supporters/pdf/", views.supporter_pdf, name="supporter-pdf"),
    path("supporters/recognitions/", public_page(views.recognitions), name="recognitions"),
    path("supporters/verify/<slug:code>/", views.verify, name="verify"),
    path("supporters/<int:pk>/", public_page(views.supporter_detail), name="supporter-detail"),
    path("supporters/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("supporters/<int:pk>/mark.svg", views.mark, name="mark"),
]
