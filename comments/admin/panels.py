"""Where the moderation queue shows up elsewhere in the admin: the menu badge, the dashboard panel and the
button on a post's edit page."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button

from comments.admin.permissions import CommentPermissionPolicy
from comments.models import Status

DASHBOARD_NEWEST = 5

policy = CommentPermissionPolicy()


def held_for(user):
    """The held comments this user may decide on."""
    return policy.instances_user_has_permission_for(user, "change").held()


class CommentsMenuItem(MenuItem):
    """ "Kommentare" in the admin menu, with the number of held comments as a badge: "Kommentare (3)"."""

    def is_shown(self, request):
        return policy.user_has_any_permission(request.user, ["view", "change"])

    def render_component(self, request):
        component = super().render_component(request)
        held = held_for(request.user).count()
        if held:
            component.label = f"{self.label} ({held})"
            component.attrs = {**component.attrs, "data-held-comments": str(held)}
        return component


class HeldCommentsPanel(Component):
    """Dashboard: "N Kommentare warten auf Freigabe", the newest five, a link to the queue."""

    name = "held_comments"
    template_name = "comments_admin/dashboard_panel.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        held = held_for(self.user)
        count = held.count()
        return {
            "count": count,
            "heading": ngettext(
                "%(count)s Kommentar wartet auf Freigabe",
                "%(count)s Kommentare warten auf Freigabe",
                count,
            )
            % {"count": count},
            "newest": list(held.order_by("-submit_date", "-pk").prefetch_related("content_object")[:DASHBOARD_NEWEST]),
            "queue_url": reverse("comment_moderation:index"),
        }


def post_comments_button(page, user):
    """On a post's edit page: how many comments it has, linking to them in the queue."""
    from comments.admin.permissions import comments_on_page

    comments = policy.instances_user_has_permission_for(user, "change") & comments_on_page(page)
    held = comments.held().count()
    approved = comments.with_status(Status.APPROVED).count()
    label = _("Kommentare: %(approved)s freigegeben, %(held)s ausstehend") % {"approved": approved, "held": held}
    status = "pending" if held else "all"
    url = reverse("comment_moderation:index") + "?" + urlencode({"post": page.pk, "status": status})
    return Button(label, url=url, icon_name="comment", priority=80)
