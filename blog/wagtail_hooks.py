"""The editors' admin: "Beiträge" (the post listing), "Autor(inn)en", "Kategorien" and "Schlagwörter" as menu
entries of their own, "Veröffentlichen" first when a live post is edited, and no drafts from autosave of an
empty new post."""

from django.contrib import messages
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.action_menu import PublishMenuItem, SaveDraftMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_guide import EditorGuideView
from .admin_listing import PostListingViewSet
from .models import Author, BlogPostPage, Category, PostTag


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Autor(inn)en")
    menu_order = 51
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "bio"]
    # Plain database lookups: partial names ("Schä") find authors without a search index update.
    search_backend_name = None
    ordering = ["name"]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Kategorien")
    menu_order = 52
    add_to_admin_menu = True
    list_display = ["name", "slug", "parent"]
    search_fields = ["name", "slug", "description"]
    search_backend_name = None
    ordering = ["name"]


class PostTagViewSet(SnippetViewSet):
    model = PostTag
    icon = "tag"
    menu_label = _("Schlagwörter")
    menu_order = 53
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    search_backend_name = None
    ordering = ["name"]


register_snippet(AuthorViewSet)
register_snippet(CategoryViewSet)
register_snippet(PostTagViewSet)


@hooks.register("register_admin_viewset")
def register_post_listing():
    return PostListingViewSet()


@hooks.register("construct_page_action_menu")
def publish_first_on_live_posts(menu_items, request, context):
    """On a live post the default button publishes the changes ("Veröffentlichen"); saving a draft, which
    leaves the public page as it is, is the first entry of the menu beside it and says so."""
    page = context.get("page")
    if not isinstance(page, BlogPostPage) or not page.live:
        return
    publish = [item for item in menu_items if isinstance(item, PublishMenuItem)]
    if not publish:
        return
    drafts = [item for item in menu_items if isinstance(item, SaveDraftMenuItem)]
    for item in publish[:1] + drafts[:1]:
        menu_items.remove(item)
    menu_items[:0] = publish[:1] + drafts[:1]
    for item in drafts[:1]:
        item.label = _("Als Entwurf speichern (öffentliche Seite bleibt unverändert)")
        item.template_name = "admin/save_draft_of_live_post.html"


@hooks.register("before_create_page")
def no_autosave_of_a_new_post(request, parent_page, page_class):
    """Wagtail's autosave would create a new post by itself (a POST that wants JSON): a stray draft that
    takes the slug, and a race with the editor's own "Veröffentlichen"/"Planen" click, which then found its
    slug taken by that draft and did not publish (seen on a slow server). So a new post is created only by
    the editor's click; the autosave of the add form is declined as a validation error (which keeps it
    quiet and running), and autosave works as usual from the first save on, in the edit view."""
    if request.method != "POST" or request.accepts("text/html") or not issubclass(page_class, BlogPostPage):
        return None
    return JsonResponse(
        {
            "success": False,
            "error_code": "validation_error",
            "error_message": str(
                _(
                    "Noch nicht gespeichert: automatisch gespeichert wird ab dem ersten Speichern "
                    "(„Entwurf speichern“ oder „Veröffentlichen“)."
                )
            ),
        },
        status=400,
    )


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_when_the_date_differs_from_the_go_live_day(request, page):
    """A post scheduled for one day that readers will see dated another: say so (the date was set on
    purpose, or the schedule changed afterwards)."""
    page = page.specific if not isinstance(page, BlogPostPage) else page
    if not isinstance(page, BlogPostPage) or not page.go_live_at or page.go_live_at <= timezone.now():
        return
    go_live_day = timezone.localdate(page.go_live_at)
    if page.date != go_live_day:
        messages.warning(
            request,
            _(
                "Achtung: Der Beitrag erscheint am %(go_live)s, Leser sehen aber das Datum %(date)s. "
                "Wenn das nicht gewollt ist, das Feld „Datum“ anpassen."
            )
            % {"go_live": formats.date_format(go_live_day, "d.m.Y"), "date": formats.date_format(page.date, "d.m.Y")},
        )


# Wagtail's help menu links to its English guide and release notes; ours is German and about this site.
WAGTAIL_ENGLISH_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail")


@hooks.register("register_admin_urls")
def register_editor_guide_url():
    return [path("anleitung/", EditorGuideView.as_view(), name="editor_guide")]


@hooks.register("register_help_menu_item")
def register_editor_guide_menu_item():
    return MenuItem(_("Anleitung für die Redaktion"), reverse("editor_guide"), icon_name="help", order=900)


@hooks.register("construct_help_menu")
def drop_wagtails_english_help_links(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_ENGLISH_HELP_ITEMS)]


@hooks.register("construct_homepage_panels")
def drop_wagtails_whats_new_panel(request, panels):
    """The dashboard's "What's new in Wagtail" links to English release notes."""
    panels[:] = [panel for panel in panels if getattr(panel, "name", "") != "whats_new_in_wagtail_version"]
