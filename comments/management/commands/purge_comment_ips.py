"""`manage.py purge_comment_ips [--days N]`: clear stored IP addresses older than COMMENTS_IP_RETENTION_DAYS.

Meant for cron, e.g. daily: `15 3 * * * cd /srv/site && .venv/bin/python manage.py purge_comment_ips`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from comments import data_protection


class Command(BaseCommand):
    help = "Clear the IP addresses of comments older than COMMENTS_IP_RETENTION_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override COMMENTS_IP_RETENTION_DAYS.")

    def handle(self, days=None, **options):
        days = settings.COMMENTS_IP_RETENTION_DAYS if days is None else days
        cleared = data_protection.purge_ip_addresses(days)
        if options["verbosity"] > 0:
            self.stdout.write(f"Cleared {cleared} IP address(es) older than {days} days.")
