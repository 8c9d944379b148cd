"""Public URLs of the seminars app (see the URL contract in DESIGN.md); pages arrive with their issues."""

from django.urls import path

from portal.pagecache import public_page
from seminars import lecture_views, views

app_name = "seminars"

urlpatterns = [
    path("seminars/", public_page(views.seminar_list), name="seminar-list"),
    path("seminars/pdf/", views.seminar_pdf, name="seminar-pdf"),
    path("seminars/<int:pk>/", public_page(views.seminar_detail), name="seminar-detail"),
    path("seminars/lectures/", public_page(lecture_views.lecture_list), name="lecture-list"),
    path("seminars/lectures/<int:pk>/", public_page(lecture_views.lecture_detail), name="lecture-detail"),
    path("seminars/lectures/<int:pk>/request/", lecture_views.lecture_request, name="lecture-request"),
    path("seminars/materials/", public_page(lecture_views.material_list), name="material-list"),
    path("seminars/materials/<int:pk>/download/", lecture_views.material_download, name="material-download"),
]
