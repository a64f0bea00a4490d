"""Per-category moderation: Vormoderation / Nachmoderation per category (the strictest of a post's categories
wins), and moderators limited to the comments on their categories' posts."""

import datetime
from io import StringIO

import pytest

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

from blog.factories import BlogPostPageFactory, CategoryFactory
from comments import lifecycle, mail_links
from comments.factories import PostCommentFactory, make_staff
from comments.models import Block, BlockKind, CategoryModeration, ModerationMode, PostComment, Status
from comments.moderation import (
    BLOCKED,
    HOLD_WORD,
    POST_MODERATION,
    PRE_MODERATION,
    SPAM_WORD,
    TOO_MANY_LINKS,
    decide,
    reason_codes,
)
from comments.tasks import notify_moderators

QUEUE = "/admin/kommentare/"


def set_mode(category, mode):
    rule, _created = CategoryModeration.objects.get_or_create(category=category)
    rule.mode = mode
    rule.save()
    return rule


def review_entries(comment):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PostComment), object_id=str(comment.pk), action="comments.review"
    )


# --- Rules ---------------------------------------------------------------------------------------

PRE, SITE, POST, NONE = ModerationMode.PRE, ModerationMode.SITE, ModerationMode.POST, None


@pytest.mark.parametrize(
    ("modes", "expected"),
    [
        ([], SITE),  # no category
        ([NONE], SITE),  # a category without a rule
        ([PRE], PRE),
        ([POST], POST),
        ([POST, POST], POST),
        ([POST, NONE], SITE),  # the site's rule is stricter than Nachmoderation
        ([POST, SITE], SITE),
        ([POST, PRE], PRE),
        ([SITE, PRE, POST], PRE),
    ],
)
def test_the_strictest_rule_of_a_posts_categories_wins(blog_index, modes, expected):
    categories = []
    for index, mode in enumerate(modes):
        category = CategoryFactory(name=f"Thema {index}", slug=f"thema-{index}")
        if mode is not None:
            set_mode(category, mode)
        categories.append(category)
    post = BlogPostPageFactory(parent=blog_index, title="Mehrere Kategorien", categories=categories)
    from comments.categories import mode_for_post

    assert mode_for_post(post) == expected


def lenient(rules):
    rules.hold_all = False
    rules.trust_approved_authors = False
    rules.save()
    return rules


def test_vormoderation_holds_every_comment_whatever_the_site_says(
    post, category, comment_rules, post_comment, moderator_client
):
    lenient(comment_rules)
    post_comment(post, comment="Ohne Kategorie-Regel wäre ich sofort sichtbar.")
    assert PostComment.objects.get().status == Status.APPROVED

    set_mode(category, ModerationMode.PRE)
    post_comment(post, comment="Unter Vormoderation warte ich.")
    held = PostComment.objects.get(comment__startswith="Unter Vormoderation")

    assert held.status == Status.PENDING and not held.is_public and not held.awaits_review
    assert reason_codes(held.hold_reasons)[0] == PRE_MODERATION
    assert "Kategorie: Vormoderation" in moderator_client.get(QUEUE).content.decode()


def test_nachmoderation_publishes_at_once_lists_the_comment_until_gepruft_with_one_audit_entry(
    post, category, comment_rules, post_comment, moderator_client, moderator
):
    assert comment_rules.hold_all  # the site holds everything; the category's Nachmoderation overrules it
    set_mode(category, ModerationMode.POST)
    post_comment(post, comment="Sofort sichtbar, später geprüft.")
    comment = PostComment.objects.get()
    assert comment.status == Status.APPROVED and comment.is_public and comment.awaits_review
    assert reason_codes(comment.hold_reasons) == [POST_MODERATION]
    public_page = Client().get(post.url).content.decode()
    assert "Sofort sichtbar" in public_page and "maria@example.org" not in public_page

    tab = moderator_client.get(QUEUE, {"status": "review"}).content.decode()
    assert "Sofort sichtbar, später geprüft." in tab
    assert "Kategorie: Nachmoderation" in tab
    assert "Sofort sichtbar" not in moderator_client.get(QUEUE).content.decode()  # not among the held ones

    url = reverse("comment_moderation:moderate", args=[comment.pk, "review"])
    response = moderator_client.post(url, HTTP_ACCEPT="application/json")
    assert response.json()["ok"] is True
    assert response.json()["undo_url"] == ""
    comment.refresh_from_db()
    assert not comment.awaits_review and comment.status == Status.APPROVED and comment.is_public
    assert review_entries(comment).count() == 1
    assert review_entries(comment).get().user == moderator
    assert "Sofort sichtbar" not in moderator_client.get(QUEUE, {"status": "review"}).content.decode()

    again = moderator_client.post(url, HTTP_ACCEPT="application/json")
    assert again.json()["ok"] is False
    assert review_entries(comment).count() == 1


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"comment": "Billige Pillen kaufen"}, Status.SPAM, SPAM_WORD),
        ({"comment": "Das ist Unfug, sagt der Bürgermeister"}, Status.PENDING, HOLD_WORD),
        ({"comment": "https://a.example https://b.example"}, Status.PENDING, TOO_MANY_LINKS),
        ({"email": "gesperrt@example.org"}, Status.SPAM, BLOCKED),
    ],
)
def test_nachmoderation_keeps_the_spam_rules_blocks_words_and_link_limit(
    post, category, comment_rules, fields, status, code
):
    comment_rules.spam_words = "Pillen"
    comment_rules.hold_words = "Unfug"
    comment_rules.save()
    Block.objects.create(kind=BlockKind.EMAIL, value="gesperrt@example.org")
    set_mode(category, ModerationMode.POST)
    values = {"name": "Maria", "email": "maria@example.org", "url": "", "text": "Schön hier.", **fields}
    values["text"] = values.pop("comment", values["text"])

    got_status, reasons = decide(comment_rules, post=post, **values)

    assert got_status == status
    assert code in reason_codes(reasons)
    assert POST_MODERATION not in reason_codes(reasons)


def test_a_comment_held_by_a_rule_under_nachmoderation_waits_for_a_decision_not_a_review(
    post, category, comment_rules, post_comment
):
    comment_rules.hold_words = "Unfug"
    comment_rules.save()
    set_mode(category, ModerationMode.POST)
    post_comment(post, comment="Alles Unfug hier")
    comment = PostComment.objects.get()
    assert comment.status == Status.PENDING and not comment.awaits_review


def test_any_decision_ends_the_wait_for_review(post):
    comment = PostCommentFactory(post=post, status=Status.APPROVED, awaits_review=True)
    lifecycle.apply(comment, "withdraw")
    comment.refresh_from_db()
    assert comment.status == Status.WITHDRAWN and not comment.awaits_review
    assert lifecycle.mark_reviewed(comment) is False
    assert review_entries(comment).count() == 0


def test_bulk_gepruft_marks_only_the_waiting_ones(moderator_client, post):
    waiting = PostCommentFactory.create_batch(2, post=post, status=Status.APPROVED, awaits_review=True)
    held = PostCommentFactory(post=post)
    url = reverse("wagtail_bulk_action", args=["comments", "postcomment", "review"])
    ids = "&".join(f"id={comment.pk}" for comment in [*waiting, held])
    response = moderator_client.post(f"{url}?{ids}")
    assert response.status_code == 302
    assert not PostComment.objects.filter(awaits_review=True).exists()
    assert sum(review_entries(comment).count() for comment in [*waiting, held]) == 2
    held.refresh_from_db()
    assert held.status == Status.PENDING


# --- Category moderators -------------------------------------------------------------------------


@pytest.fixture
def desk(blog_index):
    """Two posts in two categories, a moderator of every comment and a moderator of "Politik" only."""
    politik = CategoryFactory(name="Politik", slug="politik")
    vereine = CategoryFactory(name="Vereine", slug="vereine")
    own_post = BlogPostPageFactory(parent=blog_index, title="Gemeinderat tagt", categories=[politik])
    other_post = BlogPostPageFactory(parent=blog_index, title="Schützenfest", categories=[vereine])
    full = make_staff("chefin", groups=["Moderatoren"], email="chefin@wir-leben-eifel.de")
    limited = make_staff("politik", groups=["Kategorie-Moderation"], email="politik@wir-leben-eifel.de")
    other = make_staff("vereine", groups=["Kategorie-Moderation"], email="vereine@wir-leben-eifel.de")
    set_mode(politik, ModerationMode.SITE).moderators.add(limited)
    set_mode(vereine, ModerationMode.SITE).moderators.add(other)
    return {
        "own_post": own_post,
        "other_post": other_post,
        "full": full,
        "limited": limited,
        "own": PostCommentFactory(post=own_post, comment="Zum Gemeinderat", user_email="rat@example.org"),
        "other": PostCommentFactory(post=other_post, comment="Zum Schützenfest", user_email="fest@example.org"),
    }


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_category_moderator_sees_only_their_categories_in_the_list_counts_and_search(desk):
    client = logged_in(desk["limited"])
    listing = client.get(QUEUE, {"status": "all"}).content.decode()
    assert "Zum Gemeinderat" in listing and "rat@example.org" in listing
    assert "Zum Schützenfest" not in listing and "fest@example.org" not in listing
    assert client.get(QUEUE, {"status": "all", "q": "Schützenfest"}).content.decode().count("Zum Schützenfest") == 0
    assert client.get(QUEUE, {"status": "all", "q": "fest@example.org"}).context["object_list"].count() == 0
    tabs = {label: count for label, count, _url, _current in client.get(QUEUE).context["status_tabs"]}
    assert tabs["Ausstehend"] == 1 and tabs["Alle"] == 1
    other_post = client.get(QUEUE, {"post": desk["other_post"].pk, "status": "all"}).context["object_list"]
    assert desk["other"] not in list(other_post)
    full = logged_in(desk["full"]).get(QUEUE, {"status": "all"}).content.decode()
    assert "Zum Gemeinderat" in full and "Zum Schützenfest" in full


def test_a_member_of_the_group_without_categories_moderates_nothing(desk):
    nobody = make_staff("neu", groups=["Kategorie-Moderation"])
    response = logged_in(nobody).get(QUEUE, {"status": "all"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []


def test_forged_posts_on_comments_outside_their_categories_are_refused(desk):
    client = logged_in(desk["limited"])
    other = desk["other"]
    for action in ("approve", "spam", "trash"):
        assert client.post(reverse("comment_moderation:moderate", args=[other.pk, action])).status_code == 404
    assert client.post(reverse("comment_moderation:reply", args=[other.pk]), {"comment": "Hallo"}).status_code == 404
    assert client.post(reverse("comment_moderation:edit", args=[other.pk]), {"comment": "Neu"}).status_code == 404
    assert client.post(reverse("comment_moderation:block", args=[other.pk]), {}).status_code in (302, 403)
    assert not Block.objects.exists()
    bulk = reverse("wagtail_bulk_action", args=["comments", "postcomment", "approve"])
    client.post(f"{bulk}?id={desk['own'].pk}&id={other.pk}")
    other.refresh_from_db()
    desk["own"].refresh_from_db()
    assert other.status == Status.PENDING and other.comment == "Zum Schützenfest"
    assert desk["own"].status == Status.APPROVED
    assert not PostComment.objects.filter(parent_id=other.pk, is_moderator_reply=True).exists()

    reviewed = PostCommentFactory(post=desk["other_post"], status=Status.APPROVED, awaits_review=True)
    assert client.post(reverse("comment_moderation:moderate", args=[reviewed.pk, "review"])).status_code == 404
    reviewed.refresh_from_db()
    assert reviewed.awaits_review


def test_blocks_and_data_protection_stay_with_the_moderators_of_every_comment(desk):
    client = logged_in(desk["limited"])
    assert client.get(reverse("comment_blocks:index")).status_code in (302, 403)
    assert client.get(reverse("comment_moderation:data_protection")).status_code in (302, 403)
    assert logged_in(desk["full"]).get(reverse("comment_blocks:index")).status_code == 200


def test_the_held_comment_mail_goes_to_the_posts_category_moderators_and_the_unlimited_ones(desk):
    notify_moderators.call(desk["own"].pk)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "chefin@wir-leben-eifel.de",
        "politik@wir-leben-eifel.de",
    ]
    mail.outbox.clear()
    notify_moderators.call(desk["other"].pk)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "chefin@wir-leben-eifel.de",
        "vereine@wir-leben-eifel.de",
    ]
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc


def test_the_digest_lists_for_each_moderator_only_what_they_may_decide(desk):
    old = timezone.now() - datetime.timedelta(hours=30)
    PostComment.objects.filter(pk__in=[desk["own"].pk, desk["other"].pk]).update(submit_date=old)
    desk["other"].refresh_from_db()
    lifecycle.apply(desk["other"], "approve")  # nothing waits in "Vereine" any more

    call_command("send_moderation_digest", stdout=StringIO())

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert sorted(bodies) == ["chefin@wir-leben-eifel.de", "politik@wir-leben-eifel.de"]
    assert "Zum Gemeinderat" in bodies["politik@wir-leben-eifel.de"]

    mail.outbox.clear()
    waiting = PostCommentFactory(post=desk["other_post"], comment="Vereinsfrage", submit_date=old)
    call_command("send_moderation_digest", stdout=StringIO())
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "Vereinsfrage" in bodies["vereine@wir-leben-eifel.de"]
    assert "Vereinsfrage" not in bodies["politik@wir-leben-eifel.de"]
    assert (
        "Vereinsfrage" in bodies["chefin@wir-leben-eifel.de"]
        and "Zum Gemeinderat" in bodies["chefin@wir-leben-eifel.de"]
    )
    assert "1 Kommentar wartet" in next(m.subject for m in mail.outbox if m.to == ["politik@wir-leben-eifel.de"])
    for body in bodies.values():
        assert waiting.user_email not in body and "rat@example.org" not in body


def test_a_mail_link_works_only_while_the_post_is_in_the_moderators_categories(desk):
    own_link = mail_links.make_token(desk["own"], "approve", desk["limited"])
    other_link = mail_links.make_token(desk["other"], "approve", desk["limited"])
    with pytest.raises(mail_links.LinkInvalid, match="ungültig"):
        mail_links.use(other_link)
    desk["other"].refresh_from_db()
    assert desk["other"].status == Status.PENDING

    # The post moves out of "Politik" after the mail went out: the link no longer applies.
    desk["own_post"].categories.set([])
    desk["own_post"].save()
    with pytest.raises(mail_links.LinkInvalid, match="ungültig"):
        mail_links.use(own_link)
    desk["own_post"].categories.set(
        list(CategoryModeration.objects.filter(moderators=desk["limited"]).values_list("category", flat=True))
    )
    desk["own_post"].save()
    comment, action = mail_links.use(own_link)
    assert action == "approve" and PostComment.objects.get(pk=comment.pk).status == Status.APPROVED


def test_the_rules_are_edited_under_einstellungen_by_moderators(desk, blog_index):
    kultur = CategoryFactory(name="Kultur", slug="kultur")
    client = logged_in(desk["full"])
    add = reverse("comment_category_moderation:add")
    page = client.get(add).content.decode()
    assert "Vormoderation" in page and "Nachmoderation" in page and "Moderator(inn)en dieser Kategorie" in page
    response = client.post(add, {"category": kultur.pk, "mode": "pre", "moderators": [desk["limited"].pk]})
    assert response.status_code == 302
    rule = CategoryModeration.objects.get(category=kultur)
    assert rule.mode == ModerationMode.PRE and list(rule.moderators.all()) == [desk["limited"]]
    listing = client.get(reverse("comment_category_moderation:index")).content.decode()
    assert "Kultur" in listing and "Vormoderation" in listing
    assert "politik@wir-leben-eifel.de" not in listing

    # Only moderators can be named; category moderators do not edit the rules.
    editor = make_staff("redakteur", groups=["Editors"])
    refused = client.post(add, {"category": CategoryFactory(slug="sport").pk, "mode": "pre", "moderators": [editor.pk]})
    assert refused.status_code == 200 and not CategoryModeration.objects.filter(category__slug="sport").exists()
    assert logged_in(desk["limited"]).get(add).status_code in (302, 403)


def test_a_writers_edit_that_sends_a_nachmoderation_comment_back_ends_its_wait_for_review(
    post, category, comment_rules, post_comment
):
    """Back in the queue it waits for a decision, not for "Geprüft": it is listed under Ausstehend only."""
    set_mode(category, ModerationMode.POST)
    post_comment(post, comment="Sofort sichtbar, später geprüft.")
    comment = PostComment.objects.get()
    assert comment.awaits_review
    comment_rules.recheck_edited = True
    comment_rules.save()
    assert lifecycle.edit_own(comment, "Nachträglich geändert.", comment_rules) == Status.PENDING
    comment.refresh_from_db()
    assert comment.status == Status.PENDING and not comment.awaits_review
