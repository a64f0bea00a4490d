"""`manage.py send_moderation_digest [--hours N]`: one mail to each moderator when comments have waited
longer than N hours (default 24). Meant for cron, daily: `0 8 * * * … manage.py send_moderation_digest`.
Nothing is sent when nothing waits that long; a category moderator hears only of the comments on their
categories' posts, and nothing when none of those waits. The mails go through the task queue
(comments/tasks.py `send_moderation_digest`, retried like the other mails); each task carries the
moderator's account id, never an address."""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from comments import notifications, tasks
from comments.admin.permissions import moderators

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
        if not notifications.waiting_longer_than(hours).exists():
            return
        # One digest per address, even if two accounts share it.
        accounts = {}
        for user_id, email in moderators().exclude(email="").order_by("pk").values_list("pk", "email"):
            accounts.setdefault(email.strip().lower(), user_id)
        queued = 0
        for user_id in accounts.values():
            try:
                tasks.send_moderation_digest.enqueue(user_id, hours)
            except Exception:
                logger.exception("Could not queue the moderation digest for user %s", user_id)
            else:
                queued += 1
        if options["verbosity"] > 0:
            self.stdout.write(
                _("Übersicht für %(count)d Empfänger in die Mail-Warteschlange gestellt.") % {"count": queued}
            )
