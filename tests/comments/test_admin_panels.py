"""Bulk actions, the menu badge, the dashboard panel, the button on a post's edit page, cache invalidation."""

import pytest

from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry

from comments.admin.panels import CommentsMenuItem
from comments.factories import PostCommentFactory, make_staff
from comments.models import PostComment, Status


def bulk_url(action, *comments):
    ids = "&".join(f"id={comment.pk}" for comment in comments)
    return reverse("wagtail_bulk_action", args=["comments", "postcomment", action]) + f"?{ids}&next=/admin/kommentare/"


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", Status.APPROVED), ("spam", Status.SPAM), ("trash", Status.TRASH), ("withdraw", Status.WITHDRAWN)],
)
def test_bulk_action_asks_then_changes_every_selected_comment(moderator_client, moderator, post, action, status):
    start = {"status": Status.APPROVED} if action == "withdraw" else {}
    selected = PostCommentFactory.create_batch(3, post=post, **start)
    untouched = PostCommentFactory(post=post, **start)
    confirmation = moderator_client.get(bulk_url(action, *selected))
    assert confirmation.status_code == 200
    assert all(comment.comment in confirmation.content.decode() for comment in selected)
    assert all(PostComment.objects.get(pk=c.pk).status != status for c in selected)
    response = moderator_client.post(bulk_url(action, *selected))
    assert response.status_code == 302
    for comment in selected:
        comment.refresh_from_db()
        assert comment.status == status
        assert ModelLogEntry.objects.filter(action=f"comments.{action}", object_id=str(comment.pk), user=moderator)
    untouched.refresh_from_db()
    assert untouched.status != status


def test_bulk_unpublish_warns_about_replies(moderator_client, post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    PostCommentFactory(parent=parent, status=Status.APPROVED)
    confirmation = moderator_client.get(bulk_url("withdraw", parent))
    assert "1 sichtbare Antwort(en)" in confirmation.content.decode()


def test_bulk_delete_removes_comments_and_their_replies(moderator_client, post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    reply = PostCommentFactory(parent=parent, status=Status.APPROVED)
    other = PostCommentFactory(post=post)
    confirmation = moderator_client.get(bulk_url("delete", parent, other))
    assert "1 Antwort(en) auf diese Kommentare werden mit gelöscht" in confirmation.content.decode()
    moderator_client.post(bulk_url("delete", parent, other))
    assert not PostComment.objects.filter(pk__in=[parent.pk, reply.pk, other.pk]).exists()
    # One entry per deleted comment: the two chosen ones and the reply deleted with its parent.
    entries = ModelLogEntry.objects.filter(action="comments.delete")
    assert sorted(int(entry.object_id) for entry in entries) == sorted([parent.pk, reply.pk, other.pk])
    assert entries.get(object_id=str(reply.pk)).data["deleted_with"] == parent.pk


def test_menu_badge_counts_held_comments(rf, moderator, post):
    PostCommentFactory.create_batch(3, post=post)
    PostCommentFactory(post=post, status=Status.APPROVED)
    PostCommentFactory(post=post, status=Status.SPAM)
    request = rf.get("/admin/")
    request.user = moderator
    item = CommentsMenuItem("Kommentare", reverse("comment_moderation:index"), icon_name="comment")
    assert item.is_shown(request)
    assert item.render_component(request).label == "Kommentare (3)"


def test_menu_shows_the_badge_in_the_admin(moderator_client, post):
    PostCommentFactory.create_batch(2, post=post)
    assert "Kommentare (2)" in moderator_client.get(reverse("wagtailadmin_home")).content.decode()


def test_menu_item_is_hidden_from_staff_without_comment_rights(rf, post):
    request = rf.get("/admin/")
    request.user = make_staff("praktikant")
    assert not CommentsMenuItem("Kommentare", "/admin/kommentare/").is_shown(request)


def test_dashboard_panel_counts_and_lists_the_newest_five(moderator_client, post):
    PostCommentFactory.create_batch(6, post=post)
    newest = PostCommentFactory(post=post, comment="Der neueste Kommentar")
    PostCommentFactory(post=post, status=Status.APPROVED, comment="Schon freigegeben")
    content = moderator_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "7 Kommentare warten auf Freigabe" in content
    assert newest.comment in content
    assert "Schon freigegeben" not in content
    assert content.count(reverse("comment_moderation:edit", args=[newest.pk])) == 1
    panel_start = content.index("7 Kommentare warten auf Freigabe")
    assert content[panel_start:].count("/admin/kommentare/edit/") == 5


def test_post_edit_page_shows_comment_count_and_links_to_the_queue(client, post):
    editor = make_staff("chefin", superuser=True)
    client.force_login(editor)
    PostCommentFactory.create_batch(2, post=post)
    PostCommentFactory(post=post, status=Status.APPROVED)
    content = client.get(reverse("wagtailadmin_pages:edit", args=[post.pk])).content.decode()
    assert "Kommentare: 1 freigegeben, 2 ausstehend" in content
    assert f"/admin/kommentare/?post={post.pk}&amp;status=pending" in content


def test_approval_invalidates_the_posts_comments_and_purges_nothing_else(moderator_client, post, committed):
    from comments import lifecycle

    comment = PostCommentFactory(post=post, comment="Gleich sichtbar")
    reader = Client()
    assert "Gleich sichtbar" not in reader.get(post.url).content.decode()
    changed = []

    def record(sender, post_id, **kwargs):
        changed.append(post_id)

    lifecycle.public_comments_changed.connect(record, dispatch_uid="test_record_changed")
    try:
        with committed():
            moderator_client.post(reverse("comment_moderation:moderate", args=[comment.pk, "approve"]))
    finally:
        lifecycle.public_comments_changed.disconnect(dispatch_uid="test_record_changed")
    assert changed == [post.pk]
    assert "Gleich sichtbar" in reader.get(post.url).content.decode()
