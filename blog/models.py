"""Posts, the post index, authors and categories."""

import datetime

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultipleChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import PostBodyBlock


class Author(index.Indexed, models.Model):
    """A person who writes posts; readers find all their posts on the author's archive page."""

    name = models.CharField(_("Name"), max_length=255)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=255, unique=True, allow_unicode=False)
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

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("bio"), FieldPanel("photo"), FieldPanel("email")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("Autor(in)")
        verbose_name_plural = _("Autor(inn)en")

    def __str__(self):
        return self.name


class Category(index.Indexed, models.Model):
    """A topic such as "Demographie"; each category has its own archive and feed."""

    name = models.CharField(_("Name"), max_length=255)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=255, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")

    def __str__(self):
        return self.name


class BlogIndexPage(RoutablePageMixin, Page):
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


class BlogPostAuthor(Orderable):
    """Links a post to one of its authors, in the order the editor chose."""

    page = ParentalKey("blog.BlogPostPage", on_delete=models.CASCADE, related_name="post_authors")
    author = models.ForeignKey("blog.Author", verbose_name=_("Autor(in)"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("Autor(in)")
        verbose_name_plural = _("Autor(inn)en")
        constraints = [models.UniqueConstraint(fields=["page", "author"], name="unique_author_per_post")]


class BlogPostPage(RoutablePageMixin, Page):
    """A news article: what editors write and readers comment on."""

    template = "pages/blog_post_page.html"
    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = []

    date = models.DateField(_("Datum"), default=datetime.date.today)
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

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        MultipleChooserPanel("post_authors", chooser_field_name="author", label=_("Autor(inn)en"), min_num=1),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("intro"),
        FieldPanel("featured_image"),
        FieldPanel("body"),
        FieldPanel("comments_enabled"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("categories", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")

    @path("pdf/", name="pdf")
    def pdf(self, request):
        """ "Als PDF speichern": the post as a PDF (blog/pdf.py)."""
        from .pdf import serve_post_pdf

        return serve_post_pdf(self, request)

    @property
    def authors(self):
        return [post_author.author for post_author in self.post_authors.all()]
