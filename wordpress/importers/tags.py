"""Tags (Schlagwörter): few, looked up by every post that carries them (kept in a dict by WordPress slug).

WordPress lists its tags in the channel (`<wp:tag>`, with an id) and names them again in each post
(`<category domain="post_tag" nicename="…">`); a tag only a post names is imported when that post comes.
The tag keeps the WordPress slug, spelled by the German rule (`pr%c3%bcm` → `pruem`): the old
`/tag/<slug>/` then finds it by itself (`blog.views.find_tag`). Where the slug here is another one (a tag
of that name existed already), a redirect from the old address leads to its archive.
"""

from urllib.parse import unquote

from django.utils.translation import gettext as _

from blog.models import PostTag

from .. import wxr
from ..models import ImportedObject
from .base import ObjectImporter, content_hash, make_slug

Kind = ImportedObject.Kind
NAME_LENGTH = PostTag._meta.get_field("name").max_length
SLUG_LENGTH = 90  # PostTag.slugify's length: room for a "-2"


class TagImporter(ObjectImporter):
    kind = Kind.TAG
    model = PostTag

    def __init__(self, run):
        super().__init__(run)
        self.by_slug = {}  # WordPress slug (decoded) → PostTag
        self.kept = False  # this item's change was not written: the ledger keeps what it knew

    def run_one(self, data):
        wp_slug = unquote(data.slug)
        if not wp_slug and not data.name:
            return None
        self.kept = False
        key = data.wp_id or (f"slug:{wp_slug}" if wp_slug else f"name:{data.name}")
        tag = self.import_one(key, data)
        if tag is None:
            return None
        self.run.undo.set(self.by_slug, wp_slug or f"name:{data.name}", tag)
        if wp_slug and tag.slug not in {wp_slug, make_slug(wp_slug)}:
            # blog.views.find_tag answers 404 for the old slug; Wagtail's redirects take that 404.
            route, index = f"/schlagwort/{tag.slug}/", self.run.blog_index
            self.run.redirects.ensure(f"/tag/{wp_slug}/", index, route)
            self.run.redirects.ensure(f"/tag/{wp_slug}/feed/", index, f"{route}feed/")
        return tag

    def digest(self, data):
        return content_hash([self.name(data)])

    @staticmethod
    def name(data):
        return (data.name or unquote(data.slug)).strip()[:NAME_LENGTH]

    def create(self, key, data):
        name = self.name(data)
        slug = (
            make_slug(data.slug, SLUG_LENGTH) or make_slug(name, SLUG_LENGTH) or f"schlagwort-{content_hash(key)[:8]}"
        )
        # Tag names and slugs are unique: a tag that has either already is the same tag.
        tag = PostTag.objects.filter(slug=slug).first() or PostTag.objects.filter(name__iexact=name).first()
        if tag is not None:
            self.report.note(_("Schlagwort „%(name)s“ gab es schon; die Beiträge erhalten es.") % {"name": tag.name})
            self.report.count(self.kind, "unchanged")
            return tag
        tag = PostTag.objects.create(name=name or slug, slug=slug)
        self.report.count(self.kind, "created")
        return tag

    def update(self, tag, data, entry):
        name = self.name(data)
        if not name or PostTag.objects.filter(name__iexact=name).exclude(pk=tag.pk).exists():
            self.report.skip(self.kind, _("neuer Name gehört schon einem anderen Schlagwort"))
            self.kept = True
            return False
        tag.name = name
        tag.save(update_fields=["name"])
        return True

    def ledger_data(self, tag, data, digest, entry):
        if entry is not None and self.kept:
            return entry.extra  # asked again on the next run
        return {"hash": digest, "wp_slug": unquote(data.slug)}

    def for_post(self, slug, name):
        """A post may name a tag the export's tag list lacks: it is created then."""
        slug = unquote(slug)
        known = self.by_slug.get(slug or f"name:{name}")
        if known is not None:
            return known
        return self.run_one(wxr.Term(wp_id="", slug=slug, name=name))
