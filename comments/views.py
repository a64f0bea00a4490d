"""Posting a comment under a post (`/kommentare/senden/`) and the comment link redirect.

The post view follows django_comments' `post_comment` step by step (look up the post, validate the
form, send `comment_will_be_posted` to the moderator, save, send `comment_was_posted`, on which
django-comments-xtd creates the `PostComment`), but answers every problem itself: the stock view
returns empty English 400 pages, ours shows the post again with the form, what the reader typed
and a German message, with the right status (400 invalid, 403 closed, 409 duplicate, 429 too fast).

Spam defences, in order: honeypot field, minimum time between showing and sending the form (the
signed timestamp), reCAPTCHA when configured, duplicate check (same post, name, e-mail and text),
flood control (one comment per `COMMENTS_FLOOD_SECONDS` per address and per e-mail address, kept
with `cache.add` in the shared cache so every app server sees it), then the moderation rules.

CSRF and cached pages: anonymous readers get post pages from the shared full-page cache, and a
cached page cannot carry a per-reader CSRF token. CSRF protects requests that ride on a victim's
log-in; a request without a session cookie has no log-in to abuse (a forged post could only say
what the forger could post directly), and the form's signed timestamp and hash (django_comments'
anti-spoofing) still tie each post to a form our site rendered for that post. So the view is
CSRF-exempt for requests without a session cookie, and enforces Django's CSRF check whenever the
request carries a session cookie or a logged-in user; pages rendered for such readers (never
cached) contain the token.

A held comment is shown to its author only: the ids of the comments this browser sent are kept
in a signed cookie (`comment_preview`, one hour). Requests with that cookie bypass the full-page
cache, and `CommentPreviewMiddleware` marks their responses private and not storable.
"""

import logging

from django_comments import signals
from django_comments_xtd.models import MaxThreadLevelExceededException

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from blog.models import BlogPostPage

from .forms import PARENT_TOO_DEEP, PostCommentForm
from .models import PostComment
from .moderation import comment_settings_for, comments_closed
from .utils import (
    claim_comment_slot,
    duplicate_lock_key,
    ip_address_to_store,
    remember_preview_comment,
)

logger = logging.getLogger(__name__)

POST_CONTENT_TYPE = "blog.blogpostpage"
DUPLICATE_LOCK_SECONDS = 30

METHOD_NOT_ALLOWED = _("Kommentare werden über das Formular unter einem Beitrag gesendet.")
POST_NOT_FOUND = _(
    "Der Beitrag zu diesem Kommentar wurde nicht gefunden. Dein Text steht unten, damit du ihn kopieren kannst."
)
CSRF_FAILED = _(
    "Deine Sitzung ist abgelaufen oder das Formular ist veraltet. Bitte lade den Beitrag neu und sende den "
    "Kommentar noch einmal; dein Text steht unten."
)
COMMENTS_CLOSED = _("Kommentare sind geschlossen.")
CHECK_FIELDS = _("Dein Kommentar wurde noch nicht gesendet. Bitte prüfe die markierten Felder.")
DUPLICATE = _("Doppelter Kommentar entdeckt; sieht aus, als hättest du das schon gesagt!")
TOO_MANY = _("Du schreibst die Kommentare zu schnell. Bitte etwas langsamer.")
REQUEST_TOO_BIG = _(
    "Das Gesendete ist viel zu groß für einen Kommentar (höchstens 5000 Zeichen). Bitte kürze deinen Text."
)
VISIBLE_FIELDS = ("comment", "name", "email", "url", "remember", "captcha")


def find_post(data):
    """The live, public post the form names; None for anything else (other models, drafts, junk)."""
    if data.get("content_type") != POST_CONTENT_TYPE:
        return None
    object_pk = data.get("object_pk", "")
    if not object_pk.isdigit() or len(object_pk) > 18:
        return None
    return BlogPostPage.objects.live().public().filter(pk=int(object_pk)).first()


def must_check_csrf(request):
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) or request.user.is_authenticated


def never_store(response):
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def render_message_page(request, message, data=None, post=None, status=400):
    """A page of its own for errors where the post cannot be shown: the message and the reader's text."""
    data = data or {}
    response = render(
        request,
        "comments/preview.html",
        {"message": message, "page": post, "comment_text": data.get("comment", ""), "name": data.get("name", "")},
        status=status,
    )
    return never_store(response)


def render_form_again(request, post, form, message, status):
    """The post with the comment form as the reader sent it, errors next to the fields."""
    context = {"comment_form": form, "comment_error": message}
    try:
        response = post.render(request, context_overrides=context)
        response.render()
    except Exception:
        # The post page failed (a template error of ours): the reader still gets the form back.
        logger.exception("Could not render post %s with the comment form; showing the form alone", post.pk)
        response = render(
            request,
            "comments/preview.html",
            {"page": post, "message": message, "comment_text": form.data.get("comment", "")},
        )
    response.status_code = status
    return never_store(response)


def summary_message(form):
    """What to say above the form: problems with hidden fields (the reader cannot see them) or a hint."""
    hidden_errors = [
        str(error) for name, errors in form.errors.items() if name not in VISIBLE_FIELDS for error in errors
    ]
    return " ".join(dict.fromkeys(hidden_errors)) or CHECK_FIELDS


def is_duplicate(post, cleaned_data):
    return PostComment.objects.filter(
        content_type=ContentType.objects.get_for_model(BlogPostPage),
        object_pk=str(post.pk),
        user_name=cleaned_data["name"],
        user_email__iexact=cleaned_data["email"],
        comment=cleaned_data["comment"],
    ).exists()


@csrf_exempt
def post_comment(request):
    if request.method != "POST":
        response = render_message_page(request, METHOD_NOT_ALLOWED, status=405)
        response["Allow"] = "POST"
        return response
    try:
        data = request.POST.copy()
    except (RequestDataTooBig, TooManyFieldsSent):
        return render_message_page(request, REQUEST_TOO_BIG, status=400)
    except (MultiPartParserError, BadRequest, SuspiciousOperation):
        # A multipart body without (a valid) boundary, a broken multipart part: nothing to show back.
        unreadable = _(
            "Das Formular ist nicht lesbar angekommen. Bitte lade den Beitrag neu und sende deinen Kommentar noch einmal."
        )
        return render_message_page(request, unreadable, status=400)
    if must_check_csrf(request):
        csrf_failure = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if csrf_failure is not None:
            return render_message_page(request, CSRF_FAILED, data, status=403)

    post = find_post(data)
    if post is None:
        return render_message_page(request, POST_NOT_FOUND, data, status=400)
    form = PostCommentForm(post, data=data)
    if comments_closed(post, comment_settings_for(request, post)):
        return render_form_again(request, post, form, COMMENTS_CLOSED, status=403)
    if not form.is_valid():
        if form.has_security_error():
            return render_form_again(request, post, form.with_fresh_security_data(), summary_message(form), 400)
        return render_form_again(request, post, form, summary_message(form), status=400)

    cleaned_data = form.cleaned_data
    if is_duplicate(post, cleaned_data):
        return render_form_again(request, post, form, DUPLICATE, status=409)
    if not claim_comment_slot(request, cleaned_data["email"]):
        return render_form_again(request, post, form, TOO_MANY, status=429)
    lock = duplicate_lock_key(post.pk, cleaned_data["name"], cleaned_data["email"], cleaned_data["comment"])
    if cache.add(lock, 1, timeout=DUPLICATE_LOCK_SECONDS) is False:
        return render_form_again(request, post, form, DUPLICATE, status=409)
    try:
        comment = create_comment(request, post, form)
    except CommentRefused:
        return render_form_again(request, post, form, COMMENTS_CLOSED, status=403)
    except MaxThreadLevelExceededException:
        return render_form_again(request, post, form, PARENT_TOO_DEEP, status=400)
    finally:
        cache.delete(lock)

    response = HttpResponseRedirect(f"{post.get_url(request)}?kommentar={comment.pk}#c{comment.pk}")
    response.status_code = 303
    if not comment.is_public:
        remember_preview_comment(request, response, comment.pk)
    return never_store(response)


class CommentRefused(Exception):
    """A `comment_will_be_posted` receiver (the moderator: comments closed) refused the comment."""


def create_comment(request, post, form):
    """django_comments' posting steps: the moderator decides, xtd creates the PostComment."""
    comment = form.get_comment_object(site_id=get_current_site(request).id)
    comment.ip_address = ip_address_to_store(request)
    if request.user.is_authenticated:
        comment.user = request.user
    parent = getattr(form, "parent_comment", None)
    with transaction.atomic():
        if parent is not None:
            # Replies rewrite the order of their thread: one reply per thread at a time.
            list(PostComment.objects.select_for_update().filter(pk=parent.thread_id).values_list("pk"))
        responses = signals.comment_will_be_posted.send(sender=comment.__class__, comment=comment, request=request)
        if any(response is False for _receiver, response in responses):
            raise CommentRefused
        comment.save()
        signals.comment_was_posted.send(sender=comment.__class__, comment=comment, request=request)
        if not comment.xtd_comment:
            # xtd found a comment with the same author and second: a double submission.
            raise CommentRefused
    return comment.xtd_comment


def comment_redirect(request, content_type_id, object_pk):
    """django_comments' `Comment.get_absolute_url()` target: the post's page (only live, public posts)."""
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    if str(content_type_id) != str(content_type.pk) or not str(object_pk).isdigit():
        raise Http404
    post = BlogPostPage.objects.live().public().filter(pk=int(object_pk)).first()
    if post is None:
        raise Http404
    return HttpResponseRedirect(post.get_url(request))
