"""The home page and plain content pages (Impressum, Datenschutz)."""

from types import SimpleNamespace

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from blog.apps import LISTINGS_TAG
from blog.models import RESERVED_POST_SLUGS, BlogIndexPage, BlogPostPage, newest_posts_below
from core import compiled
from core.cache import depends_on
from core.restrictions import OneQueryRestrictionsMixin, note_flag, restricted_pages, with_restrictions_flag
from core.text import is_number

from .navigation import navigation

LATEST_POSTS_ON_HOME_PAGE = 9


class HomePage(OneQueryRestrictionsMixin, Page):
    """The front page: the latest posts, optionally led by a featured post."""

    template = "pages/home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["blog.BlogIndexPage", "home.StandardPage"]
    max_count = 1

    intro = RichTextField(_("Einleitung"), blank=True, features=["bold", "italic", "link"])
    featured_post = models.ForeignKey(
        "blog.BlogPostPage",
        verbose_name=_("Hervorgehobener Beitrag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("featured_post")]

    class Meta:
        verbose_name = _("Startseite")
        verbose_name_plural = _("Startseiten")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        depends_on(LISTINGS_TAG)
        # A featured post that is a draft (or was unpublished) is simply not shown.
        featured_post, latest_posts = newest_posts_below(self, LATEST_POSTS_ON_HOME_PAGE, self.featured_post_id)
        context["featured_post"] = featured_post
        context["latest_posts"] = latest_posts
        context["blog_index"] = BlogIndexPage.for_request(request)
        return context

    def route(self, request, path_components):
        """Wagtail's routing, shortened for the post index and its posts: the index (as its specific class)
        comes with the menu's query (home/navigation.py) and the post in one query, instead of a query for
        each page and one more for each specific page. Anything else (Impressum, the index's archives and feeds) routes as before."""
        if not path_components:
            if request is not None:
                navigation(request)  # read now for the menu: its "any view restriction?" flag serves the serving check
            return super().route(request, path_components)
        found = navigation(request, route_slug=path_components[0]) if request is not None else None
        if found and found["route_slug"] == path_components[0] and found["home_page"] == self:
            index = found["routed"]  # read with the menu (home/navigation.py)
        else:
            index = with_restrictions_flag(BlogIndexPage.objects.child_of(self).filter(slug=path_components[0])).first()
        if index is None:
            return super().route(request, path_components)
        note_flag(index)
        if index.live and not any(index.path.startswith(page.path) for page in restricted_pages()):
            # The site's post index (there is one, below the home page): BlogIndexPage.for_request's answer.
            request._blog_index = index
        rest = path_components[1:]
        if rest and rest[0] not in RESERVED_POST_SLUGS and not (is_number(rest[0]) and len(rest[0]) == 4):
            # BlogPostPage.objects.child_of(index).filter(slug=rest[0]).first(), compiled once (core.compiled).
            posts = compiled.run(
                _child_post_query, parent_path=index.path, parent_depth=index.depth, parent_pk=index.pk, slug=rest[0]
            )
            post = posts[0] if posts else None
            if post is not None:
                post._blog_index = index
                return post.route(request, rest[1:])
        return index.route(request, rest)


def _child_post_query():
    """`BlogPostPage.objects.child_of(parent).filter(slug=slug).first()` with the parent's path, depth and
    id and the slug as core.compiled's placeholders (Wagtail's own `child_of`, so its rule stays the rule)."""
    fields = Page._meta
    parent = SimpleNamespace(
        path=compiled.Param("parent_path", fields.get_field("path")),
        depth=compiled.Param("parent_depth", fields.get_field("depth")),
        pk=compiled.Param("parent_pk", fields.pk),
    )
    posts = BlogPostPage.objects.child_of(parent).filter(slug=compiled.Param("slug", fields.get_field("slug")))
    return (posts if posts.ordered else posts.order_by("pk"))[:1]


class StandardPage(OneQueryRestrictionsMixin, Page):
    """A plain page such as Impressum or Datenschutz."""

    template = "pages/standard_page.html"
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    body = RichTextField(
        _("Inhalt"), blank=True, features=["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul", "hr"]
    )

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = _("Inhaltsseite")
        verbose_name_plural = _("Inhaltsseiten")
