"""comments.rendering.field_html writes a form field's paragraph as the template it replaced did."""

import pytest

from django.template import engines

from comments.forms import PostCommentForm, ReportForm
from comments.rendering import field_html

# templates/comments/field.html as it was, the reference for the markup.
FIELD_TEMPLATE = """<p class="comment-form__field comment-form__field--{{ field.name }}{% if field.errors %} comment-form__field--invalid{% endif %}">
    <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span class="required">*</span>{% endif %}</label>
    {{ field }}
    {% if field.errors %}
        {# One element per field: the input's aria-describedby (Django's) names this id. #}
        <span class="comment-form__error" id="{{ field.auto_id }}_error">{% for error in field.errors %}<span class="comment-form__error-item">{{ error }}</span>{% endfor %}</span>
    {% endif %}
</p>
"""  # noqa: E501


def reference(field):
    return engines["django"].from_string(FIELD_TEMPLATE).render({"field": field})


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"comment": "<b>Text</b> & mehr", "name": "Redaktion", "email": "kein-at", "url": "nicht eine url"},
        {"comment": "x" * 6000, "name": 'A "B" <C>', "email": "a@example.org", "url": "https://eifel.example"},
    ],
)
def test_comment_form_fields_as_the_template_wrote_them(post, data):
    form = PostCommentForm(post, data=data)
    if data is not None:
        form.is_valid()
    for name in ("comment", "name", "email", "url"):
        assert field_html(form[name]) == reference(form[name]), name


@pytest.mark.parametrize("data", [None, {"reason": "illegal", "reporter_email": "falsch"}])
def test_report_form_fields_as_the_template_wrote_them(db, data):
    form = ReportForm(data=data)
    if data is not None:
        form.is_valid()
    for name in ("explanation", "location", "reporter_name", "reporter_email", "good_faith"):
        assert field_html(form[name]) == reference(form[name]), name
    assert data is None or any(form[name].errors for name in form.fields)
