"""Authors and categories in the admin (Snippets), each with a searchable listing."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author, Category


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Autor(inn)en")
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "bio"]
    # Plain database lookups: partial names ("Schä") find authors without a search index update.
    search_backend_name = None
    ordering = ["name"]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Kategorien")
    list_display = ["name", "slug", "parent"]
    search_fields = ["name", "slug", "description"]
    search_backend_name = None
    ordering = ["name"]


register_snippet(AuthorViewSet)
register_snippet(CategoryViewSet)
