"""RSS 2.0 and Atom feeds of the posts, for all posts, per category and per tag (Schlagwort).

Served by the routes of BlogIndexPage (`feed/`, `feed/atom/`, `kategorie/<slug>/feed/`,
`schlagwort/<slug>/feed/`, ...).
Authors appear by name only: no e-mail address of anyone is ever put into a feed.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from core.models import SiteSettings
from core.text import xml_safe

FEED_ITEMS = 20


class PostsFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, blog_index, category=None, tag=None):
        super().__init__()
        self.blog_index = blog_index
        self.category = category
        self.tag = tag

    def get_object(self, request, *args, **kwargs):
        # Absolute URLs come from Wagtail's Site, not from django.contrib.sites.
        self.request = request
        self.site_name = SiteSettings.for_request(request).site_name
        return self.category or self.tag

    def title(self, category):
        if category is None:
            return xml_safe(self.site_name)
        return xml_safe(f"{self.site_name} – {category.name}")

    def description(self, category):
        if category is None:
            return _("Die neuesten Beiträge")
        if self.tag is not None:
            return xml_safe(_("Die neuesten Beiträge mit dem Schlagwort %(name)s") % {"name": self.tag.name})
        return xml_safe(
            category.description or _("Die neuesten Beiträge in der Kategorie %(name)s") % {"name": category.name}
        )

    def link(self, category):
        if category is None:
            return self.blog_index.get_full_url(self.request)
        if self.tag is not None:
            return self.blog_index.full_url_for("tag", [self.tag.slug], self.request)
        return self.blog_index.full_url_for("category", [category.slug], self.request)

    def feed_url(self, category):
        return self.request.build_absolute_uri(self.request.path)

    def items(self, category):
        posts = self.blog_index.posts()
        if self.tag is not None:
            posts = self.blog_index.posts().filter(tagged_items__tag=self.tag)
        elif category is not None:
            posts = self.blog_index.posts_in_category(category)
        return posts[:FEED_ITEMS]

    # Titles and intros may carry control characters XML cannot (pasted text, the WordPress import):
    # left out, or the whole feed is a 500.
    def item_title(self, post):
        return xml_safe(post.title)

    def item_description(self, post):
        return xml_safe(post.intro)

    def item_link(self, post):
        return post.get_full_url(self.request)

    def item_guid(self, post):
        return post.get_full_url(self.request)

    def item_pubdate(self, post):
        # The editor's date; the time of day from the first publication when it was that day, else noon
        # (midnight in Berlin would be the day before in UTC, and feed readers would show that day).
        # To the second: Atom would carry the microseconds too.
        published = post.first_published_at
        if published and timezone.localdate(published) == post.date:
            return published.replace(microsecond=0)
        return timezone.make_aware(datetime.datetime.combine(post.date, datetime.time(hour=12)))

    def item_updateddate(self, post):
        if post.last_published_at:
            return post.last_published_at.replace(microsecond=0)
        return self.item_pubdate(post)

    def item_author_name(self, post):
        return xml_safe(", ".join(author.name for author in post.authors)) or None

    def item_categories(self, post):
        return [xml_safe(category.name) for category in post.categories.all()]


class AtomPostsFeed(PostsFeed):
    feed_type = Atom1Feed
    subtitle = PostsFeed.description
