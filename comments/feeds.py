"""Comment feeds (RSS 2.0 and Atom): the newest public comments of the site and of one post.

`/kommentare/feed/` (+ `atom/`) and `/kommentare/beitrag/<post id>/feed/` (+ `atom/`); the post pages and
the site link them with `<link rel="alternate">`. Only what readers see on the posts: public comments
(approved all the way up) on live, public posts. A commenter appears by name only: feeds never carry an
e-mail address (Django's feeds write `<author><email>` only when `item_author_email` says so; ours never
does), nor the commenter's website. Text that reaches XML loses the control characters XML 1.0 forbids
(`core.text.xml_safe`): one comment with a vertical tab would otherwise break the site's feed for everyone.

Each feed is stored in the shared cache with the tags of what it shows (core/cache.py): the post's
comments (`comments:<id>`) and the post itself for one post, every comment change (`comments`) and the
post listings (a post unpublished leaves the site feed) for the site.
"""

from django.contrib.syndication.views import Feed
from django.db.models import CharField, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from wagtail.models import Page

from blog.apps import LISTINGS_TAG
from blog.models import BlogPostPage
from core import compiled
from core.cache import cached, fragment_seconds, page_tag
from core.models import SiteSettings
from core.restrictions import private_q, public, restricted_pages
from core.text import xml_safe

from .cache import ALL_COMMENTS_TAG, comments_tag
from .models import PostComment
from .threads import permalink_path

FEED_ITEMS = 20


def live_posts():
    return public(BlogPostPage.objects.live())


def newest_visible(post=None, limit=FEED_ITEMS):
    """The newest public comments (of one post, or of every live public post), with their posts."""
    comments = PostComment.objects.visible().filter(is_removed=False).order_by("-submit_date", "-pk")
    if post is not None:
        found = list(comments.on_post(post)[:limit])
        for comment in found:
            comment.post = post
        return found
    # One query: the newest comments on live, public posts, each with its post's title and address (all
    # that feeds and the sidebar show of it). object_pk is text: the posts' ids are compared as text.
    posts_as_text = live_posts().annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    of_post = Page.objects.filter(pk=Cast(OuterRef("object_pk"), IntegerField()))
    found = list(
        comments.filter(object_pk__in=posts_as_text).annotate(
            post_title=Subquery(of_post.values("title")[:1]), post_url_path=Subquery(of_post.values("url_path")[:1])
        )[:limit]
    )
    for comment in found:
        pk = int(comment.object_pk)
        data = {"id": pk, "page_ptr_id": pk, "title": comment.post_title, "url_path": comment.post_url_path}
        names = [field.attname for field in BlogPostPage._meta.concrete_fields if field.attname in data]
        comment.post = BlogPostPage.from_db(None, names, [data[name] for name in names])  # in field order
    return found


def newest_names_and_titles(limit):
    """(comment id, commenter's name, post title) of the newest public comments on live, public posts (what
    `newest_visible` finds; no e-mail address, no text): the "Neueste Kommentare" box, from SQL compiled
    once (core.compiled)."""
    if restricted_pages():
        # With a view restriction anywhere (rare): its pages excluded, built as it comes.
        private = private_q(BlogPostPage.objects.all())
        return compiled.run_uncached(_newest_names_and_titles_query(limit, private=private))
    return compiled.run(_newest_names_and_titles_query, (limit,))


def _newest_names_and_titles_query(limit, private=None):
    """`newest_visible(limit=limit)`'s query, only the comment's id and name and the post's title, without the
    `private` pages (core.restrictions.private_q: what `live_posts` leaves out)."""
    posts = BlogPostPage.objects.live()
    if private:
        posts = posts.exclude(private)  # what core.restrictions.public does
    posts_as_text = posts.annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    of_post = Page.objects.filter(pk=Cast(OuterRef("object_pk"), IntegerField()))
    return (
        PostComment.objects.visible()
        .filter(is_removed=False, object_pk__in=posts_as_text)
        .annotate(post_title=Subquery(of_post.values("title")[:1]))
        .order_by("-submit_date", "-pk")
        .values_list("pk", "user_name", "post_title")[:limit]
    )


class CommentsFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, post=None):
        super().__init__()
        self.post = post

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.site_name = SiteSettings.for_request(request).site_name
        return self.post

    def title(self, post):
        if post is None:
            return xml_safe(_("%(site)s – Kommentare") % {"site": self.site_name})
        return xml_safe(_("Kommentare zu „%(title)s“") % {"title": post.title})

    def description(self, post):
        if post is None:
            return _("Die neuesten freigegebenen Kommentare")
        return xml_safe(_("Die neuesten freigegebenen Kommentare zu „%(title)s“") % {"title": post.title})

    def link(self, post):
        if post is None:
            return self.request.build_absolute_uri("/")
        return post.get_full_url(self.request) + "#kommentare"

    def feed_url(self, post):
        return self.request.build_absolute_uri(self.request.path)

    def items(self, post):
        return newest_visible(post)

    def item_title(self, comment):
        return xml_safe(_("%(name)s zu „%(title)s“") % {"name": comment.user_name, "title": comment.post.title})

    def item_description(self, comment):
        return xml_safe(Truncator(comment.comment).chars(2000))

    def item_link(self, comment):
        # The permalink lands on the comment whichever page of threads shows it (comments/threads.py).
        return self.request.build_absolute_uri(permalink_path(comment.pk))

    def item_guid(self, comment):
        # The id feed readers know each comment by since before the permalink: it must not change.
        return f"{comment.post.get_full_url(self.request)}#c{comment.pk}"

    def item_pubdate(self, comment):
        return comment.submit_date.replace(microsecond=0)

    def item_updateddate(self, comment):
        return self.item_pubdate(comment)

    def item_author_name(self, comment):
        return xml_safe(comment.user_name)


class AtomCommentsFeed(CommentsFeed):
    feed_type = Atom1Feed
    subtitle = CommentsFeed.description


def serve(request, feed_class, post=None):
    kind = "atom" if feed_class is AtomCommentsFeed else "rss"
    key = f"comment-feed:{kind}:{post.pk if post else 'site'}:{request.get_host()}"
    tags = [comments_tag(post.pk), page_tag(post)] if post else [ALL_COMMENTS_TAG, LISTINGS_TAG]

    def render():
        response = feed_class(post)(request)
        return {"content": response.content, "content_type": response["Content-Type"]}

    value = cached(key, render, fragment_seconds(), tags=tags)
    return HttpResponse(value["content"], content_type=value["content_type"])


def post_or_404(post_id):
    post = live_posts().filter(pk=post_id).first()
    if post is None:
        raise Http404
    return post


def site_rss(request):
    return serve(request, CommentsFeed)


def site_atom(request):
    return serve(request, AtomCommentsFeed)


def post_rss(request, post_id):
    return serve(request, CommentsFeed, post_or_404(post_id))


def post_atom(request, post_id):
    return serve(request, AtomCommentsFeed, post_or_404(post_id))
