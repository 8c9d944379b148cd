"""Public URLs of the seminars app (see the URL contract in DESIGN.md); pages arrive with their issues."""

app_name = "seminars"

urlpatterns = []
