"""Export and erase one person's comments; clear old IP addresses."""

import datetime
import io
import json

import pytest

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

from comments.factories import PostCommentFactory, make_staff
from comments.models import PostComment, Status

ADDRESS = "maria@example.org"


@pytest.fixture
def marias_thread(post):
    """Maria's approved comment with Bernd's reply under it, and Maria's held second comment."""
    first = PostCommentFactory(
        post=post, user_name="Maria", user_email=ADDRESS, status=Status.APPROVED, comment="Erster"
    )
    reply = PostCommentFactory(parent=first, user_name="Bernd", user_email="bernd@example.org", status=Status.APPROVED)
    second = PostCommentFactory(post=post, user_name="Maria", user_email="MARIA@example.org", comment="Zweiter")
    return first, reply, second


def test_export_command_writes_all_comments_of_an_address_as_json(marias_thread, post):
    out = io.StringIO()
    call_command("export_comments", ADDRESS, stdout=out)
    exported = json.loads(out.getvalue())
    assert [row["comment"] for row in exported["comments"]] == ["Erster", "Zweiter"]
    assert {row["email"].lower() for row in exported["comments"]} == {ADDRESS}
    assert exported["comments"][0]["post"] == post.title
    assert "bernd@example.org" not in out.getvalue()


def test_export_command_can_write_a_file(marias_thread, tmp_path):
    target = tmp_path / "export.json"
    call_command("export_comments", ADDRESS, "--output", str(target), stderr=io.StringIO())
    assert len(json.loads(target.read_text(encoding="utf-8"))["comments"]) == 2


def test_anonymise_empties_personal_data_and_keeps_the_thread(marias_thread):
    first, reply, second = marias_thread
    out = io.StringIO()
    call_command("erase_comments", ADDRESS, "--mode", "anonymise", stdout=out)
    assert "2 Kommentare anonymisiert." in out.getvalue()
    for comment in (first, second):
        comment.refresh_from_db()
        assert comment.user_name == "Anonym"
        assert (comment.user_email, comment.user_url, comment.ip_address) == ("", "", None)
    first.refresh_from_db()
    assert first.comment == "Erster" and first.is_public
    reply.refresh_from_db()
    assert reply.parent_id == first.pk and reply.user_email == "bernd@example.org"
    assert not PostComment.objects.filter(user_email__iexact=ADDRESS).exists()


def test_delete_removes_the_comments_and_the_replies_below_them(marias_thread):
    first, reply, second = marias_thread
    out = io.StringIO()
    call_command("erase_comments", ADDRESS, "--mode", "delete", stdout=out)
    assert not PostComment.objects.filter(pk__in=[first.pk, reply.pk, second.pk]).exists()
    assert "2 Kommentare und 1 Antwort darunter gelöscht." in out.getvalue()


def test_erase_needs_a_mode(marias_thread):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("erase_comments", ADDRESS, stdout=io.StringIO(), stderr=io.StringIO())


def test_admin_export_downloads_json_and_is_audit_logged(client, marias_thread):
    moderator = make_staff("moderatorin", groups=["Moderatoren"])
    client.force_login(moderator)
    response = client.post(reverse("comment_moderation:data_protection"), {"email": ADDRESS, "operation": "export"})
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert len(json.loads(response.content)["comments"]) == 2
    assert ModelLogEntry.objects.filter(action="comments.export", user=moderator).count() == 2


def test_admin_erase_asks_for_confirmation_first(client, marias_thread):
    first, _reply, _second = marias_thread
    client.force_login(make_staff("moderatorin", groups=["Moderatoren"]))
    url = reverse("comment_moderation:data_protection")
    confirmation = client.post(url, {"email": ADDRESS, "operation": "delete"})
    assert "2 Kommentar(e) gefunden" in confirmation.content.decode()
    assert PostComment.objects.filter(pk=first.pk).exists()
    client.post(url, {"email": ADDRESS, "operation": "delete", "confirmed": "True"})
    assert not PostComment.objects.filter(user_email__iexact=ADDRESS).exists()
    # One entry per erased comment, the reply deleted with its parent included.
    assert ModelLogEntry.objects.filter(action="comments.erase").count() == 3
    labels = ModelLogEntry.objects.filter(action="comments.erase").values_list("label", flat=True)
    assert not any("Maria" in label or ADDRESS in label for label in labels)


def test_admin_form_rejects_a_bad_address_in_german_and_keeps_the_input(client, db):
    client.force_login(make_staff("moderatorin", groups=["Moderatoren"]))
    response = client.post(reverse("comment_moderation:data_protection"), {"email": "kein-at", "operation": "export"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "gültige E-Mail-Adresse" in content
    assert 'value="kein-at"' in content


def test_purge_comment_ips_clears_only_old_addresses(post, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    old = PostCommentFactory(post=post, submit_date=timezone.now() - datetime.timedelta(days=31))
    recent = PostCommentFactory(post=post, submit_date=timezone.now() - datetime.timedelta(days=29))
    out = io.StringIO()
    call_command("purge_comment_ips", stdout=out)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None
    assert recent.ip_address == "192.0.2.0"
    assert "1 IP-Adresse älter als 30 Tage geleert." in out.getvalue()
