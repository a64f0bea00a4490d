"""What lists of posts need, in few queries whatever their length (issue 17).

- `ListingIterable`: a listing queryset (`blog.models.with_listing_data`) loads, right after its posts,
  the authors and categories of all of them in one query (UNION ALL) and leaves them where
  `post.authors` and `post.categories.all` look (the prefetch cache), instead of one prefetch query each.
- `register_listing_annotation`: other apps add a column to every listing query without the blog
  importing them; the comments app adds `comment_count` (its public comments), so the cards' counts
  come with the posts.
- `WindowCountPaginator`: a page of a listing and the number of all its posts in one query
  (`COUNT(*) OVER ()`), instead of a `COUNT` query before it.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Value, Window
from django.db.models.query import ModelIterable

_annotations = {}


def register_listing_annotation(name, expression):
    """Every listing queryset gets `.annotate(name=expression())` (a callable: built when the listing is)."""
    _annotations[name] = expression


def listing_annotations():
    return {name: expression() for name, expression in _annotations.items()}


def attach_authors_and_categories(posts):
    """Authors (editor's order) and categories (by name) of `posts` from one query, in their prefetch caches.

    The objects carry id, name and slug (the rest deferred): what cards and feeds show."""
    from .models import Author, BlogPostAuthor, BlogPostPage, Category

    posts = [post for post in posts if post.pk is not None]
    if not posts:
        return
    ids = [post.pk for post in posts]
    through = BlogPostPage.categories.through
    categories_query = through.objects.filter(blogpostpage_id__in=ids).values_list(
        Value(0), "blogpostpage_id", "category_id", "category__name", "category__slug", Value(0)
    )
    authors_query = BlogPostAuthor.objects.filter(page_id__in=ids).values_list(
        Value(1), "page_id", "author_id", "author__name", "author__slug", "sort_order"
    )
    fields = ["id", "name", "slug"]
    categories = {pk: [] for pk in ids}
    authors = {pk: [] for pk in ids}
    for kind, post_id, pk, name, slug, sort_order in categories_query.order_by().union(
        authors_query.order_by(), all=True
    ):
        if kind == 0:
            categories[post_id].append(Category.from_db(None, fields, (pk, name, slug)))
        else:
            # from_db takes the values in the model's field order.
            link = BlogPostAuthor.from_db(None, ["sort_order", "page_id", "author_id"], (sort_order, post_id, pk))
            link.author = Author.from_db(None, fields, (pk, name, slug))
            authors[post_id].append(link)
    for post in posts:
        cache = post.__dict__.setdefault("_prefetched_objects_cache", {})
        cache["categories"] = _loaded(
            Category.objects.all(), sorted(categories[post.pk], key=lambda category: (category.name, category.pk))
        )
        cache["post_authors"] = _loaded(
            BlogPostAuthor.objects.all(),
            sorted(authors[post.pk], key=lambda link: (link.sort_order is None, link.sort_order or 0, link.author_id)),
        )


def _loaded(queryset, objects):
    """A queryset that answers with `objects` without asking the database (as Django's prefetch leaves it)."""
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    return queryset


class ListingIterable(ModelIterable):
    """The posts of a listing, then their authors and categories in one query (`attach_authors_and_categories`)."""

    def __iter__(self):
        posts = list(super().__iter__())
        attach_authors_and_categories(posts)
        yield from posts


TOTAL_ANNOTATION = "listing_total"


class WindowCountPaginator(Paginator):
    """Django's paginator for listing querysets, counting with the page's own query (`COUNT(*) OVER ()`).

    `page()` raises what Django's does: PageNotAnInteger, EmptyPage (below 1, or past the last page)."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        if bottom >= 2**62:  # an OFFSET no database takes: past the last page of any listing
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(
            self.object_list.annotate(**{TOTAL_ANNOTATION: Window(Count("pk"))})[bottom : bottom + self.per_page]
        )
        if rows:
            self.__dict__["count"] = getattr(rows[0], TOTAL_ANNOTATION)
        elif number == 1:
            self.__dict__["count"] = 0  # an empty first page is a page (allow_empty_first_page)
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)
