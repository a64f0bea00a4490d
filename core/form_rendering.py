"""A form renderer that writes Django's plain `<input>` and `<textarea>` widgets in Python.

Rendering a widget through its template (`text.html` → `input.html` → `attrs.html`) costs several hundred
Python calls each; the comment form under every post has eleven of them. `PythonWidgetRenderer` writes
exactly what those templates write, from the same widget context, and leaves every other template
(and any of these overridden by an app's templates) to Django's template renderer.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
# The widget templates that are only `{% include "django/forms/widgets/input.html" %}`, and input.html.
INPUT_TEMPLATES = tuple(f"{WIDGETS}{name}.html" for name in ("input", "text", "email", "url", "hidden", "checkbox"))
TEXTAREA_TEMPLATE = f"{WIDGETS}textarea.html"
DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"


def _formatted(value):
    """`{{ value|stringformat:'s' }}`: the text of the value, escaped unless it is marked safe."""
    return value if isinstance(value, SafeData) else escape(str(value))


def attrs_html(attrs):
    """django/forms/widgets/attrs.html: ` name="value"` per attribute, ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_formatted(value)}"')
    return "".join(parts)


def input_html(widget):
    """django/forms/widgets/input.html."""
    value = widget["value"]
    value_html = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value_html}{attrs_html(widget['attrs'])}>"
    )


def textarea_html(widget):
    """django/forms/widgets/textarea.html."""
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


class PythonWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with the plain input and textarea widgets written in Python."""

    def render(self, template_name, context, request=None):
        writer = self._writers.get(template_name)
        widget = context.get("widget")
        if writer is not None and widget is not None and _plain(widget):
            # BaseRenderer.render strips the template's output; these have no surrounding whitespace.
            return writer(widget)
        return super().render(template_name, context, request=request)

    @cached_property
    def _writers(self):
        """The templates written in Python: only those that are still Django's own (not overridden)."""
        writers = {}
        for name in INPUT_TEMPLATES:
            writers[name] = input_html
        writers[TEXTAREA_TEMPLATE] = textarea_html
        return {name: writer for name, writer in writers.items() if self._is_djangos(name)}

    def _is_djangos(self, template_name):
        origin = self.get_template(template_name).origin.name
        return Path(origin).is_relative_to(DJANGO_FORM_TEMPLATES)


def _plain(widget):
    """A value the templates would show as it is: a string or None (what `Widget.format_value` returns;
    anything else goes to the template, which might localise it)."""
    value = widget.get("value")
    return value is None or isinstance(value, str)
