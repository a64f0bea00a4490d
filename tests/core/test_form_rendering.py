"""core/form_rendering.py writes the plain widgets exactly as Django's templates do."""

import pytest

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from core.form_rendering import PythonWidgetRenderer

TRICKY = ["", "plain", '<b>&"quoted"\'</b>', "Zeile 1\nZeile 2", "  padded  ", "ä ö ü ß €"]


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"maxlength": 50, "autocomplete": "name", "data-x": '<"&>'}))
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"placeholder": mark_safe("&amp;")}))
    url = forms.URLField(assume_scheme="https", widget=forms.URLInput(attrs={"tabindex": -1, "off": False}))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    number = forms.IntegerField(required=False, widget=forms.HiddenInput)
    check = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"aria-describedby": "hilfe"}))
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "cols": 45}))
    choice = forms.ChoiceField(choices=[("a", "A <1>"), ("b", "B")], widget=forms.RadioSelect)


def both(**kwargs):
    python = Everything(renderer=PythonWidgetRenderer(), **kwargs)
    templates = Everything(renderer=DjangoTemplates(), **kwargs)
    return python, templates


@pytest.mark.parametrize("value", TRICKY)
def test_bound_forms_with_and_without_errors_render_alike(value):
    data = {
        "text": value,
        "email": value,
        "url": value,
        "hidden": value,
        "number": value,
        "check": "on" if value else "",
        "area": value,
        "choice": "a",
    }
    python, templates = both(data=data)
    python.is_valid(), templates.is_valid()
    for name in Everything.base_fields:
        assert str(python[name]) == str(templates[name]), name


@pytest.mark.parametrize("value", [*TRICKY, mark_safe("<i>safe</i>"), 12])
def test_unbound_forms_with_initial_values_render_alike(value):
    initial = {"text": value, "hidden": value, "number": value, "area": value, "check": bool(value)}
    python, templates = both(initial=initial)
    for name in Everything.base_fields:
        assert str(python[name]) == str(templates[name]), name
    assert python.as_div() == templates.as_div()


def test_written_in_python_only_for_djangos_own_plain_widgets():
    writers = PythonWidgetRenderer()._writers
    assert "django/forms/widgets/text.html" in writers
    assert "django/forms/widgets/textarea.html" in writers
    assert "django/forms/widgets/radio.html" not in writers
