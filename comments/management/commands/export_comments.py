"""`manage.py export_comments EMAIL [--output FILE]`: every comment written with an address, as JSON."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from comments import data_protection


class Command(BaseCommand):
    @property
    def help(self):
        # A property, not a lazy string: argparse needs a plain str for the description.
        return _("Gibt alle Kommentare, die mit einer E-Mail-Adresse geschrieben wurden, als JSON aus (Auskunft).")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", help=_("In diese Datei schreiben statt auf die Standardausgabe."))

    def handle(self, email, output=None, **options):
        payload = json.dumps(data_protection.export(email), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as export_file:
                export_file.write(payload + "\n")
            self.stderr.write(_("Exportiert nach %(file)s") % {"file": output})
        else:
            self.stdout.write(payload)
