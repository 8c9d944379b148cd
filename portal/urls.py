"""The whole URL map. Japanese at /, English at /en/ (DESIGN.md, public URL contract)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls

from portal import calendar, opendata, retention_views, views
from portal.auth import StaffAdminSite
from portal.booking import views as booking_views
from portal.enquiries import views as enquiry_views
from portal.pagecache import public_page
from portal.surveys import views as survey_views

admin.site.__class__ = StaffAdminSite  # staff only, signed in with their second factor (portal/auth.py)
admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/", include("portal.api.urls")),  # read-only JSON API: one address for every language
]

urlpatterns += i18n_patterns(
    path("", public_page(views.home), name="home"),
    path("about/", public_page(views.about), name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("map/", public_page(views.map_page), name="map"),
    path("map/features.geojson", public_page(views.map_features), name="map-features"),
    path("opendata/", public_page(opendata.opendata_page), name="opendata"),
    path("opendata/<slug:slug>.csv", opendata.dataset_csv, name="opendata-csv"),
    path("opendata/<slug:slug>.json", opendata.dataset_json, name="opendata-json"),
    path("opendata/<slug:slug>/", opendata.dataset_page, name="opendata-dataset"),
    path("calendar.ics", calendar.calendar_ics, name="calendar"),
    path("admin/personal-data/", retention_views.personal_data, name="personal-data"),  # issue 10
    path("admin/", admin.site.urls),
    path("", include(two_factor_urls)),  # /account/login/, /account/two_factor/setup/ …: staff sign-in
    path("enquiries/<str:token>/", enquiry_views.enquiry_status, name="enquiry-status"),
    path("sessions/<int:pk>/signup/", booking_views.session_signup, name="session-signup"),
    path("registrations/<str:token>/", booking_views.registration_detail, name="registration"),
    path("registrations/<str:token>/cancel/", booking_views.registration_cancel, name="registration-cancel"),
    path("registrations/<str:token>/calendar.ics", booking_views.registration_calendar, name="registration-ics"),
    path("registrations/<str:token>/checkin/", booking_views.registration_checkin, name="registration-checkin"),
    path("surveys/<str:token>/", survey_views.survey, name="survey"),
    path("staff/", include("portal.reports.urls")),  # staff reports (issue 9)
    path("", include("programmes.urls")),
    path("", include("supporters.urls")),
    path("", include("seminars.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:  # uploaded images in development; in production the proxy serves MEDIA_ROOT at /media/
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
