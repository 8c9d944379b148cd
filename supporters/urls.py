"""Public URLs of the supporters app (see the URL contract in DESIGN.md), one module per part:
urls_join (sign-up, e-mail verification, sign-in), urls_dashboard (a company's own pages), urls_public
(the directory, profiles, certificates, recognitions)."""

from supporters import urls_dashboard, urls_join, urls_public

app_name = "supporters"

urlpatterns = [*urls_join.urlpatterns, *urls_dashboard.urlpatterns, *urls_public.urlpatterns]
