"""The home page and plain content pages (Impressum, Datenschutz)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from blog.apps import LISTINGS_TAG
from blog.models import BlogIndexPage, BlogPostPage, with_listing_data
from core.cache import depends_on

LATEST_POSTS_ON_HOME_PAGE = 9


class HomePage(Page):
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
        posts = with_listing_data(BlogPostPage.objects.descendant_of(self))
        # A featured post that is a draft (or was unpublished) is simply not shown.
        featured_post = posts.filter(pk=self.featured_post_id).first() if self.featured_post_id else None
        latest_posts = posts.exclude(pk=featured_post.pk) if featured_post else posts
        context["featured_post"] = featured_post
        context["latest_posts"] = latest_posts[:LATEST_POSTS_ON_HOME_PAGE]
        context["blog_index"] = BlogIndexPage.for_request(request)
        return context


class StandardPage(Page):
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
