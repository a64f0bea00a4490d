"""Every moderation rule of Einstellungen → Kommentare, checked by posting through the real view."""

import datetime

import pytest

from django.test import Client
from django.utils import timezone

from blog.factories import BlogPostPageFactory
from comments.models import PostComment

from .conftest import approve


@pytest.fixture(autouse=True)
def no_flood_limit(settings):
    """Several comments by one author in a row: flood control is tested in test_spam.py."""
    settings.COMMENTS_FLOOD_SECONDS = 0


def stored(text):
    return PostComment.objects.get(comment=text)


def test_hold_all_is_on_by_default_and_holds_every_comment(post, post_comment, comment_rules):
    assert comment_rules.hold_all is True

    post_comment(post, comment="Gehalten")

    assert stored("Gehalten").is_public is False


def test_without_hold_all_a_plain_comment_is_published_at_once(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.save()

    response = post_comment(post, comment="Sofort sichtbar")

    assert stored("Sofort sichtbar").is_public is True
    assert "comment_preview" not in response.cookies
    assert "Sofort sichtbar" in Client().get(post.url).content.decode()


def test_trusted_author_rule_publishes_only_authors_with_an_approved_comment(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.trust_approved_authors = True
    comment_rules.save()

    post_comment(post, comment="Zum ersten Mal hier", name="Eva", email="eva@example.org")
    assert stored("Zum ersten Mal hier").is_public is False

    approve(stored("Zum ersten Mal hier"))
    post_comment(post, comment="Wieder da", name="Eva", email="EVA@example.org")
    assert stored("Wieder da").is_public is True

    post_comment(post, comment="Andere Eva", name="Eva Zwei", email="eva@example.org")
    assert stored("Andere Eva").is_public is False
    post_comment(post, comment="Fremde Adresse", name="Eva", email="eva@example.net")
    assert stored("Fremde Adresse").is_public is False


def test_hold_all_wins_over_trusted_authors(post, post_comment, comment_rules):
    comment_rules.trust_approved_authors = True
    comment_rules.save()
    post_comment(post, comment="Alt", name="Eva", email="eva@example.org")
    approve(stored("Alt"))

    post_comment(post, comment="Neu", name="Eva", email="eva@example.org")

    assert stored("Neu").is_public is False


def test_comments_with_too_many_links_are_held(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.max_links = 2
    comment_rules.save()

    post_comment(post, comment="Ein Link: https://eifel.example.org", email="one@example.org")
    post_comment(post, comment="Zwei: https://a.example.org und www.b.example.org", email="two@example.org")

    assert stored("Ein Link: https://eifel.example.org").is_public is True
    assert stored("Zwei: https://a.example.org und www.b.example.org").is_public is False


def test_hold_words_hold_a_comment(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.hold_words = "Gewinnspiel\n  kostenlos testen  \n"
    comment_rules.save()

    post_comment(post, comment="Jetzt KOSTENLOS TESTEN!", email="a@example.org")
    post_comment(post, comment="Ein harmloser Satz.", email="b@example.org")

    assert stored("Jetzt KOSTENLOS TESTEN!").is_public is False
    assert stored("Ein harmloser Satz.").is_public is True


def test_spam_words_mark_a_comment_as_spam_and_remove_it(post, post_comment, comment_rules):
    comment_rules.spam_words = "casino"
    comment_rules.save()

    response = post_comment(post, comment="Bestes Online-Casino hier", name="Spammer")

    comment = stored("Bestes Online-Casino hier")
    assert (comment.is_spam, comment.is_removed, comment.is_public) == (True, True, False)
    assert response.status_code == 303
    assert "Online-Casino" not in Client().get(post.url).content.decode()


def test_spam_words_also_match_name_and_website(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.spam_words = "pillen"
    comment_rules.save()

    post_comment(post, comment="Unauffällig", url="https://billige-pillen.example.com/")

    assert stored("Unauffällig").is_spam is True


def test_comments_close_after_the_configured_days(blog_index, post_comment, comment_rules):
    comment_rules.close_after_days = 14
    comment_rules.save()
    today = timezone.localdate()
    old = BlogPostPageFactory(parent=blog_index, slug="alt", date=today - datetime.timedelta(days=15))
    recent = BlogPostPageFactory(parent=blog_index, slug="neu", date=today - datetime.timedelta(days=14))

    refused = post_comment(old, comment="Zu spät")
    accepted = post_comment(recent, comment="Gerade noch")

    assert refused.status_code == 403
    assert "Kommentare sind geschlossen." in refused.content.decode()
    assert "Zu spät" in refused.content.decode()
    assert accepted.status_code == 303
    assert list(PostComment.objects.values_list("comment", flat=True)) == ["Gerade noch"]
    assert "Kommentare sind geschlossen." in Client().get(old.url).content.decode()


def test_post_switch_closes_comments(blog_index, post_comment):
    post = BlogPostPageFactory(parent=blog_index, slug="ohne", comments_enabled=False)

    response = post_comment(post, comment="Geht nicht")

    assert response.status_code == 403
    assert "Kommentare sind geschlossen." in response.content.decode()
    assert not PostComment.objects.exists()


def test_moderator_refuses_even_when_the_view_check_is_bypassed(post, rf, comment_rules):
    """The rule lives in the registered xtd moderator, not only in our view."""
    from django_comments_xtd.moderation import moderator

    from blog.models import BlogPostPage

    post.comments_enabled = False
    moderator_for_posts = moderator._registry[BlogPostPage]

    assert moderator_for_posts.allow(None, post, rf.get("/")) is False
