"""URLs of the supporters app: the join part (see supporters/urls.py)."""

urlpatterns = []
