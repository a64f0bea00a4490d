"""Every moderation rule of Einstellungen → Kommentare, checked by posting through the real view."""

import datetime

import pytest

from django.test import Client
from django.utils import timezone

from blog.factories import BlogPostPageFactory
from comments.models import PostComment, Status
from comments.views import COMMENTS_CLOSED

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
    assert "comment_preview" in response.cookies  # the writer may edit it for a while
    assert "Sofort sichtbar" in Client().get(post.url).content.decode()


def test_trusted_author_rule_needs_the_same_browser_not_just_name_and_address(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.trust_approved_authors = True
    comment_rules.save()
    evas_browser = Client()

    post_comment(post, client=evas_browser, comment="Zum ersten Mal hier", name="Eva", email="eva@example.org")
    assert stored("Zum ersten Mal hier").is_public is False

    approve(stored("Zum ersten Mal hier"))
    post_comment(post, client=evas_browser, comment="Wieder da", name="Eva", email="eva@example.org")
    assert stored("Wieder da").is_public is True

    # The same browser under another name is not trusted (no publishing under someone else's name) ...
    post_comment(post, client=evas_browser, comment="Andere Eva", name="Eva Zwei", email="eva@example.org")
    assert stored("Andere Eva").is_public is False
    # ... and Eva's name and address typed in another browser prove nothing.
    post_comment(post, client=Client(), comment="Falsche Eva", name="Eva", email="eva@example.org")
    assert stored("Falsche Eva").is_public is False


def test_a_browser_with_a_spam_comment_is_not_trusted(post, post_comment, comment_rules):
    from comments import lifecycle

    comment_rules.hold_all = False
    comment_rules.trust_approved_authors = True
    comment_rules.save()
    browser = Client()
    post_comment(post, client=browser, comment="Erster", name="Eva")
    approve(stored("Erster"))
    post_comment(post, client=browser, comment="Werbung", name="Eva")
    lifecycle.apply(stored("Werbung"), "spam")

    post_comment(post, client=browser, comment="Nach dem Spam", name="Eva")

    assert stored("Nach dem Spam").is_public is False


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
    assert (comment.status, comment.is_removed, comment.is_public) == (Status.SPAM, True, False)
    assert response.status_code == 303
    assert "Online-Casino" not in Client().get(post.url).content.decode()


def test_spam_words_also_match_name_and_website(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.spam_words = "pillen"
    comment_rules.save()

    post_comment(post, comment="Unauffällig", url="https://billige-pillen.example.com/")

    assert stored("Unauffällig").status == Status.SPAM


def test_comments_close_after_the_configured_days(blog_index, post_comment, comment_rules):
    comment_rules.close_after_days = 14
    comment_rules.save()
    today = timezone.localdate()
    old = BlogPostPageFactory(parent=blog_index, slug="alt", date=today - datetime.timedelta(days=15))
    recent = BlogPostPageFactory(parent=blog_index, slug="neu", date=today - datetime.timedelta(days=14))

    refused = post_comment(old, comment="Zu spät")
    accepted = post_comment(recent, comment="Gerade noch")

    assert refused.status_code == 403
    assert str(COMMENTS_CLOSED) in refused.content.decode()
    assert "Zu spät" in refused.content.decode()
    assert accepted.status_code == 303
    assert list(PostComment.objects.values_list("comment", flat=True)) == ["Gerade noch"]
    assert "Kommentare sind geschlossen." in Client().get(old.url).content.decode()


def test_post_switch_closes_comments(blog_index, post_comment):
    post = BlogPostPageFactory(parent=blog_index, slug="ohne", comments_enabled=False)

    response = post_comment(post, comment="Geht nicht")

    assert response.status_code == 403
    assert str(COMMENTS_CLOSED) in response.content.decode()
    assert not PostComment.objects.exists()
