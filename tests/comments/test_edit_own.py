"""The writer edits their own comment from the browser that sent it (/kommentare/bearbeiten/<id>/)."""

import datetime
import re

import pytest

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from wagtail.models import ModelLogEntry

from comments import lifecycle
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from comments.utils import AUTHOR_COOKIE, PREVIEW_COOKIE

from .conftest import approve
from .test_email_never_published import needles_for

EDIT_LINK = re.compile(r'<a class="comment__edit" href="/kommentare/bearbeiten/(\d+)/"')


@pytest.fixture(autouse=True)
def no_flood_limit(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0


@pytest.fixture
def open_rules(comment_rules):
    """Comments are published at once, edits are not checked again unless the filters say so."""
    comment_rules.hold_all = False
    comment_rules.recheck_edited = False
    comment_rules.save()
    return comment_rules


@pytest.fixture
def writer():
    return Client()


def write(post, post_comment, writer, **fields):
    fields.setdefault("comment", "So war es beim Dorffest.")
    response = post_comment(post, client=writer, email="schreiberin@example.org", **fields)
    assert response.status_code == 303
    return PostComment.objects.get(comment=fields["comment"])


def edit_url(comment):
    return f"/kommentare/bearbeiten/{comment.pk}/"


def audit_actions(comment):
    return list(ModelLogEntry.objects.filter(object_id=str(comment.pk)).order_by("pk").values_list("action", flat=True))


def test_writer_changes_the_text_and_readers_see_it_marked_edited(post, post_comment, writer, open_rules, committed):
    comment = write(post, post_comment, writer)
    assert comment.is_public

    form_page = writer.get(edit_url(comment))
    assert form_page.status_code == 200
    assert "So war es beim Dorffest." in form_page.content.decode()
    assert form_page["Cache-Control"].count("private") == 1 and "no-store" in form_page["Cache-Control"]
    with committed():
        response = writer.post(edit_url(comment), {"comment": "So war es beim Dorffest in Daun."})

    assert response.status_code == 303
    assert response["Location"].endswith(f"?kommentar={comment.pk}#c{comment.pk}")
    comment.refresh_from_db()
    assert comment.comment == "So war es beim Dorffest in Daun."
    assert comment.status == Status.APPROVED and comment.is_public
    assert comment.edited_at is not None
    assert audit_actions(comment) == ["comments.submit", "comments.edit_own"]
    entry = ModelLogEntry.objects.get(object_id=str(comment.pk), action="comments.edit_own")
    assert entry.data["status_before"] == entry.data["status_after"] == Status.APPROVED
    assert "Dorffest" not in str(entry.data) and "schreiberin" not in str(entry.data)
    html = Client().get(post.url).content.decode()
    assert "So war es beim Dorffest in Daun." in html
    iso = timezone.localtime(comment.edited_at).replace(microsecond=0).isoformat()
    assert f'(<time datetime="{iso}"' in html and ">bearbeitet</time>)" in html
    # The stored HTML was refreshed by the edit, as for a moderator's correction.
    assert "in Daun" in PostComment.objects.get(pk=comment.pk).html


def test_only_the_text_changes_whatever_else_is_sent(post, post_comment, writer, open_rules):
    comment = write(post, post_comment, writer, name="Hanna")

    writer.post(
        edit_url(comment),
        {"comment": "Neuer Text", "name": "Redaktion", "email": "x@example.org", "url": "https://spam.example"},
    )

    comment.refresh_from_db()
    assert (comment.comment, comment.user_name, comment.user_email, comment.user_url) == (
        "Neuer Text",
        "Hanna",
        "schreiberin@example.org",
        "",
    )


def test_an_unchanged_text_is_no_edit(post, post_comment, writer, open_rules):
    comment = write(post, post_comment, writer)

    response = writer.post(edit_url(comment), {"comment": "  So war es beim Dorffest.\r\n"})

    assert response.status_code == 303
    comment.refresh_from_db()
    assert comment.edited_at is None
    assert audit_actions(comment) == ["comments.submit"]


def test_an_edited_public_comment_waits_again_when_the_setting_says_so(
    post, post_comment, writer, open_rules, committed
):
    from django.core import mail

    from comments.factories import make_staff

    make_staff("moderatorin", groups=["Moderatoren"])
    open_rules.recheck_edited = True  # the default of a new site
    open_rules.save()
    comment = write(post, post_comment, writer)
    reply = PostCommentFactory(parent=comment, status=Status.APPROVED, comment="Eine Antwort darauf")
    assert reply.is_public

    with committed():
        writer.post(edit_url(comment), {"comment": "Ganz anders gemeint."})

    comment.refresh_from_db()
    reply.refresh_from_db()
    assert comment.status == Status.PENDING and not comment.is_public
    assert not reply.is_public  # hidden with it until a moderator approves it again
    assert reply.status == Status.APPROVED
    assert [reason["code"] for reason in comment.hold_reasons] == ["edited"]
    assert any("moderatorin@example.org" in message.to for message in mail.outbox)
    assert "Ganz anders gemeint." not in Client().get(post.url).content.decode()
    own_page = writer.get(post.url).content.decode()
    assert "Ganz anders gemeint." in own_page and "Dein Kommentar wartet auf Freischaltung." in own_page
    assert ">bearbeitet</time>" in own_page


@pytest.mark.parametrize(
    ("rule", "value", "text", "code"),
    [
        ("hold_words", "Schnäppchen", "Heute ein Schnäppchen", "hold_word"),
        ("spam_words", "casino", "Bestes casino der Eifel", "spam_word"),
        ("max_links", 2, "https://a.example und https://b.example", "links"),
    ],
)
def test_an_edit_the_rules_would_hold_waits_again_even_without_the_setting(
    post, post_comment, writer, open_rules, rule, value, text, code
):
    comment = write(post, post_comment, writer)
    setattr(open_rules, rule, value)
    open_rules.save()

    writer.post(edit_url(comment), {"comment": text})

    comment.refresh_from_db()
    # A spam word too sends it back to the queue, not to Spam: a moderator decides.
    assert comment.status == Status.PENDING and not comment.is_public
    assert [reason["code"] for reason in comment.hold_reasons] == ["edited", code]


def test_without_the_setting_a_harmless_edit_stays_public(post, post_comment, writer, open_rules):
    comment = write(post, post_comment, writer)

    writer.post(edit_url(comment), {"comment": "Harmlos geändert."})

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED and comment.is_public


def test_a_held_comment_stays_held_after_the_edit(post, post_comment, writer, comment_rules):
    comment = write(post, post_comment, writer)  # "Jeden Kommentar zurückhalten" is on by default
    assert comment.status == Status.PENDING

    writer.post(edit_url(comment), {"comment": "Noch einmal überlegt."})

    comment.refresh_from_db()
    assert comment.status == Status.PENDING and comment.comment == "Noch einmal überlegt."
    assert "edited" in [reason["code"] for reason in comment.hold_reasons]


def test_bad_input_is_refused_in_german_and_the_text_is_kept(post, post_comment, writer, open_rules, settings):
    comment = write(post, post_comment, writer)
    settings.COMMENTS_MAX_LENGTH = 40

    for text, message in [
        ("Mit Steuerzeichen \x1b[31m rot", "Steuerzeichen"),
        ("x" * 41, "höchstens 40 Zeichen"),
        ("   ", "Bitte schreibe einen Kommentar"),
    ]:
        response = writer.post(edit_url(comment), {"comment": text})
        page = response.content.decode()
        assert response.status_code == 400
        assert "Deine Änderung wurde noch nicht gespeichert" in page
        assert message in page, text
        if text.strip():
            assert ("Mit Steuerzeichen" if "\x1b" in text else text) in page
    comment.refresh_from_db()
    assert comment.comment == "So war es beim Dorffest." and comment.edited_at is None


def test_the_window_closes_after_the_set_minutes(post, post_comment, writer, open_rules, settings):
    settings.COMMENTS_EDIT_MINUTES = 10
    comment = write(post, post_comment, writer)
    now = timezone.now()

    PostComment.objects.filter(pk=comment.pk).update(submit_date=now - datetime.timedelta(minutes=10, seconds=-30))
    assert writer.get(edit_url(comment)).status_code == 200
    assert EDIT_LINK.search(writer.get(post.url).content.decode())

    PostComment.objects.filter(pk=comment.pk).update(submit_date=now - datetime.timedelta(minutes=10, seconds=1))
    assert writer.get(edit_url(comment)).status_code == 404
    assert writer.post(edit_url(comment), {"comment": "Zu spät"}).status_code == 404
    assert not EDIT_LINK.search(writer.get(post.url).content.decode())
    comment.refresh_from_db()
    assert comment.comment == "So war es beim Dorffest."


def refusal_cases(post, post_comment, writer, moderator):
    """(label, client, comment id) for every way an edit is refused; each leaves the comment as it was."""
    own = write(post, post_comment, writer)
    late = write(post, post_comment, writer, comment="Schon lange her.")
    PostComment.objects.filter(pk=late.pk).update(submit_date=timezone.now() - datetime.timedelta(hours=2))
    trashed = write(post, post_comment, writer, comment="Weggeworfen.")
    lifecycle.apply(trashed, "trash")
    deleted = write(post, post_comment, writer, comment="Gelöscht.")
    deleted_pk = deleted.pk
    lifecycle.delete(deleted)
    staff = lifecycle.reply_as_staff(own, "Danke!", moderator)

    without_author_cookie = Client()
    without_author_cookie.cookies[PREVIEW_COOKIE] = writer.cookies[PREVIEW_COOKIE].value
    without_preview_cookie = Client()
    without_preview_cookie.cookies[AUTHOR_COOKIE] = writer.cookies[AUTHOR_COOKIE].value
    # Another reader's browser, with its own (valid) cookies from its own comment.
    other_browser = Client()
    post_comment(post, client=other_browser, comment="Ich bin jemand anderes.")
    forged = Client()
    forged.cookies[PREVIEW_COOKIE] = f"[{own.pk}]"
    forged.cookies[AUTHOR_COOKIE] = "abc"
    return [
        ("unknown id", writer, 999999),
        ("deleted", writer, deleted_pk),
        ("too late", writer, late.pk),
        ("trash", writer, trashed.pk),
        ("staff reply", writer, staff.pk),
        ("anonymous", Client(), own.pk),
        ("other browser", other_browser, own.pk),
        ("preview cookie only", without_author_cookie, own.pk),
        ("author cookie only", without_preview_cookie, own.pk),
        ("forged cookies", forged, own.pk),
    ], own


def test_every_refusal_is_the_same_german_404(post, post_comment, writer, open_rules, moderator):
    cases, own = refusal_cases(post, post_comment, writer, moderator)
    answers = {}
    for label, client, pk in cases:
        for method in ("get", "post"):
            response = getattr(client, method)(f"/kommentare/bearbeiten/{pk}/", {"comment": "Übernahme"})
            body = response.content.decode().replace(f"/kommentare/bearbeiten/{pk}/", "/kommentare/bearbeiten/ID/")
            body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
            answers[(label, method)] = (response.status_code, body)
    statuses = {status for status, _body in answers.values()}
    assert statuses == {404}, answers.keys()
    get_bodies = {body for (label, method), (_s, body) in answers.items() if method == "get"}
    post_bodies = {body for (label, method), (_s, body) in answers.items() if method == "post"}
    assert len(get_bodies) == 1 and len(post_bodies) == 1
    assert "Bearbeiten nicht möglich" in get_bodies.pop()
    # A refused POST gives the reader their text back, nothing else.
    assert "Übernahme" in post_bodies.pop()
    own.refresh_from_db()
    assert own.comment == "So war es beim Dorffest." and own.edited_at is None
    assert not PostComment.objects.filter(comment="Übernahme").exists()


def test_the_edit_link_is_shown_to_the_writer_only_and_pages_stay_cached_for_others(
    post, post_comment, writer, open_rules, settings
):
    comment = write(post, post_comment, writer)
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    cache.clear()

    own_page = writer.get(post.url)
    assert EDIT_LINK.search(own_page.content.decode()).group(1) == str(comment.pk)
    assert "no-store" in own_page["Cache-Control"]
    first = Client().get(post.url)
    second = Client().get(post.url)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    for response in (first, second):
        assert "So war es beim Dorffest." in response.content.decode()
        assert not EDIT_LINK.search(response.content.decode())
    # The writer's own rendering did not put its link into the shared thread either.
    rendered_for_another = Client()
    rendered_for_another.cookies["bench"] = "uncached"  # bypasses the page cache: only the fragments act
    assert not EDIT_LINK.search(rendered_for_another.get(post.url).content.decode())


def test_an_edit_refreshes_the_cached_page(post, post_comment, writer, open_rules, settings, committed):
    comment = write(post, post_comment, writer)
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    cache.clear()
    assert Client().get(post.url)["X-Cache"] == "MISS"

    with committed():
        writer.post(edit_url(comment), {"comment": "Frisch geändert."})

    response = Client().get(post.url)
    assert response["X-Cache"] == "MISS"
    assert "Frisch geändert." in response.content.decode()


def test_the_edit_pages_never_show_the_address(post, post_comment, writer, open_rules):
    comment = write(post, post_comment, writer)
    needles = needles_for("schreiberin@example.org")

    pages = [
        writer.get(edit_url(comment)),
        writer.post(edit_url(comment), {"comment": "\x00"}),
        Client().get(edit_url(comment)),
        writer.get(post.url),
    ]
    writer.post(edit_url(comment), {"comment": "Geändert"})
    pages += [writer.get(post.url), Client().get(post.url), Client().get("/kommentare/feed/")]

    for response in pages:
        text = (response.content.decode() + str(dict(response.items()))).lower()
        assert not [needle for needle in needles if needle in text]


def test_approved_again_the_edited_comment_keeps_its_mark(post, post_comment, writer, comment_rules):
    comment = write(post, post_comment, writer)
    writer.post(edit_url(comment), {"comment": "Korrigiert vor der Freigabe."})

    approve(PostComment.objects.get(pk=comment.pk))

    html = Client().get(post.url).content.decode()
    assert "Korrigiert vor der Freigabe." in html and ">bearbeitet</time>)" in html


def test_a_blocked_senders_spam_can_be_edited_like_a_held_comment_and_stays_spam(
    post, post_comment, writer, comment_rules
):
    from comments.models import Block, BlockKind

    Block.objects.create(kind=BlockKind.EMAIL, value="schreiberin@example.org")
    comment = write(post, post_comment, writer)
    assert comment.status == Status.SPAM
    # Its sender sees it waiting, with the same link a held comment has: nothing says "blocked".
    assert EDIT_LINK.search(writer.get(post.url).content.decode()).group(1) == str(comment.pk)

    response = writer.post(edit_url(comment), {"comment": "Immer noch ich."})

    assert response.status_code == 303
    comment.refresh_from_db()
    assert comment.status == Status.SPAM and comment.comment == "Immer noch ich." and not comment.is_public
    assert audit_actions(comment) == ["comments.submit", "comments.edit_own"]


def test_the_data_protection_export_says_when_the_writer_edited(post, post_comment, writer, open_rules):
    from comments.data_protection import export

    comment = write(post, post_comment, writer)
    assert export("schreiberin@example.org")["comments"][0]["edited"] is None

    writer.post(edit_url(comment), {"comment": "Für das Protokoll geändert."})

    comment.refresh_from_db()
    row = export("schreiberin@example.org")["comments"][0]
    assert row["edited"] == comment.edited_at.isoformat()
    assert row["comment"] == "Für das Protokoll geändert."


def test_edits_in_quick_succession_wait_like_new_comments(post, post_comment, writer, open_rules, settings):
    """Each edit writes an audit entry, renders the comment and empties the post's cached pages: a script
    must not repeat that in a loop for the whole window. A second edit within COMMENTS_FLOOD_SECONDS waits,
    with a German message and the text kept."""
    comment = write(post, post_comment, writer)
    settings.COMMENTS_FLOOD_SECONDS = 15
    assert writer.post(edit_url(comment), {"comment": "Erste Änderung."}).status_code == 303
    again = writer.post(edit_url(comment), {"comment": "Zweite Änderung."})
    assert again.status_code == 429
    assert "Zweite Änderung." in again.content.decode() and "warte" in again.content.decode()
    comment.refresh_from_db()
    assert comment.comment == "Erste Änderung."
    assert audit_actions(comment) == ["comments.submit", "comments.edit_own"]

    PostComment.objects.filter(pk=comment.pk).update(edited_at=timezone.now() - datetime.timedelta(seconds=16))
    assert writer.post(edit_url(comment), {"comment": "Zweite Änderung."}).status_code == 303
    comment.refresh_from_db()
    assert comment.comment == "Zweite Änderung."


def test_an_edit_drops_the_recommendation_given_to_the_old_text(post, post_comment, writer, open_rules):
    """The mark "Empfehlung der Redaktion" belongs to the text an editor read, not to what replaced it."""
    from comments import lifecycle

    comment = write(post, post_comment, writer)
    assert lifecycle.recommend(comment, True)

    writer.post(edit_url(comment), {"comment": "Harmlos geändert."})

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED and comment.is_public  # still public: the setting is off
    assert not comment.is_recommended
