"""`manage.py purge_comment_ips [--days N]`: clear stored IP addresses older than COMMENTS_IP_RETENTION_DAYS.

Meant for cron, e.g. daily: `15 3 * * * cd /srv/site && .venv/bin/python manage.py purge_comment_ips`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments import data_protection


class Command(BaseCommand):
    @property
    def help(self):
        # A property, not a lazy string: argparse needs a plain str for the description.
        return _("Leert die IP-Adressen von Kommentaren, die älter als COMMENTS_IP_RETENTION_DAYS Tage sind.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help=_("Statt COMMENTS_IP_RETENTION_DAYS diese Zahl von Tagen.")
        )

    def handle(self, days=None, **options):
        days = settings.COMMENTS_IP_RETENTION_DAYS if days is None else days
        cleared = data_protection.purge_ip_addresses(days)
        if options["verbosity"] > 0:
            self.stdout.write(
                ngettext(
                    "%(count)d IP-Adresse älter als %(days)d Tage geleert.",
                    "%(count)d IP-Adressen älter als %(days)d Tage geleert.",
                    cleared,
                )
                % {"count": cleared, "days": days}
            )
