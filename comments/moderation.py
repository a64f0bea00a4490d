"""The posting rules (Einstellungen → Kommentare): where a new comment starts its life.

- `comments_closed()` says whether anyone may comment on a post: the post's "Kommentare erlaubt" switch,
  or the post is older than "Kommentare schließen nach so vielen Tagen".
- `decide()` says in which state a new comment starts, and why: spam words mark it as spam; with
  "Jeden Kommentar zurückhalten" on, everything else is held; otherwise comments with too many links or a
  hold word are held, and with "Bekannte Kommentierende sofort veröffentlichen" only a *proven* returning
  commenter is published at once. Before all that, the rules that learn (comments/rules.py): a blocked
  sender's comment and one from an address with spam marks go to Spam; word lists match whole words or
  regular expressions, on the shortened IP address too. The post's categories (comments/categories.py)
  may overrule the site's rule: "Vormoderation" holds every comment, "Nachmoderation" publishes it at once
  for a later look (the spam rules, the link limit and the hold words still apply).
- Time windows (comments/schedules.py): in a "held" window every comment is held, whatever the trust rule
  or a category's "Nachmoderation" says (spam and block rules still win); in a "closed" window the view
  takes none (`schedule_closed_note()` says until when).
- A comment that did not pass the form's spam challenge (comments/captcha.py) is held ("ohne
  Spam-Prüfung"), also in a category under "Nachmoderation".

Proof, not claims: name and e-mail address are typed by whoever sends the form, so they never count as
a credential. A returning commenter is recognised by the random token in their browser's
`comment_author` cookie (comments/utils.py), of which only an HMAC is stored with each comment: trusted is
a browser that wrote an approved comment under the same name before and never one marked as spam.
"""

import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from .models import CommentSettings, ModerationMode, PostComment, Status
from .utils import count_links

# Why a comment was held or marked (kept with its "submitted" audit entry and shown to moderators).
HOLD_ALL = "hold_all"
TOO_MANY_LINKS = "links"
HOLD_WORD = "hold_word"
SPAM_WORD = "spam_word"
NOT_TRUSTED = "not_trusted"
TRUSTED = "trusted"
BLOCKED = "blocked"
SPAM_MARKS = "spam_marks"
FIRST_COMMENT = "first_comment"
HELD_BY_SCHEDULE = "schedule"
PRE_MODERATION = "category_pre"  # the post's category says "Vormoderation"
POST_MODERATION = "category_post"  # published under "Nachmoderation": waits for "Geprüft"
# Set by lifecycle.edit_own: the writer changed the text (of a comment that was approved or waits).
EDITED = "edited"
UNVERIFIED = "unverified"  # no solved spam challenge (comments/captcha.py): JavaScript off, or a bad answer


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


def reason(code, **details):
    return {"code": code, **details}


def decide(rules, *, name, email, url, text, author_token="", ip_address=None, post=None, verified=True):
    """(status, reasons) for a new comment under these rules on `post`; each reason is a dict with a `code`
    and its details (how many links, which words), kept on the comment for the queue's badges. `verified`
    says whether the comment passed the form's spam challenge (comments/captcha.py): one that did not is
    held, whatever else the rules say, never published at once."""
    from . import rules as learned
    from .categories import mode_for_post

    texts = (text, name, email, url, learned.ip_text(ip_address))
    if learned.block_for(email, ip_address) is not None:
        return Status.SPAM, [reason(BLOCKED)]
    marks = learned.spam_marks(email)
    if marks:
        return Status.SPAM, [reason(SPAM_MARKS, count=marks)]
    spam_words = learned.matching_words(rules.spam_words, *texts)
    if spam_words:
        return Status.SPAM, [reason(SPAM_WORD, words=spam_words)]
    reasons = [] if verified else [reason(UNVERIFIED)]
    category_mode = mode_for_post(post)
    if category_mode == ModerationMode.PRE:
        reasons.append(reason(PRE_MODERATION))
    if rules.hold_all and category_mode != ModerationMode.POST:
        reasons.append(reason(HOLD_ALL))
    # A held window; also a closed one that began while the comment was on its way through the view.
    if rules.schedule_state().mode is not None:
        reasons.append(reason(HELD_BY_SCHEDULE))
    links = count_links(text)
    if rules.max_links and links >= rules.max_links:
        reasons.append(reason(TOO_MANY_LINKS, count=links))
    hold_words = learned.matching_words(rules.hold_words, *texts)
    if hold_words:
        reasons.append(reason(HOLD_WORD, words=hold_words))
    if not reasons and category_mode == ModerationMode.POST:
        return Status.APPROVED, [reason(POST_MODERATION)]
    if not reasons and rules.trust_approved_authors:
        if is_trusted_browser(author_token, name):
            return Status.APPROVED, [reason(TRUSTED)]
        reasons.append(reason(NOT_TRUSTED))
    if not reasons:
        return Status.APPROVED, []
    if email and not PostComment.objects.written_with(email).exists():
        reasons.append(reason(FIRST_COMMENT))
    return Status.PENDING, reasons


def schedule_closed_note(state):
    """What readers are told in a closed time window: "Die Kommentare sind von 22:00 bis 6:00 Uhr geschlossen."
    (with weekdays when the closure lasts longer than a day)."""
    if state.since is None or state.until is None:
        return _("Die Kommentare sind zurzeit geschlossen.")
    since, until = timezone.localtime(state.since), timezone.localtime(state.until)
    shape = "G:i" if until - since <= datetime.timedelta(days=1) else "l, G:i"
    return _("Die Kommentare sind von %(since)s bis %(until)s Uhr geschlossen.") % {
        "since": format_date(since, shape),
        "until": format_date(until, shape),
    }


def reason_codes(reasons):
    return [item["code"] for item in reasons]
