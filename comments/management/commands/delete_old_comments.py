"""`manage.py delete_old_comments [--removed-days N] [--held-days M]`: retention for reader comments.

Spam and comments in the trash are deleted N days after they were put there (Einstellungen → Kommentare →
Aufbewahrung, default 30); comments nobody decided on are deleted M days after they came in (default 90,
empty: never). Deleted through the lifecycle, so each deletion stays in the audit log (by number only).
The records of used moderation-mail links (`UsedMailLink`) go once the links themselves have expired
(three days, comments/mail_links.py `LINK_MAX_AGE`).
Also forgets the used ALTCHA challenges that have expired (comments/captcha.py).
Meant for cron, e.g. daily: `30 3 * * * cd /srv/site && .venv/bin/python manage.py delete_old_comments`.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from comments import captcha, data_protection, mail_links
from comments.moderation import comment_settings_for


class Command(BaseCommand):
    @property
    def help(self):
        return _("Löscht Spam, Papierkorb und nie entschiedene Kommentare nach Ablauf ihrer Aufbewahrungsfrist.")

    def add_arguments(self, parser):
        parser.add_argument("--removed-days", type=int, default=None, help=_("Frist für Spam und Papierkorb (Tage)."))
        parser.add_argument(
            "--held-days", type=int, default=None, help=_("Frist für nie entschiedene Kommentare (Tage).")
        )

    def handle(self, removed_days=None, held_days=None, **options):
        rules = comment_settings_for()
        removed_days = rules.delete_removed_after_days if removed_days is None else removed_days
        held_days = rules.delete_held_after_days if held_days is None else held_days
        if removed_days < 1 or (held_days is not None and held_days < 1):
            raise CommandError(_("Die Fristen müssen mindestens einen Tag betragen."))
        result = data_protection.delete_expired(removed_days, held_days)
        links = mail_links.forget_used_links()
        captcha.forget_expired_challenges()
        if options["verbosity"] > 0:
            self.stdout.write(
                _(
                    "%(removed)d Kommentare aus Spam und Papierkorb und %(held)d nie entschiedene gelöscht "
                    "(%(replies)d Antworten mit ihnen)."
                )
                % {"removed": result["removed"], "held": result["held"], "replies": result["replies_deleted"]}
            )
            self.stdout.write(
                _("%(links)d benutzte E-Mail-Links gelöscht (älter als %(days)d Tage).")
                % {"links": links, "days": mail_links.LINK_MAX_AGE.days}
            )
