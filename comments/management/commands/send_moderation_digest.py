"""`manage.py send_moderation_digest [--hours N]`: one mail to each moderator when comments have waited
longer than N hours (default 24). Meant for cron, daily: `0 8 * * * … manage.py send_moderation_digest`.
Nothing is sent when nothing waits that long."""

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
from comments.admin.permissions import moderators
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
        count = waiting.count()
        if not count:
            return
        recipients = sorted({user.email for user in moderators() if user.email})
        body = render_to_string(
            "comments_admin/email/digest.txt",
            {
                "count": count,
                "hours": hours,
                "comments": list(waiting[:LISTED]),
                "more": max(count - LISTED, 0),
                "queue_url": notifications.queue_url(),
                "site_name": settings.WAGTAIL_SITE_NAME,
            },
        )
        subject = ngettext(
            "%(count)d Kommentar wartet seit über %(hours)d Stunden",
            "%(count)d Kommentare warten seit über %(hours)d Stunden",
            count,
        ) % {"count": count, "hours": hours}
        sent = 0
        for message in notifications.one_message_each(subject, body, recipients):
            try:
                sent += message.send()
            except (smtplib.SMTPException, OSError):
                # Tomorrow's digest lists the same comments again: no retry needed.
                logger.warning("Could not send the moderation digest to one moderator", exc_info=True)
        if options["verbosity"] > 0:
            self.stdout.write(_("Übersicht an %(sent)d Empfänger geschickt.") % {"sent": sent})
