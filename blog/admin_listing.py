"""The admin's "Beiträge" listing: every post with its authors, categories, date, status and comment count,
sortable and filterable by author, category and status, with a "Neuer Beitrag" button."""

import django_comments
from django_filters import BooleanFilter, ModelMultipleChoiceFilter

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from .models import Author, BlogIndexPage, BlogPostAuthor, BlogPostPage, Category


def approved_comment_counts(posts):
    """`posts` annotated with `comment_count`, the number of approved comments each post has. The comment
    model is django_comments' configured one (COMMENTS_APP); the blog does not import the comments app."""
    comment_model = django_comments.get_model()
    counts = (
        comment_model.objects.filter(
            content_type=ContentType.objects.get_for_model(BlogPostPage),
            object_pk=Cast(OuterRef("pk"), CharField()),
            is_public=True,
            is_removed=False,
        )
        .order_by()
        .values("content_type")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return posts.annotate(comment_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


class PostFilterSet(PageFilterSet):
    author = ModelMultipleChoiceFilter(
        label=_("Autor(in)"),
        field_name="post_authors__author",
        queryset=Author.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    categories = ModelMultipleChoiceFilter(
        label=_("Kategorie"),
        field_name="categories",
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    live = BooleanFilter(
        label=_("Status"),
        widget=forms.RadioSelect(
            choices=[("", _("Alle")), ("true", _("Veröffentlicht")), ("false", _("Entwurf oder geplant"))]
        ),
    )

    class Meta:
        model = BlogPostPage
        fields = []


def author_names(post):
    return ", ".join(post_author.author.name for post_author in post.post_authors.all())


def category_names(post):
    return ", ".join(category.name for category in post.categories.all())


class PostIndexView(IndexView):
    add_item_label = _("Neuer Beitrag")
    default_ordering = "-date"

    def annotate_queryset(self, pages):
        pages = (
            super()
            .annotate_queryset(pages)
            .prefetch_related(
                Prefetch(
                    "post_authors", queryset=BlogPostAuthor.objects.select_related("author").order_by("sort_order")
                ),
                "categories",
            )
        )
        return approved_comment_counts(pages)

    def get_valid_orderings(self):
        return super().get_valid_orderings() + ["comment_count", "-comment_count"]

    def get_add_url(self):
        """Straight to the new post's form when there is one post index (the usual case), else the
        choice of the index."""
        indexes = list(BlogIndexPage.objects.values_list("pk", flat=True)[:2])
        if len(indexes) == 1:
            return reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", indexes[0]))
        return super().get_add_url()

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        return buttons if self.add_url else []


class PostListingViewSet(PageListingViewSet):
    model = BlogPostPage
    index_view_class = PostIndexView
    icon = "doc-full"
    menu_label = _("Beiträge")
    menu_order = 50
    add_to_admin_menu = True
    name = "beitraege"
    filterset_class = PostFilterSet
    columns = [
        PageTitleColumn("title", label=_("Titel"), sort_key="title", classname="title"),
        Column("authors", label=_("Autor(inn)en"), accessor=author_names),
        Column("categories", label=_("Kategorien"), accessor=category_names),
        DateColumn("date", label=_("Datum"), sort_key="date", width="12%"),
        PageStatusColumn("status", label=_("Status"), sort_key="live", width="12%"),
        Column("comment_count", label=_("Kommentare"), sort_key="comment_count", width="10%"),
    ]
