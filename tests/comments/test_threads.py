"""Long threads stay readable (comments/threads.py): "Empfehlung der Redaktion", the order of the threads
(Älteste / Neueste / Empfohlen), pages of top-level threads and the permalink that lands on a comment."""

import re

import pytest
from bs4 import BeautifulSoup

from django.test import Client

from wagtail.models import ModelLogEntry

from comments import lifecycle
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status


@pytest.fixture(autouse=True)
def two_threads_per_page(settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2


def reader_client():
    client = Client()
    client.cookies["bench"] = "uncached"  # any cookie: the page cache steps aside
    return client


def thread_roots(post, count):
    """`count` approved top-level comments, oldest first, the second with an approved reply."""
    roots = [PostCommentFactory(post=post, status=Status.APPROVED, comment=f"Faden {n}") for n in range(count)]
    reply = PostCommentFactory(post=post, parent=roots[1], status=Status.APPROVED, comment="Antwort im Faden 1")
    return roots, reply


def shown_ids(response):
    html = BeautifulSoup(response.content, "html.parser")
    return [int(item["id"][1:]) for item in html.select("ol.comment-list li.comment")]


def audit_actions(comment):
    return list(ModelLogEntry.objects.filter(object_id=str(comment.pk)).order_by("pk").values_list("action", flat=True))


# --- Empfehlung der Redaktion ------------------------------------------------------------------


@pytest.mark.django_db
def test_recommending_a_public_comment_shows_the_badge_and_is_audited_once(post, moderator):
    comment = PostCommentFactory(post=post, status=Status.APPROVED, comment="Gut recherchiert, danke")
    assert lifecycle.recommend(comment, True, moderator) is True
    assert lifecycle.recommend(comment, True, moderator) is False  # already so: no second entry
    assert audit_actions(comment).count("comments.recommend") == 1

    html = BeautifulSoup(reader_client().get(post.url).content, "html.parser")
    badges = [badge.get_text() for badge in html.select(f"#c{comment.pk} .comment__badge")]
    assert badges == ["Empfehlung der Redaktion"]

    assert lifecycle.recommend(comment, False, moderator) is True
    assert audit_actions(comment).count("comments.unrecommend") == 1
    html = BeautifulSoup(reader_client().get(post.url).content, "html.parser")
    assert html.select(f"#c{comment.pk} .comment__badge") == []


@pytest.mark.django_db
def test_only_a_public_comment_can_be_recommended(post, moderator):
    held = PostCommentFactory(post=post, comment="Noch nicht freigegeben")
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.recommend(held, True, moderator)
    held.refresh_from_db()
    assert held.is_recommended is False
    assert "comments.recommend" not in audit_actions(held)


@pytest.mark.django_db
def test_the_mark_is_dropped_when_the_comment_or_the_one_it_answers_is_hidden(post, moderator):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    reply = PostCommentFactory(post=post, parent=parent, status=Status.APPROVED)
    for comment in (parent, reply):
        lifecycle.recommend(comment, True, moderator)
    lifecycle.apply(parent, "withdraw", moderator)
    assert list(PostComment.objects.filter(pk__in=[parent.pk, reply.pk]).values_list("is_recommended", flat=True)) == [
        False,
        False,
    ]
    # Approved again, it is not recommended again without a new decision.
    lifecycle.apply(parent, "approve", moderator)
    html = BeautifulSoup(reader_client().get(post.url).content, "html.parser")
    assert html.select(".comment__badge--recommended") == []


@pytest.mark.django_db
def test_the_queue_row_action_recommends_and_takes_back(post, moderator_client):
    comment = PostCommentFactory(post=post, status=Status.APPROVED)
    listing = moderator_client.get("/admin/kommentare/?status=approved").content.decode()
    url = f"/admin/kommentare/empfehlen/{comment.pk}/an/"
    assert url in listing
    assert moderator_client.get(url).status_code == 302  # a GET changes nothing
    comment.refresh_from_db()
    assert comment.is_recommended is False

    response = moderator_client.post(url, {"next": "/admin/kommentare/?status=approved"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_recommended is True
    listing = moderator_client.get("/admin/kommentare/?status=approved").content.decode()
    assert f"/admin/kommentare/empfehlen/{comment.pk}/aus/" in listing
    assert "Empfehlung der Redaktion" in listing

    moderator_client.post(f"/admin/kommentare/empfehlen/{comment.pk}/aus/")
    comment.refresh_from_db()
    assert comment.is_recommended is False


@pytest.mark.django_db
def test_the_queue_offers_no_recommendation_for_held_comments_and_refuses_one(post, moderator_client):
    held = PostCommentFactory(post=post, comment="Wartet noch")
    listing = moderator_client.get("/admin/kommentare/").content.decode()
    assert f"/empfehlen/{held.pk}/" not in listing
    response = moderator_client.post(f"/admin/kommentare/empfehlen/{held.pk}/an/", follow=True)
    assert "Empfehlen lassen sich nur freigegebene, sichtbare Kommentare." in response.content.decode()
    held.refresh_from_db()
    assert held.is_recommended is False


@pytest.mark.django_db
def test_a_section_editor_recommends_on_their_post_only(post, blog_index, client):
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission

    from blog.factories import BlogPostPageFactory
    from comments.factories import make_staff

    other_post = BlogPostPageFactory(parent=blog_index, title="Fremder Beitrag")
    section = Group.objects.create(name="Redaktion Vulkaneifel")
    section.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=section, page=post, permission=Permission.objects.get(codename="change_page")
    )
    own = PostCommentFactory(post=post, status=Status.APPROVED)
    foreign = PostCommentFactory(post=other_post, status=Status.APPROVED)
    client.force_login(make_staff("redakteurin", groups=["Redaktion Vulkaneifel"]))
    assert client.post(f"/admin/kommentare/empfehlen/{foreign.pk}/an/").status_code == 404
    client.post(f"/admin/kommentare/empfehlen/{own.pk}/an/")
    own.refresh_from_db()
    foreign.refresh_from_db()
    assert (own.is_recommended, foreign.is_recommended) == (True, False)


# --- Order and pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_threads_come_in_pages_with_their_replies_and_plain_links(post):
    roots, reply = thread_roots(post, 5)
    first = reader_client().get(post.url)
    assert shown_ids(first) == [roots[0].pk, roots[1].pk, reply.pk]
    html = BeautifulSoup(first.content, "html.parser")
    assert "6 Kommentare" in html.select_one(".comments__title").get_text()  # the count is of every page
    assert html.select_one(".comments__pages [rel=prev]") is None
    assert html.select_one(".comments__pages [rel=next]")["href"] == f"{post.url}?seite=2#kommentare"

    second = reader_client().get(f"{post.url}?seite=2")
    assert shown_ids(second) == [roots[2].pk, roots[3].pk]
    html = BeautifulSoup(second.content, "html.parser")
    assert html.select_one(".comments__pages [rel=prev]")["href"] == f"{post.url}#kommentare"
    assert html.select_one(".comments__pages [rel=next]")["href"] == f"{post.url}?seite=3#kommentare"
    assert "Seite 2 von 3" in html.select_one(".comments__pages").get_text()
    # "Antworten" stays on this page of threads (it works without JavaScript: the page is reloaded).
    assert html.select_one(f"#c{roots[2].pk} .comment__reply")["href"] == f"?seite=2&antwort={roots[2].pk}#kommentieren"

    assert shown_ids(reader_client().get(f"{post.url}?seite=3")) == [roots[4].pk]


@pytest.mark.django_db
def test_newest_shows_the_newest_threads_first_and_keeps_the_order_across_pages(post):
    roots, reply = thread_roots(post, 3)
    response = reader_client().get(f"{post.url}?kommentare=neueste")
    assert shown_ids(response) == [roots[2].pk, roots[1].pk, reply.pk]
    html = BeautifulSoup(response.content, "html.parser")
    links = {link.get_text(): link for link in html.select(".comments__order a")}
    assert list(links) == ["Älteste", "Neueste", "Empfohlen"]
    assert links["Neueste"].get("aria-current") == "true"
    assert links["Älteste"]["href"] == f"{post.url}#kommentare"
    assert links["Empfohlen"]["href"] == f"{post.url}?kommentare=empfohlen#kommentare"
    assert html.select_one(".comments__pages [rel=next]")["href"] == f"{post.url}?kommentare=neueste&seite=2#kommentare"
    assert shown_ids(reader_client().get(f"{post.url}?kommentare=neueste&seite=2")) == [roots[0].pk]


@pytest.mark.django_db
def test_recommended_shows_threads_with_a_recommendation_first_then_the_rest(post, moderator):
    roots, reply = thread_roots(post, 4)
    lifecycle.recommend(roots[3], True, moderator)
    lifecycle.recommend(reply, True, moderator)  # a recommended reply brings its thread forward
    assert shown_ids(reader_client().get(f"{post.url}?kommentare=empfohlen")) == [roots[1].pk, reply.pk, roots[3].pk]
    assert shown_ids(reader_client().get(f"{post.url}?kommentare=empfohlen&seite=2")) == [roots[0].pk, roots[2].pk]


@pytest.mark.django_db
def test_a_sent_comment_lands_on_the_page_that_shows_it(post):
    roots, _reply = thread_roots(post, 5)
    response = reader_client().get(f"{post.url}?kommentar={roots[4].pk}")
    assert shown_ids(response) == [roots[4].pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "kommentare=x",
        "kommentare=",
        "kommentare=NEUESTE",
        "kommentare=aelteste",
        "seite=0",
        "seite=4",
        "seite=99999",
        "seite=%D9%A1",
        "seite=02",
        "seite=-1",
        "seite=",
        "seite=1e3",
        "seite=99999999999999999999999",
        "kommentare=neueste&seite=9",
    ],
)
def test_unknown_orders_and_pages_are_a_german_404_before_the_post_renders(post, query):
    thread_roots(post, 5)  # three pages
    response = reader_client().get(f"{post.url}?{query}")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    assert "pages/blog_post_page.html" not in [template.name for template in response.templates]


@pytest.mark.django_db
def test_the_first_page_exists_without_comments(post):
    assert reader_client().get(f"{post.url}?seite=1").status_code == 200
    assert reader_client().get(f"{post.url}?seite=2").status_code == 404


# --- Permalink ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_permalink_lands_on_the_page_and_the_comment(post):
    roots, reply = thread_roots(post, 5)
    response = reader_client().get(f"/kommentare/{roots[4].pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{post.url}?seite=3#c{roots[4].pk}"
    assert reader_client().get(f"/kommentare/{reply.pk}/")["Location"] == f"{post.url}#c{reply.pk}"
    page = reader_client().get(response["Location"])
    assert roots[4].pk in shown_ids(page)
    # Every comment's date links to its permalink.
    html = BeautifulSoup(page.content, "html.parser")
    assert html.select_one(f"#c{roots[4].pk} .comment__permalink")["href"] == f"/kommentare/{roots[4].pk}/"


@pytest.mark.django_db
def test_the_permalink_of_a_hidden_comment_answers_as_an_unknown_one(post, blog_index):
    from blog.factories import BlogPostPageFactory

    held = PostCommentFactory(post=post, comment="Wartet")
    spam = PostCommentFactory(post=post, status=Status.SPAM)
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    hidden_reply = PostCommentFactory(post=post, parent=parent, status=Status.APPROVED)
    lifecycle.apply(parent, "trash")
    draft = BlogPostPageFactory(parent=blog_index, title="Entwurf")
    on_draft = PostCommentFactory(post=draft, status=Status.APPROVED)
    draft.unpublish()
    unknown = PostComment.objects.order_by("-pk").values_list("pk", flat=True).first() + 100
    answers = set()
    for pk in (held.pk, spam.pk, hidden_reply.pk, on_draft.pk, unknown):
        response = reader_client().get(f"/kommentare/{pk}/")
        assert response.status_code == 404
        # The same page for all, but for the per-response CSP nonce.
        answers.add(re.sub(r'nonce="[^"]*"', "", response.content.decode()).replace(f"/kommentare/{pk}/", ""))
    assert len(answers) == 1
    assert reader_client().get("/kommentare/99999999999999999999999/").status_code == 404
