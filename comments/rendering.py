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
are added by the thread (`comment_actions`); held comments, shown only to their own author with a notice,
are never stored: `ensure_html` renders them for that request only.
"""

import functools
import hashlib

from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
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


def comment_actions(comment, can_reply, can_edit=False, base_query=""):
    """What a reader can do with a comment, under its text: "Antworten" (works without JavaScript: ?antwort=
    opens the form as a reply, on the same page and order of threads: `base_query`) and "Melden" (a plain
    page with the report form) for public comments of readers; with `can_edit` (the writer's own browser,
    within the edit window: only in a thread rendered for that reader alone), "Bearbeiten". Empty when
    none applies."""
    links = []
    if can_edit:
        links.append(
            format_html(
                '<a class="comment__edit" href="{}" rel="nofollow">{}</a>',
                reverse("comments-edit-own", args=[comment.pk]),
                gettext("Bearbeiten"),
            )
        )
    if can_reply:
        links.append(
            format_html(
                '<a class="comment__reply" href="?{}antwort={}#kommentieren" rel="nofollow" data-reply-to="{}" '
                'data-reply-name="{}">{}</a>',
                f"{base_query}&" if base_query else "",
                comment.pk,
                comment.pk,
                comment.user_name,
                gettext("Antworten"),
            )
        )
    if comment.is_public and not comment.is_moderator_reply:
        links.append(
            format_html(
                '<a class="comment__report" href="{}" rel="nofollow">{}</a>',
                reverse("comments-report", args=[comment.pk]),
                gettext("Melden"),
            )
        )
    if not links:
        return ""
    return format_html('<p class="comment__actions">{}</p>', mark_safe(" ".join(links)))  # noqa: S308 - escaped above
