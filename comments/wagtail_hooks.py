"""Comment moderation in the Wagtail admin: the queue, its bulk actions, audit-log actions, dashboard panel
and the comment button on a post's edit page."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from comments import lifecycle
from comments.admin.blocks import BlockViewSet
from comments.admin.bulk_actions import BULK_ACTIONS
from comments.admin.categories import CategoryModerationViewSet
from comments.admin.panels import HeldCommentsPanel, post_comments_button
from comments.admin.permissions import CommentPermissionPolicy
from comments.admin.views import CommentViewSet
from comments.models import PostComment
from comments.threads import check_request

register_permission_policy(PostComment, CommentPermissionPolicy())


@hooks.register("register_admin_viewset")
def register_comment_viewset():
    return CommentViewSet()


@hooks.register("register_admin_viewset")
def register_block_viewset():
    return BlockViewSet()


@hooks.register("register_admin_viewset")
def register_category_moderation_viewset():
    return CategoryModerationViewSet()


for bulk_action_class in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action_class)


@hooks.register("register_log_actions")
def register_comment_log_actions(log_actions):
    for action, label in lifecycle.LOG_ACTIONS.items():
        log_actions.register_action(action, label, label)


@hooks.register("construct_homepage_panels")
def add_held_comments_panel(request, panels):
    if CommentPermissionPolicy().user_has_permission(request.user, "change"):
        panels.append(HeldCommentsPanel(request.user))


@hooks.register("register_page_header_buttons")
def post_comments_header_button(page, user, view_name, next_url=None):
    from blog.models import BlogPostPage

    if (
        view_name == "edit"
        and isinstance(page, BlogPostPage)
        and CommentPermissionPolicy().user_has_permission(user, "change")
    ):
        yield post_comments_button(page, user)


@hooks.register("before_serve_page")
def check_thread_choice(page, request, serve_args, serve_kwargs):
    """A post's ?kommentare= and ?seite= (comments/threads.py): an unknown order or a page of threads that
    does not exist is a German 404 before anything renders (the post's own page only, not its PDF)."""
    from blog.models import BlogPostPage

    view = serve_args[0] if serve_args else None
    if isinstance(page, BlogPostPage) and getattr(view, "__name__", "") == "index_route":
        check_request(request, page)
