"""What every public listing's FilterSet shares: bad values are ignored and reported, active filters
become removable chips. One FilterSet drives a listing's page, its PDF and its map (STYLE.md)."""

import django_filters
from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class FlagFilter(django_filters.Filter):
    """A yes-only checkbox filter (?bus_parking=1): filters on ``lookup_value`` when set."""

    field_class = forms.BooleanField

    def __init__(self, *args, lookup_value=True, **kwargs):
        self.lookup_value = lookup_value
        kwargs.setdefault(
            "widget", forms.CheckboxInput(check_test=lambda value: str(value).lower() in {"1", "true", "on", "yes"})
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{self.field_name: self.lookup_value})


class PortalFilterSet(django_filters.FilterSet):
    """Invalid values never fail: django-filter skips fields whose value does not validate; we say which."""

    #: parameters that are not filters but belong to the page (kept in links, never shown as chips)
    page_parameters = ("page",)

    def ignored(self) -> list[dict]:
        """Each parameter whose value was ignored, with the raw value and why."""
        if not self.is_bound:
            return []
        return [
            {
                "name": name,
                "label": self.form.fields[name].label if name in self.form.fields else name,
                "value": self.data.get(name, ""),
                "message": " ".join(errors),
            }
            for name, errors in self.form.errors.items()
        ]

    def active(self) -> list[dict]:
        """Each applied filter as a chip: its label, its value in words, the query string without it."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return []
        chips = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], False) or name in self.form.errors or name not in self.data:
                continue
            field = self.form.fields[name]
            chips.append(
                {
                    "name": name,
                    "label": field.label,
                    "value": self.display_value(name, value),
                    "remove": self.query_without(name),
                }
            )
        return chips

    def display_value(self, name, value) -> str:
        field = self.form.fields[name]
        if isinstance(field, forms.BooleanField):
            return str(_("yes"))
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            return str(dict((str(k), v) for k, v in field.choices).get(str(value), value))
        if hasattr(value, "display_name"):
            return value.display_name
        return str(value)

    def query_without(self, *names: str) -> str:
        """The current query string without ``names`` (and without the page number)."""
        data = self.data.copy()
        for name in (*names, *self.page_parameters):
            data.pop(name, None)
        return data.urlencode()

    def query(self) -> str:
        """The current query string without the page number (for pagination and the PDF/map links)."""
        return self.query_without()


class _CachedMunicipalityChoices(BaseChoiceIterator):
    """Choices of a municipality select, grouped by subprefecture, built once per language and cached:
    Hokkaido's 189 municipalities are reference data, and building 189 model instances per select and
    request cost more than the rest of a listing page. (A BaseChoiceIterator, so that copying the form's
    fields for each request does not walk the 189 choices again.)"""

    CACHE_SECONDS = 600

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from municipality_choices()

    def __len__(self):
        return (self.field.empty_label is not None) + sum(len(group) for _name, group in municipality_choices())

    def __bool__(self):
        return True


def municipality_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    from django.core.cache import cache
    from django.utils.translation import get_language

    from portal.models import Municipality

    key = f"portal:municipality-choices:{get_language()}"
    choices = cache.get(key)
    if choices is None:
        groups: dict[str, list[tuple[str, str]]] = {}
        for municipality in Municipality.objects.select_related("subprefecture").order_by(
            "subprefecture__sort_order", "code"
        ):
            groups.setdefault(municipality.subprefecture.short_name, []).append(
                (municipality.code, municipality.display_name)
            )
        choices = list(groups.items())
        cache.set(key, choices, _CachedMunicipalityChoices.CACHE_SECONDS)
    return choices


class MunicipalityChoiceField(forms.ModelChoiceField):
    iterator = _CachedMunicipalityChoices

    def _get_choices(self):
        return self.iterator(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class MunicipalityFilter(django_filters.ModelChoiceFilter):
    """A municipality by its 6-digit code (?near=012084): one query to validate, none to render."""

    field_class = MunicipalityChoiceField

    def __init__(self, *args, **kwargs):
        from portal.models import Municipality
        from portal.widgets import FastSelect

        kwargs.setdefault("queryset", Municipality.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)
