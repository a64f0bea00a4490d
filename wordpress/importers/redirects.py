"""301 redirects from the old WordPress addresses, written in one INSERT per batch.

Which of a batch's old paths exist already is asked when the batch is written (one query), not read
whole: the run's memory does not grow with the number of redirects."""

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.contrib.redirects.models import Redirect

from ..report import REDIRECT


class RedirectImporter:
    kind = REDIRECT

    def __init__(self, run):
        self.run = run
        self.report = run.report
        self.pending = []  # (old path, page or None, route, link) waiting for `flush`

    def ensure(self, old_path, page, route="", link=""):
        """A 301 from an old WordPress address to a page (and route) or, with `link`, to one of our paths;
        an existing redirect (maybe changed by an editor) is kept. Noted now, written with the batch
        (`flush`): `page` needs only a `pk` by then, and `link` may be a callable read then (a new post
        gets its id with the batch)."""
        old_path = Redirect.normalise_path(old_path)
        if old_path in {"", "/"}:
            return
        if len(old_path) > 255:
            self.report.skip(REDIRECT, _("alte Adresse länger als 255 Zeichen"))
            return
        self.run.undo.append(self.pending, (old_path, page, route, link))

    def flush(self):
        """Write the redirects noted since the last flush whose old path is free: one query for the
        paths that exist, one INSERT. The first noted for a path wins; one to a post that was not
        written is left out (the next run adds it)."""
        pending, self.pending = self.pending, []
        wanted = {}
        for old_path, page, route, link in pending:
            if page is not None and page.pk is None:
                continue
            if old_path in wanted:
                self.report.count(REDIRECT, "unchanged")
                continue
            wanted[old_path] = (page, route, link)
        if not wanted:
            return
        existing = set(Redirect.objects.filter(old_path__in=list(wanted)).values_list("old_path", flat=True))
        rows = []
        for old_path, (page, route, link) in wanted.items():
            if old_path in existing:
                self.report.count(REDIRECT, "unchanged")
                continue
            if callable(link):
                link = link()
            rows.append(
                Redirect(
                    old_path=old_path,
                    site=None,
                    is_permanent=True,
                    redirect_page_id=None if link else page.pk,
                    redirect_page_route_path=Redirect.normalise_page_route_path(route) if route and not link else "",
                    redirect_link=link,
                )
            )
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
