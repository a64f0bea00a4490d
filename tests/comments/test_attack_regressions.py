"""Regressions for what a second attack run found after the lifecycle was in place: each test reproduces
one finding through the real views and database."""

import pytest

from django.test import Client
from django.urls import reverse

from comments import lifecycle
from comments.factories import PostCommentFactory, form_data, make_staff
from comments.forms import NAME_RESERVED
from comments.models import PostComment, Status
from comments.views import BEING_SAVED


def text_of(response):
    return response.content.decode()


# --- Double submit --------------------------------------------------------------------------------


def test_a_second_copy_of_a_saved_comment_is_answered_being_saved_not_too_many(client, post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 3600  # the second copy would otherwise meet flood control
    data = form_data(post, comment="Einmal reicht.")

    first = client.post("/kommentare/senden/", data, REMOTE_ADDR="192.0.2.10")
    second = Client().post("/kommentare/senden/", data, REMOTE_ADDR="192.0.2.10")

    assert first.status_code == 303
    assert second.status_code == 409
    assert str(BEING_SAVED)[:40] in text_of(second)
    assert "Einmal reicht." in text_of(second)  # the reader's text is still there
    assert PostComment.objects.filter(comment="Einmal reicht.").count() == 1


def test_a_different_text_from_the_same_connection_still_meets_flood_control(client, post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 3600
    client.post("/kommentare/senden/", form_data(post, comment="Erster Text."), REMOTE_ADDR="192.0.2.11")

    response = Client().post("/kommentare/senden/", form_data(post, comment="Zweiter Text."), REMOTE_ADDR="192.0.2.11")

    assert response.status_code == 429
    assert "Zweiter Text." in text_of(response)


# --- A deleted parent ---------------------------------------------------------------------------------


def test_a_reply_to_a_comment_deleted_meanwhile_is_refused_by_the_lifecycle(post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    stale = PostComment.objects.get(pk=parent.pk)  # what the form checked
    lifecycle.delete(parent, None)

    with pytest.raises(PostComment.DoesNotExist):
        lifecycle.submit(
            post=post, parent=stale, name="Spät", email="spaet@example.org", url="", text="Zu spät.",
            site_id=1, ip_address="192.0.2.0", user=None, author_token="", status=Status.PENDING, reasons=[],
        )  # fmt: skip
    assert not PostComment.objects.filter(comment="Zu spät.").exists()


def test_a_staff_reply_to_a_deleted_comment_is_a_message_not_an_error(moderator_client, post):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    url = reverse("comment_moderation:reply", args=[parent.pk])
    lifecycle.delete(parent, None)

    response = moderator_client.post(url, {"comment": "Danke!"})

    assert response.status_code == 404
    assert not PostComment.objects.filter(comment="Danke!").exists()


# --- Reserved names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "R\u0435daktion",  # Cyrillic е
        "Re\u200bdaktion",  # zero-width space
        "ADMlN",
        "Die Redaktion Eifel",
        "\uff32\uff45\uff44\uff41\uff4b\uff54\uff49\uff4f\uff4e",  # full-width letters
        "Rédaktion",
        "M0derator",
    ],
)
def test_staff_names_are_refused_however_they_are_spelled(post_comment, post, name):
    response = post_comment(post, name=name, comment="Ich bin offiziell.")

    assert response.status_code == 400
    assert str(NAME_RESERVED)[:30] in text_of(response)
    assert "Ich bin offiziell." in text_of(response)
    assert not PostComment.objects.exists()


@pytest.mark.parametrize("name", ["Redaktionsleiter Fan", "Adelheid Minor", "Anna Redlich"])
def test_names_that_only_contain_the_letters_are_allowed(post_comment, post, name):
    assert post_comment(post, name=name).status_code == 303


def test_a_name_of_invisible_characters_only_is_missing(post_comment, post):
    response = post_comment(post, name="\u200b\u200d\u00ad")

    assert response.status_code == 400
    assert not PostComment.objects.exists()


# --- Digits that are not ASCII --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["\u0661\u0662", "\u00b2", "\uff11"])
def test_non_ascii_digits_never_reach_int(client, post, value):
    data = form_data(post)
    data["object_pk"] = value
    assert client.post("/kommentare/senden/", data, REMOTE_ADDR="192.0.2.30").status_code == 400
    assert client.get("/", {"p": value}).status_code == 200
    assert client.get(post.get_parent().url, {"seite": value}).status_code in (200, 404)
    assert not PostComment.objects.exists()


# --- The queue ------------------------------------------------------------------------------------


@pytest.fixture
def section_editor(post):
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission

    section = Group.objects.create(name="Redaktion Vulkaneifel")
    section.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=section, page=post, permission=Permission.objects.get(codename="change_page")
    )
    return make_staff("redakteurin", groups=["Redaktion Vulkaneifel"])


def test_editors_who_moderate_their_posts_never_see_or_search_addresses(client, post, section_editor):
    PostCommentFactory(post=post, user_email="geheim@example.org", comment="Mein Kommentar")
    client.force_login(section_editor)
    index = reverse("comment_moderation:index")

    listing = client.get(index)
    searched = client.get(index, {"q": "geheim@example.org"})

    assert "Mein Kommentar" in text_of(listing)
    assert "geheim@example.org" not in text_of(listing)
    assert "Mein Kommentar" not in text_of(searched)  # the address is no search key for them


def test_moderators_still_find_a_comment_by_its_address(moderator_client, post):
    PostCommentFactory(post=post, user_email="gesucht@example.org", comment="Gefundener Kommentar")
    PostCommentFactory(post=post, comment="Anderer Kommentar")

    response = moderator_client.get(reverse("comment_moderation:index"), {"q": "gesucht@example.org"})

    assert "Gefundener Kommentar" in text_of(response)
    assert "Anderer Kommentar" not in text_of(response)


def test_select_all_approves_only_what_the_filtered_list_showed(moderator_client, post):
    matching = [PostCommentFactory(post=post, comment=f"Treffer {n}") for n in range(3)]
    other = PostCommentFactory(post=post, comment="Etwas ganz anderes")
    url = reverse("wagtail_bulk_action", args=["comments", "postcomment", "approve"])

    moderator_client.post(f"{url}?id=all&q=Treffer&status=pending", {})

    assert [PostComment.objects.get(pk=c.pk).status for c in matching] == [Status.APPROVED] * 3
    other.refresh_from_db()
    assert other.status == Status.PENDING


def test_a_moderator_may_save_a_text_as_long_as_readers_may_write(moderator_client, post, settings):
    comment = PostCommentFactory(post=post)
    text = "Lang. " * (settings.COMMENTS_MAX_LENGTH // 6)

    response = moderator_client.post(reverse("comment_moderation:edit", args=[comment.pk]), {"comment": text})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.comment == text.strip() or comment.comment == text
    too_long = moderator_client.post(
        reverse("comment_moderation:edit", args=[comment.pk]), {"comment": "x" * (settings.COMMENTS_MAX_LENGTH + 1)}
    )
    assert too_long.status_code == 200
    comment.refresh_from_db()
    assert comment.comment in (text, text.strip())
