"""The writer changes their own comment: `/kommentare/bearbeiten/<id>/` (a plain form, no JavaScript needed).

No account: the browser proves it wrote the comment twice over, with the comment's id in its signed
`comment_preview` cookie and with the random token of its `comment_author` cookie, whose HMAC was stored
with the comment (comments/utils.py). On top, the edit window (`COMMENTS_EDIT_MINUTES` after sending)
must be open, the post live and open for comments, and the comment one its writer still sees as theirs
(not in the trash, not deleted; a staff reply never). Only the text changes; it is checked like the text
of a new comment (comments/forms.py) and saved by `lifecycle.edit_own`, which decides whether the comment
waits for a moderator again.

One edit per `COMMENTS_FLOOD_SECONDS` (a second one in that time is answered like flood control of new
comments: a German message, the text kept, status 429).

Every refusal, whatever the reason (an unknown id, another browser, a forged or missing cookie, too late,
a comment in the trash, a closed post), is the same German 404 page, so a guessed id tells nothing. A
refused POST shows the text the reader sent, so nothing they typed is lost.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from blog.models import BlogPostPage
from core.restrictions import public
from core.text import is_number

from . import lifecycle
from .forms import OwnCommentEditForm
from .models import PostComment, Status
from .moderation import comment_settings_for, comments_closed
from .utils import (
    author_token_digest,
    author_token_from,
    edit_window_ends,
    edit_window_open,
    flood_seconds,
    preview_comment_ids,
)
from .views import never_store

CHECK_TEXT = _(
    "Deine Änderung wurde noch nicht gespeichert: bitte korrigiere den Text und speichere dann noch einmal. "
    "Dein Text ist noch da."
)
TOO_SOON = _(
    "Du hast diesen Kommentar gerade erst geändert. Zum Schutz vor Spam wurde diese Änderung noch nicht "
    "gespeichert. Dein Text ist noch da: bitte warte eine Viertelminute und speichere dann noch einmal."
)


class EditRefused(Exception):
    """This browser may not (or no longer) edit this comment; why is never told."""


def own_comment(request, pk):
    """(comment, post, the post's rules) when this browser may edit comment `pk` now; EditRefused otherwise."""
    if pk not in preview_comment_ids(request):
        raise EditRefused
    token = author_token_from(request)
    comment = PostComment.norel_objects.filter(pk=pk).first()
    if comment is None or not token or not comment.author_token:
        raise EditRefused
    if not constant_time_compare(author_token_digest(token), comment.author_token):
        raise EditRefused
    if comment.is_moderator_reply or comment.status not in lifecycle.OWN_EDITABLE_STATUSES:
        raise EditRefused
    if not edit_window_open(comment) or not is_number(comment.object_pk):
        raise EditRefused
    if comment.content_type_id != ContentType.objects.get_for_model(BlogPostPage).pk:
        raise EditRefused
    post = public(BlogPostPage.objects.live()).filter(pk=int(comment.object_pk)).first()
    if post is None:
        raise EditRefused
    rules = comment_settings_for(request, post)
    if comments_closed(post, rules):
        raise EditRefused
    return comment, post, rules


def refused(request, text=""):
    """The one answer to every refusal."""
    return never_store(render(request, "comments/edit_refused.html", {"comment_text": text}, status=404))


def edited_just_now(comment):
    """Like flood control for new comments: one edit per `COMMENTS_FLOOD_SECONDS` (each one is audited,
    rendered and empties the post's cached pages)."""
    seconds = flood_seconds()
    return bool(seconds and comment.edited_at and (timezone.now() - comment.edited_at).total_seconds() < seconds)


def after_edit_notice(comment, rules):
    """What the form says will happen: without naming which rule would hold the new text."""
    if comment.status == Status.APPROVED:
        if rules.recheck_edited:
            return _("Nach dem Speichern wartet dein Kommentar wieder auf Freischaltung durch die Redaktion.")
        return _("Je nach Inhalt wartet dein geänderter Kommentar wieder auf Freischaltung durch die Redaktion.")
    return _("Dein Kommentar wartet weiter auf Freischaltung durch die Redaktion.")


@require_http_methods(["GET", "POST"])
def edit_own_comment(request, pk):
    posted_text = request.POST.get("comment", "") if request.method == "POST" else ""
    try:
        comment, post, rules = own_comment(request, pk)
    except EditRefused:
        return refused(request, posted_text)
    form = OwnCommentEditForm(request.POST if request.method == "POST" else None, initial={"comment": comment.comment})
    message, status = "", 200
    changed = request.method == "POST" and form.is_valid() and form.cleaned_data["comment"] != comment.comment
    if changed and edited_just_now(comment):
        message, status = TOO_SOON, 429
    elif request.method == "POST":
        if form.is_valid():
            text = form.cleaned_data["comment"]
            if text != comment.comment:
                try:
                    lifecycle.edit_own(comment, text, rules)
                except (PostComment.DoesNotExist, lifecycle.TransitionNotAllowed):
                    # Deleted or put in the trash since the checks above.
                    return refused(request, posted_text)
            response = HttpResponseRedirect(f"{post.get_url(request)}?kommentar={comment.pk}#c{comment.pk}")
            response.status_code = 303
            return never_store(response)
        message, status = CHECK_TEXT, 400
    context = {
        "form": form,
        "comment": comment,
        "page": post,
        "message": message,
        "notice": after_edit_notice(comment, rules),
        "editable_until": edit_window_ends(comment),
    }
    return never_store(render(request, "comments/edit.html", context, status=status))
