"""URLs of the supporters app: the dashboard part (see supporters/urls.py)."""

urlpatterns = []
