"""The read-only JSON API at /api/ (DESIGN.md: published data only, documented, the pages' filters).

The endpoints come from the apps. An app takes part through its AppConfig:

    class ProgrammesConfig(AppConfig):
        def api_routes(self) -> list[tuple[str, type, str]]:
            from programmes.api import FactoryTourViewSet

            return [("tours", FactoryTourViewSet, "tour")]  # URL prefix, viewset, basename

``portal/api/urls.py`` collects them through the app registry (the core never imports an app) and adds the
core's own reference data (municipalities, subprefectures), the OpenAPI schema and its documentation page.

What every endpoint shares lives here: ``views.PublicReadOnlyViewSet`` (anonymous GET only, the listing's own
FilterSet, the answer's language), ``filters.PortalFilterBackend`` (a bad filter value is a 400 that names
it), ``pagination.PortalPagination`` (pages read off the KNN index when a list is nearest first),
``throttling`` (the anonymous rate limit) and ``serializers`` (municipality, fee, location, sessions).
"""
