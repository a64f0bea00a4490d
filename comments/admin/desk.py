"""What the queue shows beside each comment: status tabs with counts, the parent it answers, the
commenter's other comments (moderators only), why it was held, the trigger words highlighted."""

import re

from django.db.models import Count
from django.db.models.functions import Lower
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments import moderation
from comments.models import HELD_STATUSES, PostComment, Report, ReportReason, Status

STATUS_REPORTED = "reported"
STATUS_REVIEW = "review"  # published under a category's Nachmoderation, not yet "Geprüft"


def open_reports():
    return Report.objects.filter(decision="", comment__isnull=False)


def status_counts(comments):
    """{tab value: count} for the queue's tabs, over the comments this user may moderate (two queries)."""
    by_status, review = {}, 0
    for status, awaits_review, count in (
        comments.order_by().values_list("status", "awaits_review").annotate(count=Count("pk"))
    ):
        by_status[status] = by_status.get(status, 0) + count
        review += count if awaits_review else 0
    counts = {
        "pending": sum(by_status.get(status, 0) for status in HELD_STATUSES),
        STATUS_REPORTED: comments.filter(pk__in=open_reports().values("comment_id")).count(),
        STATUS_REVIEW: review,
        Status.APPROVED: by_status.get(Status.APPROVED, 0),
        Status.SPAM: by_status.get(Status.SPAM, 0),
        Status.TRASH: by_status.get(Status.TRASH, 0),
    }
    counts["all"] = sum(by_status.values())
    return counts


def reason_badges(comment, reports=0, report_reasons=()):
    """The hold reasons as short German labels, and the words to highlight."""
    labels, words = [], []
    for reason in comment.hold_reasons or []:
        code = reason.get("code") if isinstance(reason, dict) else reason
        if code == moderation.PRE_MODERATION:
            labels.append(_("Kategorie: Vormoderation"))
        elif code == moderation.POST_MODERATION:
            labels.append(_("Kategorie: Nachmoderation"))
        elif code == moderation.HOLD_ALL:
            labels.append(_("Alle werden zurückgehalten"))
        elif code == moderation.TOO_MANY_LINKS:
            count = reason.get("count", 0)
            labels.append(ngettext("%(count)s Link", "%(count)s Links", count) % {"count": count})
        elif code in (moderation.HOLD_WORD, moderation.SPAM_WORD):
            found = [str(word) for word in reason.get("words", [])]
            words.extend(found)
            template = _("Wort: %(words)s") if code == moderation.HOLD_WORD else _("Spam-Wort: %(words)s")
            labels.append(template % {"words": ", ".join(found)})
        elif code == moderation.HELD_BY_SCHEDULE:
            labels.append(_("Zeitfenster: zurückgehalten"))
        elif code == moderation.FIRST_COMMENT:
            labels.append(_("Erster Kommentar mit dieser Adresse"))
        elif code == moderation.NOT_TRUSTED:
            labels.append(_("Nicht als bekannter Browser erkannt"))
        elif code == moderation.EDITED:
            labels.append(_("Nachträglich geändert"))
        elif code == moderation.UNVERIFIED:
            labels.append(_("ohne Spam-Prüfung"))
        elif code == moderation.BLOCKED:
            labels.append(_("Gesperrter Absender"))
        elif code == moderation.SPAM_MARKS:
            count = reason.get("count", 0)
            labels.append(
                ngettext("%(count)s frühere Spam-Markierung", "%(count)s frühere Spam-Markierungen", count)
                % {"count": count}
            )
    if reports:
        label = ngettext("%(count)s-mal gemeldet", "%(count)s-mal gemeldet", reports) % {"count": reports}
        if report_reasons:
            label += ": " + ", ".join(report_reasons)
        labels.append(label)
    return labels, words


def highlighted(text, words):
    """The text, escaped, with every occurrence of `words` in <mark> (case-insensitive)."""
    words = sorted({word for word in words if word}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


class RowInfo:
    """Everything the rows of one page of results need, in four queries whatever the page size."""

    def __init__(self, comments, *, with_history, history_scope=None):
        """`history_scope`: the comments the user may moderate, when that is not all of them (a category
        moderator's counts of the commenter's other comments stay within their categories)."""
        comments = list(comments)
        parent_ids = {
            comment.parent_id for comment in comments if comment.parent_id and comment.parent_id != comment.pk
        }
        self.parents = {
            parent.pk: parent
            for parent in PostComment.norel_objects.filter(pk__in=parent_ids).only("pk", "user_name", "comment")
        }
        self.reports, self.report_reasons = {}, {}
        for comment_id, reason in (
            open_reports()
            .filter(comment_id__in=[comment.pk for comment in comments])
            .order_by("created_at", "pk")
            .values_list("comment_id", "reason")
        ):
            self.reports[comment_id] = self.reports.get(comment_id, 0) + 1
            labels = self.report_reasons.setdefault(comment_id, [])
            label = str(ReportReason(reason).label) if reason in ReportReason.values else reason
            if label not in labels:
                labels.append(label)
        self.with_history = with_history
        self.history = {}
        if with_history:
            emails = {comment.user_email.strip().lower() for comment in comments if comment.user_email.strip()}
            for email, status, count in (
                (PostComment.norel_objects if history_scope is None else history_scope)
                .annotate(address=Lower("user_email"))
                .filter(address__in=emails)
                .order_by()
                .values_list("address", "status")
                .annotate(count=Count("pk"))
            ):
                self.history.setdefault(email, {})[status] = count

    def parent(self, comment):
        parent = self.parents.get(comment.parent_id)
        if parent is None:
            return None
        return {"name": parent.user_name, "text": Truncator(parent.comment).chars(200)}

    def other_comments(self, comment):
        """Counts of the commenter's *other* comments: freigegeben, abgelehnt (Papierkorb), Spam."""
        email = comment.user_email.strip().lower()
        if not email or email not in self.history:
            return None
        counts = dict(self.history[email])
        counts[comment.status] = counts.get(comment.status, 0) - 1
        if sum(counts.values()) <= 0:
            return None  # no other comment with this address
        result = {
            "approved": counts.get(Status.APPROVED, 0),
            "trash": counts.get(Status.TRASH, 0),
            "spam": counts.get(Status.SPAM, 0),
        }
        return result
