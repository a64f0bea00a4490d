"""Posting a comment under a post (`/kommentare/senden/`), the comment link redirect and the permalink.

The view validates django_comments' form (its signed timestamp and security hash tie every post to a
form the site rendered), lets the posting rules decide the first state (comments/moderation.py) and
hands the comment to the lifecycle (comments/lifecycle.py). It answers every problem itself: the
stock view returns empty English 400 pages, ours shows the post again with the form, what the reader
typed and a German message, with the right status (400 invalid, 403 closed, 409 being saved, 429 too
fast).

Spam defences, in order: honeypot field, minimum time between showing and sending the form (the
signed timestamp), flood control (one comment per `COMMENTS_FLOOD_SECONDS` per client address, kept
with `cache.add` in the shared cache so every app server sees it), the spam challenge (ALTCHA or
reCAPTCHA, comments/captcha.py: without a passed one the comment is held, not refused), then the
posting rules. `/kommentare/altcha/` hands out the ALTCHA challenges.

No answer depends on a stored e-mail address. A repeat of a comment counts as a duplicate only
when it repeats one of the sender's own comments (the ids in their signed preview cookie), and it is
answered exactly like the first one; flood control is keyed on the client address, not on the
typed one. Anything else would let someone who replays a public name and text with a guessed address
learn from the answer whether the guess is right.

CSRF and cached pages: anonymous readers get post pages from the shared full-page cache, and a
cached page cannot carry a per-reader CSRF token. CSRF protects requests that ride on a victim's
log-in; a request without a session cookie has no log-in to abuse (a forged post could only say
what the forger could post directly), and the form's signed timestamp and hash (django_comments'
anti-spoofing) still tie each post to a form our site rendered for that post. So the view is
CSRF-exempt for requests without a session cookie, and enforces Django's CSRF check whenever the
request carries a session cookie or a logged-in user; pages rendered for such readers (never
cached) contain the token.

A held comment is shown to its author only: the ids of the comments this browser sent (held or
published) are kept in a signed cookie (`comment_preview`, one hour), which also lets the writer edit
them for a few minutes (comments/edit_views.py). Requests with that cookie bypass the full-page cache,
and `CommentPreviewMiddleware` marks their responses private and not storable.
"""

import logging

from django_comments_xtd.models import MaxThreadLevelExceededException

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db.models import F
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from blog.models import BlogPostPage
from core.middleware import PAGE_QUERY_PARAMETER
from core.restrictions import public
from core.text import is_number

from . import captcha, lifecycle, threads
from .forms import FORM_EXPIRED, PARENT_INVALID, PARENT_TOO_DEEP, PostCommentForm
from .models import PostComment
from .moderation import comment_settings_for, comments_closed, decide, schedule_closed_note
from .utils import (
    author_token_digest,
    author_token_from,
    claim_comment_slot,
    double_submit_lock_key,
    ip_address_to_store,
    new_author_token,
    preview_comment_ids,
    remember_author_token,
    remember_preview_comment,
)

logger = logging.getLogger(__name__)

POST_CONTENT_TYPE = "blog.blogpostpage"
DOUBLE_SUBMIT_LOCK_SECONDS = 30

# What the reader is told when a comment is not taken: what happened, what to do next, and (whenever
# it is true) that the text is still there. The form's answer opens at this message (#kommentieren).
METHOD_NOT_ALLOWED = _(
    "Kommentare werden über das Formular unter einem Beitrag gesendet. Öffne dazu den Beitrag und schreibe "
    "deinen Kommentar unten ins Formular. Hast du gerade einen geschrieben, geh im Browser zurück: dort ist "
    "dein Text meist noch da."
)
POST_NOT_FOUND = _(
    "Der Beitrag zu diesem Kommentar wurde nicht gefunden, vielleicht ist er nicht mehr öffentlich. Dein "
    "Kommentar wurde deshalb nicht gespeichert. Dein Text steht unten, damit du ihn kopieren kannst."
)
CSRF_FAILED = _(
    "Deine Sitzung ist abgelaufen oder das Formular ist veraltet, deshalb wurde dein Kommentar nicht "
    "gespeichert. Dein Text steht unten: kopiere ihn, öffne den Beitrag neu und sende den Kommentar dort "
    "noch einmal."
)
COMMENTS_CLOSED = _(
    "Die Kommentare zu diesem Beitrag sind geschlossen, deshalb wurde dein Kommentar nicht gespeichert. "
    "Dein Text steht unten, damit du ihn kopieren kannst."
)
# A closed time window: "Die Kommentare sind von 22:00 bis 6:00 Uhr geschlossen." and what happened.
CLOSED_BY_SCHEDULE = _(
    "%(note)s Dein Kommentar wurde deshalb nicht gespeichert. Dein Text steht unten, damit du ihn kopieren kannst."
)
CHECK_FIELDS = _(
    "Dein Kommentar wurde noch nicht gespeichert: bitte korrigiere die markierten Angaben und sende ihn "
    "dann noch einmal. Dein Text ist noch da."
)
BEING_SAVED = _(
    "Dieser Kommentar wird gerade schon gespeichert. Er ist zweimal angekommen, vielleicht durch einen "
    "Doppelklick; du musst ihn nicht noch einmal senden. Dein Text ist hier unten noch da, falls du ihn "
    "kopieren möchtest."
)
TOO_MANY = _(
    "Von deinem Anschluss kam gerade schon ein Kommentar. Zum Schutz vor Spam wurde dieser deshalb noch "
    "nicht gespeichert. Dein Text ist noch da: bitte warte eine Viertelminute und sende ihn dann noch einmal."
)
REQUEST_TOO_BIG = _(
    "Das Gesendete ist viel zu groß für einen Kommentar (höchstens 5000 Zeichen), deshalb wurde dein "
    "Kommentar nicht gespeichert und kann hier nicht angezeigt werden. Geh im Browser zurück: dort ist dein "
    "Text meist noch da. Kürze ihn und sende ihn dann noch einmal."
)
VISIBLE_FIELDS = ("comment", "name", "email", "url", "remember", "notify_replies")


def find_post(data):
    """The live, public post the form names; None for anything else (other models, drafts, junk)."""
    if data.get("content_type") != POST_CONTENT_TYPE:
        return None
    object_pk = data.get("object_pk", "")
    if not is_number(object_pk):
        return None
    return public(BlogPostPage.objects.live()).filter(pk=int(object_pk)).first()


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
    """What to say above the form: problems with hidden fields (the reader cannot see them) or a hint.

    Any problem with the anti-spoofing fields is the expired-form message: Django's own texts for
    them ("Dieses Feld ist zwingend erforderlich.") would name a field the reader never saw."""
    if form.has_security_error():
        return FORM_EXPIRED
    hidden_errors = [
        str(error) for name, errors in form.errors.items() if name not in VISIBLE_FIELDS for error in errors
    ]
    return " ".join(dict.fromkeys(hidden_errors)) or CHECK_FIELDS


def own_duplicate(request, post, cleaned_data):
    """The comment this browser already sent to this post with the same text, name, address and parent.

    Only the sender's own comments count (the ids in their signed preview cookie): a check against
    everything stored would tell anyone who replays a public name and text whether a guessed e-mail
    address is the one the commenter used."""
    own_ids = preview_comment_ids(request)
    if not own_ids:
        return None
    reply_to = cleaned_data.get("reply_to") or 0
    repeats = PostComment.norel_objects.filter(
        pk__in=own_ids,
        object_pk=str(post.pk),
        comment=cleaned_data["comment"],
        user_name=cleaned_data["name"],
        user_email=cleaned_data["email"],
    )
    # xtd stores a top-level comment as its own parent.
    repeats = repeats.filter(parent_id=reply_to) if reply_to else repeats.filter(parent_id=F("pk"))
    return repeats.only("pk").first()


def accepted_response(request, post, comment):
    """The answer to every accepted comment (and to a repeat of one): to the comment on the post."""
    response = HttpResponseRedirect(f"{post.get_url(request)}?kommentar={comment.pk}#c{comment.pk}")
    response.status_code = 303
    return never_store(response)


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
    rules = comment_settings_for(request, post)
    if comments_closed(post, rules):
        return render_form_again(request, post, form, COMMENTS_CLOSED, status=403)
    schedule = rules.schedule_state()
    if schedule.is_closed:
        message = CLOSED_BY_SCHEDULE % {"note": schedule_closed_note(schedule)}
        return render_form_again(request, post, form, message, status=403)
    if not form.is_valid():
        if form.has_security_error():
            return render_form_again(request, post, form.with_fresh_security_data(), summary_message(form), 400)
        return render_form_again(request, post, form, summary_message(form), status=400)

    cleaned_data = form.cleaned_data
    repeated = own_duplicate(request, post, cleaned_data)
    if repeated is not None:
        # Sent twice (a reload, a double click): answered exactly like the first time.
        return accepted_response(request, post, repeated)
    # The same text from the same address while the first copy is being saved, or just after (a double
    # click whose first answer the browser dropped): "it arrived", not "too fast, send it again". The lock
    # comes before flood control for that reason, and stays for a while after a successful save.
    lock = double_submit_lock_key(request, post.pk, cleaned_data["comment"])
    if cache.add(lock, 1, timeout=DOUBLE_SUBMIT_LOCK_SECONDS) is False:
        return render_form_again(request, post, form, BEING_SAVED, status=409)
    if not claim_comment_slot(request):
        cache.delete(lock)
        return render_form_again(request, post, form, TOO_MANY, status=429)
    token = author_token_from(request) or new_author_token()
    try:
        # After every refusal: a refused form neither uses up its solution nor asks Google.
        verified = captcha.passed(data)
        comment = create_comment(request, post, form, rules, token, verified=verified)
    except MaxThreadLevelExceededException:
        cache.delete(lock)
        return render_form_again(request, post, form, PARENT_TOO_DEEP, status=400)
    except PostComment.DoesNotExist:
        # The comment it answers was deleted after the form was checked.
        cache.delete(lock)
        return render_form_again(request, post, form, PARENT_INVALID, status=400)
    except Exception:
        cache.delete(lock)
        raise

    response = accepted_response(request, post, comment)
    remember_author_token(request, response, token, remember=bool(cleaned_data.get("remember")))
    # Held or published: the writer sees their held comment, and may edit either for a while
    # (comments/edit_views.py).
    remember_preview_comment(request, response, comment.pk)
    return response


def create_comment(request, post, form, rules, token, verified=True):
    """The posting rules decide the comment's first state; the lifecycle stores it."""
    cleaned_data = form.cleaned_data
    digest = author_token_digest(token)
    ip_address = ip_address_to_store(request)
    status, reasons = decide(
        rules,
        name=cleaned_data["name"],
        email=cleaned_data["email"],
        url=cleaned_data["url"],
        text=cleaned_data["comment"],
        author_token=digest,
        ip_address=ip_address,
        post=post,
        verified=verified,
    )
    return lifecycle.submit(
        post=post,
        parent=getattr(form, "parent_comment", None),
        name=cleaned_data["name"],
        email=cleaned_data["email"],
        url=cleaned_data["url"],
        text=cleaned_data["comment"],
        site_id=get_current_site(request).id,
        ip_address=ip_address,
        user=request.user,
        author_token=digest,
        status=status,
        reasons=reasons,
        subscribe=bool(cleaned_data.get("notify_replies")),
    )


@never_cache
def altcha_challenge(request):
    """A fresh ALTCHA challenge as JSON for altcha.js (GET/HEAD). Stateless: nothing is stored, no cookie
    set, no query run, so fetching many costs the site nothing; never cached, each reader gets their own."""
    if captcha.mode() != captcha.ALTCHA:
        raise Http404
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"error": "Nur mit GET abrufbar."}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    response = JsonResponse(captcha.new_challenge())
    response["X-Robots-Tag"] = "noindex"
    return response


def comment_redirect(request, content_type_id, object_pk):
    """django_comments' `Comment.get_absolute_url()` target: the post's page (only live, public posts)."""
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    if str(content_type_id) != str(content_type.pk) or not is_number(object_pk):
        raise Http404
    post = public(BlogPostPage.objects.live()).filter(pk=int(object_pk)).first()
    if post is None:
        raise Http404
    return HttpResponseRedirect(post.get_url(request))


def permalink(request, pk):
    """`/kommentare/<id>/`, a comment's permanent address: to the post, on the page of threads that shows
    it (`?seite=`, default order), at the comment (`#c<id>`). A held, spam or deleted comment, an unknown
    number and a comment on a post readers cannot see all get the same 404: the answer tells nothing
    about comments readers do not see."""
    comment = (
        PostComment.norel_objects.filter(
            pk=pk, is_public=True, content_type=ContentType.objects.get_for_model(BlogPostPage)
        )
        .only("pk", "thread_id", "object_pk", "content_type_id")
        .first()
    )
    post = None
    if comment is not None and is_number(comment.object_pk):
        post = public(BlogPostPage.objects.live()).filter(pk=int(comment.object_pk)).first()
    if post is None:
        raise Http404(_("Diese Seite gibt es nicht."))
    number = threads.page_of_public_comment(comment)
    query = f"?{PAGE_QUERY_PARAMETER}={number}" if number > 1 else ""
    return HttpResponseRedirect(f"{post.get_url(request)}{query}#c{comment.pk}")
