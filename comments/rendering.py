"""A comment's HTML, rendered once and stored with it (`PostComment.html`), and the key that says
whether the stored HTML is still the comment's.

The thread under a post is the most expensive part of a page rendered from scratch: per comment a
template with the name, the date and the text linked by `urlize`. That part depends only on the
comment's own displayed fields and on the markup, so it is rendered once (`store_html`, called by the
lifecycle when a comment is approved, edited, anonymised or answered by the staff) and the thread is
assembled from the stored pieces (comments/templatetags/comment_tags.py, comments/section.html).

`html_key` is a digest of the markup version (this module's MARKUP_VERSION, the template's source,
the language and the time zone) and of every field the HTML shows. A stored piece is used only when
its key matches the comment as loaded, so any change of the text, the name, the website, the date,
the staff mark or the recommendation (through the lifecycle, the WordPress import's row updates or
anything else) and any change of the template makes the page render that comment afresh, and store it again
(`ensure_html`, one bulk UPDATE for all stale comments of a page view).

What is stored is the same for every reader: the reply link depends on the post (closed or not) and
are added by the thread (`CommentActions`, `thread_html`); held comments, shown only to their own author with a notice,
are never stored: `ensure_html` renders them for that request only.
"""

import functools
import hashlib

from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

# Raise when the stored HTML must change although the template's source did not (e.g. a filter's output).
MARKUP_VERSION = "1"
TEMPLATE = "comments/comment.html"
# The fields the stored HTML shows: the queryset that renders a thread loads them.
HTML_FIELDS = (
    "pk",
    "user_name",
    "user_url",
    "comment",
    "submit_date",
    "is_moderator_reply",
    "edited_at",
    "is_recommended",
)


@functools.cache
def markup_version():
    """The markup's part of the key: changes with this module's version, the template, language, time zone."""
    source = get_template(TEMPLATE).template.source
    return "|".join(
        (MARKUP_VERSION, hashlib.sha256(source.encode()).hexdigest(), settings.LANGUAGE_CODE, settings.TIME_ZONE)
    )


def html_key(comment):
    """Digest of the markup version and of everything the comment's stored HTML shows."""
    parts = (
        markup_version(),
        str(comment.pk),
        comment.user_name or "",
        comment.user_url or "",
        comment.comment or "",
        comment.submit_date.isoformat() if comment.submit_date else "",
        "1" if comment.is_moderator_reply else "0",
        comment.edited_at.isoformat() if comment.edited_at else "",
        "1" if comment.is_recommended else "0",
    )
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def render_html(comment, held=False):
    """The comment opened: its list item, article, header and text (what `PostComment.html` holds; with
    `held`, the held mark and notice). The thread adds the reply link and the closing tags."""
    # Stored HTML is the same whatever language the request that happens to fill it uses.
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        return get_template(TEMPLATE).render({"comment": comment, "held": held})


def ensure_html(comments):
    """Give every comment of a thread its HTML (`comment.shown_html`), storing what was missing or stale.

    Public comments whose stored key does not match get their HTML rendered and stored (one UPDATE);
    held ones (the reader's own preview) are rendered for this request and never stored.
    """
    from .models import PostComment

    stale = []
    for comment in comments:
        if not comment.is_public:
            comment.shown_html = mark_safe(render_html(comment, held=True))  # noqa: S308 - escaping template
            continue
        key = html_key(comment)
        if comment.html_key != key:
            comment.html, comment.html_key = render_html(comment), key
            stale.append(comment)
        comment.shown_html = mark_safe(comment.html)  # noqa: S308 - rendered by the escaping template
    if stale:
        PostComment.norel_objects.bulk_update(stale, ["html", "html_key"])
    return comments


def store_html(comment_ids):
    """Render and store the HTML of those of these comments that are public (the lifecycle calls it on
    every change of what a comment shows), so the first reader after an approval or an edit renders none."""
    from .models import PostComment

    comments = list(
        PostComment.norel_objects.filter(pk__in=list(comment_ids), is_public=True).only(*HTML_FIELDS, "html_key")
    )
    changed = []
    for comment in comments:
        key = html_key(comment)
        if comment.html_key != key:
            comment.html, comment.html_key = render_html(comment), key
            changed.append(comment)
    if changed:
        PostComment.norel_objects.bulk_update(changed, ["html", "html_key"])
    return len(changed)


class CommentActions:
    """What a reader can do with a comment, under its text: "Antworten" (works without JavaScript: ?antwort=
    opens the form as a reply, on the same page and order of threads: `base_query`) and "Melden" (a plain
    page with the report form) for public comments of readers; with `can_edit` (the writer's own browser,
    within the edit window: only in a thread rendered for that reader alone), "Bearbeiten". Empty when
    none applies.

    Made once per thread: the labels, the escaped query and the addresses (reversed once with a
    placeholder id) are shared by all its comments, so each comment costs a few string joins.
    """

    def __init__(self, base_query=""):
        self.reply_query = escape(f"{base_query}&" if base_query else "")
        self.edit_label = escape(gettext("Bearbeiten"))
        self.reply_label = escape(gettext("Antworten"))
        self.report_label = escape(gettext("Melden"))
        self.edit_url = _url_around_id("comments-edit-own")
        self.report_url = _url_around_id("comments-report")

    def html(self, comment, can_reply, can_edit=False):
        links = []
        pk = str(int(comment.pk))
        if can_edit:
            links.append(
                f'<a class="comment__edit" href="{self.edit_url[0]}{pk}{self.edit_url[1]}" rel="nofollow">'
                f"{self.edit_label}</a>"
            )
        if can_reply:
            links.append(
                f'<a class="comment__reply" href="?{self.reply_query}antwort={pk}#kommentieren" rel="nofollow" '
                f'data-reply-to="{pk}" data-reply-name="{str(comment.user_name).translate(_HTML_ESCAPES)}">{self.reply_label}</a>'
            )
        if comment.is_public and not comment.is_moderator_reply:
            links.append(
                f'<a class="comment__report" href="{self.report_url[0]}{pk}{self.report_url[1]}" rel="nofollow">'
                f"{self.report_label}</a>"
            )
        if not links:
            return ""
        return f'<p class="comment__actions">{" ".join(links)}</p>'


# What `html.escape(text)` does (quote=True), as one call: `str.translate` maps every character once, so
# the result is the same (the `&` of an entity it writes is never escaped again).
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


# Any id the `<id:pk>` converter accepts; only its place in the reversed address matters.
_ID_PLACEHOLDER = 987654321987654321


def _url_around_id(name):
    """The escaped parts of URL `name`'s address before and after its comment id."""
    url = reverse(name, args=[_ID_PLACEHOLDER])
    before, found, after = url.partition(str(_ID_PLACEHOLDER))
    if not found or str(_ID_PLACEHOLDER) in after:
        raise ValueError(f"{name}: the id's place in {url!r} is not unique")
    return escape(before), escape(after)


def field_html(field):
    """A form field's paragraph: label (with the required mark), widget and, when invalid, its errors in
    one element, whose id the widget's aria-describedby (Django's) names. Written in Python: the comment
    form under every post has four of them, and a template per field cost ~500 Python calls each."""
    errors = field.errors
    required = ' <span class="required">*</span>' if field.field.required else ""
    error_html = ""
    if errors:
        items = "".join(
            f'<span class="comment-form__error-item">{conditional_escape(error)}</span>' for error in errors
        )
        error_html = (
            f'\n        \n        <span class="comment-form__error" id="{conditional_escape(field.auto_id)}_error">'
            f"{items}</span>\n    "
        )
    return mark_safe(  # noqa: S308 - every value escaped, the widget rendered by Django
        f'<p class="comment-form__field comment-form__field--{conditional_escape(field.name)}'
        f'{" comment-form__field--invalid" if errors else ""}">\n'
        f'    <label for="{conditional_escape(field.id_for_label)}">{conditional_escape(field.label)}{required}</label>\n'
        f"    {field}\n"
        f"    {error_html}\n"
        f"</p>\n"
    )


def thread_html(nodes, actions):
    """The thread's list items, joined: each comment's opened markup (stored HTML), its links, the closing
    tags; a comment with replies opens their list, and None closes it. `nodes` as `CommentSection.thread`
    walks them: (comment, can_reply, can_edit, has_children) or None."""
    parts = []
    append = parts.append
    for node in nodes:
        if node is None:
            append("</ol></li>")
            continue
        comment, can_reply, can_edit, has_children = node
        append(comment.shown_html)
        append(actions.html(comment, can_reply, can_edit))
        append('</article><ol class="comment__children">' if has_children else "</article></li>")
    return mark_safe("".join(parts))  # noqa: S308 - stored HTML and escaped links
