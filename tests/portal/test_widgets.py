"""FastSelect renders what Django's Select renders, without one template per option."""

import re

from django import forms

from portal.widgets import FastSelect

CHOICES = [("", "すべて"), ("a", "A&B"), ("b", "<b>"), ("グループ", [("c", "C")])]


class ExampleForm(forms.Form):
    fast = forms.ChoiceField(choices=CHOICES, widget=FastSelect, help_text="説明")
    plain = forms.ChoiceField(choices=CHOICES, help_text="説明")


def normalised(html: str, name: str) -> str:
    html = re.sub(r">\s+<", "><", html.strip()).replace(f"id_{name}", "id_X").replace(f'name="{name}"', 'name="X"')
    attrs = re.match(r"<select([^>]*)>", html).group(1).split()
    return " ".join(sorted(attrs)) + html[html.index(">") :]


def test_same_html_as_djangos_select_with_selection_escaping_groups_and_aria():
    form = ExampleForm({"fast": "b", "plain": "b"})
    assert normalised(str(form["fast"]), "fast") == normalised(str(form["plain"]), "plain")
    assert '<option value="b" selected>&lt;b&gt;</option>' in str(form["fast"])
    assert '<optgroup label="グループ">' in str(form["fast"])


def test_invalid_value_marks_the_field_like_django():
    form = ExampleForm({"fast": "zzz", "plain": "zzz"})
    assert not form.is_valid()
    assert normalised(str(form["fast"]), "fast") == normalised(str(form["plain"]), "plain")
    assert 'aria-invalid="true"' in str(form["fast"])
