"""The posting rules (Einstellungen → Kommentare): where a new comment starts its life.

- `comments_closed()` says whether anyone may comment on a post: the post's "Kommentare erlaubt" switch,
  or the post is older than "Kommentare schließen nach so vielen Tagen".
- `decide()` says in which state a new comment starts, and why: spam words mark it as spam; with
  "Jeden Kommentar zurückhalten" on, everything else is held; otherwise comments with too many links or a
  hold word are held, and with "Bekannte Kommentierende sofort veröffentlichen" only a *proven* returning
  commenter is published at once.

Proof, not claims: name and e-mail address are typed by whoever sends the form, so they never count as
a credential. A returning commenter is recognised by the random token in their browser's
`comment_author` cookie (comments/utils.py), of which only an HMAC is stored with each comment: trusted is
a browser that wrote an approved comment under the same name before and never one marked as spam.
"""

import datetime

from django.utils import timezone

from .models import CommentSettings, PostComment, Status
from .utils import contains_any, count_links, word_list

# Why a comment was held or marked (kept with its "submitted" audit entry and shown to moderators).
HOLD_ALL = "hold_all"
TOO_MANY_LINKS = "links"
HOLD_WORD = "hold_word"
SPAM_WORD = "spam_word"
NOT_TRUSTED = "not_trusted"
TRUSTED = "trusted"


def comment_settings_for(request=None, page=None):
    """The moderation rules of the page's site, else of the request's site.

    The page's own site decides, whatever host name the form was sent to: otherwise a second site
    without "Jeden Kommentar zurückhalten" would publish comments on the first site's posts sent to its
    host name. The request's (cached) settings are used when they are that site's."""
    page_site_id = None
    if page is not None:
        url_parts = page.get_url_parts(request)  # from Wagtail's cached site root paths: no query
        page_site_id = url_parts[0] if url_parts else None
    if request is not None:
        try:
            request_rules = CommentSettings.for_request(request)
        except Exception:  # noqa: BLE001 - a request without a matching site falls back to the page
            request_rules = None
        if request_rules is not None and page_site_id in (None, request_rules.site_id):
            return request_rules
    site = page.get_site() if page is not None else None
    if site is None:
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return CommentSettings.for_site(site)


def comments_closed(post, rules):
    """True if nobody may comment on `post` (the post's switch or its age)."""
    if not post.comments_enabled:
        return True
    if rules.close_after_days is not None and post.date is not None:
        age = timezone.localdate() - post.date
        if age > datetime.timedelta(days=rules.close_after_days):
            return True
    return False


def is_trusted_browser(author_token, name):
    """A browser (by its token's HMAC) that wrote an approved comment under this name, and no spam."""
    if not author_token:
        return False
    own = PostComment.norel_objects.filter(author_token=author_token)
    if own.filter(status=Status.SPAM).exists():
        return False
    return own.filter(status=Status.APPROVED, user_name__iexact=name.strip()).exists()


def decide(rules, *, name, email, url, text, author_token=""):
    """(status, reasons) for a new comment under these rules."""
    texts = (text, name, email, url)
    if contains_any(word_list(rules.spam_words), *texts):
        return Status.SPAM, [SPAM_WORD]
    reasons = []
    if rules.hold_all:
        reasons.append(HOLD_ALL)
    if rules.max_links and count_links(text) >= rules.max_links:
        reasons.append(TOO_MANY_LINKS)
    if contains_any(word_list(rules.hold_words), *texts):
        reasons.append(HOLD_WORD)
    if reasons:
        return Status.PENDING, reasons
    if rules.trust_approved_authors:
        if is_trusted_browser(author_token, name):
            return Status.APPROVED, [TRUSTED]
        return Status.PENDING, [NOT_TRUSTED]
    return Status.APPROVED, []
