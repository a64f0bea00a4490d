"""Sending a comment through the real form and view: held, shown to its author only, stored frugally."""

import pytest

from django.core import signing
from django.test import Client

from comments.factories import form_data
from comments.models import PostComment, Status
from comments.utils import PREVIEW_COOKIE, PREVIEW_SALT, truncate_ip

from .conftest import approve


def test_comment_is_held_and_reader_lands_on_it(post, post_comment):
    response = post_comment(post, comment="Mein erster Kommentar.")

    comment = PostComment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/beitraege/ein-beitrag/?kommentar={comment.pk}#c{comment.pk}"
    assert comment.status == Status.PENDING
    assert comment.is_public is False and comment.is_removed is False
    assert comment.user_name == "Maria Musterfrau" and comment.user_email == "maria@example.org"
    assert comment.comment == "Mein erster Kommentar."
    assert comment.level == 0 and comment.thread_id == comment.pk


def test_author_sees_own_held_comment_with_notice(client, post, post_comment):
    response = post_comment(post, comment="Nur ich sehe das vorerst.")

    page = client.get(response["Location"])

    html = page.content.decode()
    assert "Dein Kommentar wartet auf Freischaltung." in html
    assert "Nur ich sehe das vorerst." in html
    assert "Noch keine freigeschalteten Kommentare" in html  # published count is still zero
    assert "Keine Kommentare" not in html


def test_held_comment_is_invisible_to_other_readers(post, post_comment):
    post_comment(post, comment="Nur ich sehe das vorerst.")

    html = Client().get(post.url).content.decode()

    assert "Nur ich sehe das vorerst." not in html
    assert "wartet auf Freischaltung" not in html


def test_preview_cookie_is_signed_time_limited_and_http_only(client, post, post_comment):
    response = post_comment(post)

    cookie = response.cookies[PREVIEW_COOKIE]
    assert cookie["max-age"] == 3600
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert signing.loads(cookie.value, salt=PREVIEW_SALT) == [PostComment.objects.get().pk]


def test_forged_preview_cookie_shows_nothing(post, post_comment):
    post_comment(post, comment="Geheimer wartender Kommentar")
    comment = PostComment.objects.get()
    stranger = Client()
    stranger.cookies[PREVIEW_COOKIE] = f"[{comment.pk}]"

    html = stranger.get(post.url).content.decode()

    assert "Geheimer wartender Kommentar" not in html


def test_expired_preview_cookie_shows_nothing(client, post, post_comment, monkeypatch):
    post_comment(post, comment="Nach einer Stunde weg")
    monkeypatch.setattr("comments.utils.PREVIEW_MAX_AGE", -1)

    html = client.get(post.url).content.decode()

    assert "Nach einer Stunde weg" not in html


def test_pages_showing_a_held_comment_are_private_and_not_stored(client, post, post_comment):
    post_comment(post)

    response = client.get(post.url)

    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_preview_cookie_keeps_several_comments(client, post, post_comment):
    post_comment(post, comment="Erster wartender", email="a@example.org")
    post_comment(post, comment="Zweiter wartender", email="b@example.org")

    html = client.get(post.url).content.decode()

    assert "Erster wartender" in html and "Zweiter wartender" in html


def test_approved_comment_is_visible_to_everyone(post, post_comment):
    post_comment(post, comment="Bald öffentlich")
    approve(PostComment.objects.get())

    html = Client().get(post.url).content.decode()

    assert "Bald öffentlich" in html
    assert "Ein Kommentar" in html


def test_reply_through_the_form_is_threaded_under_its_parent(client, post, post_comment):
    post_comment(post, comment="Elternkommentar", email="eltern@example.org")
    parent = approve(PostComment.objects.get())

    response = post_comment(post, comment="Antwort darauf", reply_to=parent.pk)

    reply = PostComment.objects.exclude(pk=parent.pk).get()
    assert response.status_code == 303
    assert reply.parent_id == parent.pk and reply.thread_id == parent.pk and reply.level == 1


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("2001:db8:abcd:1234:5678:9abc:def0:1234", "2001:db8:abcd::"),
        ("::ffff:198.51.100.9", "198.51.100.0"),
        ("kaputt", None),
    ],
)
def test_ip_address_is_stored_shortened(post, post_comment, address, stored):
    post_comment(post, remote_addr=address)

    assert PostComment.objects.get().ip_address == stored
    assert truncate_ip(address) == stored


def test_ip_address_is_not_stored_when_configured_off(post, post_comment, settings):
    settings.COMMENTS_IP_STORAGE = "none"

    post_comment(post, remote_addr="203.0.113.77")

    assert PostComment.objects.get().ip_address is None


def test_no_user_agent_is_stored(post, client):
    client.post("/kommentare/senden/", form_data(post), HTTP_USER_AGENT="Mozilla/5.0 Einzigartiger-Browser/1.0")

    comment = PostComment.objects.get()
    stored_values = [str(value) for value in comment.__dict__.values()]
    assert not any("Einzigartiger-Browser" in value for value in stored_values)


def test_logged_in_reader_must_send_a_csrf_token(post, django_user_model):
    user = django_user_model.objects.create_user("redakteur", password="ein-langes-passwort-42")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    refused = browser.post("/kommentare/senden/", form_data(post, comment="Ohne Token"))

    assert refused.status_code == 403
    assert "Deine Sitzung ist abgelaufen" in refused.content.decode()
    assert "Ohne Token" in refused.content.decode()
    assert not PostComment.objects.exists()

    page = browser.get(post.url)
    token = page.cookies["csrftoken"].value
    accepted = browser.post(
        "/kommentare/senden/", {**form_data(post, comment="Mit Token"), "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 303
    assert PostComment.objects.get().user == user


def test_anonymous_reader_needs_no_csrf_token(post):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/kommentare/senden/", form_data(post))

    assert response.status_code == 303
    assert PostComment.objects.count() == 1


def test_session_cookie_alone_enforces_csrf(post):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = "irgendeine-sitzung"

    response = browser.post("/kommentare/senden/", form_data(post))

    assert response.status_code == 403
    assert not PostComment.objects.exists()


def test_comment_link_redirect_goes_to_the_post(client, post, post_comment):
    post_comment(post)
    approve(comment := PostComment.objects.get())

    response = client.get(comment.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith("/beitraege/ein-beitrag/")


def test_posting_a_comment_stays_within_its_query_budget(client, post, post_comment, django_assert_max_num_queries):
    client.get(post.url)  # warm per-process caches (content types, site root paths)

    with django_assert_max_num_queries(40):
        response = post_comment(post)

    assert response.status_code == 303
