"""Filtering an API list with the listing's own FilterSet (the one its page, PDF and map use), so that the API
and the pages always agree. Unlike a page, which ignores a bad value and says so, the API refuses it: 400 with
each bad parameter and why (portal.api.errors.InvalidQuery). Unknown parameters are ignored."""

from django_filters.rest_framework import DjangoFilterBackend

from portal.api.errors import InvalidQuery, form_errors


class PortalFilterBackend(DjangoFilterBackend):
    """The view's ``filterset_class`` bound to the query string (plus the view's ``filterset_extra_kwargs()``,
    e.g. the ``now`` its upcoming sessions are counted from); the bound FilterSet is kept as ``view.filterset``."""

    raise_exception = True

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        extra = getattr(view, "filterset_extra_kwargs", None)
        return {**kwargs, **(extra() if extra else {})}

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidQuery(form_errors(filterset.form))
        view.filterset = filterset
        return filterset.qs
