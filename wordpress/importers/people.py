"""Authors and categories: few, looked up by every post (the run keeps them in dicts by WordPress key)."""

from urllib.parse import unquote

from django.utils.translation import gettext as _

from blog.categories import CategoryTree
from blog.models import Author, Category

from .. import wxr
from ..models import ImportedObject
from .base import ObjectImporter, content_hash, make_slug, unique_slug

Kind = ImportedObject.Kind
FALLBACK_AUTHOR = ("redaktion", "Redaktion")


class AuthorImporter(ObjectImporter):
    kind = Kind.AUTHOR
    model = Author

    def __init__(self, run):
        super().__init__(run)
        self.by_login = {}

    def run_one(self, data):
        key = data.wp_id or f"login:{data.login}"
        author = self.import_one(key, data)
        if author is None:
            return
        self.run.undo.set(self.by_login, data.login, author)
        route = f"/autor/{author.slug}/"
        # WordPress's author address uses the "nicename": the login lower-cased, dots turned into dashes.
        for login in {data.login.lower(), make_slug(data.login.replace(".", "-"))} - {""}:
            self.run.redirects.ensure(f"/author/{login}/", self.run.blog_index, route)
        if data.wp_id:
            self.run.redirects.ensure(f"/?author={data.wp_id}", self.run.blog_index, route)

    def digest(self, data):
        return content_hash([data.display_name, self.email(data)])

    @staticmethod
    def email(data):
        from .base import valid_email

        return valid_email(data.email)

    def create(self, key, data):
        slug = make_slug(data.display_name) or make_slug(data.login) or f"autor-{key}"
        author = Author.objects.filter(slug=slug).first()
        if author and author.name.casefold() == data.display_name.casefold():
            self.report.note(
                _("Autor(in) „%(name)s“ gab es schon; die Beiträge werden ihr/ihm zugeordnet.") % {"name": author.name}
            )
            self.report.count(self.kind, "unchanged")
            return author
        author = Author.objects.create(
            name=data.display_name[:255], slug=unique_slug(Author, slug), email=self.email(data)
        )
        self.report.count(self.kind, "created")
        return author

    def update(self, author, data, entry):
        author.name, author.email = data.display_name[:255], self.email(data)
        author.save(update_fields=["name", "email"])
        return True

    def ledger_data(self, obj, data, digest, entry):
        return {**(entry.extra if entry else {}), "hash": digest, "login": data.login}

    def for_post(self, item):
        """The post's author; a login the export does not list gets the "Redaktion" author and a note."""
        author = self.by_login.get(item.creator)
        if author is None:
            slug, name = FALLBACK_AUTHOR
            author, _created = Author.objects.get_or_create(slug=slug, defaults={"name": name})
            self.report.note(
                _("Beitrag %(id)s „%(title)s“: Autor(in) „%(creator)s“ fehlt im Export; zugeordnet: %(author)s.")
                % {"id": item.wp_id, "title": item.title, "creator": item.creator or "–", "author": author.name}
            )
        return author


class CategoryImporter(ObjectImporter):
    kind = Kind.CATEGORY
    model = Category

    def __init__(self, run):
        super().__init__(run)
        self.by_slug = {}  # WordPress nicename → Category
        self.paths = {}  # WordPress nicename → its /category/… path segments
        self.waiting_for_parent = {}  # parent nicename → categories imported before it
        self.write_parent = False

    def run_one(self, data):
        key = data.wp_id or f"slug:{data.slug}"
        # The parent is written for categories the import creates or whose WordPress data changed;
        # an editor's change in Wagtail to an unchanged category is kept.
        self.write_parent = False
        category = self.import_one(key, data)
        if category is None:
            return None
        parent = self.by_slug.get(data.parent_slug)
        if self.write_parent:
            if parent is not None or not data.parent_slug:
                self.set_parent(category, parent)
            else:
                # WordPress lists parents first, but a hand-made export may not: set it once the parent comes.
                self.waiting_for_parent.setdefault(data.parent_slug, []).append(category)
        for child in self.waiting_for_parent.pop(data.slug, []):
            self.set_parent(child, category)
        self.run.undo.set(self.by_slug, data.slug, category)
        segments = [*self.paths.get(data.parent_slug, []), data.slug] if data.parent_slug else [data.slug]
        self.paths[data.slug] = segments
        route = f"/kategorie/{category.slug}/"
        redirects, index = self.run.redirects, self.run.blog_index
        for old_path in {f"/category/{data.slug}/", f"/category/{'/'.join(segments)}/"}:
            redirects.ensure(old_path, index, route)
            redirects.ensure(f"{old_path}feed/", index, f"{route}feed/")
        if data.wp_id:
            redirects.ensure(f"/?cat={data.wp_id}", index, route)
        return category

    def digest(self, data):
        return content_hash([data.name, data.description, data.parent_slug])

    def create(self, key, data):
        slug = make_slug(data.slug) or make_slug(data.name) or f"kategorie-{key}"
        category = Category.objects.filter(slug=slug).first()
        if category:
            self.report.note(
                _("Kategorie „%(name)s“ gab es schon; die Beiträge werden ihr zugeordnet.") % {"name": category.name}
            )
            self.report.count(self.kind, "unchanged")
            return category
        category = Category.objects.create(name=(data.name or data.slug)[:255], slug=slug, description=data.description)
        self.report.count(self.kind, "created")
        self.write_parent = True
        return category

    def update(self, category, data, entry):
        category.name, category.description = (data.name or data.slug)[:255], data.description
        category.save(update_fields=["name", "description"])
        self.write_parent = True
        return True

    def ledger_data(self, category, data, digest, entry):
        parent = self.by_slug.get(data.parent_slug)
        return {
            "hash": digest,
            "wp_slug": data.slug,
            "parent_wp_slug": data.parent_slug,
            "parent_category_id": parent.pk if parent else None,
        }

    @staticmethod
    def set_parent(category, parent):
        parent_id = parent.pk if parent else None
        if CategoryTree.load().would_cycle(category.pk, parent_id):
            return  # a cycle in the export (a category below itself): left without a parent
        if category.parent_id != parent_id:
            category.parent = parent
            category.save(update_fields=["parent"])

    def for_post(self, slug, name):
        """A post may name a category the export's category list lacks: it is created then."""
        slug = unquote(slug)
        if slug in self.by_slug:
            return self.by_slug[slug]
        quoted = next((key for key in self.by_slug if unquote(key) == slug), None)
        if quoted:
            return self.by_slug[quoted]
        return self.run_one(wxr.Term(wp_id="", slug=slug, name=name))
