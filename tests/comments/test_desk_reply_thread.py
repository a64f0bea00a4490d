""" "Freigeben und antworten" and "Thread anzeigen" in the moderation queue: plain POST forms and pages
without JavaScript, JSON and a fragment for the queue's script, every state change through the lifecycle."""

import json

import pytest

from django.urls import reverse

from comments.factories import PostCommentFactory
from comments.models import PostComment, Status

QUEUE = reverse("comment_moderation:index")
JSON = {"HTTP_ACCEPT": "application/json"}


def approve_reply_url(comment):
    return reverse("comment_moderation:approve_reply", args=[comment.pk])


def reply_url(comment):
    return reverse("comment_moderation:reply", args=[comment.pk])


def thread_url(comment):
    return reverse("comment_moderation:thread", args=[comment.pk])


def test_held_rows_offer_approve_and_reply_and_every_row_the_thread(moderator_client, post):
    held = PostCommentFactory(post=post, comment="Wartet")
    approved = PostCommentFactory(post=post, status=Status.APPROVED, comment="Ist frei")

    content = moderator_client.get(QUEUE, {"status": "all"}).content.decode()

    assert content.count('data-action="approve-reply"') == 1
    assert f'action="{approve_reply_url(held)}?next=' in content
    assert f'action="{approve_reply_url(approved)}' not in content
    assert f'href="{thread_url(held)}?next=' in content and f'href="{thread_url(approved)}?next=' in content
    assert "Freigeben und antworten" in content
    assert "f freigeben und antworten" in content and "t Thread anzeigen" in content  # the keys, documented
    assert 'id="comment-reply-template"' in content


def test_without_javascript_approve_and_reply_approves_then_leads_to_the_reply_page(moderator_client, post, moderator):
    held = PostCommentFactory(post=post, comment="Wann ist das Fest?")
    next_url = f"{QUEUE}?status=pending"

    confirm = moderator_client.get(approve_reply_url(held), {"next": next_url})
    assert confirm.status_code == 200 and "Freigeben und antworten" in confirm.content.decode()
    held.refresh_from_db()
    assert held.status == Status.PENDING  # a GET changes nothing

    response = moderator_client.post(f"{approve_reply_url(held)}?next={next_url}", follow=True)
    held.refresh_from_db()
    assert held.status == Status.APPROVED and held.is_public
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reply_url(held))
    assert "Kommentar freigegeben." in page and "Antwort veröffentlichen" in page

    answer = moderator_client.post(response.redirect_chain[-1][0], {"comment": "Am Samstag."})
    assert answer.status_code == 302 and answer.headers["Location"] == next_url  # back to where they were
    reply = PostComment.objects.get(parent_id=held.pk, is_moderator_reply=True)
    assert reply.is_public and reply.user == moderator


def test_with_javascript_approve_and_reply_answers_json_with_the_reply_box_and_the_way_back(moderator_client, post):
    held = PostCommentFactory(post=post, status=Status.WITHDRAWN)

    answer = json.loads(moderator_client.post(approve_reply_url(held), **JSON).content)

    assert answer["ok"] is True
    assert answer["message"] == "Kommentar freigegeben."
    assert answer["reply_url"].startswith(reply_url(held))
    assert answer["undo_url"] == reverse("comment_moderation:moderate", args=[held.pk, "withdraw"])
    reply = json.loads(moderator_client.post(answer["reply_url"], {"comment": "Danke!"}, **JSON).content)
    assert reply == {"ok": True, "message": "Antwort veröffentlicht."}
    assert PostComment.objects.get(parent_id=held.pk, is_moderator_reply=True).is_public


def test_a_comment_approved_meanwhile_still_opens_the_reply_box(moderator_client, post):
    approved = PostCommentFactory(post=post, status=Status.APPROVED)
    answer = json.loads(moderator_client.post(approve_reply_url(approved), **JSON).content)
    assert answer["ok"] is True and answer["reply_url"] and answer["undo_url"] == ""
    assert answer["message"] == "Der Kommentar war schon freigegeben."


@pytest.mark.parametrize("status", [Status.SPAM, Status.TRASH])
def test_forged_approve_and_reply_on_spam_or_trash_changes_nothing(moderator_client, post, status):
    removed = PostCommentFactory(post=post, status=status)
    answer = json.loads(moderator_client.post(approve_reply_url(removed), **JSON).content)
    assert answer["ok"] is False and answer["reply_url"] == ""
    removed.refresh_from_db()
    assert removed.status == status
    plain = moderator_client.post(approve_reply_url(removed), follow=True)
    assert "Das geht bei einem Kommentar mit dem Status" in plain.content.decode()
    removed.refresh_from_db()
    assert removed.status == status


def test_approve_and_reply_on_the_deepest_level_is_refused_as_a_whole(moderator_client, post, settings):
    deepest = PostCommentFactory(post=post, status=Status.APPROVED)
    for _level in range(settings.COMMENTS_XTD_MAX_THREAD_LEVEL):
        deepest = PostCommentFactory(parent=deepest, status=Status.APPROVED)
    PostComment.objects.filter(pk=deepest.pk).update(status=Status.PENDING)
    assert deepest.level == settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    answer = json.loads(moderator_client.post(approve_reply_url(deepest), **JSON).content)
    assert answer["ok"] is False and "verschachtelt" in answer["message"]
    deepest.refresh_from_db()
    assert deepest.status == Status.PENDING  # nothing half-done: not approved without the reply


def test_a_forged_post_without_csrf_token_is_refused(client, moderator, post):
    from django.test import Client

    forger = Client(enforce_csrf_checks=True)
    forger.force_login(moderator)
    held = PostCommentFactory(post=post)
    assert forger.post(approve_reply_url(held)).status_code == 403
    assert forger.post(reply_url(held), {"comment": "Untergeschoben"}).status_code == 403
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert not PostComment.objects.filter(parent_id=held.pk).exclude(pk=held.pk).exists()


def test_an_outside_next_url_is_not_followed(moderator_client, post):
    held = PostCommentFactory(post=post)
    response = moderator_client.post(f"{approve_reply_url(held)}?next=https://evil.example/")
    assert "evil.example" not in response.headers["Location"]


def test_an_empty_reply_from_the_box_is_refused_in_german_and_saves_nothing(moderator_client, post):
    held = PostCommentFactory(post=post)
    response = moderator_client.post(reply_url(held), {"comment": "  "}, **JSON)
    assert response.status_code == 400
    assert json.loads(response.content) == {"ok": False, "message": "Dieses Feld muss ausgefüllt werden."}
    assert not PostComment.objects.filter(parent_id=held.pk).exclude(pk=held.pk).exists()


def test_a_staff_reply_to_a_held_comment_waits_for_its_parent(moderator_client, post):
    held = PostCommentFactory(post=post)
    answer = json.loads(moderator_client.post(reply_url(held), {"comment": "Wir prüfen das."}, **JSON).content)
    assert answer["ok"] is True and "sobald der Kommentar" in answer["message"]
    reply = PostComment.objects.get(parent_id=held.pk, is_moderator_reply=True)
    assert reply.status == Status.APPROVED and not reply.is_public


def thread_world(post):
    root = PostCommentFactory(post=post, status=Status.APPROVED, user_name="Anna", comment="Erster Gedanke")
    middle = PostCommentFactory(parent=root, status=Status.SPAM, user_name="Bernd", comment="Werbung hier")
    held = PostCommentFactory(parent=middle, user_name="Clara", comment="Die fragliche Antwort")
    below = PostCommentFactory(parent=held, status=Status.APPROVED, user_name="Dora", comment="Darunter")
    deeper = PostCommentFactory(parent=below, status=Status.TRASH, user_name="Emil", comment="Ganz unten")
    sibling = PostCommentFactory(parent=root, status=Status.APPROVED, user_name="Fritz", comment="Daneben")
    other_thread = PostCommentFactory(post=post, status=Status.APPROVED, comment="Anderer Faden")
    return root, middle, held, below, deeper, sibling, other_thread


def test_the_thread_page_shows_ancestors_and_replies_in_order_with_their_states(
    moderator_client, post, django_assert_max_num_queries
):
    root, middle, held, below, deeper, sibling, other_thread = thread_world(post)

    with django_assert_max_num_queries(20):
        response = moderator_client.get(thread_url(held))

    content = response.content.decode()
    assert response.status_code == 200
    order = [
        content.index(text)
        for text in ("Erster Gedanke", "Werbung hier", "Die fragliche Antwort", "Darunter", "Ganz unten")
    ]
    assert order == sorted(order)
    assert "Daneben" not in content and "Anderer Faden" not in content  # only the line of this comment
    for state in ("Spam", "Ausstehend", "Papierkorb", "Freigegeben (verborgen mit dem Kommentar darüber)"):
        assert state in content
    assert "dieser Kommentar" in content
    assert "2 Antworten darunter" in content
    assert held.user_email not in content


def test_the_thread_fragment_is_only_the_list_for_the_queues_script(moderator_client, post):
    _root, _middle, held, *_rest = thread_world(post)
    response = moderator_client.get(thread_url(held), {"fragment": "1"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div class="comment-thread" data-comment-thread>')
    assert "<html" not in content and "Die fragliche Antwort" in content


def test_unknown_and_too_long_ids_are_a_404_not_a_500(moderator_client):
    for pk in ("99999999", "99999999999999999999999"):
        assert moderator_client.get(f"/admin/kommentare/thread/{pk}/").status_code == 404
        assert moderator_client.post(f"/admin/kommentare/freigeben-und-antworten/{pk}/").status_code == 404
