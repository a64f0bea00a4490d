"""The moderation desk's queue: status tabs with counts, parent quote, the commenter's other comments,
hold-reason badges with the trigger words highlighted."""

import re

from django.urls import reverse

from comments.factories import PostCommentFactory, make_staff
from comments.models import Report, ReportReason, Status

QUEUE = reverse("comment_moderation:index")


def tab_counts(content):
    return dict(
        re.findall(r'class="comment-tabs__tab[^"]*"[^>]*>([^<]+?) <span class="w-status">(\d+)</span>', content)
    )


def test_tabs_count_every_status_and_the_default_says_it_shows_the_held_ones(moderator_client, post):
    PostCommentFactory.create_batch(2, post=post)
    PostCommentFactory(post=post, status=Status.WITHDRAWN)
    PostCommentFactory(post=post, status=Status.APPROVED, awaits_review=True)
    reported = PostCommentFactory(post=post, status=Status.APPROVED)
    Report.objects.create(comment=reported, comment_number=reported.pk, reason=ReportReason.INSULT)
    PostCommentFactory(post=post, status=Status.SPAM)
    PostCommentFactory.create_batch(2, post=post, status=Status.TRASH)

    content = moderator_client.get(QUEUE).content.decode()

    assert tab_counts(content) == {
        "Ausstehend": "3",
        "Gemeldet": "1",
        "Nachmoderation": "1",
        "Freigegeben": "2",
        "Spam": "1",
        "Papierkorb": "2",
        "Alle": "8",
    }
    assert "Hier stehen die zurückgehaltenen Kommentare" in content
    assert "Hier stehen die zurückgehaltenen" not in moderator_client.get(QUEUE, {"status": "spam"}).content.decode()


def test_reported_tab_lists_only_comments_with_open_reports(moderator_client, post, moderator):
    open_one = PostCommentFactory(post=post, status=Status.APPROVED, comment="Offen gemeldet")
    decided = PostCommentFactory(post=post, status=Status.APPROVED, comment="Schon entschieden")
    PostCommentFactory(post=post, status=Status.APPROVED, comment="Nie gemeldet")
    Report.objects.create(comment=open_one, comment_number=open_one.pk, reason=ReportReason.SPAM)
    Report.objects.create(comment=open_one, comment_number=open_one.pk, reason=ReportReason.INSULT)
    Report.objects.create(comment=decided, comment_number=decided.pk, reason=ReportReason.SPAM, decision="kept")

    content = moderator_client.get(QUEUE, {"status": "reported"}).content.decode()

    assert "Offen gemeldet" in content
    assert "2-mal gemeldet" in content
    assert "Schon entschieden" not in content
    assert "Nie gemeldet" not in content


def test_a_reply_shows_the_comment_it_answers_as_a_quote(moderator_client, post):
    parent = PostCommentFactory(
        post=post, status=Status.APPROVED, user_name="Hanna", comment="Was kostet der Eintritt?"
    )
    PostCommentFactory(parent=parent, comment="Fünf Euro.")

    content = moderator_client.get(QUEUE).content.decode()

    assert "Antwort auf Hanna:" in content
    assert '<blockquote class="comment-parent">' in content
    assert "Was kostet der Eintritt?" in content


def test_moderators_see_the_commenters_other_comments_as_counts_linked_without_the_address(
    moderator_client, post, blog_index
):
    for status in (Status.APPROVED, Status.APPROVED, Status.TRASH, Status.SPAM):
        PostCommentFactory(post=post, status=status, user_email="stamm@example.org")
    PostCommentFactory(post=post, status=Status.APPROVED, user_email="andere@example.org", comment="Fremd")
    held = PostCommentFactory(post=post, user_email="Stamm@Example.org", comment="Der neue")

    content = moderator_client.get(QUEUE).content.decode()

    assert "2 freigegeben" in content
    assert "1 abgelehnt" in content
    assert "1 Spam" in content
    link = f"?status=approved&amp;same_as={held.pk}"
    assert link in content
    listed = moderator_client.get(QUEUE, {"status": "approved", "same_as": held.pk}).content.decode()
    assert listed.count('data-bulk-action-checkbox class="bulk-action-checkbox"') == 2
    assert "Fremd" not in listed
    assert "stamm%40example" not in content and "same_as=stamm" not in content


def test_editors_see_no_history_by_address(client, post):
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission

    editor = make_staff("redakteur", groups=["Redaktion"])
    group = Group.objects.get(name="Redaktion")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=post, permission=Permission.objects.get(codename="change_page")
    )
    PostCommentFactory(post=post, status=Status.APPROVED, user_email="stamm@example.org")
    held = PostCommentFactory(post=post, user_email="stamm@example.org", comment="Wartet")
    client.force_login(editor)

    content = client.get(QUEUE).content.decode()
    assert "Wartet" in content
    assert "Andere Kommentare mit dieser Adresse" not in content
    # The filter by address does nothing for an editor.
    assert "Wartet" in client.get(QUEUE, {"same_as": held.pk}).content.decode()


def test_hold_reasons_are_badges_and_trigger_words_are_highlighted(
    moderator_client, post, post_comment, comment_rules, settings
):
    settings.COMMENTS_FLOOD_SECONDS = 0
    comment_rules.hold_words = "Bürgermeister"
    comment_rules.save()
    post_comment(post, comment="Der bürgermeister <b>lügt</b>: https://a.example.org https://b.example.org")

    content = moderator_client.get(QUEUE).content.decode()

    assert "Alle werden zurückgehalten" in content
    assert "2 Links" in content
    assert "Wort: bürgermeister" in content
    assert "Erster Kommentar mit dieser Adresse" in content
    assert "Der <mark>bürgermeister</mark> &lt;b&gt;lügt&lt;/b&gt;" in content


def test_queue_with_the_desk_columns_keeps_a_flat_query_count(moderator_client, post, django_assert_max_num_queries):
    parent = PostCommentFactory(post=post, status=Status.APPROVED)
    PostCommentFactory.create_batch(3, parent=parent)
    moderator_client.get(QUEUE)
    with django_assert_max_num_queries(40) as few:
        moderator_client.get(QUEUE)
    PostCommentFactory.create_batch(15, parent=parent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator_client.get(QUEUE)


def test_each_row_has_plain_post_forms_for_the_three_decisions(moderator_client, post):
    import html as html_module

    comment = PostCommentFactory(post=post)
    content = moderator_client.get(QUEUE).content.decode()
    forms = re.findall(
        r'<form method="post" action="([^"]+)" data-action="(\w+)">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        content,
    )
    assert [action for _url, action, _token in forms] == ["approve", "spam", "trash"]
    assert all(len(token) > 20 for _url, _action, token in forms)
    response = moderator_client.post(html_module.unescape(forms[0][0]))
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_the_script_gets_json_with_the_way_back(moderator_client, post):
    comment = PostCommentFactory(post=post)
    url = reverse("comment_moderation:moderate", args=[comment.pk, "spam"])
    answer = moderator_client.post(url, HTTP_ACCEPT="application/json").json()
    assert answer["ok"] is True
    assert answer["message"] == "Kommentar als Spam markiert."
    assert answer["undo_url"] == reverse("comment_moderation:moderate", args=[comment.pk, "restore"])
    back = moderator_client.post(answer["undo_url"], HTTP_ACCEPT="application/json").json()
    assert back["ok"] is True
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    again = moderator_client.post(
        reverse("comment_moderation:moderate", args=[comment.pk, "withdraw"]), HTTP_ACCEPT="application/json"
    ).json()
    assert again == {
        "ok": False,
        "message": "Das geht bei einem Kommentar mit dem Status „Ausstehend“ nicht.",
        "undo_url": "",
        "undo_label": "",
    }
