"""A refused comment: the answer lands on the form, the message comes first and says what to do.

The refusal is the post page rendered again as the answer to the POST to /kommentare/senden/. The
form's action carries `#kommentieren`, so the browser shows that answer scrolled to the element
with that id (also without JavaScript); the message must stand at its top, before the fields,
with the reader's text still in the form. The browser side is tested in tests/e2e/test_comment_refusal.py.
"""

import pytest
from bs4 import BeautifulSoup

from django.core.cache import cache
from django.test import RequestFactory

from blog.factories import BlogPostPageFactory
from comments import forms as comment_forms
from comments import views as comment_views
from comments.models import PostComment
from comments.utils import double_submit_lock_key

ACTION = "/kommentare/senden/#kommentieren"
TEXT = "Mein langer Kommentar, den ich nicht noch einmal tippen will."


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def landing(response):
    """The element the answer scrolls to, and the message at its top."""
    soup = soup_of(response)
    target = soup.find(id="kommentieren")
    assert target is not None, "the answer has no element with id kommentieren"
    message = target.find(class_="comment-form__message")
    assert message is not None, "the message is not inside #kommentieren"
    return soup, target, message


def typed_text(target):
    """The comment textarea's value as a browser reads it (the first newline after the tag is dropped)."""
    textarea = target.find("textarea", attrs={"name": "comment"}) or target.find("textarea")
    return textarea.get_text().removeprefix("\n")


def assert_message_comes_first(target, message):
    """Nothing the reader has to read or fill in stands between the top of #kommentieren and the message."""
    assert message.get("role") == "alert"
    assert message.get("tabindex") == "-1"
    assert message.get("id") == "kommentar-hinweis"
    first_child = next(child for child in target.children if getattr(child, "name", None))
    assert first_child is message
    fields = target.find_all(["input", "textarea", "select", "button"])
    assert fields, "no fields in #kommentieren"
    html = str(target)
    assert html.index('id="kommentar-hinweis"') < min(html.index(str(field)) for field in fields)


def assert_form_lands_on_itself(soup):
    form = soup.find("form", id="kommentarformular")
    assert form is not None
    assert form["action"] == ACTION
    assert form.find_parent(id="kommentieren") is not None


def refusal_invalid_email(post, post_comment, settings):
    return post_comment(post, comment=TEXT, email="maria-at-example.org")


def refusal_too_fast(post, post_comment, settings):
    return post_comment(post, comment=TEXT, seconds_ago=0)


def refusal_flood(post, post_comment, settings):
    settings.COMMENTS_FLOOD_SECONDS = 15
    first = post_comment(post, remote_addr="198.51.100.20", comment="Der erste Kommentar.")
    assert first.status_code == 303
    return post_comment(post, remote_addr="198.51.100.20", comment=TEXT)


def refusal_being_saved(post, post_comment, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.21")
    cache.add(double_submit_lock_key(request, post.pk, TEXT), 1)
    return post_comment(post, remote_addr="198.51.100.21", comment=TEXT)


REFUSALS = [
    pytest.param(refusal_invalid_email, 400, comment_views.CHECK_FIELDS, id="400-invalid"),
    pytest.param(refusal_too_fast, 400, comment_forms.TOO_FAST, id="400-too-fast"),
    pytest.param(refusal_flood, 429, comment_views.TOO_MANY, id="429-flood"),
    pytest.param(refusal_being_saved, 409, comment_views.BEING_SAVED, id="409-being-saved"),
]


@pytest.mark.parametrize(("refuse", "status", "message_text"), REFUSALS)
def test_refusal_lands_on_the_form_with_the_message_first_and_the_text_kept(
    post, post_comment, settings, refuse, status, message_text
):
    response = refuse(post, post_comment, settings)

    assert response.status_code == status
    soup, target, message = landing(response)
    assert_form_lands_on_itself(soup)
    assert_message_comes_first(target, message)
    assert str(message_text) in message.get_text(" ", strip=True)
    assert typed_text(target) == TEXT
    assert not PostComment.objects.filter(comment=TEXT).exists()


def test_refusal_on_a_closed_post_lands_on_the_message_and_keeps_the_text(blog_index, post_comment):
    post = BlogPostPageFactory(parent=blog_index, slug="geschlossen", comments_enabled=False)

    response = post_comment(post, comment=TEXT)

    assert response.status_code == 403
    soup, target, message = landing(response)
    assert soup.find("form", id="kommentarformular") is None  # no form to send again
    assert_message_comes_first(target, message)
    assert str(comment_views.COMMENTS_CLOSED) in message.get_text(" ", strip=True)
    assert typed_text(target) == TEXT
    # The message already says it: the plain "closed" note is not repeated beneath it.
    assert target.find(class_="comments__closed") is None
    assert not PostComment.objects.exists()


def test_closed_post_without_a_refusal_has_the_target_and_no_alert(client, blog_index):
    post = BlogPostPageFactory(parent=blog_index, slug="zu-ohne-versuch", comments_enabled=False)

    soup = soup_of(client.get(post.url))

    target = soup.find(id="kommentieren")
    assert target is not None  # links to #kommentieren still land somewhere sensible
    assert target.find(class_="comments__closed").get_text(strip=True) == "Kommentare sind geschlossen."
    assert soup.find(attrs={"role": "alert"}) is None


def test_invalid_fields_are_marked_described_and_named_in_the_summary(post, post_comment):
    response = post_comment(post, comment=TEXT, name="", email="keine-adresse", url="kein url")

    assert response.status_code == 400
    soup, target, message = landing(response)
    invalid = {"name": "id_name", "email": "id_email", "url": "id_url"}
    for name, field_id in invalid.items():
        field = target.find(attrs={"name": name})
        assert field["id"] == field_id
        assert field.get("aria-invalid") == "true", name
        error_ids = field.get("aria-describedby", "").split()
        assert error_ids == [f"{field_id}_error"], name
        error = soup.find(id=error_ids[0])
        assert error is not None and error.get_text(strip=True), name
        # The summary names the field (its label) and links to it.
        link = message.find("a", href=f"#{field_id}")
        assert link is not None, name
        assert str(target.find("label", attrs={"for": field_id}).contents[0]).strip() in link.get_text()
    comment_field = target.find("textarea", attrs={"name": "comment"})
    assert "aria-invalid" not in comment_field.attrs
    assert "aria-describedby" not in comment_field.attrs
    assert message.find("a", href="#id_comment") is None
    # Every id is unique: one error element per field, however many errors it has.
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_without_field_errors_the_summary_has_no_list(post, post_comment):
    response = post_comment(post, comment=TEXT, seconds_ago=0)

    _soup, _target, message = landing(response)
    assert message.find("ul") is None
    assert message.find("a") is None


def test_a_field_with_two_errors_has_one_error_element(post, post_comment, settings):
    response = post_comment(post, comment=TEXT, name="Redaktion\x00")

    soup, target, _message = landing(response)
    name = target.find("input", attrs={"name": "name"})
    assert name["aria-describedby"] == "id_name_error"
    errors = soup.find_all(id="id_name_error")
    assert len(errors) == 1
    assert len(errors[0].find_all(class_="comment-form__error-item")) >= 2


def test_filled_honeypot_is_not_sent_back_filled(post, post_comment):
    """Else a reader whose browser autofilled the hidden field could never send the comment."""
    response = post_comment(post, comment=TEXT, honeypot="http://spam.example.com")

    assert response.status_code == 400
    soup, target, message = landing(response)
    assert str(comment_forms.HONEYPOT_FILLED) in message.get_text(" ", strip=True)
    honeypot = target.find("input", attrs={"name": "honeypot"})
    assert honeypot.get("value", "") == ""
    assert typed_text(target) == TEXT


def test_reply_to_a_comment_that_cannot_be_answered_is_sent_back_as_a_new_comment(post, post_comment):
    """The message offers to send the text as a comment of its own: the form must not repeat the bad parent."""
    response = post_comment(post, comment=TEXT, reply_to=987654)

    assert response.status_code == 400
    soup, target, message = landing(response)
    assert str(comment_forms.PARENT_INVALID) in message.get_text(" ", strip=True)
    assert target.find("input", attrs={"name": "reply_to"})["value"] == "0"
    assert typed_text(target) == TEXT


def test_expired_or_broken_security_fields_get_the_expired_message_not_a_technical_one(post, post_comment):
    response = post_comment(post, comment=TEXT, timestamp="")

    assert response.status_code == 400
    _soup, target, message = landing(response)
    assert message.find("p").get_text(strip=True) == str(comment_forms.FORM_EXPIRED)
    assert typed_text(target) == TEXT


# --- Every message the reader can get ------------------------------------------------------------

# Refusals of a comment the reader wrote: each says that it was not saved and that the text is kept.
REFUSAL_MESSAGES = {
    "POST_NOT_FOUND": comment_views.POST_NOT_FOUND,
    "CSRF_FAILED": comment_views.CSRF_FAILED,
    "COMMENTS_CLOSED": comment_views.COMMENTS_CLOSED,
    "CHECK_FIELDS": comment_views.CHECK_FIELDS,
    "BEING_SAVED": comment_views.BEING_SAVED,
    "TOO_MANY": comment_views.TOO_MANY,
    "TOO_FAST": comment_forms.TOO_FAST,
    "FORM_EXPIRED": comment_forms.FORM_EXPIRED,
    "HONEYPOT_FILLED": comment_forms.HONEYPOT_FILLED,
    "PARENT_INVALID": comment_forms.PARENT_INVALID,
    "PARENT_TOO_DEEP": comment_forms.PARENT_TOO_DEEP,
}


@pytest.mark.parametrize("name", REFUSAL_MESSAGES)
def test_every_refusal_says_what_happened_and_that_the_text_is_kept(name):
    text = str(REFUSAL_MESSAGES[name])

    assert "nicht gespeichert" in text or "gerade schon gespeichert" in text, name
    assert "ein Text" in text, name  # "Dein Text …" / "dein Text …"
    assert " Sie " not in text and " Ihr" not in text, name  # du, like the rest of the site


def test_request_too_big_says_the_text_could_not_be_kept_and_how_to_get_it_back():
    text = str(comment_views.REQUEST_TOO_BIG)

    assert "nicht gespeichert" in text
    assert "zurück" in text  # the browser's back button still has the text
