"""Reader reports ("Melden", DSA Art. 16) and the moderator's decision with its statement of reasons (Art. 17)."""

import pytest

from django.core import mail
from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry

from comments.factories import PostCommentFactory
from comments.models import Report, ReportDecision, Status


def report_url(comment):
    return reverse("comments-report", args=[comment.pk])


@pytest.fixture
def public_comment(post):
    return PostCommentFactory(
        post=post, status=Status.APPROVED, comment="Alle im Rat sind Idioten.", user_email="schreiber@example.org"
    )


def test_every_public_comment_has_a_plain_link_to_a_report_page(post, public_comment):
    page = Client().get(post.url).content.decode()
    assert f'href="{report_url(public_comment)}"' in page
    form = Client().get(report_url(public_comment))
    assert form.status_code == 200
    content = form.content.decode()
    for reason in ("Beleidigung", "Spam", "Falschinformation", "Rechtswidriger Inhalt", "Sonstiges"):
        assert reason in content
    assert "schreiber@example.org" not in content


def test_held_comments_cannot_be_reported(post):
    held = PostCommentFactory(post=post)
    assert Client().get(report_url(held)).status_code == 404
    assert Client().post(report_url(held), {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_a_report_is_stored_with_the_truncated_ip_and_confirmed(public_comment):
    response = Client().post(report_url(public_comment), {"reason": "insult"}, REMOTE_ADDR="198.51.100.77")
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reason, report.ip_address, report.comment) == ("insult", "198.51.100.0", public_comment)
    done = Client().get(response["Location"]).content.decode()
    assert "Danke, Ihre Meldung ist eingegangen." in done


def test_an_illegal_content_notice_needs_an_explanation_and_good_faith_and_keeps_what_was_typed(public_comment):
    response = Client().post(
        report_url(public_comment), {"reason": "illegal", "location": "Der erste Satz", "reporter_name": "Eva"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Bitte begründen Sie, warum der Inhalt rechtswidrig ist." in content
    assert "Bitte bestätigen Sie, dass Sie in gutem Glauben melden." in content
    assert 'value="Der erste Satz"' in content and 'value="Eva"' in content
    assert not Report.objects.exists()

    Client().post(
        report_url(public_comment),
        {"reason": "illegal", "explanation": "Beleidigung nach § 185 StGB", "location": "Satz 1", "good_faith": "on"},
    )
    report = Report.objects.get()
    assert (report.explanation, report.location, report.good_faith) == ("Beleidigung nach § 185 StGB", "Satz 1", True)


def test_reports_are_rate_limited_per_client_address(public_comment, settings):
    settings.COMMENTS_REPORTS_PER_HOUR = 2
    client = Client()
    codes = [
        client.post(report_url(public_comment), {"reason": "spam"}, REMOTE_ADDR="203.0.113.5").status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Report.objects.count() == 2
    other = Client().post(report_url(public_comment), {"reason": "spam"}, REMOTE_ADDR="203.0.113.99")
    assert other.status_code == 302


def decide(client, comment, decision):
    return client.post(reverse("comment_moderation:report_decision", args=[comment.pk, decision]))


def test_removing_a_reported_comment_records_the_decision_and_sends_the_statement_of_reasons(
    moderator_client, moderator, public_comment, django_capture_on_commit_callbacks
):
    Report.objects.create(comment=public_comment, comment_number=public_comment.pk, reason="insult")
    Report.objects.create(comment=public_comment, comment_number=public_comment.pk, reason="spam")
    queue = moderator_client.get(reverse("comment_moderation:index"), {"status": "reported"}).content.decode()
    assert "2-mal gemeldet: Beleidigung, Spam" in queue
    assert "Meldung: entfernen" in queue

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(moderator_client, public_comment, ReportDecision.REMOVED)

    assert response.status_code == 302
    public_comment.refresh_from_db()
    assert public_comment.status == Status.TRASH
    assert set(Report.objects.values_list("decision", "decided_by")) == {(ReportDecision.REMOVED, moderator.pk)}
    assert ModelLogEntry.objects.filter(action="comments.trash", object_id=str(public_comment.pk)).exists()
    (message,) = mail.outbox
    assert message.to == ["schreiber@example.org"]
    assert "weil er andere beleidigt" in message.body
    assert "Grund der Meldung: Beleidigung" in message.body
    assert "/netiquette/" in message.body


def test_keeping_a_reported_comment_records_the_decision_and_mails_nobody(
    moderator_client, public_comment, django_capture_on_commit_callbacks
):
    Report.objects.create(comment=public_comment, comment_number=public_comment.pk, reason="misinformation")
    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator_client, public_comment, ReportDecision.KEPT)
    public_comment.refresh_from_db()
    assert public_comment.status == Status.APPROVED
    assert Report.objects.get().decision == ReportDecision.KEPT
    assert ModelLogEntry.objects.filter(action="comments.report_kept", object_id=str(public_comment.pk)).exists()
    assert mail.outbox == []
    assert "Gemeldet" in moderator_client.get(reverse("comment_moderation:index")).content.decode()


def test_no_statement_without_an_address(moderator_client, post, django_capture_on_commit_callbacks):
    comment = PostCommentFactory(post=post, status=Status.APPROVED, user_email="")
    Report.objects.create(comment=comment, comment_number=comment.pk, reason="other")
    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator_client, comment, ReportDecision.REMOVED)
    assert mail.outbox == []


def test_the_form_links_the_netiquette_and_the_privacy_page_and_netiquette_is_a_page(post, comment_rules):
    comment_rules.netiquette_text = "Erster Absatz.\n\nZweiter Absatz."
    comment_rules.save()
    page = Client().get(post.url).content.decode()
    assert 'href="/netiquette/"' in page
    assert 'href="/datenschutz/"' in page
    netiquette = Client().get("/netiquette/")
    assert netiquette.status_code == 200
    assert "<p>Erster Absatz.</p>" in netiquette.content.decode()


@pytest.mark.parametrize("field", ["explanation", "location", "reporter_name"])
def test_control_characters_in_a_report_are_refused_in_german_and_nothing_is_stored(public_comment, field):
    data = {"reason": "other", "explanation": "Bitte prüfen.", "location": "Satz 1", "reporter_name": "Eva"}
    data[field] = "Mit\x1bSteuerzeichen"
    response = Client().post(report_url(public_comment), data)
    assert response.status_code == 400
    assert "Der Text enthält unsichtbare Steuerzeichen" in response.content.decode()
    assert not Report.objects.exists()
