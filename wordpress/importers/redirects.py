"""301 redirects from the old WordPress addresses, written in one INSERT per batch.

Which old paths exist already is asked per batch (`prefetch`, one query for a batch's posts), not read
whole: the run's memory does not grow with the number of redirects. A path nobody prefetched is asked
alone."""

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.contrib.redirects.models import Redirect

from ..report import REDIRECT


class RedirectImporter:
    kind = REDIRECT

    def __init__(self, run):
        self.run = run
        self.report = run.report
        self.known = {}  # normalised old path → exists (in the database or among `pending`), this batch
        self.pending = []  # (Redirect, page or None, link or callable) waiting for `flush`

    def prefetch(self, old_paths):
        wanted = {Redirect.normalise_path(path) for path in old_paths} - set(self.known)
        if wanted:
            found = set(Redirect.objects.filter(old_path__in=wanted).values_list("old_path", flat=True))
            self.known.update((path, path in found) for path in wanted)

    def end_window(self):
        self.known.clear()

    def exists(self, old_path):
        if old_path not in self.known:
            self.known[old_path] = Redirect.objects.filter(old_path=old_path).exists()
        return self.known[old_path]

    def ensure(self, old_path, page, route="", link=""):
        """A 301 from an old WordPress address to a page (and route) or, with `link`, to one of our paths;
        an existing redirect (maybe changed by an editor) is kept. `page` needs only a `pk`, and `link`
        may be a callable: both are read when the batch's redirects are written (a new post gets its id
        then)."""
        old_path = Redirect.normalise_path(old_path)
        if old_path in {"", "/"}:
            return
        if len(old_path) > 255:
            self.report.skip(REDIRECT, _("alte Adresse länger als 255 Zeichen"))
            return
        if self.exists(old_path):
            self.report.count(REDIRECT, "unchanged")
            return
        redirect = Redirect(
            old_path=old_path,
            site=None,
            is_permanent=True,
            redirect_page_route_path=Redirect.normalise_page_route_path(route) if route and not link else "",
        )
        self.run.undo.set(self.known, old_path, True)
        self.run.undo.append(self.pending, (redirect, page, link))

    def flush(self):
        """Write the redirects noted since the last flush; those to a post that was not written are left
        out (the next run adds them)."""
        pending, self.pending = self.pending, []
        rows = []
        for redirect, page, link in pending:
            if page is not None and page.pk is None:
                continue
            if link:
                if callable(link):
                    link = link()
                redirect.redirect_link = link
            else:
                redirect.redirect_page_id = page.pk
            rows.append(redirect)
        if not rows:
            return
        try:
            with transaction.atomic():
                Redirect.objects.bulk_create(rows)
        except Exception as error:  # noqa: BLE001 - listed per address; the next run adds them
            for redirect in rows:
                label = _("Weiterleitung %(path)s") % {"path": redirect.old_path}
                self.report.errors.append(f"{label}: {error}")
            return
        for _row in rows:
            self.report.count(REDIRECT, "created")
