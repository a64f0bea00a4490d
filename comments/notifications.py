"""E-mails about comments: to the moderators when a comment is held, to a post's authors when one is approved.

The mail itself goes out in a background task (comments/tasks.py), enqueued after the transaction that saved
the comment commits, so a slow or broken mail server never touches the reader's request. Every message has
exactly one recipient: no reader's address ever reaches anyone but the moderators. A held comment's mail
goes to the moderators of every comment and to the moderators of the post's categories
(comments/categories.py), never to a category moderator of other categories.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail.models import Page, Site

from comments.models import CommentSettings, PostComment
from comments.threads import permalink_url

logger = logging.getLogger(__name__)

QUEUE_URL_NAME = "comment_moderation:index"


def is_held(comment):
    return comment.is_held


def comment_held(comment):
    """Called by the lifecycle for a new held comment (not a staff reply, not spam): asks the moderators."""
    if comment.is_moderator_reply or not comment.is_held:
        return
    comment_id = comment.pk
    transaction.on_commit(lambda: enqueue("notify_moderators", comment_id))


def comment_approved(comment):
    """Called by the moderation after it approved a comment: tells the post's authors if the site wants it."""
    page = post_of(comment)
    if page is None:
        return
    site = page.get_site() or Site.objects.filter(is_default_site=True).first()
    if site is None or not CommentSettings.for_site(site).notify_authors_on_approval:
        return
    comment_id = comment.pk
    transaction.on_commit(lambda: enqueue("notify_authors", comment_id))


def enqueue(task_name, comment_id):
    # Runs after the commit: the comment is saved whatever happens here, so nothing may escape.
    from comments import tasks

    try:
        getattr(tasks, task_name).enqueue(comment_id)
    except Exception:
        logger.exception("Could not queue %s for comment %s", task_name, comment_id)


# --- The messages ------------------------------------------------------------------------------


def moderators_for(comment):
    """The moderators who may decide on this comment: those of every comment and those of its post's
    categories (active users holding the moderation permission, as `permissions.moderators`)."""
    from comments.admin.permissions import moderators
    from comments.categories import moderators_of_post
    from core.text import is_number

    post_pk = int(comment.object_pk) if is_number(comment.object_pk) else None
    return moderators_of_post(moderators(), post_pk)


def post_of(comment):
    return Page.objects.filter(pk=comment.object_pk).specific().first()


def subject(text):
    return f"[{settings.WAGTAIL_SITE_NAME}] {text}"


def queue_url(page=None):
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(QUEUE_URL_NAME)
    if page is not None:
        url += "?" + urlencode({"status": "pending", "post": page.pk})
    return url


def one_message_each(subject_text, body, recipients):
    """The same message, sent to each recipient alone: nobody sees who else got it."""
    return [
        EmailMessage(subject=subject(subject_text), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient])
        for recipient in recipients
    ]


def one_per_address(people):
    """The first of `people` for each address (case and spaces ignored); those without an address drop out."""
    chosen = {}
    for person in people:
        address = (person.email or "").strip().lower()
        if address:
            chosen.setdefault(address, person)
    return list(chosen.values())


def moderator_recipients(comment, only=None):
    """The accounts to mail about a held comment (`moderators_for`: the moderators of every comment and
    those of the post's categories), one per address (the lowest id). `only`: account ids (a retry); the
    addresses are read now, so an account that lost its address, the permission or the category gets
    nothing."""
    return kept(one_per_address(moderators_for(comment).exclude(email="").order_by("pk")), only)


def author_recipients(page, only=None):
    """The post's authors to mail, one per address. `only`: author ids (a retry)."""
    return kept(one_per_address(getattr(page, "authors", [])), only)


def kept(people, only):
    if only is None:
        return people
    wanted = set(only)
    return [person for person in people if person.pk in wanted]


def moderator_messages(comment, users):
    """[(account id, message)], one message per moderator. Only moderators see the commenter's address."""
    from comments import mail_links
    from comments.lifecycle import TRANSITIONS

    page = post_of(comment)
    context = {
        "comment": comment,
        "post": page,
        "post_url": page.full_url if page else "",
        "queue_url": queue_url(page),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    title = page.title if page else ""
    messages = []
    for user in users:
        # One-click links (comments/mail_links.py): signed for this moderator, single-use, expiring.
        links = [(TRANSITIONS[action].label, mail_links.link(comment, action, user)) for action in mail_links.ACTIONS]
        body = render_to_string("comments_admin/email/held_comment.txt", {**context, "action_links": links})
        [message] = one_message_each(_("Bitte moderiere: „%(title)s“") % {"title": title}, body, [user.email])
        messages.append((user.pk, message))
    return messages


def author_messages(comment, authors):
    """[(author id, message)], one message per author; it names the commenter but never their address."""
    page = post_of(comment)
    context = {
        "comment": comment,
        "post": page,
        "post_url": permalink_url(page, comment.pk) if page else "",
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    body = render_to_string("comments_admin/email/approved_comment.txt", context)
    title = page.title if page else ""
    subject_text = _("Neuer Kommentar zu „%(title)s“") % {"title": title}
    return [(author.pk, one_message_each(subject_text, body, [author.email])[0]) for author in authors]


# --- The daily digest (manage.py send_moderation_digest) ----------------------------------------

DIGEST_LISTED = 20


def waiting_longer_than(hours):
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    return PostComment.objects.held().filter(submit_date__lt=cutoff).order_by("submit_date")


def digest_message(hours, user):
    """The digest for one moderator, or None when nothing they may decide on has waited longer than
    `hours` (a category moderator hears only of the comments on their categories' posts). It lists names
    and texts, never a reader's address."""
    from comments.admin.permissions import CommentPermissionPolicy
    from comments.categories import category_scope

    waiting = waiting_longer_than(hours)
    if category_scope(user) is not None:
        in_reach = CommentPermissionPolicy().instances_user_has_permission_for(user, "change")
        waiting = waiting.filter(pk__in=in_reach.values("pk"))
    count = waiting.count()
    if not count:
        return None
    listed = list(waiting[:DIGEST_LISTED])
    body = render_to_string(
        "comments_admin/email/digest.txt",
        {
            "count": count,
            "hours": hours,
            "comments": listed,
            "more": max(count - DIGEST_LISTED, 0),
            "queue_url": queue_url(),
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    subject_text = ngettext(
        "%(count)d Kommentar wartet seit über %(hours)d Stunden",
        "%(count)d Kommentare warten seit über %(hours)d Stunden",
        count,
    ) % {"count": count, "hours": hours}
    return one_message_each(subject_text, body, [user.email])[0]
