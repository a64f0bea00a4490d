"""Issue 17 attack: the thread joined in Python, the form written in Python, the site chosen in Python,
through real requests with hostile values."""

import pytest

from django.test import Client

from comments.factories import PostCommentFactory, form_data
from comments.models import PostComment, Status
from tests.hostile import EVIL, Tags, assert_no_injection

pytestmark = pytest.mark.django_db


def parse(response):
    parser = Tags()
    parser.feed(response.content.decode())
    return parser


def test_hostile_names_urls_and_texts_in_the_thread_stay_text(client, post):
    top = PostCommentFactory(
        post=post, status=Status.APPROVED, user_name=EVIL[:50], user_url="https://x.example/?a=\"'<>&b=1", comment=EVIL
    )
    PostCommentFactory(post=post, parent=top, status=Status.APPROVED, user_name='O\'Brien "Bob" <b>', comment=EVIL)
    for query in (
        "",
        f"?sortierung={EVIL}&seite={EVIL}",
        '?sortierung=neueste&seite=1&x="<script>',
        "?seite=9999999999999999999999",
    ):
        response = client.get(post.url + query)
        assert response.status_code in (200, 301, 302, 404), query
        if response.status_code != 200:
            continue
        parser = assert_no_injection(response)
        names = [attrs.get("data-reply-name") for tag, attrs in parser.tags if "data-reply-name" in attrs]
        assert EVIL[:50] in names and 'O\'Brien "Bob" <b>' in names


def test_a_refused_comment_is_reshown_escaped(client, post):
    # No e-mail address: refused, the form comes back with what the reader typed.
    data = form_data(post, name=EVIL[:50], email="", url='javascript:"><script>alert(1)</script>', comment=EVIL)
    data["reply_to"] = '1"><script>alert(1)</script>'
    response = client.post("/kommentare/senden/", data, REMOTE_ADDR="192.0.2.77")
    assert response.status_code in (200, 400, 409, 422, 429), response.status_code
    parser = assert_no_injection(response)
    textareas = response.content.decode()
    assert "<script>alert(1)</script>" not in textareas
    values = {attrs.get("name"): attrs.get("value") for tag, attrs in parser.tags if tag == "input"}
    assert values.get("name") == EVIL[:50]


def test_the_email_never_appears_in_the_page(client, post):
    PostCommentFactory(post=post, status=Status.APPROVED, user_email="geheim.adresse@example.org")
    for url in (post.url, post.url + "?sortierung=neueste", "/kommentare/feed/"):
        response = client.get(url)
        assert "geheim.adresse" not in response.content.decode(), url


def test_a_held_comment_shows_only_to_its_author(client, post):
    response = client.post("/kommentare/senden/", form_data(post, comment="Noch nicht frei."), REMOTE_ADDR="192.0.2.5")
    assert response.status_code in (302, 303)
    comment = PostComment.objects.get(comment="Noch nicht frei.")
    assert not comment.is_public
    own = client.get(post.url).content.decode()
    assert "Noch nicht frei." in own
    other = Client().get(post.url).content.decode()
    assert "Noch nicht frei." not in other
    again = client.get(post.url).content.decode()
    assert "Noch nicht frei." in again
    assert "Noch nicht frei." not in Client().get(post.url).content.decode()
    comment.refresh_from_db()
    assert not comment.html  # never stored


@pytest.mark.parametrize(
    "host, port",
    [
        ("testserver", "abc"),
        ("TESTSERVER", "80"),
        ("testserver.", "80"),
        ("[::1]", "80"),
        ("testserver", ""),
        ("testserver", "99999999999999999999999"),
    ],
)
def test_hostile_hosts_and_ports_never_500(post, settings, host, port):
    settings.ALLOWED_HOSTS = ["*"]
    response = Client(raise_request_exception=False).get(post.url, HTTP_HOST=host, SERVER_PORT=port)
    assert response.status_code < 500, (host, port, response.status_code)


@pytest.fixture
def open_rules(comment_rules, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    comment_rules.hold_all = False
    comment_rules.recheck_edited = False
    comment_rules.save()
    return comment_rules


def test_the_edit_link_is_only_in_the_writers_page_and_the_edit_form_escapes(post, post_comment, open_rules):
    writer = Client()
    response = post_comment(post, client=writer, name="Eva", email="eva@example.org", comment="Gleich frei.")
    assert response.status_code == 303
    comment = PostComment.objects.get(comment="Gleich frei.")
    assert comment.is_public
    assert "comment__edit" in writer.get(post.url).content.decode()
    for _ in range(2):
        assert "comment__edit" not in Client().get(post.url).content.decode()
    edit = f"/kommentare/bearbeiten/{comment.pk}/"
    # An edit the rules refuse (empty) is shown again; a hostile text is kept, escaped.
    response = writer.post(edit, {"comment": EVIL * 200})
    assert response.status_code < 500
    assert_no_injection(response)
    response = writer.post(edit, {"comment": EVIL})
    assert response.status_code < 500
    assert_no_injection(writer.get(post.url))
    assert_no_injection(Client().get(post.url))


def test_the_report_form_escapes_what_was_typed(client, post):
    comment = PostCommentFactory(post=post, status=Status.APPROVED)
    url = f"/kommentare/melden/{comment.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    parser = parse(response)
    fields = {attrs.get("name") for tag, attrs in parser.tags if tag in ("input", "textarea", "select")}
    data = {name: EVIL for name in fields if name and name != "csrfmiddlewaretoken"}
    response = client.post(url, data)
    assert response.status_code < 500
    assert_no_injection(response)
    response = client.get(url + f"?x={EVIL}")
    assert response.status_code < 500
    assert_no_injection(response)


def test_stored_html_is_never_stale_after_anonymise_raw_update_or_spam(client, post):
    from comments import lifecycle

    comment = PostCommentFactory(
        post=post, status=Status.APPROVED, user_name="Klara Namensgeberin", comment="Erstfassung."
    )
    assert "Klara Namensgeberin" in client.get(post.url).content.decode()
    lifecycle.anonymise([PostComment.objects.get(pk=comment.pk)])
    page = client.get(post.url).content.decode()
    assert "Klara Namensgeberin" not in page
    PostComment.objects.filter(pk=comment.pk).update(comment="Zweitfassung <script>alert(1)</script>")
    page = client.get(post.url)
    assert "Zweitfassung" in page.content.decode()
    assert_no_injection(page)
    lifecycle.apply(PostComment.objects.get(pk=comment.pk), "spam")
    assert "Zweitfassung" not in Client().get(post.url).content.decode()


@pytest.mark.parametrize(
    "value", ['"><script>alert(1)</script>', "99999999999999999999999", "-1", "1e3", "٣", " 1", ""]
)
def test_hostile_reply_to_values_in_the_address(client, post, value):
    PostCommentFactory(post=post, status=Status.APPROVED)
    response = client.get(post.url, {"antwort": value, "sortierung": value, "seite": value})
    assert response.status_code < 500
    if response.status_code == 200:
        assert_no_injection(response)


def test_a_reply_link_to_a_held_or_spam_comment_shows_nothing_of_it(client, post):
    held = PostCommentFactory(post=post, status=Status.PENDING, user_name="Heimlich Wartend", comment="Wartet noch.")
    spam = PostCommentFactory(post=post, status=Status.SPAM, user_name="Werbung Spammer", comment="Kauf was.")
    for comment in (held, spam):
        page = client.get(post.url, {"antwort": comment.pk}).content.decode()
        assert comment.user_name not in page and comment.comment not in page
        assert comment.user_email not in page
