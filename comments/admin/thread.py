""" "Thread anzeigen": the conversation around one comment (the comments above it and every reply below
it, each with its state), in place in the queue (fetched) or as a page of its own without JavaScript."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from wagtail.admin.utils import get_valid_next_url_from_request

from comments.admin.permissions import CommentPermissionPolicy
from comments.models import PostComment, Status

# A thread with more replies than this below one comment is cut, with a note how many are left out.
MAX_REPLIES_SHOWN = 100
MAX_INDENT = 5  # deeper replies are drawn at this indentation (a CSS class per step, no inline styles)

policy = CommentPermissionPolicy()


def thread_around(comment):
    """(ancestors, the comment, replies, left out): ancestors from the top of the thread down to the
    comment it answers; replies below it in reading order (each with its `depth` below the comment).
    One query for the whole thread, whatever its size."""
    rows = list(
        PostComment.norel_objects.filter(thread_id=comment.thread_id)
        .only("pk", "parent_id", "user_name", "comment", "submit_date", "status", "is_public", "is_moderator_reply")
        .order_by("submit_date", "pk")
    )
    by_pk = {row.pk: row for row in rows}
    children = {}
    for row in rows:
        if row.parent_id != row.pk:
            children.setdefault(row.parent_id, []).append(row)
    this = by_pk.get(comment.pk, comment)

    ancestors, seen = [], {this.pk}
    current = by_pk.get(this.parent_id) if this.parent_id != this.pk else None
    while current is not None and current.pk not in seen:  # a broken parent link must never loop
        seen.add(current.pk)
        ancestors.append(current)
        current = by_pk.get(current.parent_id) if current.parent_id != current.pk else None
    ancestors.reverse()

    replies, stack = [], [(child, 1) for child in reversed(children.get(this.pk, []))]
    while stack:
        row, depth = stack.pop()
        if row.pk in seen:
            continue
        seen.add(row.pk)
        row.depth = depth
        row.indent = min(depth, MAX_INDENT)
        replies.append(row)
        stack.extend((child, depth + 1) for child in reversed(children.get(row.pk, [])))
    left_out = max(len(replies) - MAX_REPLIES_SHOWN, 0)
    return ancestors, this, replies[:MAX_REPLIES_SHOWN], left_out


def state_of(comment):
    """The state as moderators read it; an approved comment below a hidden one says so."""
    label = Status(comment.status).label
    if comment.status == Status.APPROVED and not comment.is_public:
        return _("%(status)s (verborgen mit dem Kommentar darüber)") % {"status": label}
    return str(label)


class ThreadView(View):
    """GET /admin/kommentare/thread/<id>/: the page; with ?fragment=1 only the list (the queue's script
    puts it into the row). Scoped like the queue: an id the user may not moderate is the same 404 as one
    that does not exist."""

    def get(self, request, pk):
        from comments.admin.views import scoped_comments

        comment = get_object_or_404(scoped_comments(request.user), pk=pk)
        ancestors, this, replies, left_out = thread_around(comment)
        for item in (*ancestors, this, *replies):
            item.state_label = state_of(item)
        context = {
            "ancestors": ancestors,
            "comment": this,
            "replies": replies,
            "left_out": left_out,
            "page_title": _("Thread zu Kommentar #%(id)s") % {"id": comment.pk},
            "header_icon": "comment",
            "back_url": get_valid_next_url_from_request(request) or reverse("comment_moderation:index"),
        }
        if request.GET.get("fragment") == "1":
            return TemplateResponse(request, "comments_admin/thread_list.html", context)
        return TemplateResponse(request, "comments_admin/thread.html", context)
