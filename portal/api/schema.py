"""The OpenAPI schema of the API (drf-spectacular): the error answers every endpoint can give, and each list's
query parameters, read from its FilterSet's fields so that the documentation always matches the filters."""

from django import forms
from django.db import DatabaseError
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_choice_description_list, build_parameter_type, is_serializer
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from portal.filtering import FlagFilter

#: more words on the filters that several lists share (a view adds or overrides with ``filter_descriptions``)
FILTER_NOTES = {
    "q": gettext_lazy(
        "All of them must match, as in the portal's search box: Japanese works from two characters, kana and "
        "full-width forms fold together."
    ),
    "subprefecture": gettext_lazy("A subprefecture by its slug (see /api/subprefectures/)."),
    "municipality": gettext_lazy(
        "A municipality by its 6-digit local government code (see /api/municipalities/); a city includes its wards."
    ),
    "from": gettext_lazy("Only sessions on or after this day (Tokyo time)."),
    "to": gettext_lazy("Only sessions on or before this day (Tokyo time)."),
    "available": gettext_lazy("1: only with a session that has a free seat and takes sign-ups now."),
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, in the language asked for."))


class InvalidQuerySerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, in the language asked for."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy("Each query parameter whose value is invalid, with what is wrong with it."),
    )


class PortalAutoSchema(AutoSchema):
    """Every operation documents its error answers next to its data."""

    def get_response_serializers(self):
        serializer = super().get_response_serializers()
        if not is_serializer(serializer):
            return serializer
        responses = {200: serializer}
        if self._is_list_view(serializer):
            responses[400] = OpenApiResponse(
                InvalidQuerySerializer, description=gettext("A query parameter has an invalid value.")
            )
            responses[404] = OpenApiResponse(ErrorSerializer, description=gettext("There is no such page."))
        else:
            responses[404] = OpenApiResponse(ErrorSerializer, description=gettext("Not found (or not published)."))
        responses[429] = OpenApiResponse(
            ErrorSerializer,
            description=gettext("Too many requests: wait the number of seconds in the Retry-After header."),
        )
        return responses


def _filter_schema(query_filter) -> tuple[dict, list | None, str]:
    """The OpenAPI schema of one filter's value, its allowed values (or None) and what they mean."""
    field_class, extra = query_filter.field_class, query_filter.extra
    if isinstance(query_filter, FlagFilter):
        return {"type": "boolean"}, None, ""
    if issubclass(field_class, forms.ModelChoiceField):
        to_field = extra.get("to_field_name") or "pk"
        if to_field == "code":
            return {"type": "string", "pattern": "^01[0-9]{4}$"}, None, ""
        try:
            values = list(extra["queryset"].values_list(to_field, flat=True))
        except DatabaseError:  # a database without its tables yet (`check --deploy` before `migrate`): no enum
            return {"type": "string"}, None, ""
        return {"type": "string"}, values, ""
    if issubclass(field_class, forms.ChoiceField):
        choices = [(str(value), label) for value, label in extra["choices"]]
        return {"type": "string"}, [value for value, _label in choices], build_choice_description_list(choices)
    if issubclass(field_class, forms.IntegerField):
        schema = {"type": "integer"}
        if extra.get("min_value") is not None:
            schema["minimum"] = extra["min_value"]
        if extra.get("max_value") is not None:
            schema["maximum"] = extra["max_value"]
        return schema, None, ""
    if issubclass(field_class, forms.DateField):
        return {"type": "string", "format": "date"}, None, ""
    schema = {"type": "string"}
    if extra.get("max_length"):
        schema["maxLength"] = extra["max_length"]
    return schema, None, ""


class PortalFilterExtension(OpenApiFilterExtension):
    """The query parameters of a list: one per field of the view's FilterSet, typed from its form field."""

    target_class = "portal.api.filters.PortalFilterBackend"
    priority = 1  # before drf-spectacular's django-filter extension, which matches subclasses too

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        view = auto_schema.view
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None:
            return []
        notes = {**FILTER_NOTES, **getattr(view, "filter_descriptions", {})}
        parameters = []
        for name, query_filter in filterset_class.base_filters.items():
            schema, enum, choice_text = _filter_schema(query_filter)
            description = ". ".join(str(text) for text in (query_filter.label, notes.get(name)) if text)
            if choice_text:
                description = f"{description}\n\n{choice_text}"
            parameters.append(
                build_parameter_type(
                    name=name,
                    schema=schema,
                    location=OpenApiParameter.QUERY,
                    description=description,
                    enum=enum,
                )
            )
        return parameters
