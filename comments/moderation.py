"""The moderation rules (Einstellungen → Kommentare) applied to every new comment on a post.

django-comments-xtd runs its own moderator, `django_comments_xtd.moderation.moderator`: it listens to
`comment_will_be_posted` for xtd's temporary comment objects, which django_comments' `moderator`
never sees. `PostCommentModerator` is registered there for `BlogPostPage` (in `CommentsConfig.ready`).

- `allow()` refuses comments where comments are closed: the post's "Kommentare erlaubt" switch,
  or the post is older than "Kommentare schließen nach so vielen Tagen".
- `moderate()` decides what is held: spam words mark a comment as spam (removed, never public);
  with "Jeden Kommentar zurückhalten" on, everything else is held; otherwise comments with too many
  links or a hold word are held, and with "Bekannte Kommentierende sofort veröffentlichen" only
  authors (same name and e-mail) with an approved comment are published at once.
"""

import datetime

from django_comments_xtd.moderation import XtdCommentModerator, moderator

from django.utils import timezone

from .models import CommentSettings, PostComment
from .utils import contains_any, count_links, word_list


def comment_settings_for(request=None, page=None):
    """The moderation rules of the request's site (or of the page's site)."""
    if request is not None:
        try:
            return CommentSettings.for_request(request)
        except Exception:  # noqa: BLE001, S110 - a request without a matching site falls back to the page
            pass
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


def is_trusted_author(name, email):
    return PostComment.objects.filter(
        user_name=name, user_email__iexact=email, is_public=True, is_removed=False
    ).exists()


class PostCommentModerator(XtdCommentModerator):
    """Applies the site's comment rules; e-mail to moderators is sent elsewhere (comment signals)."""

    email_notification = False

    def allow(self, comment, content_object, request):
        return not comments_closed(content_object, comment_settings_for(request, content_object))

    def moderate(self, comment, content_object, request):
        rules = comment_settings_for(request, content_object)
        texts = (comment.comment, comment.user_name, comment.user_email, comment.user_url)
        if contains_any(word_list(rules.spam_words), *texts):
            comment.is_spam = True
            comment.is_removed = True
            return True
        if rules.hold_all:
            return True
        if rules.max_links and count_links(comment.comment) >= rules.max_links:
            return True
        if contains_any(word_list(rules.hold_words), *texts):
            return True
        if rules.trust_approved_authors:
            return not is_trusted_author(comment.user_name, comment.user_email)
        return False


def register():
    from blog.models import BlogPostPage

    if BlogPostPage not in moderator._registry:
        moderator.register(BlogPostPage, PostCommentModerator)
