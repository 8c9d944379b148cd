"""/staff/: the staff report and its downloads (mounted in portal/urls.py, inside i18n_patterns)."""

from django.urls import path

from portal.reports import views

app_name = "staff"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("report.xlsx", views.report_xlsx, name="report-xlsx"),
    path("report.pdf", views.report_pdf, name="report-pdf"),
]
