"""Form widgets for the public listings' filter forms.

``FastSelect`` renders a <select> in Python instead of one template per <option>: the municipality
selects of the filter forms have 189 options each, and Django's per-option templates cost tens of
milliseconds a page. The HTML is the same as Django's Select (attributes such as aria-describedby and
aria-invalid included); a test compares the two.
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    allow_multiple_selected = False

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}
        parts = [f"<select{flatatt(final_attrs)}>"]

        def option(value, label) -> str:
            value = "" if value is None else str(value)
            mark = " selected" if value in selected else ""
            # the standard library's escape: the same as Django's for a str, without its lazy-string wrapper
            return f'<option value="{escape(value)}"{mark}>{escape(str(label))}</option>'

        for value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(str(value))}">')
                parts.extend(option(v, sub_label) for v, sub_label in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(value, label))
        parts.append("</select>")
        # Every value and label above is escaped; the attributes come from flatatt, which escapes too.
        return mark_safe("".join(parts))  # noqa: S308
