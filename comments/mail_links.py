"""One-click links in the moderation mail (Freigeben, Spam, Papierkorb): signed, single-use, expiring.

A link carries a token signed with the site's secret key: the comment, the action, the moderator it was
mailed to and a random nonce. It leads to a confirmation page; only the POST from that page acts, as that
moderator, through the lifecycle. A link works once (the nonce is recorded), for LINK_MAX_AGE, only while
the comment still waits for a decision, and only while its moderator may still moderate it (a category
moderator: while the post is in their categories). The token also
carries when it was made: once anyone decided on the comment after that (the audit log shows a change of
state), the link is spent even if the comment waits again later (withdrawn after an approval).
"""

import datetime
import secrets
import time

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .models import PostComment, UsedMailLink

SALT = "comments.mail-link"
LINK_MAX_AGE = datetime.timedelta(days=3)
ACTIONS = ("approve", "spam", "trash")


class LinkInvalid(Exception):
    """The link is forged, expired, used already or no longer applies; the message says which, in German."""


def make_token(comment, action, user):
    if action not in ACTIONS:
        raise ValueError(action)
    payload = {"c": comment.pk, "a": action, "u": user.pk, "n": secrets.token_urlsafe(24), "t": time.time()}
    return signing.dumps(payload, salt=SALT)


def decided_since(comment, made_at):
    """True if the comment's state changed (a decision, through any way) after the timestamp `made_at`."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import ModelLogEntry

    since = datetime.datetime.fromtimestamp(made_at, tz=datetime.UTC)
    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PostComment), object_id=str(comment.pk), timestamp__gt=since
    ).values_list("data", flat=True)
    return any(
        isinstance(data, dict) and "status_before" in data and data["status_before"] != data.get("status_after")
        for data in entries
    )


def link(comment, action, user):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "comments-mail-action", args=[make_token(comment, action, user)]
    )


def read_token(token):
    """(comment, action, user, nonce) for a valid token; LinkInvalid otherwise."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    from comments.admin.permissions import CommentPermissionPolicy, is_moderator

    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkInvalid(_("Dieser Link ist abgelaufen. Bitte entscheiden Sie in der Moderation.")) from error
    except signing.BadSignature as error:
        raise LinkInvalid(_("Dieser Link ist ungültig.")) from error
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        raise LinkInvalid(_("Dieser Link ist ungültig."))
    if UsedMailLink.objects.filter(nonce=str(data.get("n"))).exists():
        raise LinkInvalid(_("Dieser Link wurde schon benutzt."))
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or not is_moderator(user):
        raise LinkInvalid(_("Dieser Link ist ungültig."))
    comment = PostComment.objects.filter(pk=data.get("c")).first()
    if comment is None:
        raise LinkInvalid(_("Diesen Kommentar gibt es nicht mehr."))
    if not CommentPermissionPolicy().user_has_permission_for_instance(user, "change", comment):
        # E.g. a category moderator whose categories no longer include the post's.
        raise LinkInvalid(_("Dieser Link ist ungültig."))
    made_at = data.get("t")
    if not comment.is_held or (isinstance(made_at, int | float) and decided_since(comment, made_at)):
        raise LinkInvalid(_("Über diesen Kommentar ist schon entschieden worden."))
    return comment, data["a"], user, str(data["n"])


def use(token):
    """Apply the token's action once. Returns (comment, action); LinkInvalid if it cannot be used."""
    from django.utils.translation import gettext as _

    from . import lifecycle

    comment, action, user, nonce = read_token(token)
    try:
        with transaction.atomic():
            UsedMailLink.objects.create(nonce=nonce)
            lifecycle.apply(comment, action, user, via="mail_link")
    except IntegrityError as error:
        raise LinkInvalid(_("Dieser Link wurde schon benutzt.")) from error
    return comment, action


def forget_used_links(now=None):
    """Delete the used-link records older than LINK_MAX_AGE (retention, `delete_old_comments`). Safe: a
    link is used after it was made, so a record that old belongs to a token that has expired anyway.
    Returns how many were deleted."""
    cutoff = (now or timezone.now()) - LINK_MAX_AGE
    deleted, _ = UsedMailLink.objects.filter(used_at__lt=cutoff).delete()
    return deleted
