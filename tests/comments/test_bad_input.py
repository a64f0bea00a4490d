"""Bad input to /kommentare/senden/: a clear 4xx in German, the text kept, nothing stored, never a 500."""

import re
import time
from urllib.parse import urlencode

import pytest

from django.contrib.contenttypes.models import ContentType

from blog.factories import BlogPostPageFactory
from blog.models import BlogPostPage
from comments.factories import form_data
from comments.forms import CONTROL_CHARACTERS, INVALID_EMAIL, PARENT_INVALID, PostCommentForm
from comments.models import PostComment
from comments.views import CHECK_FIELDS, POST_NOT_FOUND

from .conftest import approve

URL = "/kommentare/senden/"


def body(response):
    return response.content.decode()


@pytest.fixture(autouse=True)
def no_flood_limit(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("comment", "Bitte schreibe einen Kommentar."),
        ("name", "Bitte gib deinen Namen ein."),
        ("email", "Bitte gib deine E-Mail-Adresse ein."),
    ],
)
def test_missing_field_gets_a_german_message_next_to_it(client, post, missing, message):
    data = form_data(post, comment="Mein Text", name="Maria", email="maria@example.org")
    data[missing] = "   "

    response = client.post(URL, data)

    assert response.status_code == 400
    html = body(response)
    field_start = html.index(f"comment-form__field--{missing} comment-form__field--invalid")
    assert message in html[field_start : field_start + 1200]
    assert str(CHECK_FIELDS) in html
    for kept in {"comment": "Mein Text", "name": "Maria", "email": "maria@example.org"}.items():
        if kept[0] != missing:
            assert kept[1] in html
    assert not PostComment.objects.exists()


def test_invalid_email_gets_the_german_message_and_everything_is_kept(client, post):
    data = form_data(post, comment="Text bleibt", email="keine-adresse", url="https://meine.example.org")

    response = client.post(URL, data)

    html = body(response)
    assert response.status_code == 400
    assert str(INVALID_EMAIL) in html
    assert 'value="keine-adresse"' in html and 'value="https://meine.example.org"' in html
    assert "Text bleibt" in html
    assert 'aria-invalid="true"' in html


def test_invalid_website_gets_a_german_message(client, post):
    response = client.post(URL, form_data(post, url="javascript:alert(1)"))

    assert response.status_code == 400
    assert "Bitte gib eine gültige Adresse ein" in body(response)
    assert not PostComment.objects.exists()


def test_overlong_name_and_email_are_refused_not_crashing_the_database(client, post):
    response = client.post(URL, form_data(post, name="N" * 51, email=("e" * 250) + "@example.org"))

    assert response.status_code == 400
    assert "Dein Text ist zu lang: höchstens 50 Zeichen" in body(response)
    assert not PostComment.objects.exists()


def test_ten_thousand_characters_are_refused(client, post):
    response = client.post(URL, form_data(post, comment="a" * 10_001))

    assert response.status_code == 400
    assert "Dein Text ist zu lang" in body(response)


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b"])
@pytest.mark.parametrize("field", ["comment", "name"])
def test_control_characters_are_refused_and_the_text_kept(client, post, field, character):
    typed = f"Mit{character}Steuerzeichen"
    response = client.post(URL, form_data(post, **{field: typed}))

    assert response.status_code == 400
    html = body(response)
    assert str(CONTROL_CHARACTERS) in html
    assert typed in html  # what the reader typed comes back to them, to correct
    assert 'value="maria@example.org"' in html
    assert not PostComment.objects.exists()


def test_tabs_and_line_breaks_are_not_control_characters_to_refuse(client, post):
    response = client.post(URL, form_data(post, comment="Erste Zeile\r\n\tzweite Zeile"))

    assert response.status_code == 303
    assert PostComment.objects.get().comment == "Erste Zeile\n\tzweite Zeile"


def test_invalid_utf8_is_refused(client, post):
    data = form_data(post)
    raw = urlencode({key: value for key, value in data.items() if key != "comment"}) + "&comment=Gr%FC%DFe"

    response = client.post(URL, raw, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "keine gültige UTF-8-Kodierung" in body(response)
    assert not PostComment.objects.exists()


def test_forged_security_hash_is_refused_and_the_form_comes_back_fresh(client, post):
    data = form_data(post, comment="Gefälschter Hash")
    data["security_hash"] = "0" * 40

    response = client.post(URL, data)

    html = body(response)
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen oder wurde verändert." in html
    assert "Gefälschter Hash" in html
    assert 'value="0000000000000000000000000000000000000000"' not in html
    assert 'value="maria@example.org"' in html
    assert not PostComment.objects.exists()


def test_expired_timestamp_is_refused_and_sending_again_works(client, post, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    response = client.post(URL, form_data(post, seconds_ago=5 * 60 * 60, comment="Lange offen"))

    html = body(response)
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in html and "Lange offen" in html
    assert not PostComment.objects.exists()

    fresh = {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("content_type", "object_pk", "timestamp", "security_hash", "reply_to", "name", "email")
    }
    again = client.post(URL, {**fresh, "comment": "Lange offen", "honeypot": ""})
    assert again.status_code == 303
    assert PostComment.objects.get().comment == "Lange offen"


@pytest.mark.parametrize(
    ("content_type", "object_pk"),
    [("auth.user", "1"), ("blog.blogpostpage", "999999"), ("blog.blogpostpage", "abc"), ("kaputt", "1"), ("", "")],
)
def test_wrong_content_type_or_object_id_is_refused_with_the_text_kept(client, post, content_type, object_pk):
    data = form_data(post, comment="Wohin damit?")
    data.update(content_type=content_type, object_pk=object_pk)

    response = client.post(URL, data)

    assert response.status_code == 400
    assert str(POST_NOT_FOUND) in body(response)
    assert "Wohin damit?" in body(response)
    assert not PostComment.objects.exists()


def test_comment_on_another_page_type_with_a_valid_hash_is_refused(client, post, home_page):
    """A form signed for the home page: the hash is right, but only posts take comments."""
    form = PostCommentForm(home_page)
    timestamp = int(time.time()) - 10
    data = form_data(post)
    data.update(
        content_type=form.initial["content_type"],
        object_pk=form.initial["object_pk"],
        timestamp=str(timestamp),
        security_hash=form.initial_security_hash(timestamp),
    )

    response = client.post(URL, data)

    assert response.status_code == 400
    assert not PostComment.objects.exists()


def test_draft_post_takes_no_comments(client, blog_index):
    draft = BlogPostPageFactory(parent=blog_index, slug="entwurf", live=False)

    response = client.post(URL, form_data(draft))

    assert response.status_code == 400
    assert not PostComment.objects.exists()


def _stored_comment(post, public=True, parent=None):
    return PostComment.objects.create(
        content_type=ContentType.objects.get_for_model(BlogPostPage),
        object_pk=str(post.pk),
        site_id=1,
        user_name="Eltern",
        user_email="eltern@example.org",
        comment="Elternkommentar",
        is_public=public,
        parent_id=parent.pk if parent else 0,
    )


def test_parent_from_another_post_is_refused(client, post, blog_index):
    other = BlogPostPageFactory(parent=blog_index, slug="anderer")
    foreign_parent = _stored_comment(other)

    response = client.post(URL, form_data(post, reply_to=foreign_parent.pk, comment="Falscher Ort"))

    assert response.status_code == 400
    assert str(PARENT_INVALID) in body(response)
    assert "Falscher Ort" in body(response)
    assert PostComment.objects.count() == 1


@pytest.mark.parametrize("parent_id", ["held", "999999", "-1", "abc", "99999999999999999999999"])
def test_parent_not_approved_or_unknown_is_refused(client, post, parent_id):
    held = _stored_comment(post, public=False)
    value = str(held.pk) if parent_id == "held" else parent_id

    response = client.post(URL, form_data(post, reply_to=value, comment="Antwort ins Leere"))

    assert response.status_code == 400
    assert str(PARENT_INVALID) in body(response)
    assert PostComment.objects.count() == 1


def test_reply_deeper_than_five_levels_is_refused(client, post):
    parent = None
    for _level in range(5):
        parent = approve(_stored_comment(post, parent=parent))
    assert parent.level == 4

    too_deep = client.post(URL, form_data(post, reply_to=parent.pk, comment="Sechste Ebene"))
    allowed = client.post(URL, form_data(post, reply_to=parent.parent_id, comment="Fünfte Ebene"))

    assert too_deep.status_code == 400
    assert "zu tief verschachtelt" in body(too_deep)
    assert "Sechste Ebene" in body(too_deep)
    assert allowed.status_code == 303
    assert PostComment.objects.get(comment="Fünfte Ebene").level == 4
    assert not PostComment.objects.filter(comment="Sechste Ebene").exists()


def test_html_and_script_payloads_are_stored_as_text_and_shown_escaped(client, post):
    payload = '<script>alert(document.cookie)</script>"><svg onload=alert(1)>'
    client.post(URL, form_data(post, comment=payload, name='"><b>Name</b>'))
    approve(PostComment.objects.get())

    html = body(client.get(post.url))

    assert PostComment.objects.get().comment == payload
    assert "<script>alert" not in html and "<svg onload" not in html and "<b>Name</b>" not in html
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in html


def test_error_page_escapes_what_was_typed(client, post):
    response = client.post(URL, form_data(post, comment="<script>alert(1)</script>", email="kaputt"))

    html = body(response)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_get_instead_of_post_gets_405_in_german(client, db):
    response = client.get(URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Kommentare werden über das Formular unter einem Beitrag gesendet." in body(response)


def test_empty_post_is_refused(client, post):
    response = client.post(URL, {})

    assert response.status_code == 400
    assert not PostComment.objects.exists()


def test_request_far_too_big_is_refused_in_german(client, post, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000

    response = client.post(URL, form_data(post, comment="x" * 60_000))

    assert response.status_code == 400
    assert "Das Gesendete ist viel zu groß für einen Kommentar" in body(response)
    assert not PostComment.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary=""',
        "multipart/form-data; boundary=\x00",
    ],
)
def test_multipart_body_without_a_usable_boundary_is_refused_in_german(client, post, content_type):
    response = client.post(URL, urlencode(form_data(post)).encode(), content_type=content_type)

    assert response.status_code == 400
    html = body(response)
    assert "Das Formular ist nicht lesbar angekommen." in html
    assert '<html lang="de"' in html
    assert "Bad Request" not in html
    assert response["Cache-Control"] == "private, no-store"
    assert not PostComment.objects.exists()


TOO_LONG_ID = "9" * 20  # more than a database integer holds (SQLite raised OverflowError: a 500)


@pytest.mark.parametrize(
    "path",
    [
        f"/kommentare/melden/{TOO_LONG_ID}/",
        f"/kommentare/melden/{TOO_LONG_ID}/danke/",
        f"/kommentare/beitrag/{TOO_LONG_ID}/feed/",
        f"/kommentare/beitrag/{TOO_LONG_ID}/feed/atom/",
        f"/kommentare/link/{TOO_LONG_ID}/1/",
    ],
)
def test_an_id_too_long_for_the_database_is_a_404_not_a_500(post, path):
    from django.test import Client

    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("value", [TOO_LONG_ID, f"-{TOO_LONG_ID}", "2.5", "0"])
def test_the_queue_filter_same_as_with_a_number_no_comment_can_have_lists_nothing(post, moderator_client, value):
    from comments.factories import PostCommentFactory

    # Approved: the queue's fallback for a filter it cannot read (the held comments) does not list it.
    comment = approve(PostCommentFactory(post=post, comment="Ein freigegebener Kommentar"))
    moderator_client.raise_request_exception = False
    response = moderator_client.get("/admin/kommentare/", {"status": "all", "same_as": value})
    assert response.status_code == 200
    assert "Ein freigegebener Kommentar" not in response.content.decode()
    # The filter itself works for a real number.
    response = moderator_client.get("/admin/kommentare/", {"status": "all", "same_as": comment.pk})
    assert "Ein freigegebener Kommentar" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/kommentare/edit/{TOO_LONG_ID}/",
        f"/admin/kommentare/delete/{TOO_LONG_ID}/",
        f"/admin/kommentare/history/{TOO_LONG_ID}/",
        f"/admin/kommentare/sperren/{TOO_LONG_ID}/",
    ],
)
def test_the_queue_answers_an_id_too_long_for_the_database_with_a_404(moderator_client, path):
    assert moderator_client.get(path).status_code == 404


@pytest.mark.parametrize("value", [TOO_LONG_ID, "\u0661", "abc"])
def test_the_queue_post_filter_with_an_impossible_id_shows_the_default_list(post, moderator_client, value):
    from comments.factories import PostCommentFactory

    held = PostCommentFactory(post=post, comment="Wartet hier")

    response = moderator_client.get("/admin/kommentare/", {"post": value})

    assert response.status_code == 200
    assert held.comment in response.content.decode()
