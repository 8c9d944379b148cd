"""URLs of the supporters app: the dashboard part (see supporters/urls.py and supporters/dashboard.py)."""

from django.urls import path

from supporters import dashboard

urlpatterns = [
    path("supporters/dashboard/", dashboard.overview, name="dashboard"),
    path("supporters/dashboard/profile/", dashboard.profile, name="dashboard-profile"),
    path("supporters/dashboard/invite/", dashboard.invite, name="dashboard-invite"),
    path("supporters/dashboard/invite/<uidb64>/<token>/", dashboard.invite_accept, name="invite-accept"),
    path("supporters/dashboard/withdraw/", dashboard.withdraw, name="dashboard-withdraw"),
    path("supporters/dashboard/tours/", dashboard.tour_list, name="dashboard-tours"),
    path("supporters/dashboard/tours/new/", dashboard.tour_edit, name="dashboard-tour-create"),
    path("supporters/dashboard/tours/<int:pk>/", dashboard.tour_edit, name="dashboard-tour-edit"),
    path("supporters/dashboard/tours/confirm/", dashboard.tour_confirm, name="dashboard-tours-confirm"),
    path("supporters/dashboard/enquiries/", dashboard.enquiry_list, name="dashboard-enquiries"),
    path("supporters/dashboard/enquiries/<int:pk>/", dashboard.enquiry_detail, name="dashboard-enquiry"),
    path("supporters/dashboard/activity/", dashboard.activity, name="dashboard-activity"),
    path("supporters/dashboard/activity.pdf", dashboard.activity_pdf, name="dashboard-activity-pdf"),
]
