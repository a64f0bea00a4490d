"""Reader reports ("Melden") and the moderator's decision on them (DSA Art. 16 and 17).

- A report is stored with the truncated IP address only; per client address at most REPORTS_PER_HOUR
  reports an hour (the shared cache counts), so a flood of reports cannot bury the queue.
- Reports of public comments land in the queue's "Gemeldet" tab. The moderator either removes the comment
  (the lifecycle's "In den Papierkorb") or keeps it; either way the decision is recorded on every open
  report of that comment and in the audit log.
- When the comment is removed and its writer left an address, the writer gets a statement of reasons
  (Art. 17): which rule (the reason's template from Einstellungen → Kommentare), which decision, a link to
  the Netiquette. It is sent through the task queue (comments/tasks.py), retried like the other mails.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.security import client_ip

from . import lifecycle
from .models import Report, ReportDecision, ReportReason
from .moderation import comment_settings_for
from .utils import truncate_ip

logger = logging.getLogger(__name__)

REPORTS_PER_HOUR = 5


def claim_report_slot(request):
    """True if this client address may send another report this hour (counted in the shared cache)."""
    limit = getattr(settings, "COMMENTS_REPORTS_PER_HOUR", REPORTS_PER_HOUR)
    digest = salted_hmac("comments.reports", client_ip(request) or "unknown").hexdigest()[:32]
    key = f"comments:reports:{digest}"
    if cache.add(key, 1, timeout=60 * 60):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        return cache.add(key, 1, timeout=60 * 60) is not False


def submit(comment, cleaned_data, request):
    return Report.objects.create(
        comment=comment,
        comment_number=comment.pk,
        reason=cleaned_data["reason"],
        explanation=cleaned_data.get("explanation", ""),
        location=cleaned_data.get("location", ""),
        reporter_name=cleaned_data.get("reporter_name", ""),
        reporter_email=cleaned_data.get("reporter_email", ""),
        good_faith=bool(cleaned_data.get("good_faith")),
        ip_address=truncate_ip(client_ip(request)),
    )


def open_reports_of(comment):
    return Report.objects.filter(comment=comment, decision="")


def decide(comment, decision, user):
    """Record the moderator's decision on every open report of this comment; "removed" puts the comment
    in the trash (through the lifecycle) and sends the statement of reasons. Returns the reports decided."""
    with transaction.atomic():
        reports = list(open_reports_of(comment).select_for_update().order_by("created_at", "pk"))
        if not reports:
            return 0
        if decision == ReportDecision.REMOVED:
            # Every state may go to the trash; one there already stays (apply says False).
            lifecycle.apply(comment, "trash", user, report_decision=decision)
        else:
            lifecycle.audit(comment, "comments.report_kept", user, reports=len(reports))
        Report.objects.filter(pk__in=[report.pk for report in reports]).update(
            decision=decision, decided_at=timezone.now(), decided_by=user
        )
        if decision == ReportDecision.REMOVED:
            reason = main_reason(reports)
            comment_id = comment.pk
            transaction.on_commit(lambda: queue_statement(comment_id, reason))
    return len(reports)


def main_reason(reports):
    """The reason the statement names: rechtswidrig first (the DSA notice), else the most frequent one
    (`reports` in the order they came in)."""
    reasons = [report.reason for report in reports]
    if ReportReason.ILLEGAL in reasons:
        return ReportReason.ILLEGAL
    # The most frequent; between equally frequent ones, the one reported first.
    return max(reasons, key=reasons.count)


def statement_text(comment, reason, request=None):
    rules = comment_settings_for(page=comment.content_object)
    return render_to_string(
        "comments/email/statement_of_reasons.txt",
        {
            "comment": comment,
            "reason_label": ReportReason(reason).label,
            "statement": rules.statement_for(reason),
            "netiquette_url": absolute(comment, rules.netiquette_url),
            "decision": ReportDecision.REMOVED.label,
        },
    )


def absolute(comment, url):
    if not url or url.startswith(("http://", "https://")):
        return url
    page = comment.content_object
    site = page.get_site() if page is not None else None
    return (site.root_url if site else "") + url


def queue_statement(comment_id, reason):
    """After the commit: the statement of reasons goes out through the task queue (comments/tasks.py),
    with the comment's id and the reason's code only; the address is looked up when the task runs."""
    from . import tasks

    try:
        tasks.send_statement_of_reasons.enqueue(comment_id, str(reason))
    except Exception:
        logger.exception("Could not queue the statement of reasons for comment %s", comment_id)


def statement_message(comment, reason):
    """The statement of reasons as a message to the writer alone, or None if they left no address."""
    address = comment.user_email.strip()
    if not address or reason not in ReportReason.values:
        return None
    return EmailMessage(subject=_("Ihr Kommentar wurde entfernt"), body=statement_text(comment, reason), to=[address])
