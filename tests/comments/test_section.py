"""What readers see under a post: count, toggle, threaded list, the form and its texts."""

import datetime

import pytest
from bs4 import BeautifulSoup

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from blog.factories import BlogPostPageFactory
from blog.models import BlogPostPage
from comments import lifecycle
from comments.models import PostComment, Status

from .conftest import approve


def make_comment(post, text="Ein Kommentar.", parent=None, public=True, **fields):
    """A stored comment as if posted and approved (the posting path itself is tested elsewhere)."""
    values = {
        "content_type": ContentType.objects.get_for_model(BlogPostPage),
        "object_pk": str(post.pk),
        "site_id": 1,
        "user_name": "Leserin",
        "user_email": "leserin@example.org",
        "comment": text,
        "status": Status.APPROVED if public else Status.PENDING,
        "parent_id": parent.pk if parent else 0,
    }
    values.update(fields)
    comment = PostComment.objects.create(**values)
    lifecycle.refresh_visibility([comment.thread_id])
    comment.refresh_from_db()
    return comment


def section_html(client, post, **params):
    response = client.get(post.url, params)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="kommentare"') :]


def test_post_without_comments_says_keine_kommentare_and_shows_the_form(client, post):
    html = section_html(client, post)

    assert "Keine Kommentare" in html
    assert "Kommentare einblenden" in html and "Kommentare ausblenden" in html
    assert "<details" in html and "<summary" in html
    assert "Schreibe einen Kommentar" in html
    assert "Deine E-Mail-Adresse wird nicht veröffentlicht." in html
    assert "Kommentar abschicken" in html


@pytest.mark.parametrize(("published", "heading"), [(1, "Ein Kommentar"), (3, "3 Kommentare")])
def test_heading_counts_only_published_comments(client, post, published, heading):
    for number in range(published):
        make_comment(post, text=f"Kommentar {number}")
    make_comment(post, text="Wartet noch", public=False)
    make_comment(post, text="Im Papierkorb", status=Status.TRASH)

    html = section_html(client, post)

    assert heading in html
    assert "Wartet noch" not in html
    assert "Im Papierkorb" not in html


def test_form_fields_have_labels_stars_and_required_attributes(client, post):
    html = section_html(client, post)

    for field_id, label in [("id_comment", "Kommentar"), ("id_name", "Name"), ("id_email", "E-Mail")]:
        assert f'<label for="{field_id}">{label} <span class="required">*</span></label>' in html
    assert '<label for="id_url">Website</label>' in html
    assert '<textarea name="comment" cols="45" rows="8" maxlength="5000" required id="id_comment">' in html
    assert 'type="email" name="email"' in html and 'name="url"' in html
    assert 'name="url" autocomplete="url" maxlength="200" id="id_url">' in html  # optional: no required
    assert (
        "Meinen Namen, meine E-Mail-Adresse und meine Website in diesem Browser für die nächste "
        "Kommentierung speichern." in html
    )
    assert 'type="checkbox" name="remember" id="id_remember">' in html  # not ticked by default


def test_page_has_no_inline_script_and_loads_comment_assets(client, post):
    response = client.get(post.url)
    html = response.content.decode()

    assert '<script src="/static/js/comments.js" defer></script>' in html
    assert 'href="/static/css/comments.css"' in html
    assert "<script>" not in html


def test_comments_are_threaded_oldest_first_with_replies_under_their_parent(client, post):
    first = make_comment(post, text="Erster Kommentar")
    second = make_comment(post, text="Zweiter Kommentar")
    reply = make_comment(post, text="Antwort auf den ersten", parent=first)
    make_comment(post, text="Antwort auf die Antwort", parent=reply)

    html = section_html(client, post)

    order = [html.index(text) for text in ("Erster", "Antwort auf den ersten", "Antwort auf die Antwort", "Zweiter")]
    assert order == sorted(order)
    first_item = html[html.index(f'id="c{first.pk}"') : html.index(f'id="c{second.pk}"')]
    assert first_item.count('<ol class="comment__children">') == 2


def test_comment_shows_name_linked_with_nofollow_and_german_date(client, post):
    comment = make_comment(post, user_name="Peter Pan", user_url="https://peter.example.org/")
    comment.submit_date = timezone.make_aware(datetime.datetime(2015, 9, 15, 14, 3))
    comment.save()

    html = section_html(client, post)

    assert '<a href="https://peter.example.org/" rel="nofollow ugc noopener">Peter Pan</a>' in html
    assert "15. September 2015 um 14:03 Uhr" in html
    assert '<span class="comment__avatar" aria-hidden="true">PP</span>' in html


def test_comment_text_is_plain_text_with_paragraphs_breaks_and_links(client, post):
    make_comment(post, text='Zeile eins\nZeile zwei\n\nAbsatz <b>fett</b> & "zitiert" https://eifel.example.org/a?b=1')

    html = section_html(client, post)

    assert "<p>Zeile eins<br>Zeile zwei</p>" in html
    assert "Absatz &lt;b&gt;fett&lt;/b&gt; &amp; &quot;zitiert&quot;" in html
    assert (
        '<a href="https://eifel.example.org/a?b=1" rel="nofollow ugc noopener">https://eifel.example.org/a?b=1</a>'
        in html
    )
    assert "<b>fett</b>" not in html


def test_script_in_an_approved_comment_is_shown_as_text(client, post):
    make_comment(post, text='<script>alert("x")</script><img src=x onerror=alert(1)>', user_name="<i>Böse</i>")

    html = section_html(client, post)

    assert "<script>alert" not in html and "<img src=x" not in html and "<i>Böse</i>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;i&gt;Böse&lt;/i&gt;" in html


def test_reply_link_works_without_javascript(client, post):
    comment = make_comment(post, user_name="Anna")

    html = section_html(client, post)
    assert f'href="?antwort={comment.pk}#kommentieren"' in html
    assert "Antworten" in html

    reply_html = section_html(client, post, antwort=comment.pk)
    title = reply_html[reply_html.index('id="kommentieren-titel"') : reply_html.index("</h3>")]
    assert "Schreibe einen Kommentar" in title
    assert (
        f'<span class="comment-respond__to"> zu <a class="comment-respond__parent" href="#c{comment.pk}">Anna</a>'
        in title
    )
    assert '<a class="comment-respond__cancel" href="/beitraege/ein-beitrag/#kommentieren" rel="nofollow">' in title
    assert "Antworten abbrechen" in title
    assert f'<input type="hidden" name="reply_to" value="{comment.pk}"' in reply_html


def test_reply_parameter_ignores_held_foreign_and_junk_comments(client, post):
    other_post = BlogPostPageFactory(parent=post.get_parent(), slug="anderer-beitrag")
    held = make_comment(post, public=False)
    foreign = make_comment(other_post)

    for value in [held.pk, foreign.pk, "abc", "99999999999999999999999"]:
        html = section_html(client, post, antwort=value)
        assert '<input type="hidden" name="reply_to" value="0"' in html
        assert '<span class="comment-respond__to" hidden>' in html


def test_deepest_comments_have_no_reply_link(client, post):
    parent = None
    chain = []
    for level in range(5):
        parent = make_comment(post, text=f"Ebene {level}", parent=parent)
        chain.append(parent)

    html = section_html(client, post)

    assert [PostComment.objects.get(pk=comment.pk).level for comment in chain] == [0, 1, 2, 3, 4]
    for comment in chain[:4]:
        assert f"?antwort={comment.pk}#" in html
    assert f"?antwort={chain[4].pk}#" not in html


def test_closed_post_says_so_and_has_no_form(client, blog_index):
    post = BlogPostPageFactory(parent=blog_index, slug="zu", comments_enabled=False)

    html = section_html(client, post)

    assert "Kommentare sind geschlossen." in html
    assert "Kommentar abschicken" not in html
    assert 'action="/kommentare/senden/"' not in html


def test_anonymous_form_has_no_csrf_token_so_the_page_can_be_cached(client, post):
    response = client.get(post.url)

    assert b"csrfmiddlewaretoken" not in response.content
    assert "csrftoken" not in response.cookies


def test_logged_in_reader_gets_a_csrf_token(client, post):
    user = get_user_model().objects.create_user("redakteurin", password="geheim-genug-123")
    client.force_login(user)

    response = client.get(post.url)

    assert b'name="csrfmiddlewaretoken"' in response.content


def test_comment_section_query_budget_does_not_grow_with_comments(client, post, django_assert_max_num_queries):
    parent = None
    for number in range(30):
        parent = make_comment(post, text=f"Kommentar {number}", parent=parent if number % 3 else None)
    client.get(post.url)  # warm per-process caches (site root paths, content types)

    with django_assert_max_num_queries(40) as captured:
        response = client.get(post.url)

    assert response.status_code == 200
    comment_queries = [query for query in captured.captured_queries if "django_comments" in query["sql"]]
    assert len(comment_queries) == 1


def test_approve_helper_publishes(post):
    comment = make_comment(post, public=False)
    assert approve(comment).is_public


# --- The heading above the thread -------------------------------------------------------------------


def heading(client, post):
    response = client.get(post.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find(id="kommentare-titel").get_text(" ", strip=True)


def test_heading_without_any_comment_says_keine_kommentare(client, post):
    assert heading(client, post) == "Keine Kommentare"


def test_heading_above_the_readers_own_held_comment_says_none_is_public_yet(client, post, post_comment):
    assert post_comment(post, comment="Wartet auf Freigabe.").status_code == 303

    response = client.get(post.url)

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(id="kommentare-titel").get_text(" ", strip=True) == "Noch keine freigeschalteten Kommentare"
    assert "Keine Kommentare" not in response.content.decode()
    assert soup.find(class_="comment__held").get_text(strip=True) == "Dein Kommentar wartet auf Freischaltung."


def test_heading_with_public_comments_counts_them_also_above_an_own_held_one(client, post, post_comment):
    post_comment(post, comment="Wird freigegeben.")
    approve(PostComment.objects.get(comment="Wird freigegeben."))
    post_comment(post, comment="Wartet noch.")

    assert heading(client, post) == "Ein Kommentar"


def test_held_comment_on_another_post_does_not_change_the_heading(client, post, post_comment):
    other = BlogPostPageFactory(parent=post.get_parent(), slug="anderswo")
    post_comment(other, comment="Wartet woanders.")

    assert heading(client, post) == "Keine Kommentare"


def test_the_personal_heading_never_reaches_the_shared_fragment(client, post, post_comment, settings):
    """With the fragment cache on, the author's heading is rendered for them alone, in either order."""
    settings.FRAGMENT_CACHE_SECONDS = 300
    assert heading(Client(), post) == "Keine Kommentare"
    post_comment(post, comment="Wartet auf Freigabe.")

    assert heading(client, post) == "Noch keine freigeschalteten Kommentare"
    assert heading(Client(), post) == "Keine Kommentare"
