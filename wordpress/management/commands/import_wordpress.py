"""`manage.py import_wordpress EXPORT.xml [--media-dir DIR] [--dry-run]`: see README.md, "WordPress-Import"."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wordpress.importer import WordPressImporter


class Command(BaseCommand):
    @property
    def help(self):
        # A property, not a lazy string: argparse needs a plain str for the description.
        return _(
            "Importiert einen WordPress-Export (WXR 1.1/1.2): Autor(inn)en, Kategorien, Beiträge, Kommentare, "
            "Bilder und Weiterleitungen der alten Adressen. Mehrfach ausführbar: Unverändertes bleibt unverändert."
        )

    def add_arguments(self, parser):
        parser.add_argument("export", help=_("Die Exportdatei aus WordPress (Werkzeuge → Daten exportieren)."))
        parser.add_argument(
            "--media-dir",
            help=_("Ordner mit den hochgeladenen Dateien von WordPress (wp-content/uploads) für Bilder."),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("Nur prüfen und berichten, nichts speichern."))

    def handle(self, *args, export, media_dir=None, dry_run=False, verbosity=1, **options):
        export_path = Path(export)
        if not export_path.is_file():
            raise CommandError(_("Die Datei „%(path)s“ gibt es nicht.") % {"path": export})
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(_("Den Medienordner „%(path)s“ gibt es nicht.") % {"path": media_dir})

        def progress(message):
            if verbosity >= 1:
                self.stdout.write(message)
                self.stdout.flush()

        report = WordPressImporter(export_path, media_dir=media_dir, dry_run=dry_run, progress=progress).run()
        self.stdout.write("\n".join(report.lines(dry_run=dry_run)))
        if report.fatal:
            if report.anything_done:
                raise CommandError(
                    _(
                        "%(reason)s Der Import wurde an dieser Stelle abgebrochen; "
                        "die Tabelle oben zeigt, was bis dahin verarbeitet wurde."
                    )
                    % {"reason": report.fatal}
                )
            raise CommandError(_("%(reason)s Es wurde nichts importiert.") % {"reason": report.fatal})
        if report.errors:
            raise CommandError(
                _("%(count)s Einträge konnten nicht importiert werden (siehe „Fehler“ oben).")
                % {"count": len(report.errors)}
            )
