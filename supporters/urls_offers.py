"""URLs of the supporters app: the offers part (see supporters/urls.py)."""

urlpatterns = []
