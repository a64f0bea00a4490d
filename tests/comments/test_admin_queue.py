"""The moderation queue in the Wagtail admin: listing, filters, search, row actions, audit log."""

import pytest

from django.urls import reverse

from wagtail.models import ModelLogEntry

from blog.factories import BlogPostPageFactory
from comments.factories import PostCommentFactory, make_staff
from comments.models import PostComment, Status

QUEUE = reverse("comment_moderation:index")


def moderate(client, comment, action, **data):
    return client.post(reverse("comment_moderation:moderate", args=[comment.pk, action]), data)


def test_queue_opens_on_held_comments(moderator_client, post):
    held = PostCommentFactory(post=post, comment="Bitte freigeben")
    PostCommentFactory(post=post, comment="Schon sichtbar", status=Status.APPROVED)
    response = moderator_client.get(QUEUE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bitte freigeben" in content
    assert "Schon sichtbar" not in content
    assert held.user_email in content
    assert post.title in content


@pytest.mark.parametrize(
    ("status", "expected"),
    [("pending", "held"), ("approved", "approved"), ("spam", "spam"), ("trash", "trash")],
)
def test_status_filter_shows_only_that_status(moderator_client, post, status, expected):
    comments = {
        "held": PostCommentFactory(post=post, comment="Kommentar held"),
        "approved": PostCommentFactory(post=post, comment="Kommentar approved", status=Status.APPROVED),
        "spam": PostCommentFactory(post=post, comment="Kommentar spam", status=Status.SPAM),
        "trash": PostCommentFactory(post=post, comment="Kommentar trash", status=Status.TRASH),
    }
    content = moderator_client.get(QUEUE, {"status": status}).content.decode()
    for name, comment in comments.items():
        assert (comment.comment in content) == (name == expected)


def test_search_finds_text_name_and_email(moderator_client, post):
    PostCommentFactory(post=post, comment="Über den Nürburgring", user_name="Anna", user_email="anna@example.org")
    PostCommentFactory(post=post, comment="Über die Maare", user_name="Bernd", user_email="bernd@example.net")
    for query in ("Nürburgring", "Anna", "anna@example"):
        content = moderator_client.get(QUEUE, {"q": query}).content.decode()
        assert "Nürburgring" in content
        assert "Maare" not in content


def test_post_filter_limits_the_queue_to_one_post(moderator_client, post, blog_index):
    other = BlogPostPageFactory(parent=blog_index, title="Anderer Beitrag")
    PostCommentFactory(post=post, comment="Zum ersten Beitrag")
    PostCommentFactory(post=other, comment="Zum anderen Beitrag")
    content = moderator_client.get(QUEUE, {"post": other.pk}).content.decode()
    assert "Zum anderen Beitrag" in content
    assert "Zum ersten Beitrag" not in content


def test_queue_is_sorted_by_date(moderator_client, post):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    PostCommentFactory(post=post, comment="Älterer Kommentar", submit_date=now - datetime.timedelta(days=2))
    PostCommentFactory(post=post, comment="Neuerer Kommentar", submit_date=now)
    newest_first = moderator_client.get(QUEUE).content.decode()
    oldest_first = moderator_client.get(QUEUE, {"ordering": "submit_date"}).content.decode()
    assert newest_first.index("Neuerer") < newest_first.index("Älterer")
    assert oldest_first.index("Älterer") < oldest_first.index("Neuerer")


def test_queue_query_count_does_not_grow_with_comments(moderator_client, post, django_assert_max_num_queries):
    PostCommentFactory.create_batch(3, post=post)
    moderator_client.get(QUEUE)
    PostCommentFactory.create_batch(20, post=post)
    with django_assert_max_num_queries(40):
        response = moderator_client.get(QUEUE)
    assert response.content.decode().count('data-bulk-action-checkbox class="bulk-action-checkbox"') == 20  # one page


@pytest.mark.parametrize(
    ("action", "flags", "status"),
    [
        ("approve", {}, Status.APPROVED),
        ("withdraw", {"status": Status.APPROVED}, Status.WITHDRAWN),
        ("spam", {}, Status.SPAM),
        ("trash", {}, Status.TRASH),
    ],
)
def test_each_action_changes_status_and_writes_audit_entry(moderator_client, moderator, post, action, flags, status):
    comment = PostCommentFactory(post=post, **flags)
    response = moderate(moderator_client, comment, action)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == status
    entry = ModelLogEntry.objects.get(action=f"comments.{action}", object_id=str(comment.pk))
    assert entry.user == moderator
    assert comment.user_email not in entry.label


def test_actions_need_post(moderator_client, post):
    comment = PostCommentFactory(post=post)
    response = moderator_client.get(reverse("comment_moderation:moderate", args=[comment.pk, "approve"]))
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_actions_are_csrf_protected(post, moderator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    comment = PostCommentFactory(post=post)
    assert moderate(client, comment, "approve").status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_unpublishing_a_comment_hides_its_replies_and_says_so(moderator_client, post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED, comment="Elternkommentar")
    reply = PostCommentFactory(parent=parent, status=Status.APPROVED)
    confirmation = moderator_client.get(reverse("comment_moderation:moderate", args=[parent.pk, "withdraw"]))
    assert "1 sichtbare Antwort(en)" in confirmation.content.decode()
    moderate(moderator_client, parent, "withdraw")
    reply.refresh_from_db()
    assert not reply.is_public


def test_editing_text_keeps_held_replies_held(moderator_client, moderator, post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    held_reply = PostCommentFactory(parent=parent)
    url = reverse("comment_moderation:edit", args=[parent.pk])
    response = moderator_client.post(url, {"comment": "Neuer Text"})
    assert response.status_code == 302
    parent.refresh_from_db()
    held_reply.refresh_from_db()
    assert parent.comment == "Neuer Text"
    assert not held_reply.is_public
    assert ModelLogEntry.objects.filter(action="comments.edit", object_id=str(parent.pk), user=moderator).exists()


def test_moderator_reply_is_published_at_once_with_moderator_mark(moderator_client, moderator, post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    response = moderator_client.post(reverse("comment_moderation:reply", args=[parent.pk]), {"comment": "Danke!"})
    assert response.status_code == 302
    reply = PostComment.objects.get(parent_id=parent.pk, is_moderator_reply=True)
    assert reply.is_public and not reply.is_removed
    assert reply.user == moderator
    # The public name is the person's name, or "Redaktion"; never the log-in name, never an address.
    assert reply.user_name == "Redaktion" != moderator.username
    assert reply.user_email == ""
    assert reply.level == 1
    assert ModelLogEntry.objects.filter(action="comments.reply", object_id=str(reply.pk)).exists()


def test_empty_reply_is_refused_in_german_and_keeps_nothing(moderator_client, post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    response = moderator_client.post(reverse("comment_moderation:reply", args=[parent.pk]), {"comment": ""})
    assert response.status_code == 400
    assert "w-field--error" in response.content.decode()
    assert not PostComment.objects.filter(parent_id=parent.pk).exclude(pk=parent.pk).exists()


def test_delete_asks_first_then_removes_comment_and_replies(moderator_client, moderator, post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    reply = PostCommentFactory(parent=parent, status=Status.APPROVED)
    url = reverse("comment_moderation:delete", args=[parent.pk])
    confirmation = moderator_client.get(url)
    assert "1 Antwort(en) werden mit gelöscht" in confirmation.content.decode()
    assert PostComment.objects.filter(pk=parent.pk).exists()
    moderator_client.post(url)
    assert not PostComment.objects.filter(pk__in=[parent.pk, reply.pk]).exists()
    assert ModelLogEntry.objects.filter(action="comments.delete", object_id=str(parent.pk), user=moderator).exists()


def test_audit_entries_show_in_wagtail_site_history(moderator_client, post):
    comment = PostCommentFactory(post=post)
    moderate(moderator_client, comment, "approve")
    superuser = make_staff("chefin", superuser=True)
    moderator_client.force_login(superuser)
    response = moderator_client.get(reverse("wagtailadmin_reports:site_history"))
    assert "Kommentar freigegeben" in response.content.decode()


def test_post_column_links_the_live_post_and_the_editor_only_for_those_who_may_edit(client, moderator_client, post):
    PostCommentFactory(post=post)
    edit_url = reverse("wagtailadmin_pages:edit", args=[post.pk])
    as_moderator = moderator_client.get(QUEUE).content.decode()
    assert f'href="{post.url}"' in as_moderator
    assert edit_url not in as_moderator
    client.force_login(make_staff("chefin", superuser=True))
    assert edit_url in client.get(QUEUE).content.decode()
