"""Who may do what in the moderation queue: the whole matrix of users × views.

Wagtail answers a permission denial inside its admin with a redirect to the dashboard and an error message
(as for pages and snippets); anonymous users are sent to the log-in page.
"""

import pytest

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail.models import GroupPagePermission

from blog.factories import BlogPostPageFactory
from comments.factories import PostCommentFactory, make_staff
from comments.models import PostComment, Status

ALLOWED, DENIED, LOGIN, NOT_FOUND = "allowed", "denied", "login", "not found"
USERS = ["superuser", "moderator", "section_editor", "plain_staff", "no_admin_access", "anonymous"]


@pytest.fixture
def world(post, blog_index):
    """Two posts; the section editor may edit only `post` (own), not `other_post`."""
    other_post = BlogPostPageFactory(parent=blog_index, title="Fremder Beitrag")
    section = Group.objects.create(name="Redaktion Vulkaneifel")
    section.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=section, page=post, permission=Permission.objects.get(codename="change_page")
    )
    admin_only = Group.objects.create(name="Nur Admin-Zugang")
    admin_only.permissions.add(Permission.objects.get(codename="access_admin"))
    users = {
        "superuser": make_staff("chefin", superuser=True),
        "moderator": make_staff("moderatorin", groups=["Moderatoren"]),
        "section_editor": make_staff("redakteurin", groups=["Redaktion Vulkaneifel"]),
        "plain_staff": make_staff("praktikant", groups=["Nur Admin-Zugang"]),
        "no_admin_access": make_staff("hausmeister"),
        "anonymous": None,
    }
    return {"own": post, "other": other_post, "users": users}


def client_for(client, world, who):
    if world["users"][who] is not None:
        client.force_login(world["users"][who])
    return client


def outcome(response):
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 302:
        location = response.headers["Location"]
        if location.startswith(reverse("wagtailadmin_login")):
            return LOGIN
        if location == reverse("wagtailadmin_home"):
            return DENIED
    assert response.status_code in (200, 302), response.status_code
    return ALLOWED


def expected(who, on="own"):
    if who == "anonymous" or who == "no_admin_access":
        return LOGIN
    if who in ("superuser", "moderator"):
        return ALLOWED
    if who == "section_editor":
        return ALLOWED if on == "own" else NOT_FOUND
    return DENIED


@pytest.mark.parametrize("who", USERS)
def test_listing(client, world, who):
    own = PostCommentFactory(post=world["own"], comment="Kommentar eigener Beitrag")
    other = PostCommentFactory(post=world["other"], comment="Kommentar fremder Beitrag")
    response = client_for(client, world, who).get(reverse("comment_moderation:index"))
    assert outcome(response) == (ALLOWED if expected(who) == ALLOWED else expected(who))
    content = response.content.decode()
    assert (own.comment in content) == (expected(who) == ALLOWED)
    assert (other.comment in content) == (expected(who, "other") == ALLOWED)
    # Addresses are for moderators; section editors moderate their posts without seeing them.
    assert (own.user_email in content) == (who in ("superuser", "moderator"))


@pytest.mark.parametrize("on", ["own", "other"])
@pytest.mark.parametrize("action", ["approve", "withdraw", "spam", "trash"])
@pytest.mark.parametrize("who", USERS)
def test_row_actions(client, world, who, action, on):
    comment = PostCommentFactory(post=world[on], status=Status.APPROVED if action == "withdraw" else Status.PENDING)
    before = comment.status
    response = client_for(client, world, who).post(reverse("comment_moderation:moderate", args=[comment.pk, action]))
    assert outcome(response) == expected(who, on)
    comment.refresh_from_db()
    assert (comment.status != before) == (expected(who, on) == ALLOWED)


@pytest.mark.parametrize("on", ["own", "other"])
@pytest.mark.parametrize("who", USERS)
def test_edit_reply_delete_and_history(client, world, who, on):
    comment = PostCommentFactory(post=world[on], status=Status.APPROVED, comment="Alter Text")
    client = client_for(client, world, who)
    history = client.get(reverse("comment_moderation:history", args=[comment.pk]))
    assert outcome(history) == expected(who, on)
    edit = client.post(reverse("comment_moderation:edit", args=[comment.pk]), {"comment": "Neuer Text"})
    assert outcome(edit) == expected(who, on)
    reply = client.post(reverse("comment_moderation:reply", args=[comment.pk]), {"comment": "Antwort"})
    assert outcome(reply) == expected(who, on)
    comment.refresh_from_db()
    allowed = expected(who, on) == ALLOWED
    assert (comment.comment == "Neuer Text") == allowed
    assert PostComment.objects.filter(is_moderator_reply=True, parent_id=comment.pk).exists() == allowed
    delete = client.post(reverse("comment_moderation:delete", args=[comment.pk]))
    assert outcome(delete) == expected(who, on)
    assert PostComment.objects.filter(pk=comment.pk).exists() != allowed


@pytest.mark.parametrize("who", USERS)
def test_bulk_approve_only_touches_comments_the_user_may_moderate(client, world, who):
    own = PostCommentFactory(post=world["own"])
    other = PostCommentFactory(post=world["other"])
    url = reverse("wagtail_bulk_action", args=["comments", "postcomment", "approve"])
    response = client_for(client, world, who).post(f"{url}?id={own.pk}&id={other.pk}")
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.is_public == (expected(who, "own") == ALLOWED)
    assert other.is_public == (expected(who, "other") == ALLOWED)
    if expected(who) in (LOGIN, DENIED):
        assert outcome(response) == expected(who)


@pytest.mark.parametrize("who", USERS)
def test_data_protection_tools_are_for_moderators_only(client, world, who):
    comment = PostCommentFactory(post=world["own"], user_email="loeschen@example.org")
    client = client_for(client, world, who)
    url = reverse("comment_moderation:data_protection")
    may = who in ("superuser", "moderator")
    wanted = LOGIN if who in ("anonymous", "no_admin_access") else ALLOWED if may else DENIED
    assert outcome(client.get(url)) == wanted
    export = client.post(url, {"email": "loeschen@example.org", "operation": "export"})
    assert outcome(export) == wanted
    assert (b"loeschen@example.org" in export.content) == may
    client.post(url, {"email": "loeschen@example.org", "operation": "anonymise", "confirmed": "True"})
    comment.refresh_from_db()
    assert (comment.user_email == "") == may


def test_moderators_cannot_edit_pages(client, world):
    client.force_login(world["users"]["moderator"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[world["own"].pk]))
    assert outcome(response) == DENIED


def test_moderators_group_has_moderation_and_admin_access_but_no_page_permission(db):
    group = Group.objects.get(name="Moderatoren")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "change_postcomment", "delete_postcomment"} <= codenames
    assert not GroupPagePermission.objects.filter(group=group).exists()


@pytest.mark.parametrize("on", ["own", "other"])
@pytest.mark.parametrize("who", USERS)
def test_approve_and_reply(client, world, who, on):
    comment = PostCommentFactory(post=world[on])
    client = client_for(client, world, who)
    url = reverse("comment_moderation:approve_reply", args=[comment.pk])
    assert outcome(client.get(url)) == expected(who, on)
    response = client.post(url)
    assert outcome(response) == expected(who, on)
    comment.refresh_from_db()
    allowed = expected(who, on) == ALLOWED
    assert (comment.status == Status.APPROVED) == allowed
    if allowed:  # without JavaScript, the reply page follows
        assert response.headers["Location"].startswith(reverse("comment_moderation:reply", args=[comment.pk]))


@pytest.mark.parametrize("on", ["own", "other"])
@pytest.mark.parametrize("who", USERS)
def test_thread_page(client, world, who, on):
    comment = PostCommentFactory(post=world[on], comment="Im Thread")
    client = client_for(client, world, who)
    for url in (
        reverse("comment_moderation:thread", args=[comment.pk]),
        reverse("comment_moderation:thread", args=[comment.pk]) + "?fragment=1",
    ):
        response = client.get(url)
        assert outcome(response) == expected(who, on)
        assert ("Im Thread" in response.content.decode()) == (expected(who, on) == ALLOWED)


@pytest.mark.parametrize("view", ["thread", "approve_reply"])
def test_out_of_scope_and_unknown_ids_get_the_same_404(client, world, view):
    """An editor cannot tell a comment on someone else's post from one that does not exist."""
    other = PostCommentFactory(post=world["other"])
    client = client_for(client, world, "section_editor")
    missing = PostComment.objects.order_by("-pk").first().pk + 1000
    answers = [client.get(reverse(f"comment_moderation:{view}", args=[pk])) for pk in (other.pk, missing)]
    assert [answer.status_code for answer in answers] == [404, 404]
    assert answers[0].content == answers[1].content
