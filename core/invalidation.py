"""What a change invalidates (core/cache.py), for what every app shares: pages in general, the site.

Apps add their own rules in their `ready()`: `register_page_tags(Model, function)` says which tags a
change to a page of that type invalidates (blog: a post invalidates itself and the listings, not the
menu), and they connect their own models' signals (blog: authors, categories; comments: comments).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished, post_page_move

from .cache import SITE_TAG, invalidate, page_tag

MENU_TAG = "menu"
# Bookkeeping that Wagtail saves while rendering (an image's size and hash): changes nothing shown.
BOOKKEEPING_FIELDS = {"file_size", "file_hash"}
# What saving a draft revision of a live page writes to its row: nothing readers see.
DRAFT_FIELDS = {
    "latest_revision",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "draft_title",
    "locked",
    "locked_at",
    "locked_by",
}

_page_tags = {}


def register_page_tags(model, tags_for):
    """`tags_for(page)` → the tags a publish, unpublish or deletion of such a page invalidates."""
    _page_tags[model] = tags_for


def default_page_tags(page):
    # A page that is not a post may be in the menu ("In Menüs anzeigen"), whose entries every page shows.
    return {page_tag(page), MENU_TAG}


def tags_for_page(page):
    for model in type(page).__mro__:
        if model in _page_tags:
            return _page_tags[model](page)
    return default_page_tags(page)


def invalidate_on_commit(*tags, reason=""):
    """After the transaction commits: a rendering that starts in between must see the new data."""
    transaction.on_commit(lambda: invalidate(*tags, reason=reason))


def page_changed(sender, instance=None, **kwargs):
    invalidate_on_commit(*tags_for_page(instance), reason=f"page {instance.pk} published or unpublished")


def page_moved(sender, instance=None, **kwargs):
    # A move changes the address of the page and of every page below it: rare, so the whole site.
    invalidate_on_commit(SITE_TAG, reason=f"page {instance.pk} moved")


def live_page_saved(sender, instance, update_fields=None, **kwargs):
    """Live pages saved outside the publish workflow (imports, scripts)."""
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.live and not (update_fields and set(update_fields) <= DRAFT_FIELDS):
        invalidate_on_commit(*tags_for_page(instance), reason=f"live page {instance.pk} saved")


def page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate_on_commit(*tags_for_page(instance), reason=f"page {instance.pk} deleted")


def site_wide_change(sender, instance=None, created=False, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    if created and not getattr(sender, "shown_when_created", False):
        # A new settings row, image or document shows nowhere until a page uses it (and is published).
        return
    invalidate_on_commit(SITE_TAG, reason=f"{sender._meta.label} changed")


def connect_site_wide(model, *, shown_when_created=False):
    """Changes to `model` invalidate everything (site settings, sites, images, …)."""
    if shown_when_created:
        model.shown_when_created = True
    uid = model._meta.label
    post_save.connect(site_wide_change, sender=model, dispatch_uid=f"core_cache_save_{uid}")
    post_delete.connect(site_wide_change, sender=model, dispatch_uid=f"core_cache_delete_{uid}")


def connect():
    """Called once from `CoreConfig.ready()`."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site

    from .models import SiteSettings

    page_published.connect(page_changed, dispatch_uid="core_cache_published")
    page_unpublished.connect(page_changed, dispatch_uid="core_cache_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="core_cache_moved")
    post_delete.connect(page_deleted, dispatch_uid="core_cache_page_deleted")
    post_save.connect(live_page_saved, dispatch_uid="core_cache_live_page_saved")
    for model in (SiteSettings, Site, get_image_model(), get_document_model()):
        connect_site_wide(model)
    # A privacy restriction hides a page at once, and every listing that showed it.
    connect_site_wide(PageViewRestriction, shown_when_created=True)
