"""`manage.py erase_comments EMAIL --mode anonymise|delete`: erase one address's comments on request.

anonymise: name "Anonym", e-mail, website and IP address emptied; texts and threads stay.
delete: the comments are deleted together with every reply below them.
"""

from django.core.management.base import BaseCommand, CommandError

from comments import data_protection


class Command(BaseCommand):
    help = "Erase all comments written with one e-mail address: anonymise them, or delete them and their replies."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--mode", choices=data_protection.MODES, required=True)

    def handle(self, email, mode, **options):
        if not email.strip():
            raise CommandError("An e-mail address is required.")
        result = data_protection.erase(email, mode)
        if mode == "anonymise":
            self.stdout.write(f"Anonymised {result['comments']} comment(s).")
        else:
            self.stdout.write(
                f"Deleted {result['comments']} comment(s) and {result['replies_deleted']} repl(y/ies) below them."
            )
