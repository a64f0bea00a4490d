"""`manage.py erase_comments EMAIL --mode anonymise|delete`: erase one address's comments on request.

anonymise: name "Anonym", e-mail, website and IP address emptied; texts and threads stay.
delete: the comments are deleted together with every reply below them.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments import data_protection


class Command(BaseCommand):
    @property
    def help(self):
        # A property, not a lazy string: argparse needs a plain str for the description.
        return _(
            "Löscht alle Kommentare, die mit einer E-Mail-Adresse geschrieben wurden: anonymisiert sie "
            "(anonymise) oder löscht sie samt ihren Antworten (delete)."
        )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--mode", choices=data_protection.MODES, required=True)

    def handle(self, email, mode, **options):
        if not email.strip():
            raise CommandError(_("Bitte gib eine E-Mail-Adresse an."))
        result = data_protection.erase(email, mode)
        if mode == "anonymise":
            count = result["comments"]
            self.stdout.write(
                ngettext("%(count)d Kommentar anonymisiert.", "%(count)d Kommentare anonymisiert.", count)
                % {"count": count}
            )
        else:
            comments = ngettext("%(count)d Kommentar", "%(count)d Kommentare", result["comments"]) % {
                "count": result["comments"]
            }
            replies = ngettext("%(count)d Antwort", "%(count)d Antworten", result["replies_deleted"]) % {
                "count": result["replies_deleted"]
            }
            self.stdout.write(
                _("%(comments)s und %(replies)s darunter gelöscht.") % {"comments": comments, "replies": replies}
            )
