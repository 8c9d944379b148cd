"""Form widgets for the public listings' filter forms.

``FastSelect`` renders a <select> in Python instead of one template per <option>: the municipality
selects of the filter forms have 189 options each, and Django's per-option templates cost ~50 ms a page.
The HTML is the same as Django's Select (attributes such as aria-describedby/aria-invalid included).
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SELECTED = SafeString(" selected")


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}
        parts = []
        for group_name, options, _index in self.optgroups(name, self.format_value(value)):
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        option["value"],
                        SELECTED if str(option["value"]) in selected else "",
                        option["label"],
                    )
                    for option in options
                ),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name else rendered
            )
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), format_html_join("", "{}", ((part,) for part in parts))
        )
