"""Posts, the post index, authors and categories."""

import calendar
import datetime
import unicodedata
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection, models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q, Value
from django.db.models.functions import Cast, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import ItemBase, TagBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultipleChooserPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core import compiled
from core.cache import depends_on, page_tag, request_memo
from core.middleware import page_number_used
from core.restrictions import OneQueryRestrictionsMixin, private_q, public, restricted_pages
from core.text import GermanSlugPageMixin, german_slug, is_number

from .apps import CATEGORIES_TAG, LISTINGS_TAG, author_tag, category_tag, tag_tag
from .blocks import PostBodyBlock
from .categories import CategoryTree
from .listings import CompiledListing, ListingIterable, WindowCountPaginator, listing_annotations, window_counted

POSTS_PER_PAGE = 10
PAGE_QUERY_PARAMETER = "seite"
RELATED_POSTS_LIMIT = 5
# Sub-paths of the post index that its routes claim: a post with such a slug could never be reached.
RESERVED_POST_SLUGS = {"feed", "suche", "kategorie", "autor", "schlagwort"}


def is_reserved_post_slug(slug):
    """True for a slug a route of the post index claims: the reserved words and four-digit years."""
    return slug in RESERVED_POST_SLUGS or (is_number(slug) and len(slug) == 4)


# The archives' routes take four-digit years; a post dated earlier could not be listed in them (and
# a regional news site has no posts from the first millennium: such a date is a typo, e.g. 0215).
# Before it the year and month archives are 404s: year 0 is not even a date for Python.
FIRST_POST_YEAR = 1000
SEARCH_QUERY_MAX_LENGTH = 200
# Control, format (soft hyphen, zero-width space, BOM) and surrogate characters: never part of a word.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs"}


def clean_search_query(raw):
    """The words a reader searched for, safe for every search backend.

    The search is plain text (every word must occur), so characters that are not part of a word
    are dropped instead of refusing the search: control characters (PostgreSQL refuses a NUL byte,
    SQLite's full-text query ends at one), invisible ones (a soft hyphen inside a pasted word) and
    double quotes (they break SQLite's FTS5 syntax: Wagtail's SQLite backend does not escape them)
    become spaces or vanish, then the spaces are collapsed.
    """
    kept = []
    for character in raw.replace('"', " "):
        if character.isspace():
            kept.append(" ")
        elif unicodedata.category(character) not in INVISIBLE_CATEGORIES:
            kept.append(character)
    return " ".join("".join(kept).split())[:SEARCH_QUERY_MAX_LENGTH].strip()


def free_slug(model, base, exclude_pk=None, field="slug", max_length=255):
    """`base`, or `base-2`, `base-3`… : the first one no other row of `model` uses."""
    base = base[:max_length]
    taken = set(
        model.objects.filter(**{f"{field}__startswith": base}).exclude(pk=exclude_pk).values_list(field, flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


class NamedSlugMixin:
    """For snippets with a name and a slug: an empty slug is filled from the name by the German rule
    (core.text.german_slug), made unique."""

    def clean(self):
        super().clean()
        if not self.slug and self.name:
            self.slug = free_slug(type(self), german_slug(self.name) or "eintrag", exclude_pk=self.pk)


def with_listing_data(queryset, extra_images=()):
    """What every list of posts shows (title, date, teaser, image, authors, categories and what other apps
    registered, such as the comment count) in a fixed number of queries, whatever the number of posts:
    the one place listing querysets are built. The posts with their image and the registered columns,
    then their authors, categories and the images' renditions together (blog/listings.py), with the
    renditions of `extra_images` (images the page shows beside the listing, such as the author's photo)."""
    listing = _listing_columns(public(queryset.live()))
    listing._iterable_class = ListingIterable.with_extra_images(extra_images) if extra_images else ListingIterable
    return listing


def _listing_columns(posts):
    """What a listing selects of `posts` and its order (`with_listing_data`, `_index_listing_query`)."""
    return (
        posts.defer_streamfields()
        .select_related("featured_image")
        .annotate(**listing_annotations())
        .order_by("-date", "-first_published_at", "-pk")
    )


def newest_posts_below(page, limit, first_pk=None):
    """(the post `first_pk` or None, the newest `limit` other posts) of the live, public posts below `page`,
    with the listing data (`with_listing_data`): the home page's featured post and latest posts, from one
    query compiled once (core.compiled) and one union query. A `first_pk` that is no such post (a draft, an
    unpublished post) gives None."""
    values = {"page_path": page.path, "page_depth": page.depth, "page_pk": page.pk}
    if first_pk:
        values["first"] = first_pk
    posts = CompiledListing(_posts_below_query, (bool(first_pk),), **values).page_rows(0, limit + bool(first_pk))
    if first_pk and posts and posts[0].pk == first_pk:
        return posts[0], posts[1:]
    return None, posts[:limit]


def _posts_below_query(with_first, bottom, limit, private=None):
    """`newest_posts_below`'s query: the listing of the posts below the page `page_path`, `page_depth`,
    `page_pk` (core.compiled's placeholders), `with_first` the post `first` ahead of the others; without
    the `private` pages (core.restrictions.private_q)."""
    page_fields = Page._meta
    page = SimpleNamespace(
        path=compiled.Param("page_path", page_fields.get_field("path")),
        depth=compiled.Param("page_depth", page_fields.get_field("depth")),
        pk=compiled.Param("page_pk", page_fields.pk),
    )
    posts = BlogPostPage.objects.descendant_of(page).live()
    if private:
        posts = posts.exclude(private)  # what core.restrictions.public does
    listing = _listing_columns(posts)
    if with_first:
        first = ExpressionWrapper(Q(pk=compiled.Param("first", BlogPostPage._meta.pk)), output_field=BooleanField())
        listing = listing.annotate(is_first=first).order_by("-is_first", *listing.query.order_by)
    return listing[bottom : bottom + limit]


def _index_below_query(private=None):
    """BlogIndexPage.for_site's `public(live()).descendant_of(root).first()` for the root page `root_path`,
    `root_depth`, `root_pk` (core.compiled's placeholders), without the `private` pages."""
    page_fields = Page._meta
    root = SimpleNamespace(
        path=compiled.Param("root_path", page_fields.get_field("path")),
        depth=compiled.Param("root_depth", page_fields.get_field("depth")),
        pk=compiled.Param("root_pk", page_fields.pk),
    )
    indexes = BlogIndexPage.objects.live()
    if private:
        indexes = indexes.exclude(private)  # what core.restrictions.public does
    indexes = indexes.descendant_of(root)
    return (indexes if indexes.ordered else indexes.order_by("pk"))[:1]


def _index_placeholders():
    """A post index's path, depth and id as core.compiled's placeholders `index_path`, `index_depth`, `index_pk`
    (for Wagtail's own `child_of`, so that its rule stays the rule)."""
    page_fields = Page._meta
    return SimpleNamespace(
        path=compiled.Param("index_path", page_fields.get_field("path")),
        depth=compiled.Param("index_depth", page_fields.get_field("depth")),
        pk=compiled.Param("index_pk", page_fields.pk),
    )


def _tag_query(private=None):
    """BlogIndexPage.public_tag's query for the tag `slug` below the index (`_index_placeholders`): the tag
    with `carried`, whether a live post of the index, none of the `private` pages, carries it."""
    carried = BlogPostPage.objects.child_of(_index_placeholders()).live()
    if private:
        carried = carried.exclude(private)  # what core.restrictions.public does
    carried = carried.filter(tagged_items__tag=OuterRef("pk"))
    tags = PostTag.objects.filter(slug=compiled.Param("slug", PostTag._meta.get_field("slug")))
    tags = tags.annotate(carried=Exists(carried))
    return (tags if tags.ordered else tags.order_by("pk"))[:1]


def _author_query():
    """The author archive's author `slug` with the photo (core.compiled's placeholder)."""
    authors = Author.objects.select_related("photo").filter(slug=compiled.Param("slug", Author._meta.get_field("slug")))
    return authors[:1]


def _index_listing_query(route, size, bottom, limit, private=None):
    """A page (`bottom`, `limit`) of the listing of a BlogIndexPage route (index, category, tag, author,
    year, month) with the total, as `with_listing_data(index.posts()…)` and WindowCountPaginator build it,
    with core.compiled's placeholders: the index (`index_path`, `index_depth`, `index_pk`) and what the
    route filters by (`category_0`… for the `size` categories of a category's tree, `tag`, `author`,
    `first_day` and `last_day`); without the `private` pages (core.restrictions.private_q)."""
    index = _index_placeholders()
    posts = BlogPostPage.objects.child_of(index)
    if route == "category":
        ids = [compiled.Param(f"category_{position}", Category._meta.pk) for position in range(size)]
        posts = posts.filter(pk__in=BlogPostPage.objects.filter(categories__id__in=ids).values("pk"))
    elif route == "tag":
        posts = posts.filter(tagged_items__tag=compiled.Param("tag", PostTag._meta.pk))
    elif route == "author":
        posts = posts.filter(post_authors__author=compiled.Param("author", Author._meta.pk))
    elif route in ("year", "month"):
        # date__year / date__month as the date range they mean (the ORM's own SQL for a year is this range).
        date = BlogPostPage._meta.get_field("date")
        posts = posts.filter(date__gte=compiled.Param("first_day", date), date__lte=compiled.Param("last_day", date))
    posts = posts.live()
    if private:
        posts = posts.exclude(private)  # what core.restrictions.public does
    return window_counted(_listing_columns(posts), bottom, limit)


class Author(NamedSlugMixin, index.Indexed, models.Model):
    """A person who writes posts; readers find all their posts on the author's archive page."""

    name = models.CharField(_("Name"), max_length=255)
    slug = models.SlugField(
        _("Kurzname (URL)"),
        max_length=255,
        unique=True,
        blank=True,
        allow_unicode=False,
        help_text=_("Wird beim Tippen aus dem Namen gebildet (ä → ae, ß → ss); leer lassen genügt."),
    )
    bio = models.TextField(_("Kurzbiografie"), blank=True)
    email = models.EmailField(
        _("E-Mail (nur intern)"),
        blank=True,
        help_text=_("Für Benachrichtigungen über neue Kommentare; wird nirgends veröffentlicht."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Foto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        TitleFieldPanel("name", placeholder=False, classname=""),
        FieldPanel("slug"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("email"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("Autor(in)")
        verbose_name_plural = _("Autor(inn)en")

    def __str__(self):
        return self.name


class Category(NamedSlugMixin, index.Indexed, models.Model):
    """A topic such as "Demographie"; each category has its own archive and feed."""

    name = models.CharField(_("Name"), max_length=255)
    slug = models.SlugField(
        _("Kurzname (URL)"),
        max_length=255,
        unique=True,
        blank=True,
        help_text=_("Wird beim Tippen aus dem Namen gebildet (ä → ae, ß → ss); leer lassen genügt."),
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    # WordPress nests categories ("Region" → "Vulkaneifel"); as there, a category's archive and feed
    # also list the posts of the categories below it.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Übergeordnete Kategorie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )

    panels = [
        TitleFieldPanel("name", placeholder=False, classname=""),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.pk and CategoryTree.load().would_cycle(self.pk, self.parent_id):
            raise ValidationError(
                {"parent": _("Eine Kategorie kann nicht unter sich selbst oder einer ihrer Unterkategorien stehen.")}
            )

    def with_descendant_ids(self):
        """This category's id and those of every category below it (one query for the whole tree)."""
        return CategoryTree.load().with_descendants(self.pk)


def all_categories():
    """Every category, by name, read once per request (the category archive and the sidebar)."""
    return request_memo("all_categories", lambda: list(Category.objects.all()))


class BlogIndexPage(GermanSlugPageMixin, OneQueryRestrictionsMixin, RoutablePageMixin, Page):
    """ "Beiträge": lists the posts below it, newest first, and serves the archives and feeds."""

    template = "pages/blog_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = ["blog.BlogPostPage"]
    max_count_per_parent = 1

    intro = RichTextField(_("Einleitung"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("Beitragsübersicht")
        verbose_name_plural = _("Beitragsübersichten")

    @classmethod
    def for_site(cls, site):
        """The site's post index (there is at most one per home page), or None."""
        if site is None:
            return None
        root = site.root_page
        values = {"root_path": root.path, "root_depth": root.depth, "root_pk": root.pk}
        if restricted_pages():
            private = private_q(cls.objects.all())
            found = compiled.run_uncached(_index_below_query(private=private), **values)
        else:
            found = compiled.run(_index_below_query, **values)
        return found[0] if found else None

    @classmethod
    def for_request(cls, request):
        """The post index of the request's site, looked up once per request: the one way to find it."""
        if not hasattr(request, "_blog_index"):
            from wagtail.models import Site

            request._blog_index = cls.for_site(Site.find_for_request(request))
        return request._blog_index

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self
        return context

    # --- Routes: the list, the archives, the feeds and the search -----------------------------

    @path("", name="index")
    def index_view(self, request):
        return self.render_listing(request, self.listing("index"), archive_title=None)

    @path("kategorie/<slug:slug>/", name="category")
    def category_view(self, request, slug):
        # From the categories the sidebar lists anyway (one query for both).
        category = next((each for each in all_categories() if each.slug == slug), None)
        if category is None:
            raise Http404
        depends_on(category_tag(category.pk), CATEGORIES_TAG)
        return self.render_listing(
            request,
            self.listing(
                "category",
                **{f"category_{position}": pk for position, pk in enumerate(self.category_and_below(category))},
            ),
            archive_title=_("Kategorie: %(name)s") % {"name": category.name},
            archive_description=category.description,
            route=("category", [slug]),
            feeds=(
                self.category_feed_url(category, "category_feed"),
                self.category_feed_url(category, "category_atom_feed"),
            ),
            category=category,
        )

    @path("kategorie/<slug:slug>/feed/", name="category_feed")
    def category_feed_view(self, request, slug):
        from .feeds import PostsFeed

        return PostsFeed(self, category=get_object_or_404(Category, slug=slug))(request)

    @path("kategorie/<slug:slug>/feed/atom/", name="category_atom_feed")
    def category_atom_feed_view(self, request, slug):
        from .feeds import AtomPostsFeed

        return AtomPostsFeed(self, category=get_object_or_404(Category, slug=slug))(request)

    @path("schlagwort/<slug:slug>/", name="tag")
    def tag_view(self, request, slug):
        tag = self.public_tag(slug)
        depends_on(tag_tag(tag.pk))
        return self.render_listing(
            request,
            self.listing("tag", tag=tag.pk),
            archive_title=_("Schlagwort: %(name)s") % {"name": tag.name},
            route=("tag", [slug]),
            feeds=(self.tag_feed_url(tag, "tag_feed"), self.tag_feed_url(tag, "tag_atom_feed")),
            tag=tag,
        )

    @path("schlagwort/<slug:slug>/feed/", name="tag_feed")
    def tag_feed_view(self, request, slug):
        from .feeds import PostsFeed

        return PostsFeed(self, tag=self.public_tag(slug))(request)

    @path("schlagwort/<slug:slug>/feed/atom/", name="tag_atom_feed")
    def tag_atom_feed_view(self, request, slug):
        from .feeds import AtomPostsFeed

        return AtomPostsFeed(self, tag=self.public_tag(slug))(request)

    @path("autor/<slug:slug>/", name="author")
    def author_view(self, request, slug):
        # get_object_or_404(Author.objects.select_related("photo"), slug=slug), compiled once (the slug is unique).
        author = next(iter(compiled.run(_author_query, slug=slug)), None)
        if author is None:
            raise Http404
        depends_on(author_tag(author.pk))
        return self.render_listing(
            request,
            # The photo's renditions come with the listing's authors and categories (blog/listings.py).
            self.listing("author", extra_images=[author.photo], author=author.pk),
            archive_title=_("Beiträge von %(name)s") % {"name": author.name},
            archive_description=author.bio,
            route=("author", [slug]),
            author=author,
        )

    @re_path(r"^(?P<year>\d{4})/$", name="year")
    def year_view(self, request, year):
        year = int(year)
        if year < FIRST_POST_YEAR:
            raise Http404
        return self.render_listing(
            request,
            self.listing("year", first_day=datetime.date(year, 1, 1), last_day=datetime.date(year, 12, 31)),
            archive_title=_("Archiv: %(year)s") % {"year": year},
            route=("year", [year]),
        )

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{1,2})/$", name="month")
    def month_view(self, request, year, month):
        year, month = int(year), int(month)
        if year < FIRST_POST_YEAR or not 1 <= month <= 12:
            raise Http404
        month_name = formats.date_format(datetime.date(year, month, 1), "F Y")
        return self.render_listing(
            request,
            self.listing(
                "month",
                first_day=datetime.date(year, month, 1),
                last_day=datetime.date(year, month, calendar.monthrange(year, month)[1]),
            ),
            archive_title=_("Archiv: %(month)s") % {"month": month_name},
            route=("month", [year, f"{month:02d}"]),
        )

    @path("feed/", name="feed")
    def feed_view(self, request):
        from .feeds import PostsFeed

        return PostsFeed(self)(request)

    @path("feed/atom/", name="atom_feed")
    def atom_feed_view(self, request):
        from .feeds import AtomPostsFeed

        return AtomPostsFeed(self)(request)

    @path("suche/", name="search")
    def search_view(self, request):
        query = clean_search_query(request.GET.get("q", ""))
        if query:
            # The search backend ranks the ids; the page of results is then loaded with the listing data.
            search_results = public(BlogPostPage.objects.live()).descendant_of(self).search(query, operator="and")
        else:
            search_results = BlogPostPage.objects.none()
        posts_page = self.paginate(request, search_results)
        ids = [post.pk for post in posts_page.object_list]
        loaded = {post.pk: post for post in with_listing_data(BlogPostPage.objects.filter(pk__in=ids))}
        posts_page.object_list = [loaded[pk] for pk in ids if pk in loaded]
        return self.render(
            request,
            template="pages/search_results.html",
            context_overrides={
                "search_query": query,
                "posts": posts_page,
                "archive_title": _("Suche"),
                "canonical_url": self.full_url_for("search"),
                "noindex": True,
            },
        )

    # --- Helpers --------------------------------------------------------------------------

    def posts(self, extra_images=()):
        """The live posts of this index, newest first, ready for a listing (`with_listing_data`)."""
        return with_listing_data(BlogPostPage.objects.child_of(self), extra_images)

    def listing(self, route, extra_images=(), **values):
        """The posts of a route of this index (`_index_listing_query`) for `paginate`, from SQL compiled
        once per shape (core.compiled). The archive pages' sidebar lists every category: they come with the
        listing's authors and categories (the category archive has read them already)."""
        return CompiledListing(
            _index_listing_query,
            (route, sum(1 for name in values if name.startswith("category_"))),
            extra_images=extra_images,
            with_categories=route != "category",
            index_path=self.path,
            index_depth=self.depth,
            index_pk=self.pk,
            **values,
        )

    def public_tag(self, slug):
        """The tag of an archive or feed, or 404. Tags are made freely in the editor: one that only drafts,
        scheduled or restricted posts carry ("Rücktritt des Bürgermeisters") must not show its name to readers
        before its first post is public. Only 200 responses are cached, so the 404 is never served stale."""
        # One query: the tag, and whether a public post carries it (the same posts as `posts()`), compiled once.
        values = {"index_path": self.path, "index_depth": self.depth, "index_pk": self.pk, "slug": slug}
        if restricted_pages():
            private = private_q(BlogPostPage.objects.all())
            found = compiled.run_uncached(_tag_query(private=private), **values)
        else:
            found = compiled.run(_tag_query, **values)
        tag = found[0] if found else None
        if tag is None:
            raise Http404
        if not tag.carried:
            raise Http404(_("Zu diesem Schlagwort gibt es keine Beiträge."))
        return tag

    def posts_in_category(self, category):
        """The posts of a category and of the categories below it, each post once."""
        in_tree = BlogPostPage.objects.filter(categories__in=self.category_and_below(category)).values("pk")
        return self.posts().filter(pk__in=in_tree)

    def category_and_below(self, category):
        """The ids of a category and of the categories below it (its archive lists their posts)."""
        return sorted(
            CategoryTree((each.pk, each.parent_id) for each in all_categories()).with_descendants(category.pk)
        )

    def paginate(self, request, queryset):
        page_number_used(request)
        # A listing queryset counts with its page's query; search results (from the backend) as Django does.
        paginator_class = (
            WindowCountPaginator if isinstance(queryset, (models.QuerySet, CompiledListing)) else Paginator
        )
        paginator = paginator_class(queryset, POSTS_PER_PAGE)
        try:
            return paginator.page(request.GET.get(PAGE_QUERY_PARAMETER, 1))
        except (EmptyPage, PageNotAnInteger) as error:
            raise Http404(_("Diese Seite gibt es nicht.")) from error

    def get_sitemap_urls(self, request=None):
        """The index, and the archive of every category and author with live posts (their first
        page), each dated by its newest post: Wagtail's sitemap lists pages, not a page's routes."""
        urls = super().get_sitemap_urls(request)
        live = public(BlogPostPage.objects.child_of(self).live())
        newest_in_category = dict(
            Category.objects.filter(posts__in=live)
            .annotate(newest=Max("posts__last_published_at"))
            .values_list("pk", "newest")
        )
        categories = {category.pk: category for category in Category.objects.all()}
        tree = CategoryTree((pk, category.parent_id) for pk, category in categories.items())
        for pk, newest in list(newest_in_category.items()):
            # A parent's archive lists its subcategories' posts too.
            for parent_id in tree.ancestors(pk):
                dates = [date for date in (newest_in_category.get(parent_id), newest) if date is not None]
                newest_in_category[parent_id] = max(dates) if dates else None
        for pk, newest in sorted(newest_in_category.items(), key=lambda item: categories[item[0]].slug):
            url = self.full_url_for("category", [categories[pk].slug], request)
            urls.append({"location": url, "lastmod": newest})
        newest_by_author = dict(
            BlogPostAuthor.objects.filter(page__in=live)
            .values("author_id")
            .annotate(newest=Max("page__last_published_at"))
            .values_list("author_id", "newest")
        )
        for author in Author.objects.filter(pk__in=newest_by_author).order_by("slug"):
            url = self.full_url_for("author", [author.slug], request)
            urls.append({"location": url, "lastmod": newest_by_author[author.pk]})
        return urls

    def full_url_for(self, route_name, args=None, request=None):
        return self.get_full_url(request) + self.reverse_subpage(route_name, args=args)

    def category_feed_url(self, category, route_name):
        return self.url + self.reverse_subpage(route_name, args=[category.slug])

    def tag_feed_url(self, tag, route_name):
        return self.url + self.reverse_subpage(route_name, args=[tag.slug])

    def tag_url(self, tag):
        """The archive of a tag: where `/tag/<slug>/` of the old site redirects to (wordpress/)."""
        return self.url + self.reverse_subpage("tag", args=[tag.slug])

    def render_listing(self, request, queryset, archive_title, route=("index", None), feeds=None, **extra):
        depends_on(LISTINGS_TAG)
        posts_page = self.paginate(request, queryset)
        if route[0] in ("year", "month") and not posts_page.paginator.count:
            # An archive of a time without posts is no page (nothing links to it; it would only be one
            # more entry in the caches for anyone who tries every year).
            raise Http404(_("Aus dieser Zeit gibt es keine Beiträge."))
        canonical_url = self.full_url_for(route[0], route[1], request)
        if posts_page.number > 1:
            canonical_url += f"?{PAGE_QUERY_PARAMETER}={posts_page.number}"
        context = {
            "posts": posts_page,
            "archive_title": archive_title,
            "canonical_url": canonical_url,
            # The sidebar's data, lazy: only evaluated when the sidebar is not a warm shared fragment.
            "categories": SimpleLazyObject(self.archive_categories),
            "months": SimpleLazyObject(self.archive_months),
            **extra,
        }
        if feeds:
            context["category_feed_url"], context["category_atom_feed_url"] = feeds
        return self.render(request, context_overrides=context)

    def archive_categories(self):
        """The sidebar's category tree: nodes {"category", "post_count", "children"}, by name on each
        level. A category is listed when its archive has posts, counted as its archive lists them
        (its own and its subcategories' posts, each once)."""
        depends_on(LISTINGS_TAG, CATEGORIES_TAG)
        categories, post_count, _months = self.archive_counts()
        if not categories:
            return []
        tree = CategoryTree((category.pk, category.parent_id) for category in categories)
        nodes = tree.nested(categories, lambda category, children: post_count[category.pk] > 0)

        def counted(items):
            return [
                {**node, "post_count": post_count[node["category"].pk], "children": counted(node["children"])}
                for node in items
            ]

        return counted(nodes)

    def archive_months(self):
        """(first day of month, number of posts) for every month with posts, newest first."""
        depends_on(LISTINGS_TAG)
        return self.archive_counts()[2]

    def archive_counts(self):
        """(categories by name, {category id: posts in its archive}, [(month, posts)] newest first) for the
        sidebar, from two queries whatever the number of posts: the categories, then one row per month
        that the database computes: the month's posts, and per category the month's posts in its subtree
        (distinct). A post has one date, so a category's posts are the sum of its months'."""
        return request_memo(f"archive_counts:{self.pk}", self._archive_counts)

    def _archive_counts(self):
        categories = all_categories()
        tree = CategoryTree((category.pk, category.parent_id) for category in categories)
        # What the SQL depends on: each category's tree (core.compiled keeps one SQL per category tree).
        subtrees = tuple((category.pk, tuple(sorted(tree.with_descendants(category.pk)))) for category in categories)
        values = {"index_path": self.path, "index_depth": self.depth, "index_pk": self.pk}
        if restricted_pages():
            private = private_q(BlogPostPage.objects.all())
            rows = compiled.run_uncached(_archive_months_query(subtrees, private=private), **values)
        else:
            rows = compiled.run(_archive_months_query, (subtrees,), **values)
        # Column by column: the month list grows by twelve rows a year, each row was a Python step per category.
        columns = list(zip(*rows, strict=True)) or [()] * (2 + len(subtrees))
        post_count = {pk: sum(filter(None, columns[2 + position])) for position, (pk, _ids) in enumerate(subtrees)}
        months = list(zip(columns[0], columns[1], strict=True))
        return categories, post_count, months


def _archive_months_query(subtrees, private=None):
    """BlogIndexPage.archive_counts's rows (month, its posts, then per category of `subtrees` ((id, ids of its
    tree), …) the month's distinct posts in its tree), newest first, for the index `index_path`, `index_depth`,
    `index_pk` (core.compiled's placeholders); without the `private` pages (core.restrictions.private_q)."""
    index = _index_placeholders()
    posts = BlogPostPage.objects.child_of(index).live()
    if private:
        posts = posts.exclude(private)  # what core.restrictions.public does
    counts = {f"category_{pk}": Count("pk", filter=Q(categories__in=ids), distinct=True) for pk, ids in subtrees}
    return (
        # A date, not the timestamp PostgreSQL's DATE_TRUNC makes of one: psycopg loads it in C, without
        # Django's Python loader and TruncMonth's conversion back to a date for every month.
        posts.annotate(month=Cast(TruncMonth("date"), models.DateField()))
        .order_by()
        .values("month")
        .annotate(month_posts=Count("pk", distinct=True), **counts)
        .order_by("-month")
        .values_list("month", "month_posts", *counts)
    )


class BlogPostAuthor(Orderable):
    """Links a post to one of its authors, in the order the editor chose."""

    page = ParentalKey("blog.BlogPostPage", on_delete=models.CASCADE, related_name="post_authors")
    author = models.ForeignKey("blog.Author", verbose_name=_("Autor(in)"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("Autor(in)")
        verbose_name_plural = _("Autor(inn)en")
        constraints = [models.UniqueConstraint(fields=["page", "author"], name="unique_author_per_post")]


class BlogPostPageForm(WagtailAdminPageForm):
    """The post form in the admin: a post has at least one author; an empty slug is made from the title by
    the German rule (GermanSlugPageMixin), not refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    @staticmethod
    def ascii_slug(value):
        """A typed slug with umlauts or other non-ASCII letters ("prüm-öffnet") by the one German rule
        ("pruem-oeffnet"): Wagtail's page slug field accepts Unicode whatever WAGTAIL_ALLOW_UNICODE_SLUGS says.
        One of emoji only becomes empty, so the title's slug is taken."""
        value = (value or "").strip()
        return value if value.isascii() else german_slug(value)

    def clean_slug(self):
        return self.ascii_slug(self.cleaned_data.get("slug"))

    def clean(self):
        cleaned_data = super().clean()
        author_formset = self.formsets["post_authors"]
        author_formset.is_valid()  # the formsets are cleaned after the form; their data is needed here
        authors = [
            form.cleaned_data.get("author")
            for form in author_formset.forms
            if hasattr(form, "cleaned_data") and not form.cleaned_data.get("DELETE")
        ]
        if not any(authors):
            self.add_error(None, _("Bitte mindestens eine Autorin oder einen Autor auswählen."))
        self.explain_slug_clash()
        self.follow_go_live_date(cleaned_data)
        return cleaned_data

    def explain_slug_clash(self):
        """Wagtail reports a taken slug on the "Veröffentlichung" (promote) tab only; say it above the form, on every tab,
        with a free slug to take instead."""
        slug = self.ascii_slug(self.data.get("slug"))
        if "slug" not in self.errors or not slug or self.parent_page is None:
            return
        from wagtail.models import Page

        if Page._slug_is_available(slug, self.parent_page, self.instance):
            return  # the slug is malformed or reserved, not taken: its own error says so

        number, proposal = 1, slug
        while not Page._slug_is_available(proposal, self.parent_page, self.instance):
            number += 1
            proposal = f"{slug[:250]}-{number}"
        own_draft = self.own_fresh_draft(slug)
        if own_draft is not None:
            # A moment ago this editor saved the same new post (a second tab, a double click; blog/middleware.py).
            self.add_error(
                None,
                _(
                    "Die Kurzadresse „%(slug)s“ hat Ihr Entwurf „%(title)s“, den Sie eben angelegt haben. Bitte diesen Entwurf unter „Beiträge“ öffnen und dort veröffentlichen, "
                    "oder hier eine andere Kurzadresse wählen, zum Beispiel „%(proposal)s“."
                )
                % {"slug": slug, "title": own_draft.title, "proposal": proposal},
            )
            return
        self.add_error(
            None,
            _(
                "Die Kurzadresse „%(slug)s“ hat schon ein anderer Beitrag. Vorschlag: „%(proposal)s“ – "
                "im Reiter „Veröffentlichung“ unter „Kurztitel“ eintragen, oder den Titel ändern."
            )
            % {"slug": slug, "proposal": proposal},
        )

    def own_fresh_draft(self, slug):
        """For a new post: the sibling with this slug if it is this editor's draft, never published, made
        within the last half hour and changed by nobody else (this form, sent twice); else None."""
        from wagtail.models import Page

        user = getattr(self, "for_user", None)
        if self.instance.pk is not None or user is None or not user.is_authenticated:
            return None
        page = Page.objects.child_of(self.parent_page).filter(slug=slug, owner=user).first()
        if page is None or page.live or page.first_published_at is not None:
            return None
        revisions = page.revisions.all()
        if revisions.exclude(user=user).exists() or revisions.filter(approved_go_live_at__isnull=False).exists():
            return None
        first = revisions.order_by("created_at").first()
        if first is None or first.created_at < timezone.now() - datetime.timedelta(minutes=30):
            return None
        return page

    def follow_go_live_date(self, cleaned_data):
        """The date readers see follows a newly set go-live time, unless the editor changed the date too."""
        # Compared with the post as it was before this form (the instance is updated after clean()).
        go_live_at = cleaned_data.get("go_live_at")
        if not go_live_at or go_live_at == self.instance.go_live_at or cleaned_data.get("date") != self.instance.date:
            return
        # The date was not set on purpose when it is still the default (the day the post was started or
        # last saved) or followed the previous go-live time.
        unchosen_days = {timezone.localdate()}
        if self.instance.latest_revision_created_at:
            unchosen_days.add(timezone.localdate(self.instance.latest_revision_created_at))
        if self.instance.go_live_at:
            unchosen_days.add(timezone.localdate(self.instance.go_live_at))
        if self.instance.date in unchosen_days:
            cleaned_data["date"] = timezone.localdate(go_live_at)


class PostTag(TagBase):
    """A Schlagwort such as an Ortsgemeinde ("Üxheim"); each has an archive and feeds under the post index."""

    free_tagging = True

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]

    def slugify(self, tag, i=None):
        """The German slug rule for tags too ("Üxheim" → "uexheim"), `-2`… when taken."""
        slug = german_slug(tag, max_length=90) or "schlagwort"
        return slug if i is None else f"{slug}-{i}"


class BlogPostTag(ItemBase):
    """Links a post to one of its tags."""

    tag = models.ForeignKey(PostTag, related_name="tagged_posts", on_delete=models.CASCADE)
    content_object = ParentalKey("blog.BlogPostPage", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("Schlagwort des Beitrags")
        verbose_name_plural = _("Schlagwörter der Beiträge")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_post")]


# What a "Weitere Beiträge" card (components/related_posts.html) and its {% pageurl %} read.
RELATED_POST_FIELDS = ("id", "title", "intro", "date", "url_path", "first_published_at")
# NULLS FIRST written out: PostgreSQL's default for DESC (and rank_related's), SQLite would put them last.
RELATED_POST_ORDER = ("-date", models.F("first_published_at").desc(nulls_first=True), "-pk")


def _categories_authors_tags_query():
    """BlogPostPage.shown_categories_and_authors's UNION ALL, for the post `post` (core.compiled keeps the SQL):
    (kind, id, name, slug, sort order) with kind 0 for a category, 1 for an author, 2 for a tag."""
    post = compiled.Param("post", BlogPostPage._meta.pk)
    categories_query = Category.objects.filter(posts=post).values_list(Value(0), "pk", "name", "slug", Value(0))
    authors_query = BlogPostAuthor.objects.filter(page=post).values_list(
        Value(1), "author_id", "author__name", "author__slug", "sort_order"
    )
    tags_query = BlogPostTag.objects.filter(content_object=post).values_list(
        Value(2), "tag_id", "tag__name", "tag__slug", Value(0)
    )
    return categories_query.order_by().union(authors_query.order_by(), tags_query.order_by(), all=True)


def _related_posts_query(category_count, limit, saved=True, private=None, compound=False, scoped=True):
    """BlogPostPage.related_posts's query for the post `post` (of the site under `home_path`) and
    `category_count` categories (`category_0` ...), without the `private` pages (core.restrictions.private_q; core.compiled keeps the SQL when there are none).

    Ranking every live post by "shares a category" sorted the whole table on each page view (21 ms of
    PostgreSQL's CPU at 10,000 posts). The answer is always among the newest `limit` posts that share a
    category and the newest `limit` posts overall: each walks the date index and stops. With `compound`
    (PostgreSQL) the two are one UNION ALL that `rank_related` ranks and deduplicates; elsewhere (SQLite
    allows no LIMIT inside a UNION) the few candidates are ranked by the database."""
    fields = BlogPostPage._meta
    others = BlogPostPage.objects.live()
    if private:
        others = others.exclude(private)  # what core.restrictions.public does
    if scoped:  # posts of the same site only: under the same home page (`home_path`, the post's grandparent)
        others = others.filter(path__startswith=compiled.Param("home_path", fields.get_field("path")))
    if saved:  # an unsaved post (a preview) has no id: `exclude(pk=None)` excluded nothing
        others = others.exclude(pk=compiled.Param("post", fields.pk))
    # Only what a card shows and its address needs (and the order): fewer columns to select and load.
    others = others.only(*RELATED_POST_FIELDS)
    if not category_count:
        return others.order_by(*RELATED_POST_ORDER)[:limit]
    category_ids = [compiled.Param(f"category_{position}", Category._meta.pk) for position in range(category_count)]
    shared = BlogPostPage.categories.through.objects.filter(
        blogpostpage_id=OuterRef("pk"), category__pk__in=category_ids
    )
    sharing = others.filter(Exists(shared)).order_by(*RELATED_POST_ORDER)
    newest = others.order_by(*RELATED_POST_ORDER)
    if compound:
        first = sharing.annotate(shares_category=Value(True))[:limit]
        # A sharing post among the newest `limit` is also among the newest `limit` sharing ones: the second
        # part need not ask (rank_related keeps a post's sharing row).
        return first.union(newest.annotate(shares_category=Value(False))[:limit], all=True)
    candidates = Q(pk__in=sharing.values("pk")[:limit]) | Q(pk__in=newest.values("pk")[:limit])
    return (
        BlogPostPage.objects.filter(candidates)
        .only(*RELATED_POST_FIELDS)
        .annotate(shares_category=Exists(shared))
        .order_by("-shares_category", *RELATED_POST_ORDER)[:limit]
    )


def rank_related(posts, limit):
    """The compound query's rows in the order of the other form: sharing posts first, then newest first
    (a NULL first publication first, as PostgreSQL sorts NULLs in a descending order), each post once."""
    unique = {}
    for post in posts:
        if post.shares_category or post.pk not in unique:
            unique[post.pk] = post
    earliest = datetime.datetime.min.replace(tzinfo=datetime.UTC)

    def key(post):
        published = post.first_published_at
        return (bool(post.shares_category), post.date, published is None, published or earliest, post.pk)

    return sorted(unique.values(), key=key, reverse=True)[:limit]


class BlogPostPage(GermanSlugPageMixin, OneQueryRestrictionsMixin, RoutablePageMixin, Page):
    """A news article: what editors write and readers comment on."""

    template = "pages/blog_post_page.html"
    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = []
    base_form_class = BlogPostPageForm
    fallback_slug = "beitrag"

    date = models.DateField(
        _("Datum"),
        default=datetime.date.today,
        help_text=_(
            "Das Datum, das Leser sehen. Wer den Beitrag plant, braucht es nicht zu ändern: es folgt dem "
            "Veröffentlichungstermin, außer Sie setzen es selbst auf einen anderen Tag."
        ),
    )
    intro = models.TextField(
        _("Teaser"), blank=True, help_text=_("Kurze Zusammenfassung für Übersichten und Vorschauen.")
    )
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Beitragsbild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(PostBodyBlock(), verbose_name=_("Inhalt"), blank=True)
    categories = ParentalManyToManyField(
        "blog.Category", verbose_name=_("Kategorien"), blank=True, related_name="posts"
    )
    comments_enabled = models.BooleanField(_("Kommentare erlaubt"), default=True)
    tags = ClusterTaggableManager(
        through=BlogPostTag,
        verbose_name=_("Schlagwörter"),
        blank=True,
        help_text=_("Zum Beispiel die Ortsgemeinden, um die es geht; mit Komma oder Enter trennen."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("go_live_at")], heading=_("Datum und Termin")),
        MultipleChooserPanel("post_authors", chooser_field_name="author", label=_("Autor(inn)en"), min_num=1),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        FieldPanel("intro"),
        FieldPanel("featured_image"),
        FieldPanel("body"),
        FieldPanel("comments_enabled"),
    ]
    # "go_live_at" is beside the date above (scheduling in one step); the settings tab keeps the expiry.
    settings_panels = [FieldPanel("expire_at")] + Page.settings_panels[1:]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("categories", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        # Every listing and "Weitere Beiträge" take the newest posts first.
        indexes = [models.Index(fields=["-date"], name="blog_post_date_newest_first")]

    @path("pdf/", name="pdf")
    def pdf(self, request):
        """ "Als PDF speichern": the post as a PDF (blog/pdf.py)."""
        from .pdf import serve_post_pdf

        return serve_post_pdf(self, request)

    @path("teilen/mastodon/", name="share_mastodon")
    def share_mastodon(self, request):
        """ "Mastodon" under "Seite Teilen Über:": to the reader's own server (blog/share.py)."""
        from .share import share_on_mastodon

        return share_on_mastodon(request, self)

    @property
    def authors(self):
        return [post_author.author for post_author in self.post_authors.all()]

    def slug_is_reserved(self, slug):
        return is_reserved_post_slug(slug)

    def clean(self):
        super().clean()
        if is_reserved_post_slug(self.slug):
            raise ValidationError(
                {"slug": _("Diese Kurzadresse ist für Archive und Feeds reserviert. Bitte eine andere wählen.")}
            )
        if isinstance(self.date, datetime.date) and self.date.year < FIRST_POST_YEAR:
            raise ValidationError(
                {"date": _("Bitte ein Datum ab dem Jahr %(year)s wählen.") % {"year": FIRST_POST_YEAR}}
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Loaded once, and only if the template needs them: the parts that use them are usually shared
        # fragments already rendered ({% sharedcache %}). In previews these are the unsaved form values.
        if getattr(request, "is_preview", False) or not self.pk:
            post_categories = SimpleLazyObject(self.shown_categories)
            context["post_authors"] = SimpleLazyObject(self.shown_authors)
            context["post_tags"] = SimpleLazyObject(self.shown_tags)
        else:
            # A live page: its categories, authors and tags in one query (a preview shows the form's values).
            post_categories = SimpleLazyObject(lambda: self.shown_categories_and_authors()[0])
            context["post_authors"] = SimpleLazyObject(lambda: self.shown_categories_and_authors()[1])
            context["post_tags"] = SimpleLazyObject(lambda: self.shown_categories_and_authors()[2])
        context["post_categories"] = post_categories
        context["related_posts"] = SimpleLazyObject(lambda: self.related_posts(post_categories))
        if self.pk:
            context["blog_index"] = SimpleLazyObject(lambda: self.blog_index)
        return context

    @property
    def blog_index(self):
        """The index this post lives under (its parent: parent_page_types)."""
        if not hasattr(self, "_blog_index"):
            self._blog_index = BlogIndexPage.objects.filter(path=self.path[: -self.steplen]).first()
        return self._blog_index

    def shown_categories(self):
        categories = list(self.categories.all())
        depends_on(*(category_tag(category.pk) for category in categories))
        return categories

    def shown_categories_and_authors(self):
        """(categories by name, authors in the editor's order, tags by name) of the saved post, from one
        query (UNION ALL).

        The objects carry id, name and slug (the rest is deferred): what the article and its head show."""
        if not hasattr(self, "_shown_categories_and_authors"):
            fields = ["id", "name", "slug"]
            categories, authors, tags = [], [], []
            for kind, pk, name, slug, sort_order in compiled.run(_categories_authors_tags_query, post=self.pk):
                if kind == 0:
                    categories.append(Category.from_db(None, fields, (pk, name, slug)))
                elif kind == 1:
                    authors.append((sort_order, pk, Author.from_db(None, fields, (pk, name, slug))))
                else:
                    tags.append(PostTag.from_db(None, fields, (pk, name, slug)))
            categories.sort(key=lambda category: (category.name, category.pk))
            authors = [author for _sort, _pk, author in sorted(authors, key=lambda item: item[:2])]
            tags.sort(key=lambda tag: (tag.name.lower(), tag.pk))
            depends_on(*(category_tag(category.pk) for category in categories))
            depends_on(*(author_tag(author.pk) for author in authors))
            depends_on(*(tag_tag(tag.pk) for tag in tags))
            self._shown_categories_and_authors = (categories, authors, tags)
        return self._shown_categories_and_authors

    def shown_tags(self):
        tags = sorted(self.tags.all(), key=lambda tag: tag.name.lower())
        depends_on(*(tag_tag(tag.pk) for tag in tags))
        return tags

    def shown_authors(self):
        authors = [post_author.author for post_author in self.post_authors.select_related("author")]
        depends_on(*(author_tag(author.pk) for author in authors))
        return authors

    def related_posts(self, categories, limit=RELATED_POSTS_LIMIT):
        """ "Weitere Beiträge": other live posts of the same site, those sharing a category first, each group newest first.

        One query: the cards are compact (date, title, teaser: components/related_posts.html), so nothing
        is prefetched."""
        values = {f"category_{position}": category.pk for position, category in enumerate(categories)}
        compound = bool(values) and connection.features.supports_slicing_ordering_in_compound
        shape = (len(values), limit, self.pk is not None)
        # A new post's preview has its place in the tree (Wagtail gives it the path it will have), not an id.
        scoped = bool(self.path)
        if self.pk is not None:
            values["post"] = self.pk
        if scoped:
            values["home_path"] = self.home_path
        if restricted_pages():
            # With a view restriction anywhere (rare): its pages excluded, built as it comes.
            private = private_q(BlogPostPage.objects.all())
            query = _related_posts_query(*shape, private=private, compound=compound, scoped=scoped)
            related = compiled.run_uncached(query, **values)
        else:
            related = compiled.run(_related_posts_query, (*shape, None, compound, scoped), **values)
        if compound:
            related = rank_related(related, limit)
        # Pages that show another post must change when it does (unpublished, retitled); a new post
        # shows up in "Weitere Beiträge" when the cached copy expires, it does not re-render every article.
        depends_on(*(page_tag(post) for post in related))
        return related

    @property
    def home_path(self):
        """The tree path of the home page this post lives under (index, then home: parent_page_types), the
        root of its site: "Weitere Beiträge" shows posts of that site only."""
        return self.path[: -2 * self.steplen]

    @property
    def meta_description(self):
        return self.search_description or self.intro
