"""/api/: the endpoints the apps offer (AppConfig.api_routes, found through the app registry: the core imports
no app), the core's reference data, the root, the OpenAPI schema and its documentation page."""

from django.apps import apps
from django.urls import path
from rest_framework import routers

import portal.api.schema  # noqa: F401 (registers the schema extension of the filter parameters)
from portal.api import views

app_name = "api"


class PortalRouter(routers.DefaultRouter):
    APIRootView = views.APIRootView
    include_format_suffixes = False  # one address per resource: ?format=json or the Accept header choose


def api_routes() -> list[tuple[str, type, str]]:
    """(URL prefix, viewset, basename) of every endpoint that an app offers, in INSTALLED_APPS order."""
    return [
        route for config in apps.get_app_configs() if hasattr(config, "api_routes") for route in config.api_routes()
    ]


router = PortalRouter(use_regex_path=False)  # typed path converters (<int:pk>)
for prefix, viewset, basename in api_routes():
    router.register(prefix, viewset, basename=basename)
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("subprefectures", views.SubprefectureViewSet, basename="subprefecture")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    *router.urls,
]
