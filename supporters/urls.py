"""Public URLs of the supporters app (see the URL contract in DESIGN.md); pages arrive with their issues."""

app_name = "supporters"

urlpatterns = []
