"""URLs of the supporters app: the advisors part (see supporters/urls.py)."""

urlpatterns = []
