"""URLs of the supporters app: the join part (see supporters/urls.py): sign-up, e-mail verification, sign-in."""

from django.urls import path

from supporters import join

urlpatterns = [
    path("supporters/join/", join.join, name="join"),
    path("supporters/join/sent/", join.join_sent, name="join-sent"),
    path("supporters/join/postcode/", join.postcode_lookup, name="join-postcode"),
    path("supporters/join/verify/<str:token>/", join.verify, name="join-verify"),
    path("supporters/join/resend/", join.resend, name="join-resend"),
    path("supporters/login/", join.LoginView.as_view(), name="login"),
    path("supporters/logout/", join.LogoutView.as_view(), name="logout"),
    path("supporters/password-reset/", join.PasswordResetView.as_view(), name="password-reset"),
    path("supporters/password-reset/sent/", join.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "supporters/password-reset/<uidb64>/<token>/",
        join.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "supporters/password-reset/complete/",
        join.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
