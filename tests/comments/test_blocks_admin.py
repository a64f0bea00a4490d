"""Blocking ("Sperren") from a queue row and in Einstellungen → Sperren."""

import datetime

from django.urls import reverse
from django.utils import timezone

from comments.factories import PostCommentFactory, make_staff
from comments.models import Block, BlockKind, Status


def block_url(comment):
    return reverse("comment_moderation:block", args=[comment.pk])


def test_blocking_an_address_from_the_row_for_seven_days_marks_the_comment_spam(moderator_client, moderator, post):
    comment = PostCommentFactory(post=post, user_email="Troll@Example.org")
    assert "Sperren" in moderator_client.get(reverse("comment_moderation:index")).content.decode()

    response = moderator_client.post(block_url(comment), {"kind": "email", "duration": "7", "mark_spam": "on"})

    assert response.status_code == 302
    block = Block.objects.get()
    assert (block.kind, block.value, block.created_by) == (BlockKind.EMAIL, "troll@example.org", moderator)
    assert abs(block.until - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_blocking_the_domain_or_ip_for_good(moderator_client, post):
    comment = PostCommentFactory(post=post, user_email="a@wegwerf.example", ip_address="203.0.113.0")
    moderator_client.post(block_url(comment), {"kind": "domain", "duration": "forever"})
    moderator_client.post(block_url(comment), {"kind": "ip", "duration": "forever"})

    assert set(Block.objects.values_list("kind", "value", "until")) == {
        ("domain", "wegwerf.example", None),
        ("ip", "203.0.113.0", None),
    }
    comment.refresh_from_db()
    assert comment.status == Status.PENDING  # "als Spam markieren" was not ticked


def test_blocking_an_ip_the_comment_does_not_have_is_a_clear_german_message(moderator_client, post):
    comment = PostCommentFactory(post=post, ip_address=None)
    response = moderator_client.post(block_url(comment), {"kind": "ip", "duration": "1", "note": "Notiz bleibt"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Dieser Kommentar hat dafür keine Angabe." in content
    assert "Notiz bleibt" in content
    assert not Block.objects.exists()


def test_only_moderators_may_block_or_see_blocks(client, post):
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission

    editor = make_staff("redakteur", groups=["Redaktion"])
    group = Group.objects.get(name="Redaktion")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=post, permission=Permission.objects.get(codename="change_page")
    )
    comment = PostCommentFactory(post=post)
    Block.objects.create(kind=BlockKind.EMAIL, value="geheim@example.org")
    client.force_login(editor)

    assert client.post(block_url(comment), {"kind": "email", "duration": "7"}).status_code in (302, 403)
    assert Block.objects.count() == 1
    assert "geheim@example.org" not in client.get(reverse("comment_blocks:index"), follow=True).content.decode()
    queue = client.get(reverse("comment_moderation:index")).content.decode()
    assert comment.comment in queue
    assert block_url(comment) not in queue


def test_blocks_are_listed_and_added_in_the_settings(moderator_client):
    response = moderator_client.post(
        reverse("comment_blocks:add"), {"kind": "domain", "value": "@Spam.Example", "until": "", "note": ""}
    )
    assert response.status_code == 302
    assert Block.objects.get().value == "spam.example"
    assert "spam.example" in moderator_client.get(reverse("comment_blocks:index")).content.decode()

    bad = moderator_client.post(reverse("comment_blocks:add"), {"kind": "ip", "value": "kein.ip", "note": "x"})
    assert bad.status_code == 200
    assert "Bitte eine IP-Adresse wie 192.0.2.0 angeben." in bad.content.decode()
    assert Block.objects.count() == 1
