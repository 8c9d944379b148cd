"""Public URLs of the programmes app (see the URL contract in DESIGN.md); pages arrive with their issues."""

app_name = "programmes"

urlpatterns = []
