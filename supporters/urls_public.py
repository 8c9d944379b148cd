"""URLs of the supporters app: the public part (see supporters/urls.py)."""

urlpatterns = []
