"""A re-import never overwrites what moderators changed in the site, and WordPress's own changes to an
untouched comment go through the comment lifecycle (audit entry, visibility, cache announcement)."""

import pytest

from wagtail.models import ModelLogEntry

from comments import lifecycle
from comments.models import PostComment, Status
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db

KEPT = "in der Website geändert, nicht überschrieben"
ERNA_TEXT = "<![CDATA[Schöner Artikel &#8211; <b>danke</b>!]]>"
HELD_STATUS = (
    "<wp:comment_content><![CDATA[Noch nicht freigegeben.]]></wp:comment_content><wp:comment_approved><![CDATA[0]]>"
)


def comment(wp_id):
    mapping = ImportedObject.objects.get(kind="comment", wp_id=str(wp_id))
    return PostComment.objects.get(pk=mapping.object_id)


def newer_export(export_path, tmp_path, *replacements):
    text = export_path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "newer.xml"
    path.write_text(text, encoding="utf-8")
    return path


def comments_row(output):
    return next(line for line in output.splitlines() if line.startswith("Kommentare ")).split()[1:]


def kept_count(output):
    line = next((line for line in output.splitlines() if KEPT in line), "")
    return int(line.rsplit(":", 1)[1]) if line else 0


@pytest.fixture
def erna_rewritten(export_path, tmp_path):
    """An export in which WordPress changed Erna's comment (501) after the first import."""
    return newer_export(export_path, tmp_path, (ERNA_TEXT, "<![CDATA[In WordPress nachträglich geändert.]]>"))


def test_a_comment_a_moderator_edited_is_not_overwritten(run_import, export_path, erna_rewritten):
    run_import(export_path)
    lifecycle.edit(comment(501), "Von der Moderation gekürzt.")
    output = run_import(erna_rewritten)
    assert comment(501).comment == "Von der Moderation gekürzt."
    assert kept_count(output) == 1
    assert comments_row(output)[1] == "0"  # nothing updated


def test_an_anonymised_comment_is_not_given_its_name_and_address_back(run_import, export_path, erna_rewritten):
    run_import(export_path)
    lifecycle.anonymise([comment(501)])
    output = run_import(erna_rewritten)
    erna = comment(501)
    assert (erna.user_name, erna.user_email, erna.user_url) == ("Anonym", "", "")
    assert erna.comment == "Schöner Artikel – danke!"
    assert kept_count(output) == 1


def test_anonymising_or_deleting_a_comment_leaves_no_hash_of_its_address_in_the_ledger(run_import, export_path):
    # The ledger's hashes cover the name and the address: with a database dump they would confirm a
    # guessed address of a comment anonymised or deleted on request (wordpress/signals.py).
    run_import(export_path)
    lifecycle.anonymise([comment(501)])
    lifecycle.delete(comment(503))
    ledger = dict(ImportedObject.objects.filter(kind="comment").values_list("wp_id", "extra"))
    for wp_id in ("501", "503"):
        assert "hash" not in ledger[wp_id] and "source" not in ledger[wp_id], ledger[wp_id]
    others = [extra for wp_id, extra in ledger.items() if wp_id not in ("501", "503")]
    assert others and all(extra["hash"] and extra["source"] for extra in others)

    output = run_import(export_path)  # the same export again: neither comes back as it was
    erna = comment(501)
    assert (erna.user_name, erna.user_email, erna.user_url) == ("Anonym", "", "")
    assert comments_row(output)[:2] == ["0", "0"]  # nothing created, nothing updated
    assert not ImportedObject.objects.filter(kind="comment", wp_id__in=["501", "503"], extra__has_key="hash").exists()


def test_a_comment_whose_status_a_moderator_changed_keeps_status_and_text(run_import, export_path, erna_rewritten):
    run_import(export_path)
    lifecycle.apply(comment(501), "withdraw")
    output = run_import(erna_rewritten)
    erna = comment(501)
    assert (erna.status, erna.is_public) == (Status.WITHDRAWN, False)
    assert erna.comment == "Schöner Artikel – danke!"
    assert kept_count(output) == 1


def test_a_comment_a_moderator_deleted_is_not_imported_again(run_import, export_path, tmp_path):
    run_import(export_path)
    lifecycle.delete(comment(503))
    newer = newer_export(export_path, tmp_path, (HELD_STATUS, HELD_STATUS.replace("[0]", "[1]")))
    output = run_import(newer)
    assert not PostComment.objects.filter(comment="Noch nicht freigegeben.").exists()
    assert kept_count(output) == 1
    assert comments_row(output)[0] == "0"  # nothing created


def test_an_unchanged_export_reports_nothing_kept(run_import, export_path):
    run_import(export_path)
    lifecycle.edit(comment(501), "Von der Moderation gekürzt.")
    output = run_import(export_path)  # WordPress has nothing new for 501: nothing to decide
    assert comment(501).comment == "Von der Moderation gekürzt."
    assert comments_row(output)[:2] == ["0", "0"]


def test_an_approval_in_wordpress_goes_through_the_lifecycle(
    run_import, export_path, tmp_path, django_capture_on_commit_callbacks
):
    run_import(export_path)
    held = comment(503)
    post_id = int(held.object_pk)
    newer = newer_export(export_path, tmp_path, (HELD_STATUS, HELD_STATUS.replace("[0]", "[1]")))
    announced = []

    def receiver(sender, post_id, **kwargs):
        announced.append(post_id)

    lifecycle.public_comments_changed.connect(receiver, dispatch_uid="test_reimport_approval")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            output = run_import(newer)
    finally:
        lifecycle.public_comments_changed.disconnect(dispatch_uid="test_reimport_approval")
    held = comment(503)
    assert (held.status, held.is_public) == (Status.APPROVED, True)
    entry = ModelLogEntry.objects.filter(object_id=str(held.pk), action="comments.import").latest("timestamp")
    assert (entry.data["status_before"], entry.data["status_after"]) == (Status.PENDING, Status.APPROVED)
    assert post_id in announced
    assert comments_row(output)[1] == "1"
    assert kept_count(output) == 0


def test_a_text_change_in_wordpress_of_a_public_comment_is_audited_and_announced(
    run_import, export_path, erna_rewritten, django_capture_on_commit_callbacks
):
    run_import(export_path)
    erna = comment(501)
    announced = []

    def receiver(sender, post_id, **kwargs):
        announced.append(post_id)

    lifecycle.public_comments_changed.connect(receiver, dispatch_uid="test_reimport_text")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run_import(erna_rewritten)
    finally:
        lifecycle.public_comments_changed.disconnect(dispatch_uid="test_reimport_text")
    assert comment(501).comment == "In WordPress nachträglich geändert."
    assert ModelLogEntry.objects.filter(object_id=str(erna.pk), action="comments.import").count() == 2
    assert int(erna.object_pk) in announced
