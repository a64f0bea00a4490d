"""What the comment section under a post shows: `{% comment_section page as section %}` and the
filters for a comment's text and its author's initials."""

import operator

from django_comments_xtd.models import max_thread_level_for_content_type

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.functional import cached_property
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

from blog.models import BlogPostPage
from blog.templatetags.blog_tags import iso_datetime
from core import clock
from core.cache import expires_within
from core.text import is_number

from .. import captcha
from ..cache import shows_comments_of
from ..forms import PostCommentForm
from ..models import PostComment
from ..moderation import comment_settings_for, comments_closed, schedule_closed_note
from ..rendering import CommentActions, ensure_html, field_html, thread_html
from ..threads import (
    LANDING_PARAMETER,
    ORDERS,
    ThreadChoice,
    as_instances,
    ordered_roots,
    page_count,
    page_holding,
    threads_per_page,
    visible_comments,
)
from ..utils import edit_window_open, preview_comment_ids
from ..views import VISIBLE_FIELDS, must_check_csrf

register = template.Library()
_is_public = operator.attrgetter("is_public")


# `comment.pk` as one C call for a row (threads.CommentRow): the thread reads it for every comment of the post.
_pk_of = operator.attrgetter("pk")


# `<time datetime>` of a comment, to the second (blog_tags' filter, so the comment templates need no other library).
register.filter("iso_datetime", iso_datetime)

REPLY_QUERY_PARAMETER = "antwort"
LINK_REL = 'rel="nofollow ugc noopener"'


class CommentSection:
    """The comment list (threaded), its count and the form for one post, for one request.

    The comments are loaded only when the template asks for them: when the thread comes from the
    shared fragment cache (`{% sharedcache %}` in comments/section.html), a plain page view loads none.
    One page of top-level threads is shown, in the order the reader chose (comments/threads.py).
    """

    def __init__(self, request, page, form=None, error=""):
        self.page = page
        self.request = request
        self.error = error
        # Checked before the page rendered (comments/wagtail_hooks.py); a form sent again shows page 1.
        self.choice = ThreadChoice.from_request(request) if request is not None and request.method == "GET" else None
        self.choice = self.choice or ThreadChoice()
        content_type = ContentType.objects.get_for_model(BlogPostPage)
        self.content_type = content_type
        self.max_level = max_thread_level_for_content_type(content_type)
        rules = comment_settings_for(request, page)
        self.closed = comments_closed(page, rules)
        # A closed time window (Einstellungen → Kommentare → Zeitfenster) replaces the form with a note
        # saying until when; the page is cached no longer than until the schedule's next boundary.
        self.closed_note = ""
        if not self.closed:
            schedule = rules.schedule_state()
            if schedule.until is not None:
                expires_within((schedule.until - clock.now()).total_seconds())
            if schedule.is_closed:
                self.closed = True
                self.closed_note = schedule_closed_note(schedule)
        self.own_ids = preview_comment_ids(request) if request is not None else []
        self.needs_csrf = request is not None and must_check_csrf(request)
        if form is None:
            reply_to = self._reply_target_for(request.GET.get(REPLY_QUERY_PARAMETER) if request is not None else None)
            form = PostCommentForm(page, initial={"reply_to": reply_to.pk if reply_to else 0})
        else:
            self._reply_target_for(form.data.get("reply_to") or form.initial.get("reply_to"))
        self.form = form
        # The spam challenge's part of the form (comments/captcha.py); the same for every reader, so
        # pages with the form stay shareable by the page cache.
        self.captcha = captcha.mode()
        if self.captcha == captcha.RECAPTCHA:
            self.recaptcha_site_key = settings.RECAPTCHA_PUBLIC_KEY
            self.recaptcha_script = captcha.RECAPTCHA_SCRIPT

    @property
    def is_personal(self):
        """True when the thread shows this reader's own held comments: it must not be shared."""
        return bool(self.own_ids)

    @cached_property
    def field_errors(self):
        """The fields the reader has to fix, in form order, for the message above the form: id, label, errors.

        Empty for a closed post: the view does not check that form."""
        if self.closed or not self.form.is_bound:
            return []
        return [
            {"id": field.auto_id, "label": field.label, "errors": field.errors}
            for field in self.form
            if field.name in VISIBLE_FIELDS and field.errors
        ]

    @cached_property
    def comments(self):
        """Every comment this reader sees on the post, in thread order (one query, shared with the check
        of the page number before rendering); their HTML is prepared for the shown page only (`thread`)."""
        return visible_comments(self.request, self.page, self.own_ids)

    @cached_property
    def count(self):
        return sum(map(_is_public, self.comments))  # is_public is a bool: the number of public comments

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
    def ordered_tree(self):
        """The top-level threads in the chosen order (comments/threads.py)."""
        recommended = {comment.thread_id for comment in self.comments if comment.is_recommended}
        pk_of = _pk_of
        by_root = {pk_of(node["comment"]): node for node in self.tree}
        roots = ordered_roots([node["comment"] for node in self.tree], self.choice.order, recommended)
        return [by_root[pk_of(root)] for root in roots]

    @cached_property
    def number(self):
        """The page shown: the one asked for, else the one holding the comment just sent (?kommentar=)."""
        if self.choice.explicit_number:
            return self.choice.number
        landing = self.request.GET.get(LANDING_PARAMETER, "") if self.request is not None else ""
        if is_number(landing):
            pk = int(landing)
            thread_id = next((comment.thread_id for comment in self.comments if comment.pk == pk), None)
            for position, node in enumerate(self.ordered_tree):
                if node["comment"].pk == thread_id:
                    return page_holding(position)
        return 1

    @cached_property
    def page_count(self):
        return page_count(len(self.tree))

    @cached_property
    def shown_tree(self):
        per_page = threads_per_page()
        start = (self.number - 1) * per_page
        return self.ordered_tree[start : start + per_page]

    @cached_property
    def thread(self):
        """The shown page of the tree as HTML for comments/section.html's list: each comment's stored HTML
        (comments/rendering.py), its links, then its replies' list; joined in Python, not in a template loop."""
        shown = []
        pending = list(self.shown_tree)
        while pending:
            node = pending.pop()
            shown.append(node)
            pending.extend(node["children"])
        # Instances (the stored HTML may be written back) of the shown comments only (threads.as_instances).
        for node, comment in zip(shown, as_instances([node["comment"] for node in shown]), strict=True):
            node["comment"] = comment
        ensure_html([node["comment"] for node in shown])
        actions = CommentActions(self.choice.query(number=self.number).removeprefix("?"))
        return thread_html(self._walk(self.shown_tree), actions)

    def _walk(self, roots):
        """The nodes in page order: (comment, can_reply, can_edit, has_children), None where replies end."""
        pending = list(reversed(roots))
        while pending:
            node = pending.pop()
            if node is None:
                yield None
                continue
            comment = node["comment"]
            yield comment, node["can_reply"], self._can_edit(comment), bool(node["children"])
            if node["children"]:
                pending.append(None)
                pending.extend(reversed(node["children"]))

    @cached_property
    def order_links(self):
        """ "Älteste / Neueste / Empfohlen" (label, URL, current), when there is more than one thread."""
        if len(self.tree) < 2:
            return []
        return [
            (label, self._url(self.choice.query(order=order, number=1)), order == self.choice.order)
            for order, label in ORDERS.items()
        ]

    @cached_property
    def pages(self):
        """Links to the previous and next page of threads (None where there is none), when there are pages."""
        if self.page_count < 2:
            return None
        number = self.number
        return {
            "number": number,
            "count": self.page_count,
            "previous": self._url(self.choice.query(number=number - 1)) if number > 1 else None,
            "next": self._url(self.choice.query(number=number + 1)) if number < self.page_count else None,
        }

    def _url(self, query):
        # The request's cached site root paths: no query for the post's address.
        return f"{self.page.get_url(self.request)}{query}#kommentare"

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
        # `_can_reply` for each comment, inline: this loop runs for every comment of the post.
        replies_open = not self.closed
        max_level = self.max_level
        pk_of = _pk_of
        for comment in comments:
            pk = pk_of(comment)
            node = {
                "comment": comment,
                "children": [],
                "can_reply": replies_open and comment.is_public and comment.level < max_level,
            }
            nodes[pk] = node
            parent_id = comment.parent_id
            if parent_id == pk:
                roots.append(node)
            elif parent_id in nodes:
                nodes[parent_id]["children"].append(node)
        return roots

    def _can_edit(self, comment):
        """The "Bearbeiten" link: this browser sent the comment (its signed preview cookie) and the edit
        window is open. Only ever true in a thread rendered for this reader alone (`is_personal`); the
        edit page checks the browser's author token as well."""
        return comment.pk in self.own_ids and not comment.is_moderator_reply and edit_window_open(comment)

    def _can_reply(self, comment):
        return not self.closed and comment.is_public and comment.level < self.max_level


@register.simple_tag(takes_context=True)
def comment_section(context, page):
    return CommentSection(
        context.get("request"), page, form=context.get("comment_form"), error=context.get("comment_error", "")
    )


@register.simple_tag
def comment_field(field):
    """`{% comment_field form.name %}`: the field's paragraph with label, widget and errors (rendering.field_html)."""
    return field_html(field)


@register.simple_tag
def count_comments(posts):
    """`{% count_comments posts %}` (a list of posts, or one post): sets `comment_count` (public comments)
    on each, in one query; the listing then depends on those posts' comments (core/cache.py)."""
    if posts is None or hasattr(posts, "pk"):
        posts = [posts]
    posts = [post for post in posts if getattr(post, "pk", None)]
    if not posts:
        return ""
    uncounted = [str(post.pk) for post in posts if not hasattr(post, "comment_count")]  # listings bring it
    counts = (
        dict(
            PostComment.norel_objects.filter(
                content_type=ContentType.objects.get_for_model(BlogPostPage), object_pk__in=uncounted, is_public=True
            )
            .values("object_pk")
            .annotate(total=Count("pk"))
            .values_list("object_pk", "total")
        )
        if uncounted
        else {}
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
