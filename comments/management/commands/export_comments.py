"""`manage.py export_comments EMAIL [--output FILE]`: every comment written with an address, as JSON."""

import json

from django.core.management.base import BaseCommand

from comments import data_protection


class Command(BaseCommand):
    help = "Export all comments written with one e-mail address as JSON (data-protection request)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, email, output=None, **options):
        payload = json.dumps(data_protection.export(email), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as export_file:
                export_file.write(payload + "\n")
            self.stderr.write(f"Exported to {output}")
        else:
            self.stdout.write(payload)
