"""Regression tests for the ways the moderation promise and the e-mail rule were broken (issue: "Comments
that keep their promise"): each reproduces one finding through the real views."""

import pytest

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry

from blog.factories import BlogPostPageFactory
from comments import lifecycle
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from core.cache import CLOCK_KEY


def moderate(client, comment, action):
    return client.post(reverse("comment_moderation:moderate", args=[comment.pk, action]))


# --- 1. Held replies never go public with their parent ---------------------------------------


@pytest.mark.parametrize("hide", ["withdraw", "spam", "trash"])
def test_a_held_reply_stays_held_when_its_parent_is_hidden_and_approved_again(moderator_client, post, hide):
    parent = PostCommentFactory(post=post, status=Status.APPROVED, comment="Freigegebener Elternkommentar")
    held_reply = PostCommentFactory(parent=parent, comment="Wartende Antwort")
    approved_reply = PostCommentFactory(parent=parent, status=Status.APPROVED, comment="Freigegebene Antwort")

    moderate(moderator_client, parent, hide)
    page = Client().get(post.url).content.decode()
    assert "Freigegebene Antwort" not in page and "Wartende Antwort" not in page
    if hide != "withdraw":
        moderate(moderator_client, parent, "restore")
    moderate(moderator_client, parent, "approve")

    held_reply.refresh_from_db()
    approved_reply.refresh_from_db()
    assert (held_reply.status, held_reply.is_public) == (Status.PENDING, False)
    assert (approved_reply.status, approved_reply.is_public) == (Status.APPROVED, True)
    page = Client().get(post.url).content.decode()
    assert "Freigegebene Antwort" in page and "Wartende Antwort" not in page
    # Still in the queue, and no log entry: its own state never changed, whatever its parent went through.
    assert held_reply in PostComment.objects.held()
    assert not ModelLogEntry.objects.filter(object_id=str(held_reply.pk), action__startswith="comments.").exists()


def test_saving_a_comment_object_no_longer_republishes_its_replies(post):
    """xtd's pre_save hook copied a parent's is_public to every reply on save(); it is disconnected."""
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    held_reply = PostCommentFactory(parent=parent)

    parent.save()

    held_reply.refresh_from_db()
    assert held_reply.is_public is False


# --- 2. No answer tells anyone whether a guessed address is right ------------------------------


def test_replaying_a_moderator_reply_with_guessed_addresses_gives_identical_answers(
    moderator_client, moderator, post, post_comment, settings
):
    settings.COMMENTS_FLOOD_SECONDS = 0
    moderator.first_name, moderator.last_name = "Rita", "Redlich"
    moderator.save()
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    moderator_client.post(reverse("comment_moderation:reply", args=[parent.pk]), {"comment": "Danke für den Hinweis!"})
    answer = PostComment.objects.get(is_moderator_reply=True)
    assert answer.user_email == ""  # nothing to probe for: the staff address is not stored

    answers = [
        post_comment(post, client=Client(), comment=answer.comment, name=answer.user_name, email=guess)
        for guess in (moderator.email, "falsch@example.org")
    ]
    assert {response.status_code for response in answers} == {303}
    # Readers cannot take the staff's mark either.
    refused = post_comment(post, client=Client(), comment="Ich bin's", name="Redaktion")
    assert refused.status_code == 400
    assert "Dieser Name ist der Redaktion vorbehalten" in refused.content.decode()


def test_a_name_and_address_that_match_an_approved_comment_publish_nothing(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.trust_approved_authors = True
    comment_rules.save()
    victim = PostCommentFactory(post=post, status=Status.APPROVED, user_name="Eva", user_email="eva@example.org")
    assert victim.is_public

    post_comment(post, client=Client(), comment="Unter falschem Namen", name="Eva", email="eva@example.org")

    assert PostComment.objects.get(comment="Unter falschem Namen").is_public is False


# --- 3., 13. Every admin page of a comment opens; the full text is readable ---------------------


def test_every_admin_page_of_a_comment_opens(moderator_client, post):
    comment = PostCommentFactory(post=post, status=Status.APPROVED)
    lifecycle.edit(comment, "Erster Stand")
    urls = [
        reverse("comment_moderation:edit", args=[comment.pk]),
        reverse("comment_moderation:history", args=[comment.pk]),
        reverse("comment_moderation:delete", args=[comment.pk]),
        reverse("comment_moderation:reply", args=[comment.pk]),
        reverse("comment_moderation:moderate", args=[comment.pk, "withdraw"]),
        reverse("comment_moderation:index") + "?status=all",
        reverse("wagtailadmin_home"),
    ]
    for url in urls:
        response = moderator_client.get(url)
        assert response.status_code == 200, url
    invalid = moderator_client.post(reverse("comment_moderation:edit", args=[comment.pk]), {"comment": ""})
    assert invalid.status_code == 200
    assert "Erster Stand" not in PostComment.objects.filter(comment="").values_list("comment", flat=True)


def test_the_queue_shows_a_long_comment_in_full(moderator_client, post):
    long_text = "Anfang. " + "Ein langer Absatz über die Eifel. " * 60 + "Das Ende des Kommentars."
    comment = PostCommentFactory(post=post, comment=long_text)

    content = moderator_client.get(reverse("comment_moderation:index")).content.decode()

    assert "Das Ende des Kommentars." in content
    assert "Ganzen Text anzeigen" in content
    # ... with the row's actions beside it.
    assert reverse("comment_moderation:moderate", args=[comment.pk, "approve"]) in content


# --- 5. Staff replies carry the mark and a public name ----------------------------------------


def test_a_staff_reply_shows_redaktion_and_the_persons_name_never_the_login(client, post):
    from comments.factories import make_staff

    editor = make_staff("kschaefer", groups=["Moderatoren"], first_name="Klaus", last_name="Schäfer")
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    client.force_login(editor)
    client.post(reverse("comment_moderation:reply", args=[parent.pk]), {"comment": "Antwort aus der Redaktion"})

    page = Client().get(post.url).content.decode()

    answer = page[page.index("Antwort aus der Redaktion") - 1500 : page.index("Antwort aus der Redaktion")]
    assert "Klaus Schäfer" in answer
    assert 'class="comment__badge">Redaktion<' in answer
    assert "kschaefer" not in page


# --- 6. A held or spam comment changes no public page --------------------------------------


@pytest.mark.parametrize("spam", [False, True])
def test_a_held_or_spam_comment_invalidates_nothing_cached(post, post_comment, comment_rules, spam, committed):
    if spam:
        comment_rules.spam_words = "casino"
        comment_rules.save()
    cache.set(CLOCK_KEY, 1000, timeout=None)

    with committed():
        response = post_comment(post, comment="Bestes Casino" if spam else "Bitte freischalten")

    assert response.status_code == 303
    assert cache.get(CLOCK_KEY) == 1000


def test_an_approval_invalidates_the_posts_comments(moderator_client, post, committed):
    comment = PostCommentFactory(post=post)
    cache.set(CLOCK_KEY, 1000, timeout=None)

    with committed():
        moderate(moderator_client, comment, "approve")

    assert cache.get(CLOCK_KEY) != 1000
    assert cache.get(f"cache:tag:comments:{post.pk}") == cache.get(CLOCK_KEY)


# --- 7. No draft titles in the queue's post filter --------------------------------------------


def test_the_post_filter_offers_no_draft_titles(moderator_client, post, blog_index):
    draft = BlogPostPageFactory(parent=blog_index, title="Geheimer Entwurf", live=False)
    PostCommentFactory(post=post)

    content = moderator_client.get(reverse("comment_moderation:index")).content.decode()

    assert post.title in content
    assert draft.title not in content
