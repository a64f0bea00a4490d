"""What the comment section under a post shows: `{% comment_section page as section %}` and the
filters for a comment's text and its author's initials."""

from django_comments_xtd.models import max_thread_level_for_content_type

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils.functional import cached_property
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

from blog.models import BlogPostPage
from blog.templatetags.blog_tags import iso_datetime
from core.text import is_number

from ..cache import shows_comments_of
from ..forms import PostCommentForm
from ..models import PostComment, Status
from ..moderation import comment_settings_for, comments_closed
from ..rendering import comment_actions, ensure_html
from ..utils import preview_comment_ids
from ..views import VISIBLE_FIELDS, must_check_csrf

register = template.Library()
# `<time datetime>` of a comment, to the second (blog_tags' filter, so the comment templates need no other library).
register.filter("iso_datetime", iso_datetime)

REPLY_QUERY_PARAMETER = "antwort"
OWN_WAITING_STATUSES = (Status.PENDING, Status.WITHDRAWN, Status.SPAM)
# Only what the page shows: the e-mail address is never even loaded.
DISPLAYED_FIELDS = (
    "pk",
    "user_name",
    "user_url",
    "comment",
    "submit_date",
    "is_public",
    "is_moderator_reply",
    "parent_id",
    "thread_id",
    "level",
    "order",
    "html",
    "html_key",
)
LINK_REL = 'rel="nofollow ugc noopener"'


class CommentSection:
    """The comment list (threaded), its count and the form for one post, for one request.

    The comments are loaded only when the template asks for them: when the thread comes from the
    shared fragment cache (`{% sharedcache %}` in comments/section.html), a plain page view loads none.
    """

    def __init__(self, request, page, form=None, error=""):
        self.page = page
        self.error = error
        content_type = ContentType.objects.get_for_model(BlogPostPage)
        self.content_type = content_type
        self.max_level = max_thread_level_for_content_type(content_type)
        self.closed = comments_closed(page, comment_settings_for(request, page))
        self.own_ids = preview_comment_ids(request) if request is not None else []
        self.needs_csrf = request is not None and must_check_csrf(request)
        if form is None:
            reply_to = self._reply_target_for(request.GET.get(REPLY_QUERY_PARAMETER) if request is not None else None)
            form = PostCommentForm(page, initial={"reply_to": reply_to.pk if reply_to else 0})
        else:
            self._reply_target_for(form.data.get("reply_to") or form.initial.get("reply_to"))
        self.form = form
        self.has_captcha = "captcha" in form.fields

    @property
    def is_personal(self):
        """True when the thread shows this reader's own held comments: it must not be shared."""
        return bool(self.own_ids)

    @cached_property
    def field_errors(self):
        """The fields the reader has to fix, in form order, for the message above the form: id, label, errors.

        Empty for a closed post: the view does not check that form, and checking it here could even ask
        reCAPTCHA."""
        if self.closed or not self.form.is_bound:
            return []
        return [
            {"id": field.auto_id, "label": field.label, "errors": field.errors}
            for field in self.form
            if field.name in VISIBLE_FIELDS and field.errors
        ]

    @cached_property
    def comments(self):
        shows_comments_of(self.page.pk)
        visible = Q(is_public=True)
        if self.own_ids:
            # The reader's own comments that wait (spam looks the same to its sender; the trash does not).
            visible |= Q(pk__in=self.own_ids, is_public=False, status__in=OWN_WAITING_STATUSES)
        comments = list(
            PostComment.norel_objects.filter(visible, content_type=self.content_type, object_pk=str(self.page.pk))
            .only(*DISPLAYED_FIELDS)
            .order_by("thread_id", "order")
        )
        return ensure_html(comments)

    @cached_property
    def count(self):
        return sum(1 for comment in self.comments if comment.is_public)

    @cached_property
    def waiting_count(self):
        """How many of the reader's own waiting comments the thread shows. Never more than 0 unless
        `is_personal`, so the heading that depends on it stays out of the shared fragment."""
        if not self.own_ids:
            return 0
        pending = list(self.tree)
        waiting = 0
        while pending:
            node = pending.pop()
            waiting += not node["comment"].is_public
            pending.extend(node["children"])
        return waiting

    @cached_property
    def tree(self):
        return self._build_tree(self.comments)

    @cached_property
    def thread(self):
        """The tree flattened for comments/section.html's one loop: each comment's node (with its stored
        HTML), then its replies, then None where a list of replies ends."""
        flat = []
        pending = list(reversed(self.tree))
        while pending:
            node = pending.pop()
            if node is None:
                flat.append(None)
                continue
            comment = node["comment"]
            flat.append(
                {
                    "html": comment.shown_html,
                    "reply": comment_actions(comment, node["can_reply"]),
                    "children": bool(node["children"]),
                }
            )
            if node["children"]:
                pending.append(None)
                pending.extend(reversed(node["children"]))
        return flat

    def _reply_target_for(self, value):
        """Sets `reply_to` to the comment answered (from ?antwort= or the sent form), if it may be."""
        value = str(value or "")
        self.reply_to = None
        # Only a reply needs the comments loaded: the common page view loads none.
        if is_number(value) and value != "0":
            pk = int(value)
            self.reply_to = next((c for c in self.comments if c.pk == pk and self._can_reply(c)), None)
        return self.reply_to

    def _build_tree(self, comments):
        """Nested nodes in thread order; replies whose parent is not shown are left out."""
        nodes = {}
        roots = []
        for comment in comments:
            node = {"comment": comment, "children": [], "can_reply": self._can_reply(comment)}
            nodes[comment.pk] = node
            if comment.parent_id == comment.pk:
                roots.append(node)
            elif comment.parent_id in nodes:
                nodes[comment.parent_id]["children"].append(node)
        return roots

    def _can_reply(self, comment):
        return not self.closed and comment.is_public and comment.level < self.max_level


@register.simple_tag(takes_context=True)
def comment_section(context, page):
    return CommentSection(
        context.get("request"), page, form=context.get("comment_form"), error=context.get("comment_error", "")
    )


@register.simple_tag
def count_comments(posts):
    """`{% count_comments posts %}` (a list of posts, or one post): sets `comment_count` (public comments)
    on each, in one query; the listing then depends on those posts' comments (core/cache.py)."""
    if posts is None or hasattr(posts, "pk"):
        posts = [posts]
    posts = [post for post in posts if getattr(post, "pk", None)]
    if not posts:
        return ""
    counts = dict(
        PostComment.norel_objects.filter(
            content_type=ContentType.objects.get_for_model(BlogPostPage),
            object_pk__in=[str(post.pk) for post in posts if not hasattr(post, "comment_count")],  # listings bring it
            is_public=True,
        )
        .values("object_pk")
        .annotate(total=Count("pk"))
        .values_list("object_pk", "total")
    )
    for post in posts:
        post.comment_count = counts.get(str(post.pk), getattr(post, "comment_count", 0))
    shows_comments_of(*(post.pk for post in posts))
    return ""


@register.filter(is_safe=True)
def comment_text(text):
    """Plain text as HTML: everything escaped, paragraphs and line breaks kept, URLs as links."""
    linked = urlize(text or "", trim_url_limit=60, nofollow=True, autoescape=True)
    # urlize escaped the reader's text, so this literal can only be an attribute urlize wrote.
    linked = linked.replace('rel="nofollow"', LINK_REL)
    return mark_safe(linebreaks(linked, autoescape=False))  # noqa: S308 - escaped by urlize above


@register.filter
def initials(name):
    """Up to two initials of a name (shown instead of an avatar: no Gravatar, no e-mail hash)."""
    letters = [part[0] for part in (name or "").split() if part[:1].isalnum()]
    if len(letters) > 2:
        letters = [letters[0], letters[-1]]
    return "".join(letters).upper() or "?"
