"""`manage.py send_moderation_digest [--hours N]`: one mail to each moderator when comments have waited
longer than N hours (default 24). Meant for cron, daily: `0 8 * * * … manage.py send_moderation_digest`.
Nothing is sent when nothing waits that long; a category moderator hears only of the comments on their
categories' posts, and nothing when none of those waits."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments import notifications
from comments.admin.permissions import CommentPermissionPolicy, moderators
from comments.categories import category_scope
from comments.models import PostComment

LISTED = 20
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    @property
    def help(self):
        return _("Schickt jeder Moderatorin und jedem Moderator eine Übersicht, wenn Kommentare zu lange warten.")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help=_("Ab so vielen Stunden Wartezeit (Standard 24)."))

    def handle(self, hours=24, **options):
        if hours < 1:
            raise CommandError(_("Die Wartezeit muss mindestens eine Stunde betragen."))
        cutoff = timezone.now() - datetime.timedelta(hours=hours)
        waiting = PostComment.objects.held().filter(submit_date__lt=cutoff).order_by("submit_date")
        if not waiting.exists():
            return
        sent = 0
        for email, comments in self.digests(waiting):
            count = comments.count()
            if not count:
                continue  # a category moderator whose categories have nothing waiting
            for message in notifications.one_message_each(
                self.subject(count, hours), self.body(comments, count, hours), [email]
            ):
                try:
                    sent += message.send()
                except (smtplib.SMTPException, OSError):
                    # Tomorrow's digest lists the same comments again: no retry needed.
                    logger.warning("Could not send the moderation digest to one moderator", exc_info=True)
        if options["verbosity"] > 0:
            self.stdout.write(_("Übersicht an %(sent)d Empfänger geschickt.") % {"sent": sent})

    def digests(self, waiting):
        """(address, the waiting comments that moderator may decide on), one per address: a moderator of
        every comment hears of all, a category moderator only of those on their categories' posts."""
        seen = set()
        for user in moderators().order_by("pk"):
            if not user.email or user.email in seen:
                continue
            seen.add(user.email)
            if category_scope(user) is None:
                yield user.email, waiting
            else:
                in_reach = CommentPermissionPolicy().instances_user_has_permission_for(user, "change")
                yield user.email, waiting.filter(pk__in=in_reach.values("pk"))

    @staticmethod
    def subject(count, hours):
        return ngettext(
            "%(count)d Kommentar wartet seit über %(hours)d Stunden",
            "%(count)d Kommentare warten seit über %(hours)d Stunden",
            count,
        ) % {"count": count, "hours": hours}

    @staticmethod
    def body(comments, count, hours):
        return render_to_string(
            "comments_admin/email/digest.txt",
            {
                "count": count,
                "hours": hours,
                "comments": list(comments[:LISTED]),
                "more": max(count - LISTED, 0),
                "queue_url": notifications.queue_url(),
                "site_name": settings.WAGTAIL_SITE_NAME,
            },
        )
