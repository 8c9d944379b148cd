"""Public URLs of the supporters app (see the URL contract in DESIGN.md), one module per part:
urls_join (sign-up, e-mail verification, sign-in), urls_dashboard (a company's own pages), urls_public
(the directory, profiles, certificates, recognitions), and the senior advisors' parts below."""

from supporters import urls_advisors, urls_dashboard, urls_join, urls_matching, urls_offers, urls_public

app_name = "supporters"

urlpatterns = [
    *urls_join.urlpatterns,
    *urls_dashboard.urlpatterns,
    *urls_public.urlpatterns,
    *urls_advisors.urlpatterns,  # /advisors/: the anonymised cards, the application, a request
    *urls_matching.urlpatterns,  # staff: ranked candidates for a request
    *urls_offers.urlpatterns,  # an advisor's private link to accept or decline an offer
]
