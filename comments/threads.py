"""Long threads stay readable: the order of a post's top-level threads and their pages, as plain links.

`?kommentare=neueste|empfohlen` (no parameter: the oldest thread first) and `?seite=N` (pages of
`COMMENTS_THREADS_PER_PAGE` top-level threads, each with all its replies; page 1 has no parameter).
Both are read once per request (`ThreadChoice.from_request`), before anything renders: the post's
`before_serve_page` hook (comments/wagtail_hooks.py) answers an unknown order, a page number that is
not one ("0", "02", "١", 20 digits) or a page that does not exist with the same German 404. So only
pages that exist are ever rendered, and only the canonical spellings are cached
(`register_cacheable_parameter` in core/middleware.py, called in `CommentsConfig.ready`).

"Empfohlen" shows the threads with a comment marked "Empfehlung der Redaktion" first, then the rest,
each group oldest first. The permalink `/kommentare/<id>/` (views.permalink) sends a reader to the
page of the default order that holds the comment.
"""

import collections
import dataclasses
import math

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import compiled
from core.loading import can_load_rows, instances_from_rows, load_only
from core.middleware import PAGE_QUERY_PARAMETER, canonical_query, parameter_used
from core.text import is_number

from .cache import shows_comments_of
from .models import PostComment, Status
from .utils import preview_comment_ids

ORDER_PARAMETER = "kommentare"
OLDEST, NEWEST, RECOMMENDED = "", "neueste", "empfohlen"
# The orders readers can choose, in the order the links show them.
ORDERS = {OLDEST: gettext_lazy("Älteste"), NEWEST: gettext_lazy("Neueste"), RECOMMENDED: gettext_lazy("Empfohlen")}
# After sending a comment the reader lands on it (comments/views.py `accepted_response`).
LANDING_PARAMETER = "kommentar"


def threads_per_page():
    return settings.COMMENTS_THREADS_PER_PAGE


def is_canonical_order(value):
    """The spellings of `?kommentare=` that are pages of their own (the default has no parameter)."""
    return value in ORDERS and value != OLDEST


def not_found():
    return Http404(_("Diese Seite gibt es nicht."))


@dataclasses.dataclass(frozen=True)
class ThreadChoice:
    """Which order and which page of a post's threads a request asks for."""

    order: str = OLDEST
    number: int = 1
    # True when ?seite= was given: the page must exist (checked against the threads).
    explicit_number: bool = False

    @classmethod
    def from_request(cls, request):
        """The choice in the request's query string; Http404 for an unknown order or a page number that is
        not a plain positive number. Whether the page exists is `check`'s question."""
        if request is None:
            return cls()
        order = request.GET.get(ORDER_PARAMETER)
        number = request.GET.get(PAGE_QUERY_PARAMETER)
        if order is not None and not is_canonical_order(order):
            raise not_found()
        if number is not None and not (is_number(number, max_length=6) and str(int(number)) == number):
            raise not_found()
        if number is not None and int(number) < 1:
            raise not_found()
        parameter_used(request, ORDER_PARAMETER, PAGE_QUERY_PARAMETER)
        return cls(order=order or OLDEST, number=int(number) if number else 1, explicit_number=number is not None)

    def query(self, order=None, number=None, **extra):
        """The query string (with its "?", or "" for the default page) of another page or order."""
        order = self.order if order is None else order
        number = self.number if number is None else number
        params = {ORDER_PARAMETER: order, PAGE_QUERY_PARAMETER: str(number) if number > 1 else ""}
        query = canonical_query(params)
        if extra:
            query = "&".join(part for part in (query, canonical_query(extra)) if part)
        return f"?{query}" if query else ""


def ordered_roots(roots, order, recommended_threads):
    """The top-level comments in the order chosen. `roots` come oldest first (by thread id)."""
    if order == NEWEST:
        return list(reversed(roots))
    if order == RECOMMENDED:
        return [root for root in roots if root.pk in recommended_threads] + [
            root for root in roots if root.pk not in recommended_threads
        ]
    return list(roots)


def page_count(thread_count):
    return max(1, math.ceil(thread_count / threads_per_page()))


def page_holding(position):
    """The page number of the thread at this position (0 = first) of an order."""
    return position // threads_per_page() + 1


# Only what the page shows: the e-mail address is never even loaded.
DISPLAYED_FIELDS = (
    "pk",
    "user_name",
    "user_url",
    "comment",
    "submit_date",
    "is_public",
    "is_moderator_reply",
    "is_recommended",
    "parent_id",
    "thread_id",
    "level",
    "order",
    "html",
    "html_key",
    "edited_at",
)


# The reader's own comments that wait (spam looks the same to its sender; the trash does not).
OWN_WAITING_STATUSES = (Status.PENDING, Status.WITHDRAWN, Status.SPAM)


def visible_comments(request, post, own_ids):
    """Every comment of the post this reader sees (the public ones and their own waiting ones), in
    thread order: one query per request and post, whoever asks first (the page check, the section).

    Read-only: `CommentRow`s for the public ones (instances for a reader with held comments of their
    own); `as_instances` makes instances of those a page shows."""
    shows_comments_of(post.pk)
    memo = request.__dict__.setdefault("_visible_comments", {}) if request is not None else {}
    key = (post.pk, tuple(own_ids))
    if key not in memo:
        content_type = ContentType.objects.get_for_model(type(post))
        if own_ids or not can_load_rows(PostComment, DISPLAYED_FIELDS):
            # A reader with held comments of their own: built as it comes (their number is theirs to
            # choose, so such shapes are not kept by core.compiled).
            visible = Q(is_public=True)
            if own_ids:
                visible |= Q(pk__in=own_ids, is_public=False, status__in=OWN_WAITING_STATUSES)
            memo[key] = load_only(
                PostComment.norel_objects.filter(visible, content_type=content_type, object_pk=str(post.pk)).order_by(
                    "thread_id", "order"
                ),
                DISPLAYED_FIELDS,
            )
        else:
            # Rows, not instances: the thread needs instances only for the page of threads it shows
            # (`as_instances`), and making one costs five times a row's tuple (1,000 comments: 1 ms).
            rows = compiled.run(_public_comments_query, content_type=content_type.pk, object_pk=str(post.pk))
            new = tuple.__new__  # CommentRow._make without its Python call per row (the query selects the fields)
            memo[key] = [new(CommentRow, row) for row in rows]
    return memo[key]


# A visible comment as loaded: DISPLAYED_FIELDS by name (`pk` first), read like the instance it stands for.
CommentRow = collections.namedtuple("CommentRow", DISPLAYED_FIELDS)


def as_instances(comments):
    """The comments as PostComment instances (what `only(*DISPLAYED_FIELDS)` gives), for those that are
    rows (`visible_comments`); instances stay as they are."""
    rows = [comment for comment in comments if type(comment) is CommentRow]
    if not rows:
        return list(comments)
    made = iter(instances_from_rows(PostComment, DISPLAYED_FIELDS, rows, DEFAULT_DB_ALIAS))
    return [next(made) if type(comment) is CommentRow else comment for comment in comments]


def _public_comments_query():
    """The public comments of one post in thread order, as rows of DISPLAYED_FIELDS (core.compiled)."""
    fields = PostComment._meta
    return (
        PostComment.norel_objects.filter(
            is_public=True,
            content_type_id=compiled.Param("content_type", fields.get_field("content_type")),
            object_pk=compiled.Param("object_pk", fields.get_field("object_pk")),
        )
        .order_by("thread_id", "order")
        .values_list(*DISPLAYED_FIELDS)
    )


def thread_count(comments):
    """How many top-level threads a list of visible comments has (xtd stores a thread's first comment as
    its own parent)."""
    return sum(1 for comment in comments if comment.parent_id == comment.pk)


def check_request(request, post):
    """Before a post renders: Http404 unless the order is known and the page of threads exists."""
    choice = ThreadChoice.from_request(request)
    if choice.explicit_number and choice.number > 1:
        comments = visible_comments(request, post, preview_comment_ids(request))
        if choice.number > page_count(thread_count(comments)):
            raise not_found()
    return choice


def page_of_public_comment(comment):
    """The page (default order, as every reader without held comments of their own sees it) that shows
    this public comment's thread: one query."""
    earlier = (
        PostComment.norel_objects.filter(
            content_type_id=comment.content_type_id,
            object_pk=comment.object_pk,
            is_public=True,
            thread_id__lt=comment.thread_id,
        )
        .filter(pk=F("parent_id"))
        .count()
    )
    return page_holding(earlier)


def permalink_path(comment_pk):
    return reverse("comments-permalink", args=[comment_pk])


def permalink_url(post, comment_pk):
    """The full address of a comment's permalink on the post's site (for mails and feeds): it lands on
    the comment whichever page of threads shows it by then."""
    site = post.get_site() if post is not None else None
    return f"{site.root_url if site else ''}{permalink_path(comment_pk)}"
