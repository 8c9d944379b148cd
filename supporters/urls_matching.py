"""URLs of the supporters app: the matching part (see supporters/urls.py)."""

urlpatterns = []
