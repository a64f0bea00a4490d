"""301 redirects from the old WordPress addresses. The existing paths are read once per run."""

from django.utils.translation import gettext as _

from wagtail.contrib.redirects.models import Redirect

from ..report import REDIRECT


class RedirectImporter:
    kind = REDIRECT

    def __init__(self, run):
        self.run = run
        self.report = run.report
        self._paths = None

    @property
    def paths(self):
        if self._paths is None:
            self._paths = set(Redirect.objects.values_list("old_path", flat=True))
        return self._paths

    def ensure(self, old_path, page, route="", link=""):
        """A 301 from an old WordPress address to a page (and route) or, with `link`, to one of our paths;
        an existing redirect (maybe changed by an editor) is kept."""
        old_path = Redirect.normalise_path(old_path)
        if old_path in {"", "/"}:
            return
        if len(old_path) > 255:
            self.report.skip(REDIRECT, _("alte Adresse länger als 255 Zeichen"))
            return
        if old_path in self.paths:
            self.report.count(REDIRECT, "unchanged")
            return
        Redirect.objects.create(
            old_path=old_path,
            site=None,
            is_permanent=True,
            redirect_page_id=None if link else page.pk,
            redirect_page_route_path=Redirect.normalise_page_route_path(route) if route and not link else "",
            redirect_link=link,
        )
        self.run.undo.add(self.paths, old_path)
        self.report.count(REDIRECT, "created")
